"""Fixtures of the dashboard tests: a hand-made month of dossiers with exact timestamps.

Rows are written directly (not through the dossier services) so that every timestamp, deadline
and flag is exactly the one the hand computation in test_kpis.py uses.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from congso.agencies.models import Agency
from congso.catalog.models import Field, Procedure
from congso.dossiers.constants import Channel, PaymentMethod, Status
from congso.dossiers.models import Dossier, Rating

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache: SQLite reuses ids after a rollback, so the
    ``Max(id)`` part of the KPI cache key can repeat between tests."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """The demo accounts' Argon2 hashing costs ~2 s per test; these tests never log in by password."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def at(day: str, time: str = "09:00") -> dt.datetime:
    """An aware local moment from "2026-03-02" and "09:00"."""
    return dt.datetime.fromisoformat("%sT%s" % (day, time)).replace(tzinfo=TZ)


def make_procedure(code: str, online_level: str) -> Procedure:
    field, _ = Field.objects.get_or_create(
        slug="kiem-thu-dh", defaults={"name": "Kiểm thử điều hành"}
    )
    procedure, _ = Procedure.objects.update_or_create(
        code=code,
        defaults={
            "name": "Thủ tục %s" % code,
            "field": field,
            "level": Procedure.Level.COMMUNE,
            "competent_agency": "UBND cấp xã",
            "processing_time_value": 3,
            "result": "Giấy xác nhận",
            "legal_basis": ["Luật Hộ tịch 2014"],
            "online_level": online_level,
        },
    )
    return procedure


_counter = {"n": 0}


def make_dossier(**fields: Any) -> Dossier:
    """A dossier row with exactly ``fields`` (code and applicant filled in)."""
    _counter["n"] += 1
    agency = fields.pop("agency")
    values: dict[str, Any] = {
        "code": "TEST-%05d" % _counter["n"],
        "agency": agency,
        "receiving_agency": agency,
        "applicant_name": "Nguyễn Văn Thử",
        "created_at": fields.get("received_at") or at("2026-03-01"),
    }
    values.update(fields)
    return Dossier.objects.create(**values)


@pytest.fixture
def kpi_world(demo_people: dict[str, Any]) -> dict[str, Any]:
    """March 2026 at phường Vị Thanh (plus one dossier of Sở Tư pháp); see test_kpis.py."""
    commune = Agency.objects.get(slug="phuong-vi-thanh")
    dept = Agency.objects.get(slug="so-tu-phap")
    full = make_procedure("DH-FULL", Procedure.OnlineLevel.FULL)
    part = make_procedure("DH-PART", Procedure.OnlineLevel.PARTIAL)
    d: dict[str, Dossier] = {}
    d["D1"] = make_dossier(
        agency=commune,
        procedure=full,
        channel=Channel.ONLINE,
        status=Status.APPROVED,
        received_at=at("2026-03-02", "09:00"),
        due_at=at("2026-03-05", "17:00"),
        finished_at=at("2026-03-04", "10:00"),
        fee_amount=50000,
        paid_at=at("2026-03-02"),
        payment_method=PaymentMethod.ONLINE,
        result_digitised=True,
    )
    d["D2"] = make_dossier(
        agency=commune,
        procedure=full,
        channel=Channel.COUNTER,
        status=Status.RETURNED,
        received_at=at("2026-03-02", "14:00"),
        due_at=at("2026-03-04", "17:00"),
        finished_at=at("2026-03-06", "09:00"),
        returned_at=at("2026-03-06", "10:00"),
        fee_amount=50000,
        paid_at=at("2026-03-02", "14:00"),
        payment_method=PaymentMethod.COUNTER,
    )
    d["D3"] = make_dossier(
        agency=commune,
        procedure=part,
        channel=Channel.ONLINE,
        status=Status.REJECTED,
        received_at=at("2026-03-03", "08:00"),
        due_at=at("2026-03-10", "17:00"),
        finished_at=at("2026-03-09", "16:00"),
        supplement_count=1,
    )
    d["D4"] = make_dossier(
        agency=commune,
        procedure=full,
        channel=Channel.ONLINE,
        status=Status.APPROVED,
        received_at=at("2026-03-04", "10:00"),
        due_at=at("2026-03-20", "17:00"),
        finished_at=at("2026-03-12", "11:00"),
        supplement_count=2,
        paused_hours=8.0,
        result_digitised=True,
    )
    d["D5"] = make_dossier(
        agency=commune,
        procedure=part,
        channel=Channel.COUNTER,
        status=Status.IN_PROGRESS,
        received_at=at("2026-03-10", "09:00"),
        due_at=at("2026-03-13", "17:00"),
    )
    d["D6"] = make_dossier(
        agency=commune,
        procedure=full,
        channel=Channel.ONLINE,
        status=Status.IN_PROGRESS,
        received_at=at("2026-03-25", "09:00"),
        due_at=at("2026-04-10", "17:00"),
        fee_amount=20000,
    )
    d["D7"] = make_dossier(
        agency=commune,
        procedure=part,
        channel=Channel.ONLINE,
        status=Status.APPROVED,
        received_at=at("2026-02-26", "10:00"),
        due_at=at("2026-02-27", "17:00"),
        finished_at=at("2026-03-03", "10:00"),
    )
    d["D8"] = make_dossier(
        agency=commune,
        procedure=full,
        channel=Channel.ONLINE,
        status=Status.WITHDRAWN,
        received_at=at("2026-03-05", "09:00"),
        due_at=at("2026-03-10", "17:00"),
        withdrawn_at=at("2026-03-06", "09:00"),
    )
    d["D9"] = make_dossier(
        agency=dept,
        procedure=part,
        channel=Channel.COUNTER,
        status=Status.APPROVED,
        received_at=at("2026-03-02", "09:00"),
        due_at=at("2026-03-05", "17:00"),
        finished_at=at("2026-03-03", "09:00"),
    )
    d["D10"] = make_dossier(
        agency=commune,
        procedure=part,
        channel=Channel.COUNTER,
        status=Status.APPROVED,
        received_at=at("2026-03-30", "09:00"),
        due_at=at("2026-04-03", "17:00"),
        finished_at=at("2026-04-02", "09:00"),
    )
    d["D11"] = make_dossier(agency=commune, procedure=full, status=Status.DRAFT)
    Rating.objects.create(dossier=d["D1"], score=5, rated_at=at("2026-03-05"))
    Rating.objects.create(dossier=d["D2"], score=2, rated_at=at("2026-03-06", "11:00"))
    return {"commune": commune, "dept": dept, "dossiers": d}
