"""Creating dossiers: codes, routing by competence (Decree 118/2025), applicant snapshot and
the validation of the online form against the procedure's definition."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.utils import timezone

from congso.agencies.models import Agency, Role
from congso.core import audit, numbering, vntext
from congso.core.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from congso.dossiers import workflow
from congso.dossiers.constants import Action, ApplicantKind, Channel, Status
from congso.dossiers.models import Dossier
from congso.dossiers.services.base import (
    _atomic,
    _clean_text,
    _lock,
    _notify_applicant,
    _now,
    _record,
    _rule_set_for,
    _save,
)


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
            cleaned_free[str(key).replace("\x00", "")[:60]] = (
                value
                if isinstance(value, bool | int | float)
                else str(value).replace("\x00", "")[:2000]
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
            value = vntext.nfc(value).replace("\x00", "").strip()
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
        if getattr(actor, "kind", "citizen") != "citizen":
            # An officer enters a walk-in applicant's dossier at the counter; an online dossier
            # belongs to the citizen's own account.
            raise PermissionDeniedError(
                "Tài khoản cán bộ không nộp hồ sơ trực tuyến; hồ sơ của công dân được nhập tại "
                "Bộ phận Một cửa (hình thức trực tiếp)."
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
