"""The catalog's exchange format: one plain dict per procedure (JSON and Excel share it).

A *record* is what ``data/procedures.json`` holds and what ``export_procedures`` writes::

    {"code": "1.001193", "name": "Đăng ký khai sinh", "field": "Hộ tịch", "level": "commune",
     "competent_agency": "...", "receiving_agencies": ["@communes"] or ["so-tu-phap", ...],
     "processing_time": {"value": 1, "unit": "working_days", "note": "..."},
     "fees": [{"case": "...", "amount": 0, "kind": "le_phi"}],
     "required_documents": [{"name", "original_or_copy", "copies", "mandatory", "condition",
                             "template_name"}],
     "steps": [...], "who_may_apply": "", "conditions": "", "result": "", "legal_basis": [...],
     "online_level": "full" | "partial", "synonyms": [...], "form": {...}, "source_note": "",
     "is_active": true}

``"@communes"`` stands for every commune-level agency of the province. :func:`clean_record`
checks one record and returns it in canonical form together with every problem found, each with
the place it came from (sheet and row of an Excel file, or the record's index in a JSON list).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from congso.catalog.models import Fee, Procedure, RequiredDocument

ALL_COMMUNES = "@communes"

#: Vietnamese labels accepted (and written to Excel) for each coded value.
LEVELS = {c.value: c.label for c in Procedure.Level}
UNITS = {c.value: c.label for c in Procedure.TimeUnit}
ONLINE_LEVELS = {c.value: c.label for c in Procedure.OnlineLevel}
DOCUMENT_FORMS = {c.value: c.label for c in RequiredDocument.Form}
FEE_KINDS = {c.value: c.label for c in Fee.Kind}

_TEXT_LIMITS = {"code": 40, "name": 500, "competent_agency": 300}


@dataclass(frozen=True)
class Location:
    """Where a value came from: an Excel sheet and row, or a JSON record's position."""

    sheet: str | None = None
    row: int | None = None
    index: int | None = None

    def describe(self) -> str:
        if self.sheet is not None:
            return "Trang «%s», dòng %s" % (self.sheet, self.row)
        if self.index is not None:
            return "Bản ghi thứ %d" % (self.index + 1)
        return "Dữ liệu"


@dataclass(frozen=True)
class Problem:
    """One error found while checking a record, with its location and the column concerned."""

    location: Location
    column: str
    message: str
    code: str = ""

    def __str__(self) -> str:
        where = self.location.describe()
        if self.code:
            where += " (mã %s)" % self.code
        if self.column:
            where += ", cột «%s»" % self.column
        return "%s: %s" % (where, self.message)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.location.sheet,
            "row": self.location.row,
            "index": self.location.index,
            "code": self.code,
            "column": self.column,
            "message": self.message,
            "text": str(self),
        }


def _choice(value: Any, choices: dict[str, str]) -> str | None:
    """Accept a code ("commune") or its Vietnamese label ("Cấp xã"), any case/diacritics."""
    from congso.core.vntext import fold_lower

    if value is None:
        return None
    text = str(value).strip()
    if text in choices:
        return text
    folded = fold_lower(text)
    for code, label in choices.items():
        if folded in (fold_lower(label), fold_lower(code)):
            return code
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _text_list(value: Any) -> list[str] | None:
    """A list of non-empty strings, from a list or from newline-separated text."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    if isinstance(value, list | tuple):
        items = []
        for item in value:
            if not isinstance(item, str | int | float):
                return None
            if str(item).strip():
                items.append(str(item).strip())
        return items
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip().replace(".", "").replace(",", "").replace(" ", "")
        text = text.removesuffix("đ").removesuffix("đồng")
        if text.isdigit():
            return int(text)
    return None


def _bool(value: Any, default: bool) -> bool | None:
    from congso.core.vntext import fold_lower

    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    folded = fold_lower(str(value))
    if folded in {"co", "x", "true", "1", "yes", "bat buoc"}:
        return True
    if folded in {"khong", "false", "0", "no", "khong bat buoc", "tuy truong hop"}:
        return False
    return None


def _location(raw: dict[str, Any], fallback: Location) -> Location:
    source = raw.get("_source")
    if isinstance(source, dict):
        return Location(sheet=source.get("sheet"), row=source.get("row"))
    return fallback


def clean_record(
    raw: Any, *, index: int, agency_slugs: set[str]
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Check one record; return its canonical form (None if unusable) and all its problems."""
    here = Location(index=index)
    if not isinstance(raw, dict):
        return None, [Problem(here, "", "mỗi thủ tục phải là một đối tượng JSON")]
    here = _location(raw, here)
    code = _text(raw.get("code"))
    problems: list[Problem] = []

    def bad(column: str, message: str, where: Location | None = None) -> None:
        problems.append(Problem(where or here, column, message, code))

    record: dict[str, Any] = {"code": code}
    for key, label in [("code", "Mã thủ tục"), ("name", "Tên thủ tục"), ("field", "Lĩnh vực")]:
        value = _text(raw.get(key))
        if not value:
            bad(label, "không được để trống")
        record[key] = value

    level = _choice(raw.get("level"), LEVELS)
    if level is None:
        bad(
            "Cấp thực hiện",
            "«%s» không hợp lệ (dùng: %s)" % (_text(raw.get("level")), ", ".join(LEVELS.values())),
        )
    record["level"] = level or ""
    record["competent_agency"] = _text(raw.get("competent_agency"))
    if not record["competent_agency"]:
        bad("Cơ quan có thẩm quyền", "không được để trống")
    for key, label in [
        ("code", "Mã thủ tục"),
        ("name", "Tên thủ tục"),
        ("competent_agency", "Cơ quan có thẩm quyền"),
    ]:
        if len(record[key]) > _TEXT_LIMITS[key]:
            bad(label, "dài quá %d ký tự" % _TEXT_LIMITS[key])

    agencies = _text_list(raw.get("receiving_agencies"))
    if agencies is None:
        bad("Cơ quan tiếp nhận", "phải là danh sách định danh cơ quan")
        agencies = []
    unknown = [a for a in agencies if a != ALL_COMMUNES and a not in agency_slugs]
    if unknown:
        bad("Cơ quan tiếp nhận", "không có cơ quan với định danh: %s" % ", ".join(unknown))
    if not agencies:
        bad("Cơ quan tiếp nhận", "cần ít nhất một cơ quan tiếp nhận hồ sơ")
    # Canonical order (as the export writes it) so that an unchanged record compares equal.
    others = sorted({a for a in agencies if a != ALL_COMMUNES})
    record["receiving_agencies"] = ([ALL_COMMUNES] if ALL_COMMUNES in agencies else []) + others

    timing = raw.get("processing_time")
    if not isinstance(timing, dict):
        timing = {
            "value": raw.get("processing_time_value"),
            "unit": raw.get("processing_time_unit"),
            "note": raw.get("processing_time_note"),
        }
    time_value = _int(timing.get("value"))
    if time_value is None or time_value <= 0:
        bad("Thời hạn giải quyết", "phải là số nguyên dương (số ngày hoặc giờ làm việc)")
    unit = _choice(timing.get("unit") or Procedure.TimeUnit.WORKING_DAYS, UNITS)
    if unit is None:
        bad(
            "Đơn vị thời hạn",
            "«%s» không hợp lệ (dùng: %s)" % (_text(timing.get("unit")), ", ".join(UNITS.values())),
        )
    record["processing_time"] = {
        "value": time_value or 0,
        "unit": unit or "",
        "note": _text(timing.get("note")),
    }

    for key, label in [
        ("steps", "Trình tự thực hiện"),
        ("legal_basis", "Căn cứ pháp lý"),
        ("synonyms", "Tên gọi khác"),
    ]:
        items = _text_list(raw.get(key))
        if items is None:
            bad(label, "phải là danh sách văn bản")
            items = []
        record[key] = items
    if not record["legal_basis"]:
        bad("Căn cứ pháp lý", "cần ít nhất một văn bản làm căn cứ pháp lý")
    for key in ("who_may_apply", "conditions", "result", "source_note"):
        record[key] = _text(raw.get(key))
    if not record["result"]:
        bad("Kết quả thực hiện", "không được để trống")

    online = _choice(raw.get("online_level") or Procedure.OnlineLevel.PARTIAL, ONLINE_LEVELS)
    if online is None:
        bad(
            "Mức độ dịch vụ công trực tuyến",
            "«%s» không hợp lệ (dùng: %s)"
            % (_text(raw.get("online_level")), ", ".join(ONLINE_LEVELS.values())),
        )
    record["online_level"] = online or ""
    active = _bool(raw.get("is_active"), True)
    if active is None:
        bad("Đang áp dụng", "ghi «Có» hoặc «Không»")
    record["is_active"] = bool(active) if active is not None else True

    form = raw.get("form") or {}
    if not isinstance(form, dict):
        bad("Biểu mẫu trực tuyến", "phải là một đối tượng JSON")
        form = {}
    fields = form.get("fields", [])
    if not isinstance(fields, list) or not all(
        isinstance(f, dict) and f.get("name") for f in fields
    ):
        bad("Biểu mẫu trực tuyến", "«fields» phải là danh sách trường, mỗi trường có «name»")
    record["form"] = form

    record["fees"] = _clean_fees(raw.get("fees"), here, bad)
    record["required_documents"] = _clean_documents(raw.get("required_documents"), here, bad)
    if not record["required_documents"]:
        bad("Thành phần hồ sơ", "cần ít nhất một giấy tờ trong thành phần hồ sơ")

    if not problems:
        problems.extend(_model_problems(record, here))
    return record, problems


def _clean_fees(raw: Any, here: Location, bad: Any) -> list[dict[str, Any]]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        bad("Phí, lệ phí", "phải là danh sách")
        return []
    fees = []
    for n, item in enumerate(raw, start=1):
        where = _location(item, here) if isinstance(item, dict) else here
        if not isinstance(item, dict):
            bad("Phí, lệ phí", "mục thứ %d không hợp lệ" % n, where)
            continue
        case = _text(item.get("case"))
        if not case:
            bad("Trường hợp áp dụng", "không được để trống (mục phí thứ %d)" % n, where)
        amount = _int(item.get("amount", 0) if item.get("amount") not in (None, "") else 0)
        if amount is None or amount < 0:
            bad(
                "Mức thu (đồng)",
                "«%s» không phải số tiền hợp lệ (mục phí thứ %d)" % (item.get("amount"), n),
                where,
            )
        kind = _choice(item.get("kind") or Fee.Kind.LE_PHI, FEE_KINDS)
        if kind is None:
            bad("Loại", "«%s» không hợp lệ (dùng: Lệ phí, Phí)" % _text(item.get("kind")), where)
        if len(case) > 500:
            bad("Trường hợp áp dụng", "dài quá 500 ký tự", where)
        fees.append({"case": case, "amount": amount or 0, "kind": kind or ""})
    return fees


def _clean_documents(raw: Any, here: Location, bad: Any) -> list[dict[str, Any]]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        bad("Thành phần hồ sơ", "phải là danh sách")
        return []
    documents = []
    for n, item in enumerate(raw, start=1):
        where = _location(item, here) if isinstance(item, dict) else here
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict):
            bad("Thành phần hồ sơ", "mục thứ %d không hợp lệ" % n, where)
            continue
        name = _text(item.get("name"))
        if not name:
            bad("Tên giấy tờ", "không được để trống (giấy tờ thứ %d)" % n, where)
        form = _choice(
            item.get("original_or_copy") or RequiredDocument.Form.ORIGINAL, DOCUMENT_FORMS
        )
        if form is None:
            bad(
                "Loại bản",
                "«%s» không hợp lệ (dùng: %s)"
                % (_text(item.get("original_or_copy")), ", ".join(DOCUMENT_FORMS.values())),
                where,
            )
        copies = _int(item.get("copies") if item.get("copies") not in (None, "") else 1)
        if copies is None or copies < 1:
            bad("Số lượng", "«%s» phải là số nguyên dương" % item.get("copies"), where)
        mandatory = _bool(item.get("mandatory"), True)
        if mandatory is None:
            bad("Bắt buộc", "ghi «Có» hoặc «Không»", where)
        condition = _text(item.get("condition"))
        template_name = _text(item.get("template_name") or item.get("template"))
        for column, text, limit in [
            ("Tên giấy tờ", name, 500),
            ("Điều kiện", condition, 500),
            ("Mẫu đơn, tờ khai", template_name, 300),
        ]:
            if len(text) > limit:
                bad(column, "dài quá %d ký tự" % limit, where)
        documents.append(
            {
                "name": name,
                "original_or_copy": form or "",
                "copies": copies or 1,
                "mandatory": bool(mandatory) if mandatory is not None else True,
                "condition": condition,
                "template_name": template_name,
            }
        )
    return documents


def _model_problems(record: dict[str, Any], here: Location) -> list[Problem]:
    """Whatever the model's own validation still finds (lengths, choices)."""
    procedure = Procedure(
        code=record["code"],
        name=record["name"],
        level=record["level"],
        competent_agency=record["competent_agency"],
        processing_time_value=record["processing_time"]["value"],
        processing_time_unit=record["processing_time"]["unit"],
        processing_time_note=record["processing_time"]["note"],
        result=record["result"],
        legal_basis=record["legal_basis"],
        online_level=record["online_level"],
    )
    try:
        procedure.full_clean(exclude=["field"], validate_unique=False)
    except ValidationError as exc:
        return [
            Problem(
                here,
                str(Procedure._meta.get_field(name).verbose_name),
                "; ".join(messages),
                record["code"],
            )
            for name, messages in exc.message_dict.items()
        ]
    return []


def to_record(procedure: Procedure, commune_slugs: set[str]) -> dict[str, Any]:
    """The canonical record of a saved procedure (the inverse of the import)."""
    slugs = sorted(a.slug for a in procedure.receiving_agencies.all())
    if commune_slugs and commune_slugs.issubset(slugs):
        slugs = [ALL_COMMUNES, *(s for s in slugs if s not in commune_slugs)]
    return {
        "code": procedure.code,
        "name": procedure.name,
        "field": procedure.field.name,
        "level": procedure.level,
        "competent_agency": procedure.competent_agency,
        "receiving_agencies": slugs,
        "processing_time": {
            "value": procedure.processing_time_value,
            "unit": procedure.processing_time_unit,
            "note": procedure.processing_time_note,
        },
        "fees": [
            {"case": f.case, "amount": f.amount, "kind": f.kind}
            for f in sorted(procedure.fees.all(), key=lambda f: f.position)
        ],
        "required_documents": [
            {
                "name": d.name,
                "original_or_copy": d.original_or_copy,
                "copies": d.copies,
                "mandatory": d.mandatory,
                "condition": d.condition,
                "template_name": d.template_name,
            }
            for d in sorted(procedure.required_documents.all(), key=lambda d: d.position)
        ],
        "steps": list(procedure.steps or []),
        "who_may_apply": procedure.who_may_apply,
        "conditions": procedure.conditions,
        "result": procedure.result,
        "legal_basis": list(procedure.legal_basis or []),
        "online_level": procedure.online_level,
        "synonyms": list(procedure.synonyms or []),
        "form": procedure.form or {},
        "source_note": procedure.source_note,
        "is_active": procedure.is_active,
    }
