"""Races on PostgreSQL: two receptionists receiving one dossier, codes allocated in parallel."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection, connections

import pytest

from congso.agencies.models import Agency, Membership, Role
from congso.core.exceptions import ConflictError
from congso.dossiers import services
from congso.dossiers.models import Dossier, DossierStep
from congso.dossiers.tests.conftest import FORM

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises writers (BEGIN IMMEDIATE); row locks need PostgreSQL",
    ),
]


def _race(workers: list[Callable[[], Any]]) -> list[Any]:
    """Run ``workers`` at the same moment in threads; return each result or exception."""
    barrier = threading.Barrier(len(workers))
    results: list[Any] = [None] * len(workers)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = workers[index]()
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(workers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def _second_receptionist() -> Any:
    from congso.accounts.models import User

    user = User.objects.create(username="motcua2", full_name="Trần Văn Bảy", kind="officer")
    Membership.objects.create(
        user=user, agency=Agency.objects.get(slug="phuong-vi-thanh"), role=Role.RECEPTIONIST
    )
    return user


@pytest.mark.django_db(transaction=True)
def test_concurrent_receive_exactly_one_succeeds(demo_people, procs):
    first, second = demo_people["motcua"], _second_receptionist()
    dossier = services.dossier_create(
        actor=first,
        procedure=procs["days"],
        applicant={"name": "Lý Thị Cúc", "phone": "0913000111"},
        form_data=FORM,
    )
    results = _race(
        [
            lambda: services.dossier_receive(actor=first, dossier=dossier),
            lambda: services.dossier_receive(actor=second, dossier=dossier),
        ]
    )
    successes = [r for r in results if isinstance(r, Dossier)]
    conflicts = [r for r in results if isinstance(r, ConflictError)]
    assert len(successes) == 1 and len(conflicts) == 1, results
    assert DossierStep.objects.filter(dossier=dossier, action="receive").count() == 1
    stored = Dossier.objects.get(pk=dossier.pk)
    assert stored.status == "received"
    assert stored.received_by_id == successes[0].received_by_id


@pytest.mark.django_db(transaction=True)
def test_codes_stay_unique_under_concurrency(demo_people, procs):
    receptionist = demo_people["motcua"]

    def create(index: int) -> Callable[[], Dossier]:
        return lambda: services.dossier_create(
            actor=receptionist,
            procedure=procs["days"],
            applicant={"name": "Người nộp %d" % index, "phone": "09130001%02d" % index},
            form_data=FORM,
        )

    results = _race([create(i) for i in range(8)])
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    codes = sorted(r.code for r in results)
    assert len(set(codes)) == 8
    assert sorted(int(code.rsplit("-", 1)[1]) for code in codes) == list(range(1, 9))
