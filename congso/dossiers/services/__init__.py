"""Dossier use cases: one function per action, keyword-only, ``actor`` first.

Every transition locks the dossier row (``select_for_update``), checks the actor's role and the
state with :func:`congso.dossiers.workflow.check`, writes a :class:`DossierStep` and an audit event
in the same transaction, and notifies the applicant after commit. A denied action raises
PermissionDeniedError (403) or ConflictError (409) before anything is written.

Each service accepts ``now=`` so that the demo history and the tests can replay the past; it
defaults to the current time.

The package is split by sub-domain (base, intake, attachments, transitions, payments,
feedback); everything is importable from ``congso.dossiers.services``.
"""

from __future__ import annotations

import inspect
from typing import Any

from congso.core.exceptions import ApplicationError
from congso.dossiers.constants import Action
from congso.dossiers.models import Dossier
from congso.dossiers.services.attachments import dossier_attach, sniff_content_type
from congso.dossiers.services.base import DECREE_118_FROM, bulk_mode, notifications_muted
from congso.dossiers.services.feedback import feedback_answer, feedback_create
from congso.dossiers.services.intake import (
    dossier_code,
    dossier_create,
    dossier_update_draft,
    validate_form_data,
)
from congso.dossiers.services.payments import payment_create, payment_reconcile
from congso.dossiers.services.transitions import (
    dossier_approve,
    dossier_forward,
    dossier_issue_apology,
    dossier_mark_paid,
    dossier_rate,
    dossier_rate_by_lookup,
    dossier_receive,
    dossier_record_view,
    dossier_reject,
    dossier_request_supplement,
    dossier_return_result,
    dossier_send_back,
    dossier_start,
    dossier_submit,
    dossier_supplement,
    dossier_withdraw,
    dossiers_flag_late,
)

__all__ = [
    "DECREE_118_FROM",
    "bulk_mode",
    "dossier_approve",
    "dossier_attach",
    "dossier_code",
    "dossier_create",
    "dossier_forward",
    "dossier_issue_apology",
    "dossier_mark_paid",
    "dossier_perform",
    "dossier_rate",
    "dossier_rate_by_lookup",
    "dossier_receive",
    "dossier_record_view",
    "dossier_reject",
    "dossier_request_supplement",
    "dossier_return_result",
    "dossier_send_back",
    "dossier_start",
    "dossier_submit",
    "dossier_supplement",
    "dossier_update_draft",
    "dossier_withdraw",
    "dossiers_flag_late",
    "feedback_answer",
    "feedback_create",
    "notifications_muted",
    "payment_create",
    "payment_reconcile",
    "sniff_content_type",
    "validate_form_data",
]
# ---------------------------------------------------------------- dispatch by name
_SERVICES: dict[str, Any] = {
    Action.SUBMIT: dossier_submit,
    Action.RECEIVE: dossier_receive,
    Action.START: dossier_start,
    Action.REQUEST_SUPPLEMENT: dossier_request_supplement,
    Action.SUPPLEMENT: dossier_supplement,
    Action.REJECT: dossier_reject,
    Action.FORWARD: dossier_forward,
    Action.SEND_BACK: dossier_send_back,
    Action.APPROVE: dossier_approve,
    Action.RETURN_RESULT: dossier_return_result,
    Action.WITHDRAW: dossier_withdraw,
    Action.ISSUE_APOLOGY: dossier_issue_apology,
    Action.MARK_PAID: dossier_mark_paid,
    Action.RATE: dossier_rate,
}


def dossier_perform(*, actor: Any, dossier: Dossier, action: str, **params: Any) -> Any:
    """Run the service of ``action`` with the parameters it accepts (others are ignored).

    ``note`` is mapped to ``reason`` for actions that take a reason (reject, withdraw,
    apology) when no reason is given.
    """
    service = _SERVICES.get(action)
    if service is None:
        raise ApplicationError(
            "Thao tác không tồn tại: %s." % action,
            {"allowed": sorted(_SERVICES)},
        )
    signature = inspect.signature(service).parameters
    accepted = set(signature) - {"actor", "dossier"}
    if "reason" in accepted and not params.get("reason") and params.get("note"):
        params["reason"] = params["note"]
    kwargs = {k: v for k, v in params.items() if k in accepted}
    # A missing required value is passed as empty: the service checks the role and the state
    # first (403/409) and then reports the missing value as a validation error (400).
    for name in accepted - set(kwargs):
        if signature[name].default is inspect.Parameter.empty:
            kwargs[name] = [] if name == "items" else None if name in _NULLABLE else ""
    return service(actor=actor, dossier=dossier, **kwargs)


_NULLABLE = {"new_due_at", "score"}
