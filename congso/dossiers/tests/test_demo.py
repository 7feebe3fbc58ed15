"""The demo history: made by the services, varied, idempotent."""

from __future__ import annotations

import pytest

from congso.core.models import AuditEvent
from congso.dossiers import demo
from congso.dossiers.models import Dossier, DossierStep

pytestmark = pytest.mark.django_db


def test_demo_history_is_varied_consistent_and_idempotent(procs, demo_people):
    demo.load(size=120)
    total = Dossier.objects.count()
    assert total >= 120
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert {"returned", "in_progress", "submitted", "awaiting_approval"} <= statuses
    assert Dossier.objects.filter(
        receiving_agency__slug="ttpvhcc", agency__slug="so-xay-dung"
    ).exists()
    # Every action left a timeline step and an audit event, as real use would.
    steps = DossierStep.objects.count()
    audited = (
        AuditEvent.objects.filter(object_type="dossiers.dossier", action__startswith="dossier.")
        .exclude(action="dossier.attach")
        .exclude(action="dossier.flag_late")
    )
    assert audited.count() == steps
    assert not Dossier.objects.filter(steps__isnull=True).exists()
    # The demo accounts have work in each of their queues.
    from congso.dossiers import selectors

    assert selectors.queue(demo_people["motcua"], "to_receive").exists()
    assert selectors.queue(demo_people["chuyenvien"], "to_process").exists()
    assert selectors.queue(demo_people["lanhdao"], "to_approve").exists()
    assert selectors.queue(demo_people["motcua"], "to_return").exists()
    assert Dossier.objects.filter(applicant=demo_people["congdan"]).exists()
    demo.load(size=120)
    assert Dossier.objects.count() == total
