"""HTML pages of the one-stop desk: online submission, "my dossiers", the back office, lookup.

Views are thin: they parse a form, call one selector or service, and render. Every dossier is
fetched through :func:`selectors.dossier_get_for`, so a dossier the user may not see is a 404
whether it exists or not. Service errors (:class:`ApplicationError`) become form errors or
messages in Vietnamese, never a 500.

``citizen`` holds the applicant's pages, ``backoffice`` the officers' (/mot-cua/), ``public`` the
lookup, and ``common`` what they share (the dossier page, workflow actions, files, printed forms).
"""

from congso.dossiers.views.backoffice import (
    backoffice_dossier,
    backoffice_home,
    backoffice_queue,
    backoffice_reconcile,
    backoffice_register,
    backoffice_search,
    walkin_form,
    walkin_picker,
)
from congso.dossiers.views.citizen import (
    dossier_detail,
    dossier_feedback,
    dossier_payment,
    edit_draft,
    my_dossiers,
    procedure_picker,
    submit_application,
)
from congso.dossiers.views.common import attachment_download, dossier_action, print_form
from congso.dossiers.views.public import lookup

__all__ = [
    "attachment_download",
    "backoffice_dossier",
    "backoffice_home",
    "backoffice_queue",
    "backoffice_reconcile",
    "backoffice_register",
    "backoffice_search",
    "dossier_action",
    "dossier_detail",
    "dossier_feedback",
    "dossier_payment",
    "edit_draft",
    "lookup",
    "my_dossiers",
    "print_form",
    "procedure_picker",
    "submit_application",
    "walkin_form",
    "walkin_picker",
]
