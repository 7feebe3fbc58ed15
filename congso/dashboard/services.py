"""Writes of the dashboard: socio-economic indicator figures (entry and Excel import).

Service KPIs are never written: they are computed from dossiers (see :mod:`kpis`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from congso.core import audit
from congso.core.exceptions import ApplicationError, PermissionDeniedError
from congso.core.vntext import fold_lower, slugify_vi
from congso.dashboard.models import PERIOD_MAX, Indicator, IndicatorValue, PeriodType

_VALUE_FIELDS = ("value", "plan_target", "same_period_last_year", "source", "note", "is_demo")


def can_edit_indicators(user: Any) -> bool:
    """Statistics figures are entered by administrators (role ``admin``) and superusers."""
    if user is None:
        return True  # the management command and the demo loader run as the system
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or "admin" in user.role_names())


@transaction.atomic
def indicator_value_save(
    *,
    actor: Any,
    indicator: Indicator,
    period_type: str,
    year: int,
    number: int,
    value: Decimal,
    plan_target: Decimal | None = None,
    same_period_last_year: Decimal | None = None,
    source: str = "",
    note: str = "",
    is_demo: bool = False,
) -> tuple[IndicatorValue, str]:
    """Create or update the figure of ``indicator`` for one period.

    Returns the row and what happened: ``"created"``, ``"updated"`` or ``"unchanged"``.

    Audited with the previous and new numbers. The growth and plan percentages are not stored:
    :class:`IndicatorValue` computes them.
    """
    if not can_edit_indicators(actor):
        raise PermissionDeniedError("Chỉ quản trị viên được nhập số liệu chỉ tiêu.")
    if period_type == PeriodType.YEAR:
        number = 1
    row = (
        IndicatorValue.objects.select_for_update()
        .filter(indicator=indicator, period_type=period_type, year=year, number=number)
        .first()
    )
    created = row is None
    before = {} if row is None else {f: _plain(getattr(row, f)) for f in _VALUE_FIELDS}
    if row is None:
        row = IndicatorValue(indicator=indicator, period_type=period_type, year=year, number=number)
    row.value = value
    row.plan_target = plan_target
    row.same_period_last_year = same_period_last_year
    row.source = source or indicator.source
    row.note = note
    row.is_demo = is_demo
    row.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    try:
        row.full_clean()
    except ValidationError as exc:
        raise ApplicationError(
            "Số liệu không hợp lệ: %s" % "; ".join(exc.messages), {"fields": exc.message_dict}
        ) from exc
    after = {f: _plain(getattr(row, f)) for f in _VALUE_FIELDS}
    if not created and before == after:
        return row, "unchanged"
    row.save()
    audit.record(
        actor=actor,
        obj=row,
        action="indicator_value_created" if created else "indicator_value_updated",
        data={"before": before, "after": after},
    )
    return row, "created" if created else "updated"


def _plain(value: Any) -> Any:
    # Normalised so that 10.0000 read back from the database equals 10 typed in.
    return format(value.normalize(), "f") if isinstance(value, Decimal) else value


# ---------------------------------------------------------------- Excel import
#: Column key → accepted headers (compared folded: no diacritics, lower case).
IMPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("ma chi tieu", "ma"),
    "name": ("ten chi tieu", "chi tieu"),
    "unit": ("don vi tinh", "don vi"),
    "group": ("nhom", "nhom chi tieu"),
    "period_type": ("ky", "loai ky", "ky bao cao"),
    "year": ("nam",),
    "number": ("so ky", "thang/quy", "so thu tu ky"),
    "value": ("thuc hien", "gia tri", "gia tri thuc hien"),
    "plan_target": ("ke hoach", "ke hoach / du toan", "du toan"),
    "same_period_last_year": ("cung ky nam truoc", "cung ky"),
    "source": ("nguon", "nguon so lieu"),
    "note": ("ghi chu",),
    "is_demo": ("minh hoa", "so lieu minh hoa"),
}
_PERIOD_WORDS = {
    "thang": PeriodType.MONTH,
    "month": PeriodType.MONTH,
    "quy": PeriodType.QUARTER,
    "quarter": PeriodType.QUARTER,
    "6 thang": PeriodType.HALF,
    "nua nam": PeriodType.HALF,
    "half": PeriodType.HALF,
    "nam": PeriodType.YEAR,
    "year": PeriodType.YEAR,
}
_TRUE_WORDS = {"1", "x", "co", "true", "yes", "dung"}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    indicators_created: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return "Đã thêm %d, cập nhật %d, không đổi %d số liệu; tạo mới %d chỉ tiêu." % (
            self.created,
            self.updated,
            self.unchanged,
            self.indicators_created,
        )


def _header_map(header: tuple[Any, ...]) -> dict[str, int]:
    folded = [fold_lower(str(cell or "")).strip().rstrip("*").strip() for cell in header]
    found: dict[str, int] = {}
    for key, names in IMPORT_COLUMNS.items():
        for index, text in enumerate(folded):
            if text in names:
                found[key] = index
                break
    return found


def _decimal(value: Any, label: str, *, required: bool = False) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValueError("thiếu %s" % label)
        return None
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = str(value).strip().replace(" ", "")
    # Vietnamese writing: "1.234,5" → 1234.5; a lone comma is the decimal mark.
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError("%s không phải là số: %r" % (label, value)) from None


def _period_type(value: Any) -> str:
    text = fold_lower(str(value or "")).strip()
    if text in PeriodType.values:
        return text
    if text in _PERIOD_WORDS:
        return _PERIOD_WORDS[text]
    raise ValueError("kỳ báo cáo không hợp lệ: %r (Tháng, Quý, 6 tháng, Năm)" % value)


def _group(value: Any) -> str:
    text = fold_lower(str(value or "")).strip()
    for key, label in Indicator.Group.choices:
        if text in (key, fold_lower(label)):
            return key
    raise ValueError("nhóm chỉ tiêu không hợp lệ: %r" % value)


def _parse_row(cells: tuple[Any, ...], cols: dict[str, int]) -> dict[str, Any]:
    def cell(key: str) -> Any:
        index = cols.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    period_type = _period_type(cell("period_type"))
    try:
        year = int(cell("year"))
    except (TypeError, ValueError):
        raise ValueError("năm không hợp lệ: %r" % cell("year")) from None
    number_cell = cell("number")
    number = 1 if period_type == PeriodType.YEAR or number_cell in (None, "") else number_cell
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise ValueError("số kỳ không hợp lệ: %r" % number_cell) from None
    if not 1 <= number <= PERIOD_MAX[PeriodType(period_type)]:
        raise ValueError("số kỳ %d không hợp lệ với kỳ %s" % (number, period_type))
    return {
        "code": str(cell("code") or "").strip(),
        "name": str(cell("name") or "").strip(),
        "unit": str(cell("unit") or "").strip(),
        "group": cell("group"),
        "period_type": period_type,
        "year": year,
        "number": number,
        "value": _decimal(cell("value"), "giá trị thực hiện", required=True),
        "plan_target": _decimal(cell("plan_target"), "kế hoạch"),
        "same_period_last_year": _decimal(cell("same_period_last_year"), "cùng kỳ năm trước"),
        "source": str(cell("source") or "").strip(),
        "note": str(cell("note") or "").strip(),
        "is_demo": fold_lower(str(cell("is_demo") or "")).strip() in _TRUE_WORDS,
    }


def _indicator_for(row: dict[str, Any], cache: dict[str, Indicator], report: ImportReport) -> Any:
    code = row["code"] or slugify_vi(row["name"])[:60]
    if not code:
        raise ValueError("thiếu mã chỉ tiêu hoặc tên chỉ tiêu")
    if code in cache:
        return cache[code]
    indicator = Indicator.objects.filter(code=code).first()
    if indicator is None:
        if not (row["name"] and row["unit"]):
            raise ValueError("chỉ tiêu %r chưa có: cần tên chỉ tiêu và đơn vị tính để tạo" % code)
        indicator = Indicator.objects.create(
            code=code,
            name=row["name"],
            unit=row["unit"],
            group=_group(row["group"]) if row["group"] else Indicator.Group.GROWTH,
            source=row["source"],
        )
        report.indicators_created += 1
    cache[code] = indicator
    return indicator


def indicators_import_xlsx(*, actor: Any, file: IO[bytes] | str) -> ImportReport:
    """Import indicator figures from the first sheet of an Excel workbook (all or nothing).

    The first row holds the headers (Mã chỉ tiêu, Tên chỉ tiêu, Đơn vị tính, Nhóm, Kỳ, Năm, Số kỳ,
    Thực hiện, Kế hoạch, Cùng kỳ năm trước, Nguồn, Ghi chú, Minh hoạ) in any order; the export of
    the indicators page has exactly these columns, so an export can be edited and imported back.
    Computed columns (tăng trưởng, % kế hoạch) are ignored. Any invalid row aborts the import and
    every error is listed with its row number.
    """
    import openpyxl

    if not can_edit_indicators(actor):
        raise PermissionDeniedError("Chỉ quản trị viên được nhập số liệu chỉ tiêu.")
    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or non-Excel file
        raise ApplicationError("Không đọc được tệp Excel (.xlsx): %s" % exc) from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    # The header is the first of the top rows naming at least three known columns, so that an
    # export of the indicators page (title lines above its header) imports as it is.
    cols: dict[str, int] = {}
    header_line = 0
    while header_line < 6 and len(cols) < 3:
        header = next(rows, None)
        if header is None:
            break
        header_line += 1
        cols = _header_map(header)
    if not cols:
        raise ApplicationError("Tệp Excel trống hoặc không có dòng tiêu đề.")
    missing = [k for k in ("period_type", "year", "value") if k not in cols]
    if "code" not in cols and "name" not in cols:
        missing.insert(0, "code")
    if missing:
        labels = {
            "code": "Mã chỉ tiêu",
            "period_type": "Kỳ",
            "year": "Năm",
            "value": "Thực hiện",
        }
        raise ApplicationError(
            "Thiếu cột: %s." % ", ".join(labels[m] for m in missing), {"missing": missing}
        )
    parsed: list[tuple[int, dict[str, Any]]] = []
    report = ImportReport()
    for line, cells in enumerate(rows, start=header_line + 1):
        if not cells or all(c is None or str(c).strip() == "" for c in cells):
            continue
        try:
            parsed.append((line, _parse_row(cells, cols)))
        except ValueError as exc:
            report.errors.append("Dòng %d: %s" % (line, exc))
    workbook.close()
    if report.errors:
        raise ApplicationError(
            "Tệp có %d dòng lỗi, chưa nhập dòng nào." % len(report.errors),
            {"errors": report.errors},
        )
    with transaction.atomic():
        cache: dict[str, Indicator] = {}
        for line, row in parsed:
            try:
                indicator = _indicator_for(row, cache, report)
                _saved, outcome = indicator_value_save(
                    actor=actor,
                    indicator=indicator,
                    **{k: row[k] for k in ("period_type", "year", "number", *_VALUE_FIELDS)},
                )
            except (ValueError, ApplicationError) as exc:
                message = exc.message if isinstance(exc, ApplicationError) else str(exc)
                raise ApplicationError(
                    "Dòng %d: %s. Chưa nhập dòng nào." % (line, message),
                    {"errors": ["Dòng %d: %s" % (line, message)]},
                ) from exc
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report
