"""Fixtures of the dossier tests: procedures built for the tests and dossiers built through the
real services (never by writing rows directly)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from congso.agencies.models import Agency, Membership, Role
from congso.catalog.models import Fee, Field, Procedure, RequiredDocument
from congso.dossiers import services
from congso.dossiers.models import Dossier

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def at(day: str, time: str = "09:00") -> dt.datetime:
    """An aware moment in Asia/Ho_Chi_Minh from "2026-02-13" and "09:00"."""
    return dt.datetime.fromisoformat("%sT%s" % (day, time)).replace(tzinfo=TZ)


def pdf_upload(name: str = "giay-to.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _procedure(
    code: str,
    name: str,
    *,
    level: str,
    value: int,
    unit: str = Procedure.TimeUnit.WORKING_DAYS,
    agencies: list[str],
    competent: str,
    fee: int = 0,
    documents: list[str] | None = None,
) -> Procedure:
    field, _ = Field.objects.get_or_create(slug="kiem-thu", defaults={"name": "Kiểm thử"})
    procedure, _ = Procedure.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "field": field,
            "level": level,
            "competent_agency": competent,
            "processing_time_value": value,
            "processing_time_unit": unit,
            "result": "Kết quả của %s" % name,
            "legal_basis": ["Luật Hộ tịch 2014"],
            "online_level": Procedure.OnlineLevel.FULL,
            "form": {
                "fields": [
                    {"name": "ho_ten_tre", "label": "Họ tên trẻ", "type": "text", "required": True},
                    {"name": "ngay_sinh", "label": "Ngày sinh", "type": "date", "required": True},
                    {
                        "name": "gioi_tinh",
                        "label": "Giới tính",
                        "type": "select",
                        "choices": ["Nam", "Nữ"],
                    },
                ]
            },
        },
    )
    procedure.receiving_agencies.set(Agency.objects.filter(slug__in=agencies))
    for position, doc in enumerate(documents or ["Tờ khai theo mẫu"]):
        RequiredDocument.objects.update_or_create(
            procedure=procedure, position=position, defaults={"name": doc}
        )
    if fee:
        Fee.objects.update_or_create(
            procedure=procedure, position=0, defaults={"case": "Mức chung", "amount": fee}
        )
    return procedure


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Any) -> None:
    """The demo accounts are hashed with Argon2 for every test otherwise (~0.25 s each)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate limits (public lookup) live in the cache; one test's requests must not throttle the
    next test's."""
    from django.core.cache import cache

    cache.clear()


FORM = {"ho_ten_tre": "Nguyễn Gia Hân", "ngay_sinh": "2026-02-01", "gioi_tinh": "Nữ"}


@pytest.fixture
def procs(demo_people: dict[str, Any]) -> dict[str, Procedure]:
    """Three procedures: a commune one in working days, a same-day one, a provincial one with a fee."""
    return {
        "days": _procedure(
            "T.0001",
            "Đăng ký khai sinh (kiểm thử)",
            level="commune",
            value=3,
            agencies=["phuong-vi-thanh"],
            competent="Ủy ban nhân dân cấp xã",
            documents=["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"],
        ),
        "hours": _procedure(
            "T.0002",
            "Chứng thực bản sao (kiểm thử)",
            level="commune",
            value=8,
            unit=Procedure.TimeUnit.WORKING_HOURS,
            agencies=["phuong-vi-thanh"],
            competent="Ủy ban nhân dân cấp xã",
            fee=2000,
        ),
        "province": _procedure(
            "T.0003",
            "Cấp giấy phép xây dựng (kiểm thử)",
            level="province",
            value=15,
            agencies=["ttpvhcc", "so-xay-dung"],
            competent="Sở Xây dựng",
            fee=75000,
        ),
    }


@pytest.fixture
def other_officers(demo_people: dict[str, Any]) -> dict[str, Any]:
    """Officers of another ward (phuong-vi-tan): a receptionist, a specialist, a leader."""
    from congso.accounts.models import User

    agency = Agency.objects.get(slug="phuong-vi-tan")
    people = {}
    for role in (Role.RECEPTIONIST, Role.SPECIALIST, Role.LEADER):
        user = User.objects.create(
            username="vitan-%s" % role, full_name="Cán bộ %s" % role, kind=User.Kind.OFFICER
        )
        Membership.objects.create(user=user, agency=agency, role=role)
        people[role] = user
    return people


@pytest.fixture
def make_dossier(
    demo_people: dict[str, Any], procs: dict[str, Procedure]
) -> Callable[..., Dossier]:
    """Build a dossier up to ``until`` (draft, submitted, received, in_progress,
    awaiting_approval, approved, returned) through the services, at the given moment."""

    def make(
        until: str = "submitted",
        *,
        procedure: str = "days",
        when: dt.datetime | None = None,
        citizen: str = "congdan",
    ) -> Dossier:
        when = when or at("2026-03-02", "08:00")
        people = demo_people
        with services.notifications_muted():
            dossier = services.dossier_create(
                actor=people[citizen],
                procedure=procs[procedure],
                applicant={"email": "an@example.vn"},
                form_data=FORM,
                channel="online",
                now=when,
            )
            if until == "draft":
                return dossier
            for doc in procs[procedure].required_documents.all():
                services.dossier_attach(
                    actor=people[citizen],
                    dossier=dossier,
                    slot=doc.slot,
                    uploaded_file=pdf_upload(),
                    now=when,
                )
            dossier = services.dossier_submit(actor=people[citizen], dossier=dossier, now=when)
            if until == "submitted":
                return dossier
            receptionist = people["motcua"]
            specialist, leader = people["chuyenvien"], people["lanhdao"]
            if procedure == "province":
                receptionist = officer("ttpvhcc", Role.RECEPTIONIST)
                specialist = officer("so-xay-dung", Role.SPECIALIST)
                leader = officer("so-xay-dung", Role.LEADER)
            dossier = services.dossier_receive(
                actor=receptionist, dossier=dossier, now=when + dt.timedelta(minutes=30)
            )
            if until == "received":
                return dossier
            dossier = services.dossier_start(
                actor=specialist, dossier=dossier, now=when + dt.timedelta(hours=1)
            )
            if until == "in_progress":
                return dossier
            dossier = services.dossier_forward(
                actor=specialist,
                dossier=dossier,
                note="Đủ điều kiện",
                now=when + dt.timedelta(hours=2),
            )
            if until == "awaiting_approval":
                return dossier
            dossier = services.dossier_approve(
                actor=leader, dossier=dossier, note="Đồng ý", now=when + dt.timedelta(hours=3)
            )
            if until == "approved":
                return dossier
            dossier = services.dossier_return_result(
                actor=receptionist, dossier=dossier, now=when + dt.timedelta(hours=4)
            )
            return dossier

    return make


def officer(slug: str, role: str) -> Any:
    """An officer holding ``role`` at agency ``slug`` (created on first use)."""
    from congso.accounts.models import User

    user, created = User.objects.get_or_create(
        username="%s-%s" % (slug, role),
        defaults={"full_name": "Cán bộ %s %s" % (role, slug), "kind": User.Kind.OFFICER},
    )
    if created:
        Membership.objects.create(user=user, agency=Agency.objects.get(slug=slug), role=role)
    return user


def snapshot(dossier: Dossier) -> dict[str, Any]:
    """Everything an action may change, to assert that a denied action changed nothing."""
    from congso.core.models import AuditEvent

    fresh = Dossier.objects.get(pk=dossier.pk)
    row = {f.attname: getattr(fresh, f.attname) for f in Dossier._meta.concrete_fields}
    return {
        "row": row,
        "steps": fresh.steps.count(),
        "audit": AuditEvent.objects.for_object(fresh).count(),
        "attachments": fresh.attachments.count(),
        "supplements": fresh.supplement_requests.count(),
    }
