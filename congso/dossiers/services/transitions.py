"""The workflow actions: submit, receive, start, supplement, reject, forward, send back,
approve, return, withdraw, apology, payment at the desk, rating; deadline flags."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from congso.agencies.models import Agency, Membership, Role
from congso.core import audit, vntext, workdays
from congso.core.exceptions import ApplicationError, ConflictError, NotFoundError
from congso.core.formatting import format_date, format_datetime, format_vnd
from congso.dossiers import workflow
from congso.dossiers.constants import (
    RATING_CRITERIA,
    Action,
    AttachmentKind,
    Channel,
    PaymentMethod,
    Status,
)
from congso.dossiers.models import (
    DUE_SOON_RATIO,
    ApologyLetter,
    Dossier,
    DossierAttachment,
    Payment,
    Rating,
    SupplementRequest,
)
from congso.dossiers.services.attachments import _missing_documents, _read_upload, _store_file
from congso.dossiers.services.base import (
    _atomic,
    _bulk_cache,
    _bulk_mode,
    _clean_text,
    _lock,
    _notify_applicant,
    _now,
    _office_hours,
    _record,
    _rule_set_for,
    _save,
)
from congso.dossiers.services.intake import _parse_date, validate_form_data


# ---------------------------------------------------------------- transitions
@_atomic
def dossier_submit(*, actor: Any, dossier: Dossier, now: dt.datetime | None = None) -> Dossier:
    """Submit a draft: the form must be complete and every mandatory document attached."""
    at = _now(now)
    dossier = _lock(dossier)
    role = workflow.check(actor, dossier, Action.SUBMIT)
    dossier.form_data = validate_form_data(dossier.procedure, dossier.form_data, complete=True)
    if dossier.channel == Channel.ONLINE:
        missing = _missing_documents(dossier)
        if missing:
            raise ApplicationError(
                "Hồ sơ còn thiếu giấy tờ bắt buộc: %s." % "; ".join(missing),
                {"missing_documents": missing},
            )
    before = dossier.status
    dossier.status = Status.SUBMITTED
    dossier.submitted_at = at
    _save(dossier, at, "status", "submitted_at", "form_data")
    _record(
        actor=actor,
        dossier=dossier,
        action=Action.SUBMIT,
        from_status=before,
        role=role,
        at=at,
        public_note=(
            "Hồ sơ được nộp trực tuyến, chờ tiếp nhận"
            if dossier.channel == Channel.ONLINE
            else "Hồ sơ được nộp, chờ tiếp nhận"
        ),
    )
    _notify_applicant(dossier)
    return dossier


def _pick_handler(agency: Agency, role: str) -> Any:
    """The officer of ``agency`` with ``role`` who has the fewest open dossiers (or None)."""
    from congso.accounts.models import User

    memo = _bulk_cache.get()
    key = ("handlers", agency.pk, role)
    if memo is not None and key in memo:
        candidates = memo[key]
    else:
        candidates = list(
            Membership.objects.filter(agency=agency, role=role, user__is_active=True)
            .values_list("user_id", flat=True)
            .distinct()[:2]
        )
        if memo is not None:
            memo[key] = candidates
    if not candidates:
        return None
    if len(candidates) == 1:
        return User(pk=candidates[0]) if _bulk_mode.get() else User.objects.get(pk=candidates[0])
    return (
        User.objects.filter(memberships__agency=agency, memberships__role=role, is_active=True)
        .annotate(
            load=Count(
                "handled_dossiers",
                filter=Q(
                    handled_dossiers__status__in=[
                        Status.RECEIVED,
                        Status.IN_PROGRESS,
                        Status.AWAITING_APPROVAL,
                    ]
                ),
            )
        )
        .order_by("load", "id")
        .first()
    )


def _set_deadline(dossier: Dossier, received_at: dt.datetime) -> dt.datetime:
    procedure = dossier.procedure
    spec = _office_hours(dossier)
    due = workdays.due_at(
        received_at,
        procedure.processing_time_value,
        procedure.processing_time_unit,
        spec=spec,
    )
    total = workdays.working_hours_between(received_at, due, spec=spec)
    dossier.due_at = due
    dossier.original_due_at = due
    dossier.due_soon_at = workdays.add_working_hours(received_at, total * DUE_SOON_RATIO, spec=spec)
    return due


@_atomic
def dossier_receive(
    *, actor: Any, dossier: Dossier, note: str = "", now: dt.datetime | None = None
) -> Dossier:
    """Receive a submitted dossier at the one-stop desk (tiếp nhận) and set its deadline.

    The deadline runs from receipt of the valid dossier in working time (Civil Code art. 147:
    the day of receipt is not counted; same-day procedures received after 15:00 are due the next
    working day). A specialist of the handling agency is assigned. Two receptionists receiving
    the same dossier at once: the row lock serialises them and the second gets a ConflictError.
    """
    at = _now(now)
    dossier = _lock(dossier)
    role = workflow.check(actor, dossier, Action.RECEIVE)
    before = dossier.status
    dossier.status = Status.RECEIVED
    dossier.received_at = at
    dossier.received_by = actor
    dossier.rule_set = _rule_set_for(at)
    due = _set_deadline(dossier, at)
    dossier.current_handler = _pick_handler(dossier.agency, Role.SPECIALIST)
    _save(
        dossier,
        at,
        "status",
        "received_at",
        "received_by",
        "rule_set",
        "due_at",
        "original_due_at",
        "due_soon_at",
        "current_handler",
    )
    _record(
        actor=actor,
        dossier=dossier,
        action=Action.RECEIVE,
        from_status=before,
        role=role,
        at=at,
        note=_clean_text(note, field="ghi chú", max_length=2000),
        public_note="Đã tiếp nhận hồ sơ, hẹn trả kết quả %s" % format_datetime(due),
        data={"due_at": due.isoformat()},
    )
    _notify_applicant(dossier, due_date=dossier.due_at)
    return dossier


@_atomic
def dossier_start(
    *, actor: Any, dossier: Dossier, note: str = "", now: dt.datetime | None = None
) -> Dossier:
    """A specialist of the handling agency takes the received dossier up (nhận xử lý)."""
    at = _now(now)
    dossier = _lock(dossier)
    role = workflow.check(actor, dossier, Action.START)
    before = dossier.status
    dossier.status = Status.IN_PROGRESS
    dossier.current_handler = actor
    _save(dossier, at, "status", "current_handler")
    _record(
        actor=actor,
        dossier=dossier,
        action=Action.START,
        from_status=before,
        role=role,
        at=at,
        note=_clean_text(note, field="ghi chú", max_length=2000),
        public_note="Hồ sơ đang được giải quyết",
    )
    return dossier


@_atomic
def dossier_request_supplement(
    *,
    actor: Any,
    dossier: Dossier,
    items: list[str],
    note: str = "",
    now: dt.datetime | None = None,
) -> Dossier:
    """Ask the applicant to supplement the dossier, listing everything missing at once.

    After receipt this is allowed once (Decree 118/2025) and stops the clock until the applicant
    supplements; the waiting time is added back to the deadline in working hours.
    """
    at = _now(now)
    dossier = _lock(dossier)
    role = workflow.check(actor, dossier, Action.REQUEST_SUPPLEMENT)
    cleaned = [vntext.nfc(str(i)).strip() for i in (items or []) if str(i or "").strip()]
    if not cleaned:
        raise ApplicationError(
            "Liệt kê đầy đủ các giấy tờ, nội dung cần bổ sung.",
            {"fields": {"items": ["Bắt buộc nhập ít nhất một nội dung."]}},
        )
    if len(cleaned) > 30 or any(len(i) > 500 for i in cleaned):
        raise ApplicationError("Danh sách bổ sung quá dài (tối đa 30 mục, mỗi mục 500 ký tự).")
    before = dossier.status
    after_receipt = dossier.received_at is not None
    SupplementRequest.objects.create(
        dossier=dossier,
        items=cleaned,
        note=_clean_text(note, field="hướng dẫn", max_length=2000),
        after_receipt=after_receipt,
        from_status=before,
        requested_by=actor,
        requested_at=at,
    )
    dossier.status = Status.AWAITING_SUPPLEMENT
    fields = ["status"]
    if after_receipt:
        dossier.paused_at = at
        dossier.supplement_count += 1
        fields += ["paused_at", "supplement_count"]
    _save(dossier, at, *fields)
    _record(
        actor=actor,
        dossier=dossier,
        action=Action.REQUEST_SUPPLEMENT,
        from_status=before,
        role=role,
        at=at,
        note=note,
        public_note="Yêu cầu bổ sung hồ sơ: %s" % "; ".join(cleaned),
        data={"items": cleaned, "after_receipt": after_receipt},
    )
    _notify_applicant(dossier, note="Cần bổ sung: %s. %s" % ("; ".join(cleaned), note or ""))
    return dossier


@_atomic
def dossier_supplement(
    *, actor: Any, dossier: Dossier, note: str = "", now: dt.datetime | None = None
) -> Dossier:
    """The applicant has supplemented: the clock resumes and the deadline moves later by the
    working hours it was stopped (supplement time is not counted)."""
    at = _now(now)
    dossier = _lock(dossier)
    role = workflow.check(actor, dossier, Action.SUPPLEMENT)
    request = dossier.supplement_requests.filter(fulfilled_at__isnull=True).last()
    before = dossier.status
    paused = 0.0
    fields = ["status"]
    if dossier.paused_at is not None and dossier.due_at is not None:
        spec = _office_hours(dossier)
        paused = workdays.working_hours_between(dossier.paused_at, at, spec=spec)
        dossier.paused_hours += paused
        dossier.due_at = workdays.extend_by_working_hours(dossier.due_at, paused, spec=spec)
        if dossier.due_soon_at is not None:
            dossier.due_soon_at = workdays.extend_by_working_hours(
                dossier.due_soon_at, paused, spec=spec
            )
        dossier.paused_at = None
        fields += ["paused_hours", "due_at", "due_soon_at", "paused_at"]
    resume = request.from_status if request and request.from_status else Status.IN_PROGRESS
    if resume == Status.SUBMITTED or dossier.received_at is None:
        resume = Status.SUBMITTED
    dossier.status = resume
    _save(dossier, at, *fields)
    if request is not None:
        request.fulfilled_at = at
        request.paused_hours = paused
        request.save(update_fields=["fulfilled_at", "paused_hours"])
    _record(
        actor=actor,
        dossier=dossier,
        action=Action.SUPPLEMENT,
        from_status=before,
        role=role,
        at=at,
        note=_clean_text(note, field="ghi chú", max_length=2000),
        public_note="Người nộp đã bổ sung hồ sơ",
        data={"paused_hours": round(paused, 2)},
    )
    if paused and dossier.due_at:
        _notify_applicant(dossier, due_date=dossier.due_at)
    return dossier


def _finish(dossier: Dossier, at: dt.datetime) -> list[str]:
    """Close the clock at a decision: record when, whether it was late, and the working hours
    used (receipt to decision minus the time paused for supplement, in the agency's office
    hours; the dashboard's average processing time sums it)."""
    fields = ["finished_at", "is_late_flag", "working_hours_used"]
    spec = _office_hours(dossier)
    if dossier.paused_at is not None and dossier.due_at is not None:
        paused = workdays.working_hours_between(dossier.paused_at, at, spec=spec)
        dossier.paused_hours += paused
        dossier.due_at = workdays.extend_by_working_hours(dossier.due_at, paused, spec=spec)
        dossier.paused_at = None
        fields += ["paused_hours", "due_at", "paused_at"]
    dossier.finished_at = at
    dossier.is_late_flag = dossier.is_late_at(at)
    dossier.working_hours_used = (
        None
        if dossier.received_at is None
        else workdays.working_hours_between(dossier.received_at, at, spec=spec)
        - dossier.paused_hours
    )
    return fields


@_atomic
def dossier_reject(
    *, actor: Any, dossier: Dossier, reason: str, now: dt.datetime | None = None
) -> Dossier:
    """Refuse the dossier with the legal reason (phiếu từ chối): at receipt by the desk, or after
    review by the specialist of the handling agency."""
    at = _now(now)
    dossier = _lock(dossier)
    role = workflow.check(actor, dossier, Action.REJECT)
    reason = _clean_text(reason, field="lý do từ chối", max_length=4000, required=True)
    if len(reason) < 10:
        raise ApplicationError(
            "Nêu rõ lý do từ chối và căn cứ pháp lý.",
            {"fields": {"reason": ["Lý do quá ngắn."]}},
        )
    before = dossier.status
    dossier.status = Status.REJECTED
    dossier.rejection_reason = reason
    dossier.current_handler = None
    fields = _finish(dossier, at)
    _save(dossier, at, "status", "rejection_reason", "current_handler", *fields)
    _record(
        actor=actor,
        dossier=dossier,
        action=Action.REJECT,
        from_status=before,
        role=role,
        at=at,
        note=reason,
        public_note="Hồ sơ không đủ điều kiện giải quyết: %s" % reason[:200],
    )
    _notify_applicant(dossier, note=reason)
    return dossier


@_atomic
def dossier_forward(
    *,
    actor: Any,
    dossier: Dossier,
    note: str = "",
    draft_result: Any = None,
    now: dt.datetime | None = None,
) -> Dossier:
    """The specialist forwards the dossier with a draft result to the leader (trình ký)."""
    at = _now(now)
    dossier = _lock(dossier)
    role = workflow.check(actor, dossier, Action.FORWARD)
    if draft_result is not None:
        _head, content_type = _read_upload(draft_result)
        _store_file(
            dossier=dossier,
            slot="draft-result",
            kind=AttachmentKind.DRAFT_RESULT,
            uploaded_file=draft_result,
            content_type=content_type,
            actor=actor,
            at=at,
        )
    before = dossier.status
    dossier.status = Status.AWAITING_APPROVAL
    dossier.current_handler = _pick_handler(dossier.agency, Role.LEADER)
    _save(dossier, at, "status", "current_handler")
    _record(
        actor=actor,
        dossier=dossier,
        action=Action.FORWARD,
        from_status=before,
        role=role,
        at=at,
        note=_clean_text(note, field="ghi chú", max_length=4000),
        public_note="Trình lãnh đạo phê duyệt",
        data={"draft_result": draft_result is not None},
    )
    return dossier


@_atomic
def dossier_send_back(
    *, actor: Any, dossier: Dossier, note: str, now: dt.datetime | None = None
) -> Dossier:
    """The leader returns the dossier to the specialist with instructions."""
    at = _now(now)
    dossier = _lock(dossier)
    role = workflow.check(actor, dossier, Action.SEND_BACK)
    note = _clean_text(note, field="ý kiến chỉ đạo", max_length=4000, required=True)
    last_forward = dossier.steps.filter(action=Action.FORWARD).order_by("-at", "-id").first()
    before = dossier.status
    dossier.status = Status.IN_PROGRESS
    dossier.current_handler = last_forward.actor if last_forward else None
    _save(dossier, at, "status", "current_handler")
    _record(
        actor=actor,
        dossier=dossier,
        action=Action.SEND_BACK,
        from_status=before,
        role=role,
        at=at,
        note=note,
        public_note="Hồ sơ đang được giải quyết",
    )
    return dossier


@_atomic
def dossier_approve(
    *,
    actor: Any,
    dossier: Dossier,
    result_file: Any = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Dossier:
    """The leader approves: the result (uploaded now, or the draft) becomes the dossier's result."""
    at = _now(now)
    dossier = _lock(dossier)
    role = workflow.check(actor, dossier, Action.APPROVE)
    digitised = False
    if result_file is not None:
        _head, content_type = _read_upload(result_file)
        _store_file(
            dossier=dossier,
            slot="result",
            kind=AttachmentKind.RESULT,
            uploaded_file=result_file,
            content_type=content_type,
            actor=actor,
            at=at,
        )
        digitised = True
    else:
        draft = dossier.attachments.filter(kind=AttachmentKind.DRAFT_RESULT).last()
        if draft is not None:
            DossierAttachment.objects.create(
                dossier=dossier,
                slot="result",
                kind=AttachmentKind.RESULT,
                original_name=draft.original_name,
                file=draft.file.name,
                content_type=draft.content_type,
                size=draft.size,
                sha256=draft.sha256,
                uploaded_by=actor,
                uploaded_at=at,
            )
            digitised = True
        else:
            digitised = dossier.attachments.filter(kind=AttachmentKind.RESULT).exists()
    before = dossier.status
    dossier.status = Status.APPROVED
    dossier.result_digitised = digitised
    dossier.current_handler = None
    fields = _finish(dossier, at)
    _save(dossier, at, "status", "result_digitised", "current_handler", *fields)
    _record(
        actor=actor,
        dossier=dossier,
        action=Action.APPROVE,
        from_status=before,
        role=role,
        at=at,
        note=_clean_text(note, field="ghi chú", max_length=4000),
        public_note="Hồ sơ đã có kết quả",
        data={"result_digitised": digitised, "late": dossier.is_late_flag},
    )
    _notify_applicant(
        dossier,
        note=(
            "Mời ông/bà đến nhận kết quả."
            if dossier.is_paid
            else "Mời ông/bà nộp phí, lệ phí %s và nhận kết quả." % format_vnd(dossier.fee_amount)
        ),
    )
    return dossier


@_atomic
def dossier_return_result(
    *, actor: Any, dossier: Dossier, note: str = "", now: dt.datetime | None = None
) -> Dossier:
    """The one-stop desk hands the result (or the refusal notice) to the applicant."""
    at = _now(now)
    dossier = _lock(dossier)
    role = workflow.check(actor, dossier, Action.RETURN_RESULT)
    before = dossier.status
    dossier.status = Status.RETURNED
    dossier.returned_at = at
    _save(dossier, at, "status", "returned_at")
    _record(
        actor=actor,
        dossier=dossier,
        action=Action.RETURN_RESULT,
        from_status=before,
        role=role,
        at=at,
        note=_clean_text(note, field="ghi chú", max_length=2000),
        public_note="Đã trả kết quả cho người nộp",
    )
    _notify_applicant(dossier, note="Mời ông/bà đánh giá mức độ hài lòng khi tra cứu hồ sơ.")
    return dossier


@_atomic
def dossier_withdraw(
    *, actor: Any, dossier: Dossier, reason: str = "", now: dt.datetime | None = None
) -> Dossier:
    """The applicant withdraws the dossier (rút hồ sơ) before the decision; at the counter the
    desk records a walk-in applicant's written request."""
    at = _now(now)
    dossier = _lock(dossier)
    role = workflow.check(actor, dossier, Action.WITHDRAW)
    reason = _clean_text(reason, field="lý do", max_length=2000)
    before = dossier.status
    fields = ["status", "withdrawn_at", "current_handler"]
    if dossier.paused_at is not None and dossier.due_at is not None:
        spec = _office_hours(dossier)
        paused = workdays.working_hours_between(dossier.paused_at, at, spec=spec)
        dossier.paused_hours += paused
        dossier.due_at = workdays.extend_by_working_hours(dossier.due_at, paused, spec=spec)
        dossier.paused_at = None
        fields += ["paused_hours", "due_at", "paused_at"]
    dossier.status = Status.WITHDRAWN
    dossier.withdrawn_at = at
    dossier.current_handler = None
    _save(dossier, at, *fields)
    _record(
        actor=actor,
        dossier=dossier,
        action=Action.WITHDRAW,
        from_status=before,
        role=role,
        at=at,
        note=reason,
        public_note="Người nộp đã rút hồ sơ",
    )
    _notify_applicant(dossier)
    return dossier


def _as_deadline(value: Any, spec: str | None) -> dt.datetime:
    if isinstance(value, str):
        parsed_dt = None
        with contextlib.suppress(ValueError):
            parsed_dt = dt.datetime.fromisoformat(value)
        if parsed_dt is None:
            parsed = _parse_date(value)
            if parsed is None:
                raise ApplicationError(
                    "Ngày hẹn lại không hợp lệ.", {"fields": {"new_due_at": ["Không hợp lệ."]}}
                )
            value = parsed
        else:
            value = parsed_dt
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            value = value.replace(tzinfo=workdays.tz())
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, workdays.office_hours(spec).closing, tzinfo=workdays.tz())
    raise ApplicationError("Ngày hẹn lại không hợp lệ.", {"fields": {"new_due_at": ["Bắt buộc."]}})


@_atomic
def dossier_issue_apology(
    *,
    actor: Any,
    dossier: Dossier,
    reason: str,
    new_due_at: Any,
    now: dt.datetime | None = None,
) -> ApologyLetter:
    """Issue the apology letter with a new appointment (at most once per dossier).

    The new date is promised to the applicant; ``due_at`` keeps the legal deadline so the dossier
    still counts as late in the KPIs.
    """
    at = _now(now)
    dossier = _lock(dossier)
    role = workflow.check(actor, dossier, Action.ISSUE_APOLOGY)
    reason = _clean_text(reason, field="lý do chậm", max_length=4000, required=True)
    new_due = _as_deadline(new_due_at, _office_hours(dossier))
    if not workdays.is_working_day(timezone.localtime(new_due).date()):
        raise ApplicationError(
            "Ngày hẹn lại phải là ngày làm việc.", {"fields": {"new_due_at": ["Ngày nghỉ."]}}
        )
    if new_due <= at or (dossier.due_at is not None and new_due <= dossier.due_at):
        raise ApplicationError(
            "Ngày hẹn lại phải sau hạn giải quyết hiện tại và sau thời điểm hiện tại.",
            {"fields": {"new_due_at": ["Phải sau hạn hiện tại."]}},
        )
    letter = ApologyLetter.objects.create(
        dossier=dossier, reason=reason, new_due_at=new_due, issued_by=actor, issued_at=at
    )
    _record(
        actor=actor,
        dossier=dossier,
        action=Action.ISSUE_APOLOGY,
        from_status=dossier.status,
        role=role,
        at=at,
        note=reason,
        public_note="Cơ quan giải quyết xin lỗi và hẹn lại ngày trả kết quả: %s"
        % format_date(new_due),
        data={"new_due_at": new_due.isoformat()},
    )
    _notify_applicant(
        dossier,
        note="Cơ quan giải quyết xin lỗi vì chậm trả kết quả (%s) và hẹn lại ngày %s."
        % (reason, format_date(new_due)),
    )
    return letter


def _mark_paid(
    dossier: Dossier, *, actor: Any, method: str, reference: str, at: dt.datetime, role: str
) -> None:
    dossier.paid_at = at
    dossier.payment_method = method
    dossier.payment_reference = reference[:100]
    _save(dossier, at, "paid_at", "payment_method", "payment_reference")
    _record(
        actor=actor,
        dossier=dossier,
        action=Action.MARK_PAID,
        from_status=dossier.status,
        role=role,
        at=at,
        note="%s — %s" % (PaymentMethod(method).label, reference),
        public_note="Đã nộp phí, lệ phí",
        data={"method": method, "reference": reference, "amount": dossier.fee_amount},
    )


@_atomic
def dossier_mark_paid(
    *,
    actor: Any,
    dossier: Dossier,
    method: str = PaymentMethod.COUNTER,
    reference: str = "",
    now: dt.datetime | None = None,
) -> Dossier:
    """The desk records that the fee was paid (at the counter, or a transfer it has checked)."""
    at = _now(now)
    dossier = _lock(dossier)
    role = workflow.check(actor, dossier, Action.MARK_PAID)
    if method not in (PaymentMethod.COUNTER, PaymentMethod.ONLINE):
        raise ApplicationError(
            "Hình thức nộp phí không hợp lệ.", {"fields": {"method": ["Không hợp lệ."]}}
        )
    reference = _clean_text(reference, field="số biên lai", max_length=100)
    _mark_paid(dossier, actor=actor, method=method, reference=reference, at=at, role=role)
    Payment.objects.filter(dossier=dossier, state=Payment.State.PENDING).update(
        state=Payment.State.CANCELLED
    )
    return dossier


@_atomic
def dossier_rate(
    *,
    actor: Any,
    dossier: Dossier,
    score: int,
    comment: str = "",
    criteria: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> Rating:
    """The applicant rates the service after receiving the result (Decision 766)."""
    at = _now(now)
    dossier = _lock(dossier)
    role = workflow.check(actor, dossier, Action.RATE)
    return _rate(
        actor=actor,
        dossier=dossier,
        role=role,
        score=score,
        comment=comment,
        criteria=criteria,
        at=at,
    )


@_atomic
def dossier_rate_by_lookup(
    *,
    code: str,
    phone_or_id: str,
    score: int,
    comment: str = "",
    criteria: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> Rating:
    """Rating without an account (a walk-in applicant scanning the QR code of the receipt):
    the dossier code and the applicant's phone or personal ID identify the applicant, as on the
    public lookup page. The same rules apply: after return, once."""
    from congso.dossiers.selectors import dossier_lookup

    at = _now(now)
    found = dossier_lookup(code=code, phone_or_id=phone_or_id)
    if found is None:
        raise NotFoundError(
            "Không tìm thấy hồ sơ khớp với mã hồ sơ và số điện thoại/số định danh đã nhập."
        )
    dossier = _lock(found)
    if dossier.status != Status.RETURNED:
        raise ConflictError(workflow._STATE_MESSAGES[Action.RATE])
    if hasattr(dossier, "rating"):
        raise ConflictError("Hồ sơ đã được đánh giá.")
    return _rate(
        actor=None,
        dossier=dossier,
        role="",
        score=score,
        comment=comment,
        criteria=criteria,
        at=at,
        via_lookup=True,
    )


def _rate(
    *,
    actor: Any,
    dossier: Dossier,
    role: str,
    score: Any,
    comment: str,
    criteria: dict[str, Any] | None,
    at: dt.datetime,
    via_lookup: bool = False,
) -> Rating:
    errors: dict[str, list[str]] = {}

    def score_of(value: Any, name: str) -> int | None:
        try:
            number = int(value)
        except (TypeError, ValueError):
            errors[name] = ["Chọn từ 1 đến 5."]
            return None
        if not 1 <= number <= 5:
            errors[name] = ["Chọn từ 1 đến 5."]
            return None
        return number

    overall = score_of(score, "score")
    per_criterion: dict[str, int | None] = {}
    for key, value in (criteria or {}).items():
        if key not in RATING_CRITERIA:
            errors["criteria.%s" % key] = ["Tiêu chí không tồn tại."]
            continue
        if value in (None, ""):
            continue
        per_criterion[key] = score_of(value, "criteria.%s" % key)
    if errors or overall is None:
        raise ApplicationError(
            "Điểm đánh giá phải từ 1 đến 5.", {"fields": errors or {"score": ["Bắt buộc."]}}
        )
    rating = Rating(
        dossier=dossier,
        score=overall,
        comment=_clean_text(comment, field="ý kiến", max_length=2000),
        rated_at=at,
        **per_criterion,
    )
    rating.save()
    _record(
        actor=actor,
        dossier=dossier,
        action=Action.RATE,
        from_status=dossier.status,
        role=role,
        at=at,
        note=rating.comment,
        public_note="Người nộp đã đánh giá mức độ hài lòng",
        data={"score": overall, "criteria": per_criterion, "via_lookup": via_lookup},
        actor_name=dossier.applicant_name if via_lookup else "",
    )
    return rating


def dossier_record_view(*, actor: Any, dossier: Dossier, ip_address: str | None = None) -> None:
    """Log that an officer opened a dossier's personal data (not logged for its applicant)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return
    if dossier.applicant_id == actor.pk:
        return
    audit.record(
        actor=actor,
        obj=dossier,
        action="dossier.view",
        agency=dossier.agency,
        ip_address=ip_address,
    )


# ---------------------------------------------------------------- deadlines (periodic task)
def dossiers_flag_late(*, now: dt.datetime | None = None) -> int:
    """Set ``is_late_flag`` on open dossiers past their deadline; returns how many changed."""
    at = _now(now)
    ids = list(Dossier.objects.overdue(at).filter(is_late_flag=False).values_list("pk", flat=True))
    if not ids:
        return 0
    with transaction.atomic():
        for dossier in Dossier.objects.select_for_update(of=("self",)).filter(pk__in=ids):
            if not dossier.is_late_at(at) or dossier.is_late_flag:
                continue
            dossier.is_late_flag = True
            dossier.save(update_fields=["is_late_flag"])
            audit.record(
                actor=None,
                obj=dossier,
                action="dossier.flag_late",
                from_state=dossier.status,
                to_state=dossier.status,
                data={"due_at": dossier.due_at.isoformat() if dossier.due_at else None},
            )
    return len(ids)
