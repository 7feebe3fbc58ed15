"""KPI counts equal a recount from ``GET /api/v1/dossiers/`` for the same period and agency.

The history is built through the real dossier services (receive, start, supplement, forward,
approve, return, reject, withdraw, payment, rating) at chosen moments; the recount reads only
what the dossiers API returns (list and detail) and applies the definitions of
:mod:`congso.dashboard.kpis` in Python, one dossier at a time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.utils.dateparse import parse_datetime

import pytest

from congso.agencies.models import Agency, Membership, Role
from congso.catalog.models import Fee, Procedure
from congso.dashboard import kpis
from congso.dashboard.tests.conftest import at, make_procedure
from congso.dossiers import services
from congso.dossiers.constants import Channel, PaymentMethod, Status

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
WALK_IN = {"name": "Trần Thị Mai", "personal_id": "092190000123", "phone": "0912345678"}


def _officer(slug: str, role: str) -> Any:
    from congso.accounts.models import User

    user, created = User.objects.get_or_create(
        username="%s-%s" % (slug, role),
        defaults={"full_name": "Cán bộ %s" % role, "kind": User.Kind.OFFICER},
    )
    if created:
        Membership.objects.create(user=user, agency=Agency.objects.get(slug=slug), role=role)
    return user


def _working_days(start: dt.date, n: int) -> list[dt.date]:
    from congso.core import workdays

    days, day = [], start
    while len(days) < n:
        if workdays.is_working_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _build_history(people: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    full = make_procedure("RC-FULL", Procedure.OnlineLevel.FULL)
    part = make_procedure("RC-PART", Procedure.OnlineLevel.PARTIAL)
    Fee.objects.update_or_create(
        procedure=full, position=0, defaults={"case": "Chung", "amount": 20000}
    )
    for procedure in (full, part):
        procedure.receiving_agencies.set(
            Agency.objects.filter(slug__in=["phuong-vi-thanh", "phuong-vi-tan"])
        )
    staff = {
        "phuong-vi-thanh": (people["motcua"], people["chuyenvien"], people["lanhdao"]),
        "phuong-vi-tan": tuple(
            _officer("phuong-vi-tan", r) for r in (Role.RECEPTIONIST, Role.SPECIALIST, Role.LEADER)
        ),
    }
    citizen = people["congdan"]
    days = _working_days(dt.date(2026, 2, 23), 32)  # late February to early April
    with services.notifications_muted():
        for i, day in enumerate(days):
            slug = "phuong-vi-tan" if i % 5 == 4 else "phuong-vi-thanh"
            agency = Agency.objects.get(slug=slug)
            desk, specialist, leader = staff[slug]
            scenario = i % 8
            procedure = full if scenario in (0, 1, 3, 5, 7) else part
            online = scenario in (0, 3, 5, 7)
            t0 = dt.datetime.combine(day, dt.time(8, 0), tzinfo=at("2026-03-02").tzinfo)
            if online:
                dossier = services.dossier_create(
                    actor=citizen,
                    procedure=procedure,
                    channel=Channel.ONLINE,
                    agency=agency,
                    now=t0,
                )
                dossier = services.dossier_submit(actor=citizen, dossier=dossier, now=t0)
            else:
                dossier = services.dossier_create(
                    actor=desk,
                    procedure=procedure,
                    applicant=WALK_IN,
                    channel=Channel.COUNTER,
                    agency=agency,
                    receiving_agency=agency,
                    now=t0,
                )
            dossier = services.dossier_receive(
                actor=desk, dossier=dossier, now=t0 + dt.timedelta(minutes=20)
            )
            if scenario == 6:
                continue  # received, not started
            if scenario == 5:
                services.dossier_withdraw(
                    actor=citizen,
                    dossier=dossier,
                    reason="Không còn nhu cầu",
                    now=t0 + dt.timedelta(days=1),
                )
                continue
            dossier = services.dossier_start(
                actor=specialist, dossier=dossier, now=t0 + dt.timedelta(hours=1)
            )
            if scenario == 2:
                services.dossier_reject(
                    actor=specialist,
                    dossier=dossier,
                    reason="Không đủ điều kiện theo quy định",
                    now=t0 + dt.timedelta(hours=3),
                )
                continue
            if scenario == 4:
                continue  # in progress; overdue once its three working days pass
            finish = t0 + dt.timedelta(hours=5)
            if scenario == 3:
                dossier = services.dossier_request_supplement(
                    actor=specialist,
                    dossier=dossier,
                    items=["Bản sao giấy khai sinh"],
                    now=t0 + dt.timedelta(hours=2),
                )
                dossier = services.dossier_supplement(
                    actor=citizen, dossier=dossier, now=t0 + dt.timedelta(days=2)
                )
                finish = t0 + dt.timedelta(days=2, hours=3)
            if scenario == 1:
                finish = t0 + dt.timedelta(days=8)  # well after the 3 working days
            dossier = services.dossier_forward(
                actor=specialist,
                dossier=dossier,
                note="Đủ điều kiện",
                now=finish - dt.timedelta(minutes=30),
            )
            result = (
                SimpleUploadedFile("kq.pdf", PDF, content_type="application/pdf")
                if scenario in (0, 7)
                else None
            )
            dossier = services.dossier_approve(
                actor=leader, dossier=dossier, result_file=result, note="Đồng ý", now=finish
            )
            if scenario == 7:
                continue  # approved, result not yet returned
            if dossier.fee_amount:
                method = PaymentMethod.ONLINE if online else PaymentMethod.COUNTER
                dossier = services.dossier_mark_paid(
                    actor=desk, dossier=dossier, method=method, reference="GD%d" % i, now=finish
                )
            dossier = services.dossier_return_result(
                actor=desk, dossier=dossier, now=finish + dt.timedelta(hours=1)
            )
            if online:
                services.dossier_rate(
                    actor=citizen,
                    dossier=dossier,
                    score=5 if scenario == 0 else 3,
                    now=finish + dt.timedelta(hours=2),
                )


def _recount(client: Any, agency: Agency, start: dt.date, end: dt.date) -> kpis.Counts:
    """Counts from the dossiers API only (plus the procedures' online level from the catalog)."""
    lo, hi = kpis.period_bounds(start, end)
    cutoff = min(hi, dt.datetime.now(dt.UTC))
    subtree = set(Agency.objects.subtree_of(agency).values_list("slug", flat=True))
    full = set(Procedure.objects.filter(online_level="full").values_list("code", flat=True))
    items, page = [], 1
    while True:
        data = client.get(
            "/api/v1/dossiers/", {"agency": agency.slug, "page": page, "page_size": 200}
        ).json()
        items += data["results"]
        if not data["next"]:
            break
        page += 1
    c = kpis.Counts()

    def within(value: str | None) -> bool:
        return value is not None and lo <= parse_datetime(value) < hi

    for item in items:
        if item["agency"] not in subtree or item["received_at"] is None:
            continue  # received elsewhere for another agency, or never received
        d = client.get("/api/v1/dossiers/%s/" % item["code"]).json()
        received_at = parse_datetime(d["received_at"])
        finished = parse_datetime(d["finished_at"]) if d["finished_at"] else None
        due = parse_datetime(d["due_at"])
        withdrawn_at = next(
            (parse_datetime(s["at"]) for s in d["timeline"] if s["to_status"] == Status.WITHDRAWN),
            None,
        )
        if within(d["received_at"]):
            c.received += 1
            c.received_online += d["channel"] == Channel.ONLINE
            c.received_full_procedure += d["procedure"] in full
            c.received_full_online += d["procedure"] in full and d["channel"] == Channel.ONLINE
            c.received_fee += d["fee_amount"] > 0
            c.received_fee_paid_online += (
                d["fee_amount"] > 0 and d["payment_method"] == "online" and d["paid_at"] is not None
            )
            c.received_supplemented += d["supplement_count"] >= 1
        if d["status"] in kpis.RESOLVED_STATUSES and within(d["finished_at"]):
            c.resolved += 1
            c.resolved_on_time += finished <= due and d["supplement_count"] <= 1
            c.rejected += d["status"] == Status.REJECTED
            c.resolved_with_result += d["status"] != Status.REJECTED
            c.resolved_digitised += d["status"] != Status.REJECTED and d["result_digitised"]
        if withdrawn_at is not None and lo <= withdrawn_at < hi:
            c.withdrawn += 1
        open_at_cutoff = (
            received_at < cutoff
            and (finished is None or finished >= cutoff)
            and (withdrawn_at is None or withdrawn_at >= cutoff)
        )
        if open_at_cutoff:
            c.in_progress += 1
            paused = parse_datetime(d["paused_at"]) if d["paused_at"] else None
            overdue = due < cutoff and not (paused is not None and paused <= due)
            c.in_progress_overdue += overdue
            c.in_progress_late_766 += overdue or d["supplement_count"] > 1
        rating = d["rating"]
        if rating and within(rating["rated_at"]):
            c.ratings += 1
            c.ratings_satisfied += rating["satisfied"]
    return c


@pytest.fixture
def history(demo_people):  # type: ignore[no-untyped-def]
    _build_history(demo_people)
    return demo_people


@pytest.mark.parametrize(
    ("slug", "period"),
    [
        ("phuong-vi-thanh", MARCH),
        ("phuong-vi-tan", MARCH),
        ("ubnd-tinh", (dt.date(2026, 2, 1), dt.date(2026, 4, 30))),
    ],
)
def test_kpi_counts_equal_a_recount_from_the_dossiers_api(history, api_as, slug, period):
    agency = Agency.objects.get(slug=slug)
    expected = _recount(api_as("admin"), agency, *period)
    assert expected.received and expected.resolved  # the history covers the period
    response = api_as("admin").get(
        "/api/v1/dashboard/kpis/",
        {
            "from": period[0].strftime("%d/%m/%Y"),
            "to": period[1].strftime("%d/%m/%Y"),
            "agency": slug,
        },
    )
    counts = response.json()["counts"]
    for key, value in asdict(expected).items():
        assert counts[key] == value, key
    rates = {k["key"]: k for k in response.json()["kpis"]}
    assert rates["on_time_rate"]["value"] == pytest.approx(
        expected.resolved_on_time / expected.resolved
    )


@pytest.mark.slow
def test_kpi_counts_equal_a_recount_over_the_demo_history(demo_people, api_as):
    """The demo loaders (catalog and a reduced dossier history through the services)."""
    from django.utils import timezone

    from congso.catalog import demo as catalog_demo
    from congso.dossiers import demo as dossiers_demo
    from congso.dossiers.models import Dossier

    catalog_demo.load()
    dossiers_demo.load(size=100)
    if not Dossier.objects.exists():
        pytest.skip("no catalog data to build the demo history from")
    today = timezone.localdate()
    start = today - dt.timedelta(days=200)
    client = api_as("admin")
    for slug in ("ubnd-tinh", "phuong-vi-thanh"):
        agency = Agency.objects.get(slug=slug)
        expected = _recount(client, agency, start, today)
        response = client.get(
            "/api/v1/dashboard/kpis/",
            {"from": start.isoformat(), "to": today.isoformat(), "agency": slug},
        )
        counts = response.json()["counts"]
        for key, value in asdict(expected).items():
            assert counts[key] == value, (slug, key)
    assert expected.received  # the demo ward has history
