"""Demo history: about 2,600 dossiers over the last twelve months, made by the real services.

Every dossier is replayed through the same service functions as in production (create, attach,
submit, receive, start, request supplement, supplement, forward, approve, reject, pay, return,
withdraw, apology, rate) with explicit past timestamps (``now=``) and notifications muted, so
rows, timeline steps and audit events are exactly what real use would leave behind. A dossier's
story stops at the first event that would lie in the future, which leaves recent dossiers in
every intermediate state. The demo ward also gets a few fresh dossiers in each back-office queue
of the demo accounts ``motcua``, ``chuyenvien`` and ``lanhdao``.

Idempotent: nothing is created when the demo citizens already have dossiers.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import time
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from congso.accounts.models import User
from congso.agencies.demo import DEMO_COMMUNE
from congso.agencies.models import Agency, Membership, Role
from congso.catalog.models import Procedure
from congso.core import workdays
from congso.core.exceptions import ApplicationError
from congso.dossiers import services
from congso.dossiers.constants import Status
from congso.dossiers.models import Dossier
from congso.dossiers.services import intake

#: Dossiers in the twelve-month history (the demo ward's queues come on top).
HISTORY_SIZE = 2600
#: Dossiers written per transaction.
BATCH = 200
SEED = 2026
DEMO_CITIZEN_PREFIX = "demo-cd-"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Huỳnh",
    "Hoàng",
    "Võ",
    "Phan",
    "Trương",
    "Bùi",
    "Đặng",
    "Đỗ",
    "Ngô",
    "Hồ",
    "Dương",
    "Lâm",
    "Châu",
    "Thạch",
    "Danh",
    "Quách",
]
MIDDLE_M = ["Văn", "Minh", "Hữu", "Quốc", "Thanh", "Đức", "Công", "Hoàng"]
MIDDLE_F = ["Thị", "Ngọc", "Thanh", "Kim", "Thu", "Mỹ", "Bích", "Hồng"]
GIVEN_M = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hải",
    "Hiếu",
    "Khang",
    "Lộc",
    "Minh",
    "Nam",
    "Phúc",
    "Quang",
    "Sang",
    "Tài",
    "Thắng",
    "Trí",
    "Tuấn",
    "Vinh",
    "Khoa",
    "Đạt",
]
GIVEN_F = [
    "Anh",
    "Diễm",
    "Duyên",
    "Hà",
    "Hạnh",
    "Hân",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Ngân",
    "Nhung",
    "Oanh",
    "Phương",
    "Quyên",
    "Thảo",
    "Trang",
    "Tuyết",
    "Vy",
    "Yến",
]
STREETS = [
    "Trần Hưng Đạo",
    "Nguyễn Trãi",
    "Ba Mươi Tháng Tư",
    "Hòa Bình",
    "Lê Hồng Phong",
    "Đồng Khởi",
    "Võ Văn Kiệt",
    "Nguyễn Huệ",
    "Trần Ngọc Quế",
    "Lê Quý Đôn",
]
SUPPLEMENT_ITEMS = [
    "Bản sao giấy khai sinh có chứng thực",
    "Giấy ủy quyền có chứng thực chữ ký",
    "Tờ khai ký ghi rõ họ tên",
    "Bản vẽ sơ đồ vị trí thửa đất",
    "Giấy xác nhận nơi cư trú",
    "Ảnh chân dung 4x6 nền trắng",
]
REJECT_REASONS = [
    "Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan theo quy định tại thủ tục hành chính "
    "đã công bố.",
    "Người yêu cầu không đủ điều kiện theo quy định của pháp luật chuyên ngành; đề nghị liên hệ "
    "cơ quan có thẩm quyền.",
    "Thông tin kê khai không trùng khớp với Cơ sở dữ liệu quốc gia về dân cư.",
]
COMMENTS_GOOD = ["Cán bộ hướng dẫn tận tình.", "Giải quyết nhanh, đúng hẹn.", "Rất hài lòng.", ""]
COMMENTS_BAD = ["Phải đi lại nhiều lần.", "Hướng dẫn chưa rõ, phải hỏi lại nhiều lần."]
COMMENTS_LATE = ["Trả kết quả chậm so với giấy hẹn.", "Phải chờ lâu hơn ngày hẹn."]


def _say(stdout: Any, text: str) -> None:
    if stdout:
        stdout.write("  %s\n" % text)


# ---------------------------------------------------------------- people
def _result_pdf(dossier: Dossier) -> SimpleUploadedFile:
    """A one-page electronic result marked as demo data (small: about 15 KB)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from congso.core import pdf as core_pdf

    core_pdf.register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle("Kết quả giải quyết hồ sơ %s" % dossier.code)
    canvas.setFont(core_pdf.SERIF_BOLD, 14)
    canvas.drawString(72, 770, "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH (dữ liệu minh hoạ)")
    canvas.setFont(core_pdf.SERIF, 13)
    canvas.drawString(72, 745, "Hồ sơ: %s" % dossier.code)
    canvas.drawString(72, 725, "Thủ tục: %s" % dossier.procedure.name[:80])
    canvas.drawString(72, 705, "Người nộp: %s" % dossier.applicant_name)
    canvas.save()
    return SimpleUploadedFile(
        "ket-qua-%s.pdf" % dossier.code, buffer.getvalue(), content_type="application/pdf"
    )


def _person(rng: random.Random, index: int) -> dict[str, Any]:
    female = rng.random() < 0.5
    name = "%s %s %s" % (
        rng.choice(FAMILY),
        rng.choice(MIDDLE_F if female else MIDDLE_M),
        rng.choice(GIVEN_F if female else GIVEN_M),
    )
    birth_year = rng.randint(1955, 2004)
    return {
        "name": name,
        # 093 = Hậu Giang's province code in the personal ID; then sex/century digit and year.
        "personal_id": "093%d%02d%06d" % ((1 if female else 0), birth_year % 100, 100000 + index),
        "phone": "09%08d" % (10_000_000 + index * 7919 % 89_999_999),
        "address": "Số %d đường %s" % (rng.randint(1, 300), rng.choice(STREETS)),
    }


def _citizens(rng: random.Random, count: int) -> list[User]:
    existing = list(User.objects.filter(username__startswith=DEMO_CITIZEN_PREFIX).order_by("id"))
    if len(existing) >= count:
        return existing
    users = []
    for index in range(len(existing), count):
        person = _person(rng, index)
        user = User(
            username="%s%03d" % (DEMO_CITIZEN_PREFIX, index + 1),
            full_name=person["name"],
            personal_id=person["personal_id"],
            phone=person["phone"],
            address=person["address"],
            email="cd%03d@demo.congso.local" % (index + 1),
            kind=User.Kind.CITIZEN,
        )
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users)
    return list(User.objects.filter(username__startswith=DEMO_CITIZEN_PREFIX).order_by("id"))


def _officers(agency: Agency, cache: dict[tuple[int, str], User]) -> dict[str, User]:
    """Receptionist, specialist and leader of ``agency``: the demo accounts at the demo ward,
    generated officers (who cannot sign in) elsewhere."""
    result: dict[str, User] = {}
    for role in (Role.RECEPTIONIST, Role.SPECIALIST, Role.LEADER):
        key = (agency.pk, role)
        if key not in cache:
            member = (
                Membership.objects.filter(agency=agency, role=role)
                .select_related("user")
                .order_by("user__username")
                .first()
            )
            if member is None:
                user, _ = User.objects.get_or_create(
                    username="demo-%s-%s" % (agency.slug, role)[:150],
                    defaults={
                        "full_name": "%s (%s)" % (Role(role).label, agency.display_name),
                        "kind": User.Kind.OFFICER,
                    },
                )
                if user.has_usable_password():
                    user.set_unusable_password()
                    user.save(update_fields=["password"])
                Membership.objects.get_or_create(user=user, agency=agency, role=role)
                cache[key] = user
            else:
                cache[key] = member.user
        result[role] = cache[key]
    return result


# ---------------------------------------------------------------- form values
def _form_value(spec: dict[str, Any], person: dict[str, Any], rng: random.Random) -> Any:
    kind = str(spec.get("type") or "text")
    name = str(spec.get("name") or "")
    choices = intake._choice_values(spec)
    if choices:
        return rng.choice(choices)
    if kind == "date":
        return (dt.date(2026, 1, 1) - dt.timedelta(days=rng.randint(1, 3000))).isoformat()
    if kind in ("number", "integer", "int"):
        low = int(spec.get("min") or 1)
        return max(low, min(int(spec.get("max") or 5), rng.randint(1, 5)))
    if kind in ("checkbox", "boolean", "bool"):
        return True
    if kind == "email":
        return "demo%d@example.vn" % rng.randint(1, 999)
    if kind in ("phone", "tel"):
        return person["phone"] or "0912000000"
    if kind == "id_number":
        return person["personal_id"] or "093095%06d" % rng.randint(0, 999_999)
    if "dia_chi" in name or "address" in name:
        return person["address"] or "Số %d đường %s" % (rng.randint(1, 300), rng.choice(STREETS))
    if "ten" in name or "name" in name:
        return person["name"]
    text = "Nội dung kê khai mẫu"
    return text[: int(spec.get("max_length") or 500)]


def _form(procedure: Procedure, person: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    specs = [f for f in (procedure.form or {}).get("fields", []) if isinstance(f, dict)]
    return {
        intake._field_name(s): _form_value(s, person, rng) for s in specs if intake._field_name(s)
    }


# ---------------------------------------------------------------- time helpers
def _working_moment(day: dt.date, rng: random.Random) -> dt.datetime:
    minutes = rng.choice(
        [rng.randint(7 * 60 + 10, 11 * 60 + 15), rng.randint(13 * 60 + 5, 16 * 60 + 45)]
    )
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=workdays.tz())


def _later(moment: dt.datetime, hours: float) -> dt.datetime:
    return workdays.add_working_hours(moment, max(0.05, hours))


def _working_days(start: dt.date, end: dt.date) -> list[dt.date]:
    days, day = [], start
    while day <= end:
        if workdays.is_working_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


class _StopStoryError(Exception):
    """The next event of a dossier's story lies in the future."""


def _due(dossier: Dossier) -> dt.datetime:
    if dossier.due_at is None:  # only received dossiers reach the steps that need it
        raise _StopStoryError
    return dossier.due_at


# ---------------------------------------------------------------- one dossier's story
class _Story:
    def __init__(self, rng: random.Random, now: dt.datetime) -> None:
        self.rng = rng
        self.now = now

    def at(self, moment: dt.datetime) -> dt.datetime:
        if moment > self.now:
            raise _StopStoryError
        return moment

    def run(
        self,
        *,
        procedure: Procedure,
        agency: Agency,
        receiving: Agency,
        staff: dict[str, User],
        desks: Any,
        citizen: User | None,
        person: dict[str, Any],
        created: dt.datetime,
        online: bool,
        plan: str,
    ) -> Dossier | None:
        rng = self.rng
        reception = desks(receiving)[Role.RECEPTIONIST]
        specialist, leader = staff[Role.SPECIALIST], staff[Role.LEADER]
        form = _form(procedure, person, rng)
        dossier: Dossier | None = None
        try:
            t = self.at(created)
            if online and citizen is not None:
                dossier = services.dossier_create(
                    actor=citizen,
                    procedure=procedure,
                    applicant={"phone": citizen.phone, "email": citizen.email},
                    form_data=form,
                    channel="online",
                    agency=agency,
                    now=t,
                )
                for doc in procedure.required_documents.all():
                    if doc.mandatory and not doc.condition:
                        services.dossier_attach(
                            actor=citizen,
                            dossier=dossier,
                            slot=doc.slot,
                            uploaded_file=SimpleUploadedFile("%s.pdf" % doc.slot, PDF),
                            now=t,
                        )
                t = self.at(t + dt.timedelta(minutes=rng.randint(2, 25)))
                if plan == "withdraw_early":
                    services.dossier_withdraw(
                        actor=citizen, dossier=dossier, reason="Nộp nhầm thủ tục", now=t
                    )
                    return dossier
                dossier = services.dossier_submit(actor=citizen, dossier=dossier, now=t)
                reception = desks(dossier.receiving_agency)[Role.RECEPTIONIST]
                t = self.at(_later(t, rng.uniform(0.2, 6)))
            else:
                applicant = dict(person)
                if rng.random() < 0.15:
                    applicant.update(
                        kind="organisation",
                        organisation_name="Công ty TNHH %s %s"
                        % (
                            rng.choice(
                                ["Minh Phát", "Hậu Giang Xanh", "Tân Phú Thạnh", "Sông Hậu"]
                            ),
                            rng.choice(["Thương mại", "Xây dựng", "Nông sản"]),
                        ),
                        organisation_tax_code="63%08d" % rng.randint(0, 99_999_999),
                    )
                dossier = services.dossier_create(
                    actor=reception,
                    procedure=procedure,
                    applicant=applicant,
                    form_data=form,
                    channel="post" if rng.random() < 0.03 else "counter",
                    agency=agency,
                    receiving_agency=receiving,
                    now=t,
                )
                t = self.at(t + dt.timedelta(minutes=rng.randint(3, 15)))
            if plan == "reject_at_desk":
                services.dossier_reject(
                    actor=reception, dossier=dossier, reason=rng.choice(REJECT_REASONS), now=t
                )
                return dossier
            dossier = services.dossier_receive(actor=reception, dossier=dossier, now=t)
            if dossier.fee_amount and not online:
                services.dossier_mark_paid(
                    actor=reception,
                    dossier=dossier,
                    method="counter",
                    reference="BL%06d" % rng.randint(1, 999999),
                    now=t + dt.timedelta(minutes=2),
                )
            received_at, due_at = dossier.received_at, dossier.due_at
            if received_at is None or due_at is None:  # receive always sets both
                return dossier
            allowed = workdays.working_hours_between(received_at, due_at)
            t = self.at(_later(t, min(allowed * 0.1, rng.uniform(0.2, 3))))
            dossier = services.dossier_start(actor=specialist, dossier=dossier, now=t)
            if plan == "supplement":
                t = self.at(_later(t, allowed * rng.uniform(0.05, 0.3)))
                dossier = services.dossier_request_supplement(
                    actor=specialist,
                    dossier=dossier,
                    items=rng.sample(SUPPLEMENT_ITEMS, rng.randint(1, 2)),
                    note="Đề nghị bổ sung trong 10 ngày làm việc",
                    now=t,
                )
                t = self.at(_later(t, rng.uniform(4, 60)))
                supplier = citizen if dossier.applicant_id else reception
                dossier = services.dossier_supplement(actor=supplier, dossier=dossier, now=t)
            if plan == "withdraw":
                t = self.at(_later(t, allowed * rng.uniform(0.05, 0.4)))
                actor = citizen if dossier.applicant_id and citizen else reception
                services.dossier_withdraw(
                    actor=actor, dossier=dossier, reason="Người nộp xin rút hồ sơ", now=t
                )
                return dossier
            if plan == "reject":
                t = self.at(_later(t, allowed * rng.uniform(0.2, 0.7)))
                dossier = services.dossier_reject(
                    actor=specialist, dossier=dossier, reason=rng.choice(REJECT_REASONS), now=t
                )
                return self._return(dossier, reception, citizen, t, rate=False)
            # Time used before the decision, as a share of the allowed working time.
            share = rng.uniform(1.03, 1.5) if plan == "late" else rng.uniform(0.2, 0.8)
            remaining = workdays.working_hours_between(t, _due(dossier))
            target = _later(received_at, allowed * share) if allowed else t
            paused = dossier.paused_hours
            target = _later(target, paused) if paused else target
            if plan == "late" and rng.random() < 0.6 and remaining > 2:
                apology_at = self.at(_later(t, remaining * 0.7))
                new_due = workdays.add_working_days(_due(dossier), rng.randint(2, 5))
                services.dossier_issue_apology(
                    actor=specialist,
                    dossier=dossier,
                    reason="Cần xác minh thêm thông tin tại địa phương",
                    new_due_at=new_due,
                    now=apology_at,
                )
                t = apology_at
            forward_at = max(_later(t, 0.1), target)
            if plan != "late":
                forward_at = min(forward_at, _later(t, max(0.1, remaining * 0.8)))
            t = self.at(forward_at)
            if rng.random() < 0.04:
                dossier = services.dossier_forward(
                    actor=specialist, dossier=dossier, note="Trình dự thảo", now=t
                )
                t = self.at(t + dt.timedelta(minutes=rng.randint(20, 90)))
                dossier = services.dossier_send_back(
                    actor=leader, dossier=dossier, note="Bổ sung căn cứ pháp lý", now=t
                )
                t = self.at(t + dt.timedelta(minutes=rng.randint(20, 90)))
            dossier = services.dossier_forward(
                actor=specialist, dossier=dossier, note="Đủ điều kiện, đề nghị phê duyệt", now=t
            )
            left = workdays.working_hours_between(t, _due(dossier))
            wait = (
                rng.uniform(0.2, 4)
                if plan == "late"
                else min(rng.uniform(0.2, 4), max(0.05, left * 0.9))
            )
            t = self.at(_later(t, wait))
            # About two thirds of the results are issued as electronic documents (kết quả điện tử),
            # the rest on paper only.
            result_file = _result_pdf(dossier) if rng.random() < 0.65 else None
            dossier = services.dossier_approve(
                actor=leader, dossier=dossier, note="Đồng ý", now=t, result_file=result_file
            )
            if dossier.fee_amount and dossier.paid_at is None:
                t = self.at(_later(t, rng.uniform(0.5, 8)))
                services.dossier_mark_paid(
                    actor=reception,
                    dossier=dossier,
                    method="online",
                    reference="VietQR %s" % dossier.code,
                    now=t,
                )
            return self._return(dossier, reception, citizen, t, rate=True)
        except _StopStoryError:
            return dossier

    def _return(
        self, dossier: Dossier, reception: User, citizen: User | None, t: dt.datetime, *, rate: bool
    ) -> Dossier:
        rng = self.rng
        if dossier.status == Status.REJECTED and rng.random() < 0.3:
            return dossier
        t = self.at(_later(t, rng.uniform(0.3, 20)))
        dossier = services.dossier_return_result(actor=reception, dossier=dossier, now=t)
        owner = citizen if citizen is not None and dossier.applicant_id == citizen.pk else None
        if rate and owner is not None and rng.random() < 0.85:
            t = self.at(t + dt.timedelta(hours=rng.uniform(0.2, 48)))
            late = dossier.is_late_flag
            score = rng.choice([2, 3, 3, 4] if late else [5, 5, 5, 4, 4, 4, 3])
            if rng.random() < 0.02:
                score = 1
            good = score >= 4
            services.dossier_rate(
                actor=owner,
                dossier=dossier,
                score=score,
                comment=rng.choice(
                    COMMENTS_GOOD if good else COMMENTS_LATE if late else COMMENTS_BAD
                ),
                criteria={
                    "reception": min(5, score + rng.choice([0, 0, 1])),
                    "timeliness": max(1, score - (2 if late else 0)),
                    "attitude": min(5, score + rng.choice([0, 1])),
                    "result": score,
                },
                now=t,
            )
        return dossier


def _plan(rng: random.Random, online: bool) -> str:
    roll = rng.random()
    if roll < 0.07:
        return "late"
    if roll < 0.17:
        return "supplement"
    if roll < 0.21:
        return "reject"
    if roll < 0.225 and not online:
        return "reject_at_desk"
    if roll < 0.245:
        return "withdraw"
    if roll < 0.255 and online:
        return "withdraw_early"
    return "normal"


# ---------------------------------------------------------------- catalogue mapping
def _routes(
    procedures: list[Procedure],
) -> list[tuple[Procedure, list[tuple[Agency, Agency]], int]]:
    """For each procedure: the (handling, receiving) pairs the demo uses, and a weight."""
    routes = []
    for procedure in procedures:
        receivers = list(procedure.receiving_agencies.all())
        pairs: list[tuple[Agency, Agency]] = []
        if procedure.level == Procedure.Level.COMMUNE:
            pairs = [(a, a) for a in receivers if a.kind == Agency.Kind.COMMUNE]
        else:
            handling = intake._competent_agency(procedure, None)
            if handling is not None:
                centre = next((a for a in receivers if a.kind == Agency.Kind.SERVICE_CENTER), None)
                pairs = [(handling, centre or handling)]
                # Decree 118/2025: a commune desk may receive it too; the department decides.
                pairs += [(handling, a) for a in receivers if a.kind == Agency.Kind.COMMUNE][:3]
        if pairs:
            routes.append((procedure, pairs, max(1, procedure.popularity or 100)))
    return routes


def _pick_pair(rng: random.Random, pairs: list[tuple[Agency, Agency]]) -> tuple[Agency, Agency]:
    demo = [p for p in pairs if p[0].slug == DEMO_COMMUNE]
    if demo and len(pairs) > 1 and rng.random() < 0.25:
        return demo[0]
    return rng.choice(pairs)


# ---------------------------------------------------------------- entry point
def load(stdout: Any = None, *, size: int = HISTORY_SIZE) -> None:
    if Dossier.objects.filter(applicant__username__startswith=DEMO_CITIZEN_PREFIX).exists():
        _say(stdout, "hồ sơ mẫu đã có: %d hồ sơ (bỏ qua)" % Dossier.objects.count())
        return
    procedures = list(
        Procedure.objects.active().prefetch_related(
            "receiving_agencies", "required_documents", "fees"
        )
    )
    routes = _routes(procedures)
    if not routes:
        _say(stdout, "bỏ qua: chưa có thủ tục nào gắn với cơ quan tiếp nhận")
        return
    started = time.monotonic()
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not security
    now = timezone.now()
    today = timezone.localdate()
    citizens = _citizens(rng, 160)
    people = [
        {"name": c.full_name, "personal_id": c.personal_id, "phone": c.phone, "address": c.address}
        for c in citizens
    ]
    officer_cache: dict[tuple[int, str], User] = {}
    days = _working_days(today - dt.timedelta(days=365), today)
    weights = [r[2] for r in routes]
    story = _Story(rng, now)
    counts: dict[str, int] = {}
    with services.bulk_mode():
        # One transaction per batch (a commit per dossier costs an fsync on PostgreSQL); each
        # dossier is a savepoint inside it, so a failing story is dropped alone.
        for first in range(0, size, BATCH):
            with transaction.atomic():
                for index in range(first, min(size, first + BATCH)):
                    procedure, pairs, _weight = rng.choices(routes, weights=weights)[0]
                    agency, receiving = _pick_pair(rng, pairs)
                    # Later months carry a little more volume (online services keep growing).
                    day = days[min(len(days) - 1, int(len(days) * (rng.random() ** 0.85)))]
                    created = _working_moment(day, rng)
                    online = rng.random() < (0.62 if procedure.is_full_online else 0.38)
                    citizen_index = rng.randrange(len(citizens))
                    walk_in_with_account = rng.random() < 0.65
                    citizen = citizens[citizen_index] if online or walk_in_with_account else None
                    person = (
                        people[citizen_index]
                        if citizen is not None
                        else _person(rng, 10_000 + index)
                    )
                    plan = _plan(rng, online)
                    try:
                        with transaction.atomic():
                            story.run(
                                procedure=procedure,
                                agency=agency,
                                receiving=receiving,
                                staff=_officers(agency, officer_cache),
                                desks=lambda a: _officers(a, officer_cache),
                                citizen=citizen,
                                person=person,
                                created=created,
                                online=online,
                                plan=plan,
                            )
                    except ApplicationError as exc:
                        # A catalogue record the demo cannot satisfy (e.g. a form rule); skip it.
                        counts["skipped"] = counts.get("skipped", 0) + 1
                        if counts["skipped"] <= 3:
                            _say(
                                stdout, "bỏ qua hồ sơ mẫu (%s): %s" % (procedure.code, exc.message)
                            )
                        continue
                    counts[plan] = counts.get(plan, 0) + 1
        _queues(rng, now, routes, officer_cache, citizens)
        _feedback(rng, now)
    flagged = services.dossiers_flag_late(now=now)
    _say(
        stdout,
        "hồ sơ: %d (%d quá hạn đang mở; %d kịch bản bỏ qua) trong %.1f s"
        % (Dossier.objects.count(), flagged, counts.get("skipped", 0), time.monotonic() - started),
    )


FEEDBACK = [
    "Đề nghị bố trí thêm ghế chờ tại Bộ phận Một cửa vào buổi sáng.",
    "Hồ sơ của tôi đã quá hẹn nhưng chưa nhận được thông báo lý do.",
    "Cán bộ hướng dẫn tận tình, cảm ơn phường.",
    "Trang nộp hồ sơ trực tuyến khó tải tệp ảnh chụp bằng điện thoại.",
    "Đề nghị niêm yết rõ mức lệ phí tại quầy.",
]


def _feedback(rng: random.Random, now: dt.datetime) -> None:
    """Feedback and petitions (phản ánh, kiến nghị): some about a dossier, some general."""
    ids = list(
        Dossier.objects.filter(status=Status.RETURNED, applicant__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    chosen = rng.sample(ids, min(30, len(ids)))
    dossiers = list(
        Dossier.objects.filter(pk__in=chosen).select_related("applicant", "agency").order_by("pk")
    )
    for index, dossier in enumerate(dossiers):
        moment = (dossier.returned_at or now) + dt.timedelta(hours=rng.uniform(1, 72))
        if moment > now:
            continue
        feedback = services.feedback_create(
            actor=dossier.applicant,
            name=dossier.applicant_name,
            phone=dossier.applicant_phone,
            content=FEEDBACK[index % len(FEEDBACK)],
            dossier=dossier if index % 3 else None,
            now=moment,
        )
        answered = moment + dt.timedelta(days=rng.randint(1, 6))
        if index % 2 == 0 and answered < now:
            leader = (
                Membership.objects.filter(agency=dossier.agency, role=Role.LEADER)
                .select_related("user")
                .first()
            )
            services.feedback_answer(
                actor=leader.user if leader else None,
                feedback=feedback,
                answer="Cảm ơn ông/bà đã phản ánh; đơn vị đã tiếp thu và chấn chỉnh.",
                now=answered,
            )


def _queues(
    rng: random.Random,
    now: dt.datetime,
    routes: list[tuple[Procedure, list[tuple[Agency, Agency]], int]],
    officer_cache: dict[tuple[int, str], User],
    citizens: list[User],
) -> None:
    """A few dossiers of the demo ward in each queue of the demo accounts, and a history for
    the demo citizen ``congdan``."""
    ward = Agency.objects.filter(slug=DEMO_COMMUNE).first()
    if ward is None:
        return
    local = [(p, pair) for p, pairs, _w in routes for pair in pairs if pair[0] == ward]
    if not local:
        return
    staff = _officers(ward, officer_cache)
    congdan = User.objects.filter(username="congdan").first()
    # (stop before, how many): each story is cut just before the named event.
    wanted = [
        ("receive", 4),
        ("start", 3),
        ("forward", 4),
        ("supplement", 2),
        ("approve", 3),
        ("return", 3),
        ("late", 2),
        ("due_soon", 2),
    ]
    for stage, count in wanted:
        for n in range(count):
            procedure, (agency, _receiving) = rng.choice(local)
            owner = congdan if (congdan and n == 0 and stage in ("forward", "return")) else None
            owner = owner or rng.choice(citizens)
            try:
                _queue_dossier(rng, now, stage, procedure, agency, staff, owner)
            except ApplicationError:
                continue  # a catalogue form the demo cannot fill
    if (
        congdan is not None
        and not Dossier.objects.filter(applicant=congdan, status=Status.RETURNED).exists()
    ):
        procedure, (agency, _receiving) = rng.choice(local)
        try:
            with transaction.atomic():
                _Story(rng, now).run(
                    procedure=procedure,
                    agency=agency,
                    receiving=agency,
                    staff=staff,
                    desks=lambda _a: staff,
                    citizen=congdan,
                    person={
                        "name": congdan.full_name,
                        "personal_id": congdan.personal_id,
                        "phone": congdan.phone,
                        "address": congdan.address,
                    },
                    created=_working_moment(
                        workdays.add_working_days_to_date(
                            timezone.localdate() - dt.timedelta(days=40), 0
                        ),
                        rng,
                    ),
                    online=True,
                    plan="normal",
                )
        except ApplicationError:
            pass  # a catalogue form the demo cannot fill; the queues above are enough


def _start_for(now: dt.datetime, procedure: Procedure, ratio: float) -> dt.datetime:
    """A moment before ``now`` such that ``ratio`` of the procedure's allowed working time
    (counted from that moment) has elapsed by ``now``."""
    value, unit = procedure.processing_time_value, procedure.processing_time_unit
    start = now
    for _ in range(3):  # the allowed time depends on the start; converges in a step or two
        allowed = workdays.working_hours_between(start, workdays.due_at(start, value, unit))
        target = max(0.5, allowed * ratio)
        span_days = value * 2 + 20 if unit == "working_days" else 10  # covers weekends, Tết
        low, high = now - dt.timedelta(days=span_days), now
        for _ in range(30):
            middle = low + (high - low) / 2
            if workdays.working_hours_between(middle, now) > target:
                low = middle
            else:
                high = middle
        start = low
    return start


def _queue_dossier(
    rng: random.Random,
    now: dt.datetime,
    stage: str,
    procedure: Procedure,
    agency: Agency,
    staff: dict[str, User],
    citizen: User,
) -> None:
    reception, specialist, leader = (
        staff[Role.RECEPTIONIST],
        staff[Role.SPECIALIST],
        staff[Role.LEADER],
    )
    person = {
        "name": citizen.full_name,
        "personal_id": citizen.personal_id,
        "phone": citizen.phone,
        "address": citizen.address,
    }
    # Start far enough back that the share of the allowed working time each stage needs is used
    # up by now: overdue for "late", past the 80 % mark for "due_soon".
    ratio = {"late": 1.3, "due_soon": 0.9}.get(stage, 0.4)
    start = _start_for(now, procedure, ratio)
    with transaction.atomic():
        dossier = services.dossier_create(
            actor=citizen,
            procedure=procedure,
            applicant={"phone": citizen.phone, "email": citizen.email},
            form_data=_form(procedure, person, rng),
            channel="online",
            agency=agency,
            now=start,
        )
        for doc in procedure.required_documents.all():
            if doc.mandatory and not doc.condition:
                services.dossier_attach(
                    actor=citizen,
                    dossier=dossier,
                    slot=doc.slot,
                    uploaded_file=SimpleUploadedFile("%s.pdf" % doc.slot, PDF),
                    now=start,
                )
        step = (now - start) / 8
        if stage in ("late", "due_soon"):
            # Received right away, so that the working time used is what the stage needs.
            step = min(step, dt.timedelta(minutes=10))
        t = start + step
        dossier = services.dossier_submit(actor=citizen, dossier=dossier, now=t)
        if stage == "receive":
            return
        t += step
        dossier = services.dossier_receive(actor=reception, dossier=dossier, now=t)
        if stage == "start":
            return
        t += step
        dossier = services.dossier_start(actor=specialist, dossier=dossier, now=t)
        if stage in ("forward", "late", "due_soon"):
            return
        if stage == "supplement":
            services.dossier_request_supplement(
                actor=specialist,
                dossier=dossier,
                items=rng.sample(SUPPLEMENT_ITEMS, 2),
                note="Đề nghị bổ sung trong 10 ngày làm việc",
                now=t + step,
            )
            return
        t += step
        dossier = services.dossier_forward(
            actor=specialist, dossier=dossier, note="Đủ điều kiện, đề nghị phê duyệt", now=t
        )
        if stage == "approve":
            return
        t += step
        dossier = services.dossier_approve(actor=leader, dossier=dossier, note="Đồng ý", now=t)
        if dossier.fee_amount:
            services.dossier_mark_paid(
                actor=reception,
                dossier=dossier,
                method="counter",
                reference="BL-DEMO",
                now=t + step,
            )
