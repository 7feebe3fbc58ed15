"""``Dossier.working_hours_used``: set once at the decision (approve or reject) from the receipt,
the decision and the time paused for supplement, in the handling agency's office hours; the
migration backfills it for dossiers decided before it existed."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

from django.apps import apps
from django.db import connection

import pytest

from congso.agencies.models import Agency
from congso.core import workdays
from congso.dossiers import services
from congso.dossiers.constants import Status
from congso.dossiers.models import Dossier
from congso.dossiers.tests.conftest import at

pytestmark = pytest.mark.django_db


def _expected(dossier: Dossier) -> float:
    assert dossier.received_at is not None and dossier.finished_at is not None
    spec = dossier.agency.office_hours or None
    return (
        workdays.working_hours_between(dossier.received_at, dossier.finished_at, spec=spec)
        - dossier.paused_hours
    )


def test_approval_stores_the_working_hours_used(make_dossier):
    # Received Monday 02/03 08:30, approved 11:00: 2.5 office hours.
    dossier = make_dossier("approved", when=at("2026-03-02", "08:00"))
    assert dossier.working_hours_used == pytest.approx(2.5)
    stored = Dossier.objects.get(pk=dossier.pk)
    assert stored.working_hours_used == pytest.approx(2.5)
    returned = make_dossier("returned", when=at("2026-03-02", "08:00"))
    # Handing the result over does not move the decision or the stored hours.
    assert Dossier.objects.get(pk=returned.pk).working_hours_used == pytest.approx(2.5)


def test_undecided_and_withdrawn_dossiers_have_no_working_hours(make_dossier, demo_people):
    assert make_dossier("in_progress").working_hours_used is None
    dossier = make_dossier("received")
    dossier = services.dossier_withdraw(
        actor=demo_people["congdan"], dossier=dossier, reason="Không còn nhu cầu"
    )
    assert dossier.status == Status.WITHDRAWN
    assert Dossier.objects.get(pk=dossier.pk).working_hours_used is None


def test_time_waiting_for_supplement_is_not_used_time(make_dossier, demo_people):
    dossier = make_dossier("in_progress", when=at("2026-03-02", "08:00"))
    dossier = services.dossier_request_supplement(
        actor=demo_people["chuyenvien"],
        dossier=dossier,
        items=["Bản sao giấy chứng nhận kết hôn"],
        now=at("2026-03-03", "09:00"),
    )
    dossier = services.dossier_supplement(
        actor=demo_people["congdan"], dossier=dossier, now=at("2026-03-05", "09:00")
    )
    dossier = services.dossier_forward(
        actor=demo_people["chuyenvien"], dossier=dossier, now=at("2026-03-05", "10:00")
    )
    dossier = services.dossier_approve(
        actor=demo_people["lanhdao"], dossier=dossier, now=at("2026-03-06", "10:00")
    )
    # 02/03 08:30 → 06/03 10:00 is 7 + 3 × 8.5 + 3 = 35.5 h; paused 03/03 09:00 → 05/03 09:00.
    assert dossier.paused_hours == pytest.approx(17.0)
    assert dossier.working_hours_used == pytest.approx(35.5 - 17.0)
    assert dossier.working_hours_used == pytest.approx(_expected(dossier))


def test_rejection_stores_the_working_hours_used(make_dossier, demo_people):
    dossier = make_dossier("in_progress", when=at("2026-03-02", "08:00"))
    dossier = services.dossier_request_supplement(
        actor=demo_people["chuyenvien"],
        dossier=dossier,
        items=["Giấy chứng sinh bản chính"],
        now=at("2026-03-03", "09:00"),
    )
    dossier = services.dossier_supplement(
        actor=demo_people["congdan"], dossier=dossier, now=at("2026-03-05", "09:00")
    )
    dossier = services.dossier_reject(
        actor=demo_people["chuyenvien"],
        dossier=dossier,
        reason="Giấy chứng sinh bổ sung không phải bản chính theo quy định",
        now=at("2026-03-05", "10:00"),
    )
    assert dossier.status == Status.REJECTED
    # Used: 02/03 08:30 → 03/03 09:00 = 7 + 2 h, then 05/03 09:00 → 10:00 = 1 h.
    assert dossier.working_hours_used == pytest.approx(10.0)
    assert Dossier.objects.get(pk=dossier.pk).working_hours_used == pytest.approx(10.0)


def test_the_agencys_own_office_hours_count(make_dossier):
    Agency.objects.filter(slug="phuong-vi-thanh").update(office_hours="07:30-11:30,13:30-17:00")
    dossier = make_dossier("approved", when=at("2026-03-02", "13:00"))
    # Received 13:30, approved 16:00: inside the afternoon interval with either hours.
    assert dossier.working_hours_used == pytest.approx(2.5)
    dossier = make_dossier("approved", when=at("2026-03-02", "07:00"))
    # Received 07:30 (opening), approved 10:00: 2.5 h with these hours (3 h with 07:00 opening).
    assert dossier.working_hours_used == pytest.approx(2.5)
    assert dossier.working_hours_used == pytest.approx(_expected(dossier))


def test_migration_backfills_decided_dossiers(make_dossier, demo_people):
    approved = make_dossier("approved", when=at("2026-03-02", "08:00"))
    returned = make_dossier("returned", when=at("2026-03-04", "14:00"))
    open_ = make_dossier("in_progress")
    values = {d.pk: d.working_hours_used for d in (approved, returned)}
    Dossier.objects.update(working_hours_used=None)
    migration = importlib.import_module("congso.dossiers.migrations.0002_working_hours_used")
    migration.backfill(apps, SimpleNamespace(connection=connection))
    for pk, value in values.items():
        assert value is not None
        assert Dossier.objects.get(pk=pk).working_hours_used == pytest.approx(value)
    assert Dossier.objects.get(pk=open_.pk).working_hours_used is None
