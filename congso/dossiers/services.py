"""Dossier use cases: one function per action, keyword-only, ``actor`` first.

Every transition locks the dossier row (``select_for_update``), checks the actor's role and the
state with :func:`congso.dossiers.workflow.check`, writes a :class:`DossierStep` and an audit event
in the same transaction, and notifies the applicant after commit. A denied action raises
PermissionDeniedError (403) or ConflictError (409) before anything is written.

Each service accepts ``now=`` so that the demo history and the tests can replay the past; it
defaults to the current time.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
import inspect
import re
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from congso.agencies.models import Agency, Membership, Role
from congso.core import audit, numbering, vntext, workdays
from congso.core.exceptions import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)
from congso.core.formatting import format_date, format_datetime, format_vnd
from congso.dossiers import workflow
from congso.dossiers.constants import (
    RATING_CRITERIA,
    Action,
    ApplicantKind,
    AttachmentKind,
    Channel,
    PaymentMethod,
    RuleSet,
    Status,
)
from congso.dossiers.models import (
    DUE_SOON_RATIO,
    ApologyLetter,
    Dossier,
    DossierAttachment,
    DossierStep,
    Feedback,
    Payment,
    Rating,
    SupplementRequest,
)

#: Decree 118/2025 applies to dossiers received from this day; earlier ones keep Decree 61/2018.
DECREE_118_FROM = dt.date(2025, 7, 1)

# ---------------------------------------------------------------- notifications switch
_notifications_enabled: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "dossier_notifications", default=True
)


_bulk_mode: contextvars.ContextVar[bool] = contextvars.ContextVar("dossier_bulk", default=False)
#: Officers per (agency, role) while replaying history; the staff does not change meanwhile.
_bulk_cache: contextvars.ContextVar[dict[Any, Any] | None] = contextvars.ContextVar(
    "dossier_bulk_cache", default=None
)


@contextlib.contextmanager
def bulk_mode() -> Iterator[None]:
    """Replay many actions inside one caller-managed transaction (demo history): services then
    join the caller's transaction without a savepoint each, and notifications are muted. A
    failing action must abort the caller's whole transaction."""
    token = _bulk_mode.set(True)
    cache_token = _bulk_cache.set({})
    try:
        with notifications_muted():
            yield
    finally:
        _bulk_cache.reset(cache_token)
        _bulk_mode.reset(token)


def _atomic(func: Any) -> Any:
    """``transaction.atomic`` that skips the savepoint in :func:`bulk_mode`."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        savepoint = not _bulk_mode.get()
        with transaction.atomic(savepoint=savepoint):
            return func(*args, **kwargs)

    return wrapper


@contextlib.contextmanager
def notifications_muted() -> Iterator[None]:
    """Run services without notifying anyone (demo history, bulk imports)."""
    token = _notifications_enabled.set(False)
    try:
        yield
    finally:
        _notifications_enabled.reset(token)


def _notify_applicant(
    dossier: Dossier, *, note: str = "", due_date: dt.datetime | None = None
) -> None:
    """Tell the applicant (SMS and e-mail) of the new status after commit, and record the outcome
    of every hand-off in the audit trail (a failed notification is visible, never silent)."""
    if not _notifications_enabled.get():
        return
    phone = dossier.applicant_phone or None
    email = dossier.applicant_email or None
    if not phone and not email:
        return
    context = {
        "citizen_name": dossier.applicant_name,
        "dossier_code": dossier.code,
        "procedure_name": dossier.procedure.name,
        "status_label": dossier.get_status_display(),
        "note": note,
        "due_date": due_date,
        "agency_name": dossier.agency.name,
        "lookup_url": "%s/tra-cuu/?code=%s" % (getattr(settings, "SITE_URL", ""), dossier.code),
    }
    pk = dossier.pk

    def send() -> None:
        from congso.core.notify import notify

        report = notify(phone=phone, email=email, template_name="dossier_status", context=context)
        target = Dossier.objects.filter(pk=pk).first()
        if target is not None:
            audit.record(
                actor=None,
                obj=target,
                action="notify",
                note="dossier_status: %s" % context["status_label"],
                data=report.as_dict(),
            )

    transaction.on_commit(send)


# ---------------------------------------------------------------- helpers
def _now(now: dt.datetime | None) -> dt.datetime:
    if now is None:
        return timezone.now()
    if timezone.is_naive(now):
        raise ValueError("now must be timezone-aware")
    return now


_RELATED = ("procedure", "agency", "receiving_agency")


def _lock(dossier: Dossier) -> Dossier:
    """Re-read ``dossier`` under a row lock; the caller must be inside ``transaction.atomic``.

    The procedure and agencies do not change with the dossier's state, so the caller's already
    loaded instances are reused instead of joining them again.
    """
    if _bulk_mode.get() and dossier.pk is not None:
        # A single writer replays history inside its own transaction and always passes the
        # instance the previous service returned: it is current, and nobody else can lock it.
        return dossier
    try:
        locked = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
    except Dossier.DoesNotExist:
        raise NotFoundError("Không tìm thấy hồ sơ.") from None
    for name in _RELATED:
        field = Dossier._meta.get_field(name)
        if field.is_cached(dossier):  # type: ignore[union-attr]
            cached = field.get_cached_value(dossier)  # type: ignore[union-attr]
            if cached is not None and cached.pk == getattr(locked, field.attname):  # type: ignore[union-attr]
                field.set_cached_value(locked, cached)  # type: ignore[union-attr]
    return locked


def _office_hours(dossier: Dossier) -> str | None:
    return dossier.agency.office_hours or None


def _actor_name(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "hệ thống"
    return str(actor.get_full_name() or actor.get_username())


def _step_agency(dossier: Dossier, role: str) -> Agency | None:
    if role == workflow.RECEPTIONIST:
        return dossier.receiving_agency
    if role in (workflow.SPECIALIST, workflow.LEADER):
        return dossier.agency
    return None


def _record(
    *,
    actor: Any,
    dossier: Dossier,
    action: str,
    from_status: str,
    role: str = "",
    at: dt.datetime,
    note: str = "",
    public_note: str = "",
    data: dict[str, Any] | None = None,
    actor_name: str = "",
) -> DossierStep:
    """Append the timeline step and the audit event of one action."""
    agency = _step_agency(dossier, role)
    step = DossierStep.objects.create(
        dossier=dossier,
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=actor_name or _actor_name(actor),
        agency=agency,
        at=at,
        note=note,
        public_note=public_note[:300],
        due_at=dossier.due_at,
    )
    payload = dict(data or {})
    payload.setdefault("at", at.isoformat())
    if role:
        payload.setdefault("role", role)
    audit.record(
        actor=actor,
        obj=dossier,
        action="dossier.%s" % action,
        from_state=from_status,
        to_state=dossier.status,
        note=note,
        agency=agency,
        data=payload,
    )
    return step


def _save(dossier: Dossier, at: dt.datetime, *fields: str) -> None:
    dossier.updated_at = at
    dossier.save(update_fields=[*fields, "updated_at"])


def _rule_set_for(moment: dt.datetime) -> str:
    local = timezone.localtime(moment).date()
    return RuleSet.D118_2025 if local >= DECREE_118_FROM else RuleSet.D61_2018


def _clean_text(value: Any, *, field: str, max_length: int, required: bool = False) -> str:
    text = vntext.nfc(str(value or "")).strip()
    if required and not text:
        raise ApplicationError("Vui lòng nhập %s." % field, {"fields": {field: ["Bắt buộc nhập."]}})
    if len(text) > max_length:
        raise ApplicationError(
            "%s quá dài (tối đa %d ký tự)." % (field[:1].upper() + field[1:], max_length),
            {"fields": {field: ["Tối đa %d ký tự." % max_length]}},
        )
    return text


# ---------------------------------------------------------------- codes and agencies
def dossier_code(agency: Agency, at: dt.datetime) -> str:
    """Allocate the next dossier code of ``agency`` (mã hồ sơ); call inside a transaction.

    Format from ``settings.DOSSIER_CODE_TEMPLATE`` (default ``{agency_code}-{yymmdd}-{seq:04d}``):
    the agency's electronic identification code, the date, and a gap-free sequence per agency
    per year (core.numbering locks the counter row, so concurrent creations never share one).
    """
    local = timezone.localtime(at)
    seq = numbering.next_number("dossier:%s" % agency.code, local.year)
    template = getattr(settings, "DOSSIER_CODE_TEMPLATE", "{agency_code}-{yymmdd}-{seq:04d}")
    return template.format(agency_code=agency.code, yymmdd=local.strftime("%y%m%d"), seq=seq)


def _competent_agency(procedure: Any, receiving: Agency | None) -> Agency | None:
    """The agency competent for ``procedure`` when the caller did not name one.

    Commune-level procedures are decided by the commune (the receiving one when it is a commune);
    province-level ones by the department whose name the catalog gives as competent agency, else
    the first non-service-centre agency that receives the procedure.
    """
    if procedure.level == "commune":
        if receiving is not None and receiving.kind == Agency.Kind.COMMUNE:
            return receiving
        communes = [a for a in procedure.receiving_agencies.all() if a.kind == Agency.Kind.COMMUNE]
        return communes[0] if len(communes) == 1 else None
    wanted = vntext.fold_lower(procedure.competent_agency or "")
    if wanted:
        # The agency named first in the catalogue's text is the competent one ("Sở Y tế; Sở
        # Công Thương đối với ..." gives Sở Y tế).
        best: tuple[int, Agency] | None = None
        for candidate in Agency.objects.active().exclude(kind=Agency.Kind.COMMUNE):
            names = {vntext.fold_lower(candidate.name), vntext.fold_lower(candidate.short_name)}
            for name in names:
                position = wanted.find(name) if len(name) > 5 else -1
                if position >= 0 and (best is None or position < best[0]):
                    best = (position, candidate)
        if best is not None:
            return best[1]
    for candidate in procedure.receiving_agencies.all():
        if candidate.kind not in (Agency.Kind.SERVICE_CENTER, Agency.Kind.COMMUNE):
            return candidate
    if receiving is not None and receiving.kind != Agency.Kind.SERVICE_CENTER:
        return receiving
    return None


def _online_receiving_agency(procedure: Any, handling: Agency) -> Agency:
    """Where an online dossier lands: the province's one-stop centre (TTPVHCC) when it receives
    the procedure, else the handling agency's own desk (communes receive their own)."""
    if handling.kind != Agency.Kind.COMMUNE:
        for candidate in procedure.receiving_agencies.all():
            if candidate.kind == Agency.Kind.SERVICE_CENTER:
                return candidate
    return handling


# ---------------------------------------------------------------- form data
def _field_name(spec: dict[str, Any]) -> str:
    return str(spec.get("name") or spec.get("key") or spec.get("id") or "")


def _choice_values(spec: dict[str, Any]) -> list[str]:
    raw = spec.get("choices") or spec.get("options") or []
    values = []
    for item in raw:
        if isinstance(item, dict):
            values.append(str(item.get("value", item.get("label", ""))))
        elif isinstance(item, list | tuple) and item:
            values.append(str(item[0]))
        else:
            values.append(str(item))
    return values


def _parse_date(value: str) -> dt.date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    return None


def validate_form_data(procedure: Any, data: dict[str, Any], *, complete: bool) -> dict[str, Any]:
    """Clean ``data`` against the procedure's form definition (``procedure.form["fields"]``).

    Unknown keys are dropped when the form declares fields. With ``complete`` every required
    field must be filled (submission); a draft may be partial. Raises ApplicationError with
    ``extra["fields"]`` listing every problem at once.
    """
    if not isinstance(data, dict):
        raise ApplicationError("Nội dung tờ khai phải là một đối tượng JSON.")
    specs = [f for f in (procedure.form or {}).get("fields", []) if isinstance(f, dict)]
    if not specs:
        cleaned_free: dict[str, Any] = {}
        for key, value in data.items():
            if len(cleaned_free) >= 100:
                break
            cleaned_free[str(key)[:60]] = (
                value if isinstance(value, bool | int | float) else str(value)[:2000]
            )
        return cleaned_free
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for spec in specs:
        name = _field_name(spec)
        if not name:
            continue
        label = str(spec.get("label") or name)
        kind = str(spec.get("type") or "text")
        value = data.get(name)
        if isinstance(value, str):
            value = vntext.nfc(value).strip()
        empty = value in (None, "", [])
        if empty:
            if complete and spec.get("required"):
                errors[name] = ["%s: bắt buộc nhập." % label]
            continue
        if kind in ("number", "integer", "int"):
            try:
                number = float(value) if kind == "number" else int(str(value))
            except (TypeError, ValueError):
                errors[name] = ["%s: phải là số." % label]
                continue
            if spec.get("min") is not None and number < spec["min"]:
                errors[name] = ["%s: không nhỏ hơn %s." % (label, spec["min"])]
                continue
            if spec.get("max") is not None and number > spec["max"]:
                errors[name] = ["%s: không lớn hơn %s." % (label, spec["max"])]
                continue
            cleaned[name] = number
        elif kind == "date":
            parsed = _parse_date(str(value))
            if parsed is None:
                errors[name] = ["%s: ngày không hợp lệ (dd/mm/yyyy)." % label]
                continue
            cleaned[name] = parsed.isoformat()
        elif kind in ("checkbox", "boolean", "bool"):
            cleaned[name] = value in (True, "true", "on", "1", 1, "yes")
        elif kind in ("select", "choice", "radio"):
            allowed = _choice_values(spec)
            if allowed and str(value) not in allowed:
                errors[name] = ["%s: lựa chọn không hợp lệ." % label]
                continue
            cleaned[name] = str(value)
        else:
            text = str(value)
            max_length = int(spec.get("max_length") or (4000 if kind == "textarea" else 500))
            if len(text) > max_length:
                errors[name] = ["%s: tối đa %d ký tự." % (label, max_length)]
                continue
            if kind == "email" and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
                errors[name] = ["%s: địa chỉ thư điện tử không hợp lệ." % label]
                continue
            if kind in ("phone", "tel") and not re.fullmatch(r"0\d{9,10}", text):
                errors[name] = ["%s: số điện thoại không hợp lệ." % label]
                continue
            if kind == "id_number" and not re.fullmatch(r"\d{12}|\d{9}", text):
                errors[name] = ["%s: gồm 12 chữ số (hoặc 9 chữ số CMND cũ)." % label]
                continue
            pattern = spec.get("pattern")
            if pattern and not re.fullmatch(str(pattern), text):
                errors[name] = ["%s: không đúng định dạng." % label]
                continue
            cleaned[name] = text
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError("Tờ khai chưa hợp lệ: %s" % first, {"fields": errors})
    return cleaned


def _procedure_fee(procedure: Any) -> int:
    """The procedure's default fee (its first fee case), from prefetched rows when available."""
    prefetched = getattr(procedure, "_prefetched_objects_cache", {}).get("fees")
    if prefetched is not None:
        fees = sorted(prefetched, key=lambda f: f.position)
        return int(fees[0].amount) if fees else 0
    return int(procedure.total_fee)


def _applicant_snapshot(actor: Any, applicant: dict[str, Any], *, walk_in: bool) -> dict[str, Any]:
    """The applicant's details as they are stored on the dossier (a snapshot, not a link)."""
    data = dict(applicant or {})
    if not walk_in:
        # A citizen applies as themselves: identity comes from the verified profile; contact
        # details and an organisation they represent may be given.
        data["name"] = actor.full_name or actor.get_full_name()
        data["personal_id"] = actor.personal_id
        data.setdefault("phone", actor.phone)
        data.setdefault("email", actor.email)
        data.setdefault("address", actor.address)
    kind = data.get("kind") or ApplicantKind.PERSON
    if kind not in ApplicantKind.values:
        raise ApplicationError(
            "Loại người nộp không hợp lệ.", {"fields": {"applicant.kind": ["Không hợp lệ."]}}
        )
    snapshot = {
        "applicant_kind": kind,
        "applicant_name": _clean_text(
            data.get("name"), field="họ tên người nộp", max_length=150, required=True
        ),
        "applicant_personal_id": _clean_text(
            data.get("personal_id"), field="số định danh cá nhân", max_length=12
        ),
        "applicant_phone": re.sub(r"[\s.\-]", "", str(data.get("phone") or "")),
        "applicant_email": _clean_text(data.get("email"), field="thư điện tử", max_length=254),
        "applicant_address": _clean_text(data.get("address"), field="địa chỉ", max_length=300),
        "organisation_name": _clean_text(
            data.get("organisation_name"), field="tên tổ chức", max_length=300
        ),
        "organisation_tax_code": _clean_text(
            data.get("organisation_tax_code"), field="mã số thuế", max_length=14
        ),
    }
    errors: dict[str, list[str]] = {}
    pid = snapshot["applicant_personal_id"]
    if pid and not re.fullmatch(r"\d{12}", pid):
        errors["applicant.personal_id"] = ["Số định danh cá nhân gồm 12 chữ số."]
    phone = snapshot["applicant_phone"]
    if phone and not re.fullmatch(r"(\+?84|0)\d{9}", phone):
        errors["applicant.phone"] = ["Số điện thoại không hợp lệ."]
    email = snapshot["applicant_email"]
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        errors["applicant.email"] = ["Địa chỉ thư điện tử không hợp lệ."]
    tax = snapshot["organisation_tax_code"]
    if tax and not re.fullmatch(r"\d{10}(-?\d{3})?", tax):
        errors["applicant.organisation_tax_code"] = ["Mã số thuế gồm 10 hoặc 13 chữ số."]
    if kind == ApplicantKind.ORGANISATION and not snapshot["organisation_name"]:
        errors["applicant.organisation_name"] = ["Nhập tên tổ chức, doanh nghiệp."]
    if walk_in and not (pid or tax or phone):
        errors["applicant.personal_id"] = [
            "Nhập số định danh cá nhân, mã số thuế hoặc số điện thoại của người nộp."
        ]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError("Thông tin người nộp chưa hợp lệ: %s" % first, {"fields": errors})
    return snapshot


# ---------------------------------------------------------------- create and edit
@_atomic
def dossier_create(
    *,
    actor: Any,
    procedure: Any,
    applicant: dict[str, Any] | None = None,
    form_data: dict[str, Any] | None = None,
    channel: str | None = None,
    agency: Agency | None = None,
    receiving_agency: Agency | None = None,
    now: dt.datetime | None = None,
) -> Dossier:
    """Create a dossier: a citizen's online draft, or a walk-in dossier entered at the counter.

    A citizen applies as themselves (details from their profile) and gets a ``draft``. A
    receptionist enters a walk-in applicant's dossier (channel counter or post), which is
    ``submitted`` at once and awaits ``receive``. Under Decree 118/2025 any one-stop desk of the
    province may receive it: the handling agency is chosen by competence (``agency`` or
    the procedure's competent agency), not by the place of receipt.
    """
    at = _now(now)
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDeniedError("Bạn cần đăng nhập để nộp hồ sơ.")
    if not procedure.is_active:
        raise ConflictError("Thủ tục này hiện không còn áp dụng.")
    desk_ids = {a for a, r in workflow._memberships(actor) if r == Role.RECEPTIONIST}
    desks = list(Agency.objects.filter(pk__in=desk_ids)) if desk_ids else []
    walk_in = bool(desks) and channel != Channel.ONLINE
    if walk_in:
        channel = channel or Channel.COUNTER
        if channel not in (Channel.COUNTER, Channel.POST):
            raise ApplicationError("Hình thức nộp không hợp lệ.")
        if receiving_agency is None:
            if len(desks) > 1:
                raise ApplicationError("Chọn Bộ phận Một cửa tiếp nhận hồ sơ.")
            receiving_agency = desks[0]
        elif receiving_agency not in desks:
            raise PermissionDeniedError(
                "Bạn không phải cán bộ một cửa của %s." % receiving_agency.name
            )
    else:
        if channel not in (None, Channel.ONLINE):
            raise PermissionDeniedError(
                "Chỉ cán bộ Bộ phận Một cửa mới nhập hồ sơ nộp trực tiếp hoặc qua bưu chính."
            )
        if getattr(actor, "kind", "citizen") != "citizen" and not applicant:
            raise PermissionDeniedError(
                "Tài khoản cán bộ không nộp hồ sơ trực tuyến thay công dân."
            )
        channel = Channel.ONLINE
        receiving_agency = None

    handling = agency or _competent_agency(procedure, receiving_agency)
    if handling is None:
        raise ApplicationError(
            "Chọn cơ quan (xã, phường) có thẩm quyền giải quyết hồ sơ.",
            {"fields": {"agency": ["Bắt buộc chọn."]}},
        )
    if not handling.is_active:
        raise ConflictError("Cơ quan giải quyết đã ngừng hoạt động.")
    if receiving_agency is None:
        receiving_agency = _online_receiving_agency(procedure, handling)

    snapshot = _applicant_snapshot(actor, applicant or {}, walk_in=walk_in)
    cleaned = validate_form_data(procedure, form_data or {}, complete=walk_in)
    owner = None
    if not walk_in:
        owner = actor
    elif snapshot["applicant_personal_id"]:
        # The walk-in applicant's own account (if any) sees the dossier online too.
        from congso.accounts.models import User

        owner = User.objects.filter(
            personal_id=snapshot["applicant_personal_id"], kind=User.Kind.CITIZEN
        ).first()

    dossier = Dossier(
        code=dossier_code(handling, at),
        procedure=procedure,
        agency=handling,
        receiving_agency=receiving_agency,
        channel=channel,
        status=Status.SUBMITTED if walk_in else Status.DRAFT,
        rule_set=_rule_set_for(at),
        applicant=owner,
        form_data=cleaned,
        created_at=at,
        updated_at=at,
        submitted_at=at if walk_in else None,
        fee_amount=_procedure_fee(procedure),
        **snapshot,
    )
    dossier.save()
    role = workflow.RECEPTIONIST if walk_in else workflow.APPLICANT
    _record(
        actor=actor,
        dossier=dossier,
        action=Action.CREATE,
        from_status="",
        role=role,
        at=at,
        note="Nộp trực tiếp tại %s" % receiving_agency.name if walk_in else "",
        public_note="Hồ sơ được nộp" if walk_in else "Tạo hồ sơ",
        data={"channel": channel},
    )
    if walk_in:
        _notify_applicant(dossier)
    return dossier


@_atomic
def dossier_update_draft(
    *,
    actor: Any,
    dossier: Dossier,
    form_data: dict[str, Any] | None = None,
    applicant: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> Dossier:
    """Save changes to a draft (the form may still be incomplete)."""
    at = _now(now)
    dossier = _lock(dossier)
    if workflow.APPLICANT not in workflow.actor_roles(actor, dossier):
        raise PermissionDeniedError("Chỉ người nộp hồ sơ mới sửa được hồ sơ nháp.")
    if dossier.status != Status.DRAFT:
        raise ConflictError("Chỉ sửa được hồ sơ đang ở trạng thái nháp.")
    fields = ["form_data"]
    if form_data is not None:
        dossier.form_data = validate_form_data(dossier.procedure, form_data, complete=False)
    if applicant:
        for key, value in _applicant_snapshot(actor, applicant, walk_in=False).items():
            setattr(dossier, key, value)
            fields.append(key)
    _save(dossier, at, *fields)
    audit.record(actor=actor, obj=dossier, action="dossier.update_draft", data={"fields": fields})
    return dossier


# ---------------------------------------------------------------- attachments
_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
_TYPE_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}


def sniff_content_type(head: bytes) -> str | None:
    """The type of a file from its first bytes (PDF, JPEG, PNG), never from its name."""
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    return None


def _read_upload(uploaded_file: Any) -> tuple[bytes, str]:
    """Validate an uploaded file's size and content; return its head and its content type."""
    limit = int(getattr(settings, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
    size = getattr(uploaded_file, "size", None)
    if size is None:
        raise ApplicationError("Không đọc được tệp tải lên.")
    if size == 0:
        raise ApplicationError(
            "Tệp rỗng (0 byte). Vui lòng chọn lại tệp.", {"fields": {"file": ["Tệp rỗng."]}}
        )
    if size > limit:
        raise ApplicationError(
            "Tệp quá lớn (%.1f MB); dung lượng tối đa là %.0f MB."
            % (size / 1024 / 1024, limit / 1024 / 1024),
            {"fields": {"file": ["Tệp quá lớn."]}, "max_bytes": limit},
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(16)
    uploaded_file.seek(0)
    content_type = sniff_content_type(head)
    if content_type is None:
        raise ApplicationError(
            "Tệp không phải PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp, không theo tên tệp).",
            {"fields": {"file": ["Định dạng không được chấp nhận."]}},
        )
    return head, content_type


def _valid_slot(dossier: Dossier, slot: str) -> bool:
    if slot in ("result", "draft-result", "other"):
        return True
    if re.fullmatch(r"supplement-\d{1,2}", slot):
        return True
    if re.fullmatch(r"doc-\d{1,3}", slot):
        slots = {d.slot for d in dossier.procedure.required_documents.all()}
        return not slots or slot in slots
    return False


def _attach_kind(dossier: Dossier, roles: set[str], slot: str) -> str | None:
    """Which kind of file ``roles`` may add to ``slot`` in the dossier's current state."""
    status = dossier.status
    if slot == "result":
        return (
            AttachmentKind.RESULT
            if workflow.LEADER in roles and status in (Status.AWAITING_APPROVAL,)
            else None
        )
    if slot == "draft-result":
        return (
            AttachmentKind.DRAFT_RESULT
            if workflow.SPECIALIST in roles and status == Status.IN_PROGRESS
            else None
        )
    if workflow.APPLICANT in roles and status == Status.DRAFT:
        return AttachmentKind.APPLICANT
    if status == Status.AWAITING_SUPPLEMENT and (
        roles & {workflow.APPLICANT, workflow.RECEPTIONIST}
    ):
        return AttachmentKind.SUPPLEMENT
    if workflow.RECEPTIONIST in roles and status in (Status.DRAFT, Status.SUBMITTED):
        # Counter staff digitise the paper documents of a walk-in dossier (Decree 118/2025).
        return AttachmentKind.APPLICANT
    return None


def _store_file(
    *,
    dossier: Dossier,
    slot: str,
    kind: str,
    uploaded_file: Any,
    content_type: str,
    actor: Any,
    at: dt.datetime,
) -> DossierAttachment:
    digest = hashlib.sha256()
    for chunk in (
        uploaded_file.chunks() if hasattr(uploaded_file, "chunks") else [uploaded_file.read()]
    ):
        digest.update(chunk)
    uploaded_file.seek(0)
    original = vntext.nfc(str(getattr(uploaded_file, "name", "") or "tep"))
    original = re.sub(r"[\\/\x00-\x1f]", "_", original).rsplit("/", 1)[-1][:255]
    attachment = DossierAttachment(
        dossier=dossier,
        slot=slot,
        kind=kind,
        original_name=original,
        content_type=content_type,
        size=uploaded_file.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        uploaded_at=at,
    )
    attachment.file.save(original, uploaded_file, save=False)
    stored_name = str(attachment.file.name)
    try:
        attachment.save()
    except Exception:
        # Every check ran before the file was written; only a database failure can leave it
        # orphaned here, so remove it.
        attachment.file.storage.delete(stored_name)
        raise
    return attachment


@_atomic
def dossier_attach(
    *,
    actor: Any,
    dossier: Dossier,
    slot: str,
    uploaded_file: Any,
    now: dt.datetime | None = None,
) -> DossierAttachment:
    """Attach a file to ``slot`` (``doc-N``, ``supplement-N``, ``draft-result``, ``result``).

    The type is sniffed from the content (PDF, JPEG, PNG only); an empty file or one over
    ``settings.UPLOAD_MAX_BYTES`` is refused. Nothing is stored when any check fails. In a draft a
    new file replaces the one in the same slot.
    """
    at = _now(now)
    dossier = _lock(dossier)
    roles = workflow.actor_roles(actor, dossier)
    if not roles:
        raise PermissionDeniedError("Bạn không có quyền đính kèm tệp vào hồ sơ này.")
    slot = str(slot or "").strip()
    if not _valid_slot(dossier, slot):
        raise ApplicationError(
            "Vị trí đính kèm không hợp lệ: %s." % (slot or "(trống)"),
            {"fields": {"slot": ["Không hợp lệ."]}},
        )
    kind = _attach_kind(dossier, roles, slot)
    if kind is None:
        raise ConflictError(
            "Không thể đính kèm tệp khi hồ sơ đang ở trạng thái %s."
            % dossier.get_status_display().lower()
        )
    _head, content_type = _read_upload(uploaded_file)
    replaced = []
    if dossier.status == Status.DRAFT:
        replaced = list(dossier.attachments.filter(slot=slot))
    attachment = _store_file(
        dossier=dossier,
        slot=slot,
        kind=kind,
        uploaded_file=uploaded_file,
        content_type=content_type,
        actor=actor,
        at=at,
    )
    for old in replaced:
        old.delete()
        transaction.on_commit(_deleter(old.file.storage, str(old.file.name)))
    audit.record(
        actor=actor,
        obj=dossier,
        action="dossier.attach",
        note=attachment.original_name,
        data={
            "slot": slot,
            "kind": kind,
            "size": attachment.size,
            "sha256": attachment.sha256,
            "content_type": content_type,
            "at": at.isoformat(),
        },
    )
    return attachment


def _deleter(storage: Any, name: str) -> Any:
    def delete() -> None:
        with contextlib.suppress(OSError):
            storage.delete(name)

    return delete


def _missing_documents(dossier: Dossier) -> list[str]:
    present = set(dossier.attachments.values_list("slot", flat=True))
    return [
        d.name
        for d in dossier.procedure.required_documents.all()
        if d.mandatory and not d.condition and d.slot not in present
    ]


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
        public_note="Hồ sơ được nộp trực tuyến, chờ tiếp nhận",
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
    """Close the clock at a decision: record when, and whether it was late."""
    fields = ["finished_at", "is_late_flag"]
    if dossier.paused_at is not None and dossier.due_at is not None:
        spec = _office_hours(dossier)
        paused = workdays.working_hours_between(dossier.paused_at, at, spec=spec)
        dossier.paused_hours += paused
        dossier.due_at = workdays.extend_by_working_hours(dossier.due_at, paused, spec=spec)
        dossier.paused_at = None
        fields += ["paused_hours", "due_at", "paused_at"]
    dossier.finished_at = at
    dossier.is_late_flag = dossier.is_late_at(at)
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


@_atomic
def feedback_create(
    *,
    actor: Any,
    name: str,
    content: str,
    phone: str = "",
    email: str = "",
    dossier: Dossier | None = None,
    now: dt.datetime | None = None,
) -> Feedback:
    """Record feedback or a petition (phản ánh, kiến nghị), about a dossier or in general.

    The caller must have checked access to ``dossier`` (its owner, or the public lookup's code
    and phone pair)."""
    at = _now(now)
    user = actor if getattr(actor, "is_authenticated", False) else None
    name = _clean_text(
        name or (user.get_full_name() if user else ""),
        field="họ tên",
        max_length=150,
        required=True,
    )
    content = _clean_text(content, field="nội dung", max_length=5000, required=True)
    if len(content) < 10:
        raise ApplicationError(
            "Nội dung phản ánh quá ngắn.", {"fields": {"content": ["Tối thiểu 10 ký tự."]}}
        )
    phone = re.sub(r"[\s.\-]", "", phone or (getattr(user, "phone", "") or ""))
    if phone and not re.fullmatch(r"(\+?84|0)\d{9}", phone):
        raise ApplicationError(
            "Số điện thoại không hợp lệ.", {"fields": {"phone": ["Không hợp lệ."]}}
        )
    feedback = Feedback.objects.create(
        dossier=dossier,
        agency=dossier.agency if dossier else None,
        author=user,
        name=name,
        phone=phone,
        email=_clean_text(email, field="thư điện tử", max_length=254),
        content=content,
        created_at=at,
    )
    audit.record(
        actor=actor,
        obj=feedback,
        action="feedback.create",
        agency=feedback.agency,
        data={"dossier": dossier.code if dossier else None, "at": at.isoformat()},
    )
    return feedback


@_atomic
def feedback_answer(
    *, actor: Any, feedback: Feedback, answer: str, now: dt.datetime | None = None
) -> Feedback:
    """Answer a feedback (trả lời phản ánh, kiến nghị); recorded in the audit trail."""
    at = _now(now)
    answer = _clean_text(answer, field="nội dung trả lời", max_length=5000, required=True)
    feedback.answer = answer
    feedback.answered_at = at
    feedback.answered_by = actor if getattr(actor, "is_authenticated", False) else None
    feedback.save(update_fields=["answer", "answered_at", "answered_by"])
    audit.record(
        actor=actor,
        obj=feedback,
        action="feedback.answer",
        agency=feedback.agency,
        note=answer[:500],
        data={"at": at.isoformat()},
    )
    return feedback


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


# ---------------------------------------------------------------- payments
@_atomic
def payment_create(
    *, actor: Any, dossier: Dossier, now: dt.datetime | None = None
) -> tuple[Payment, Any]:
    """Open (or reuse) a bank-transfer request for the dossier's fee.

    Returns the :class:`Payment` row and the provider's request (VietQR payload, QR PNG and
    instructions); the transfer description carries the dossier code so that reconciliation
    finds it.
    """
    from congso.core.payments import get_payment_provider

    at = _now(now)
    dossier = _lock(dossier)
    roles = workflow.actor_roles(actor, dossier)
    if not roles & {workflow.APPLICANT, workflow.RECEPTIONIST}:
        raise PermissionDeniedError(
            "Chỉ người nộp hồ sơ hoặc cán bộ một cửa mới tạo được mã thanh toán."
        )
    if dossier.fee_amount <= 0:
        raise ConflictError("Thủ tục này không thu phí, lệ phí.")
    if dossier.paid_at is not None:
        raise ConflictError("Hồ sơ đã nộp phí, lệ phí.")
    if dossier.status in (Status.DRAFT, Status.REJECTED, Status.RETURNED, Status.WITHDRAWN):
        raise ConflictError(
            "Trạng thái hiện tại của hồ sơ (%s) không cho phép nộp phí."
            % dossier.get_status_display().lower()
        )
    provider = get_payment_provider()
    request = provider.create_request(
        reference=dossier.code,
        amount=dossier.fee_amount,
        description="Phi le phi ho so",
    )
    payment = Payment.objects.filter(dossier=dossier, provider=provider.name).first()
    if payment is None:
        payment = Payment.objects.create(
            dossier=dossier,
            provider=provider.name,
            reference=dossier.code,
            amount=dossier.fee_amount,
            created_at=at,
        )
        audit.record(
            actor=actor,
            obj=dossier,
            action="dossier.payment_create",
            data={"reference": payment.reference, "amount": payment.amount, "at": at.isoformat()},
        )
    elif payment.state != Payment.State.PENDING or payment.amount != dossier.fee_amount:
        payment.state = Payment.State.PENDING
        payment.amount = dossier.fee_amount
        payment.save(update_fields=["state", "amount"])
    return payment, request


def _may_reconcile(actor: Any) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if getattr(actor, "is_superuser", False):
        return True
    return Membership.objects.filter(user=actor, role__in=[Role.RECEPTIONIST, Role.ADMIN]).exists()


def _line_dict(line: Any) -> dict[str, Any]:
    return {
        "line": line.line_no,
        "date": line.date.isoformat() if line.date else None,
        "amount": line.amount,
        "description": line.description[:200],
    }


@_atomic
def payment_reconcile(
    *, actor: Any, statement: str, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Match bank-statement lines to pending transfers and mark their dossiers paid (online).

    ``statement`` is CSV text, one credit per line: ``date, amount, description`` (header line
    optional; comma, semicolon or tab). A line matches a pending payment whose dossier code
    appears in the description with exactly the fee amount (core.payments). Returns matched
    codes, amount mismatches and duplicates for an officer to decide, unmatched lines and the
    numbers of lines that could not be read — nothing is dropped silently.
    """
    from congso.core.payments import get_payment_provider

    at = _now(now)
    if not _may_reconcile(actor):
        raise PermissionDeniedError("Chỉ cán bộ một cửa hoặc quản trị mới đối soát thanh toán.")
    if not statement or not statement.strip():
        raise ApplicationError("Sao kê trống.", {"fields": {"statement": ["Bắt buộc nhập."]}})
    if len(statement) > 2_000_000:
        raise ApplicationError("Sao kê quá lớn (tối đa 2 MB mỗi lần).")
    pending = {
        p.reference: p
        for p in Payment.objects.select_related("dossier").filter(state=Payment.State.PENDING)
    }
    provider = get_payment_provider()
    result = provider.reconcile(statement, expected={ref: p.amount for ref, p in pending.items()})
    matched: list[dict[str, Any]] = []
    for match in result.matches:
        payment = pending[match.reference]
        dossier = _lock(payment.dossier)
        payment.state = Payment.State.PAID
        payment.paid_at = at
        payment.statement_line = "%s,%s,%s" % (
            match.line.date or "",
            match.line.amount,
            match.line.description[:900],
        )
        payment.save(update_fields=["state", "paid_at", "statement_line"])
        if dossier.paid_at is None:
            _mark_paid(
                dossier,
                actor=actor,
                method=PaymentMethod.ONLINE,
                reference="Sao kê dòng %d" % match.line.line_no,
                at=at,
                role="",
            )
            _notify_applicant(dossier, note="Đã nhận phí, lệ phí %s." % format_vnd(payment.amount))
        matched.append({"line": match.line.line_no, "code": dossier.code, "amount": match.amount})
    return {
        "matched": matched,
        "amount_mismatches": [
            {**_line_dict(line), "code": ref, "expected": expected}
            for ref, expected, line in result.amount_mismatches
        ],
        "duplicates": [{**_line_dict(m.line), "code": m.reference} for m in result.duplicates],
        "unmatched": [_line_dict(line) for line in result.unmatched],
        "errors": [{"line": number, "message": message} for number, message in result.errors],
    }


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
    accepted = set(inspect.signature(service).parameters) - {"actor", "dossier"}
    if "reason" in accepted and not params.get("reason") and params.get("note"):
        params["reason"] = params["note"]
    kwargs = {k: v for k, v in params.items() if k in accepted}
    return service(actor=actor, dossier=dossier, **kwargs)
