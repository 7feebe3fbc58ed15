"""The catalog as an Excel workbook that a province's staff can maintain without a developer.

Sheet «Thủ tục» has one row per procedure; «Thành phần hồ sơ» and «Phí lệ phí» have one row per
document or fee, keyed by the procedure code. Lists (steps, legal basis, synonyms, receiving
agencies) are one item per line inside the cell; coded values are written with their Vietnamese
labels (``Cấp xã``, ``Bản sao có chứng thực``) and read back from either the label or the code.
Row numbers in messages are the row numbers Excel shows.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from congso.catalog import records as rec

SHEET_PROCEDURES = "Thủ tục"
SHEET_DOCUMENTS = "Thành phần hồ sơ"
SHEET_FEES = "Phí lệ phí"


def _lines(items: list[str]) -> str:
    return "\n".join(items)


def _label(choices: dict[str, str]) -> Callable[[str], str]:
    return lambda value: choices.get(value, value)


def _yes_no(value: bool) -> str:
    return "Có" if value else "Không"


#: (header, record key, writer) for the procedures sheet; the key drives reading too.
PROCEDURE_COLUMNS: list[tuple[str, str, Callable[[Any], Any]]] = [
    ("Mã thủ tục", "code", str),
    ("Tên thủ tục", "name", str),
    ("Lĩnh vực", "field", str),
    ("Cấp thực hiện", "level", _label(rec.LEVELS)),
    ("Cơ quan có thẩm quyền", "competent_agency", str),
    ("Cơ quan tiếp nhận", "receiving_agencies", _lines),
    ("Thời hạn giải quyết", "processing_time.value", int),
    ("Đơn vị thời hạn", "processing_time.unit", _label(rec.UNITS)),
    ("Ghi chú thời hạn", "processing_time.note", str),
    ("Trình tự thực hiện", "steps", _lines),
    ("Đối tượng thực hiện", "who_may_apply", str),
    ("Yêu cầu, điều kiện", "conditions", str),
    ("Kết quả thực hiện", "result", str),
    ("Căn cứ pháp lý", "legal_basis", _lines),
    ("Mức độ dịch vụ công trực tuyến", "online_level", _label(rec.ONLINE_LEVELS)),
    ("Tên gọi khác", "synonyms", _lines),
    (
        "Biểu mẫu trực tuyến (JSON)",
        "form",
        lambda f: json.dumps(f, ensure_ascii=False) if f else "",
    ),
    ("Ghi chú nguồn", "source_note", str),
    ("Đang áp dụng", "is_active", _yes_no),
]

DOCUMENT_COLUMNS: list[tuple[str, str, Callable[[Any], Any]]] = [
    ("Mã thủ tục", "code", str),
    ("STT", "position", int),
    ("Tên giấy tờ", "name", str),
    ("Loại bản", "original_or_copy", _label(rec.DOCUMENT_FORMS)),
    ("Số lượng", "copies", int),
    ("Bắt buộc", "mandatory", _yes_no),
    ("Điều kiện", "condition", str),
    ("Mẫu đơn, tờ khai", "template_name", str),
]

FEE_COLUMNS: list[tuple[str, str, Callable[[Any], Any]]] = [
    ("Mã thủ tục", "code", str),
    ("STT", "position", int),
    ("Trường hợp áp dụng", "case", str),
    ("Mức thu (đồng)", "amount", int),
    ("Loại", "kind", _label(rec.FEE_KINDS)),
]

_WIDTHS = {
    "Tên thủ tục": 50,
    "Trình tự thực hiện": 60,
    "Kết quả thực hiện": 40,
    "Căn cứ pháp lý": 50,
    "Tên giấy tờ": 60,
    "Trường hợp áp dụng": 50,
}


def _get(record: dict[str, Any], key: str) -> Any:
    value: Any = record
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def write_workbook(records: list[dict[str, Any]], target: str | IO[bytes]) -> None:
    """Write canonical records to an .xlsx file (path or binary stream)."""
    workbook = Workbook()
    sheet = workbook.active
    if sheet is None:  # a new openpyxl workbook always has one sheet
        raise RuntimeError("openpyxl workbook without a sheet")
    sheet.title = SHEET_PROCEDURES
    documents = workbook.create_sheet(SHEET_DOCUMENTS)
    fees = workbook.create_sheet(SHEET_FEES)
    for ws, columns in [
        (sheet, PROCEDURE_COLUMNS),
        (documents, DOCUMENT_COLUMNS),
        (fees, FEE_COLUMNS),
    ]:
        ws.append([header for header, _, _ in columns])
        for n, (header, _, _) in enumerate(columns, start=1):
            cell = ws.cell(row=1, column=n)
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="B3261E")
            ws.column_dimensions[get_column_letter(n)].width = _WIDTHS.get(header, 18)
        ws.freeze_panes = "B2"
    for record in records:
        sheet.append([write(_get(record, key)) for _, key, write in PROCEDURE_COLUMNS])
        for position, document in enumerate(record["required_documents"], start=1):
            row = {**document, "code": record["code"], "position": position}
            documents.append([write(row[key]) for _, key, write in DOCUMENT_COLUMNS])
        for position, fee in enumerate(record["fees"], start=1):
            row = {**fee, "code": record["code"], "position": position}
            fees.append([write(row[key]) for _, key, write in FEE_COLUMNS])
    for ws in (sheet, documents, fees):
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    workbook.save(target)


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _read_sheet(
    workbook: Any,
    name: str,
    columns: list[tuple[str, str, Callable[[Any], Any]]],
    problems: list[rec.Problem],
) -> list[tuple[int, dict[str, Any]]]:
    """Rows of one sheet as (Excel row number, {key: value}); structural problems appended."""
    if name not in workbook.sheetnames:
        problems.append(
            rec.Problem(rec.Location(sheet=name, row=1), "", "thiếu trang «%s» trong tệp" % name)
        )
        return []
    ws = workbook[name]
    rows = ws.iter_rows(values_only=True)
    header = [(_cell(h) or "") for h in next(rows, ())]
    positions: dict[str, int] = {}
    for title, key, _ in columns:
        if title in header:
            positions[key] = header.index(title)
        else:
            problems.append(
                rec.Problem(
                    rec.Location(sheet=name, row=1), title, "thiếu cột «%s» ở dòng tiêu đề" % title
                )
            )
    result = []
    for number, values in enumerate(rows, start=2):
        if values is None or all(_cell(v) is None for v in values):
            continue
        row = {key: _cell(values[i]) if i < len(values) else None for key, i in positions.items()}
        result.append((number, row))
    return result


def read_workbook(source: str | IO[bytes]) -> tuple[list[dict[str, Any]], list[rec.Problem]]:
    """Read an .xlsx file into raw records (each with its ``_source`` sheet and row).

    Problems of the file's shape (missing sheet or column, a document or fee whose procedure code
    is not on the procedures sheet) are returned; the records themselves are checked by
    :func:`congso.catalog.services.procedure_validate`.
    """
    problems: list[rec.Problem] = []
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        problems.append(
            rec.Problem(rec.Location(), "", "không đọc được tệp Excel (.xlsx): %s" % exc)
        )
        return [], problems
    try:
        procedure_rows = _read_sheet(workbook, SHEET_PROCEDURES, PROCEDURE_COLUMNS, problems)
        document_rows = _read_sheet(workbook, SHEET_DOCUMENTS, DOCUMENT_COLUMNS, problems)
        fee_rows = _read_sheet(workbook, SHEET_FEES, FEE_COLUMNS, problems)
    finally:
        workbook.close()

    records: list[dict[str, Any]] = []
    by_code: dict[str, dict[str, Any]] = {}
    for number, row in procedure_rows:
        source_info = {"sheet": SHEET_PROCEDURES, "row": number}
        form_text = row.get("form")
        form: Any = {}
        if form_text:
            try:
                form = json.loads(str(form_text))
            except ValueError:
                problems.append(
                    rec.Problem(
                        rec.Location(sheet=SHEET_PROCEDURES, row=number),
                        "Biểu mẫu trực tuyến (JSON)",
                        "không phải JSON hợp lệ",
                        str(row.get("code") or ""),
                    )
                )
        record = {
            "_source": source_info,
            "code": row.get("code"),
            "name": row.get("name"),
            "field": row.get("field"),
            "level": row.get("level"),
            "competent_agency": row.get("competent_agency"),
            "receiving_agencies": row.get("receiving_agencies"),
            "processing_time": {
                "value": row.get("processing_time.value"),
                "unit": row.get("processing_time.unit"),
                "note": row.get("processing_time.note"),
            },
            "steps": row.get("steps"),
            "who_may_apply": row.get("who_may_apply"),
            "conditions": row.get("conditions"),
            "result": row.get("result"),
            "legal_basis": row.get("legal_basis"),
            "online_level": row.get("online_level"),
            "synonyms": row.get("synonyms"),
            "form": form,
            "source_note": row.get("source_note"),
            "is_active": row.get("is_active"),
            "fees": [],
            "required_documents": [],
        }
        code = str(row.get("code") or "").strip()
        if code and code not in by_code:
            by_code[code] = record
        records.append(record)

    for sheet, rows, key in [
        (SHEET_DOCUMENTS, document_rows, "required_documents"),
        (SHEET_FEES, fee_rows, "fees"),
    ]:
        for number, row in sorted(
            rows, key=lambda r: (str(r[1].get("code")), _order(r[1].get("position")), r[0])
        ):
            code = str(row.pop("code") or "").strip()
            row.pop("position", None)
            owner = by_code.get(code)
            if owner is None:
                message = (
                    "thiếu mã thủ tục"
                    if not code
                    else "mã thủ tục «%s» không có trên trang «%s»" % (code, SHEET_PROCEDURES)
                )
                problems.append(
                    rec.Problem(rec.Location(sheet=sheet, row=number), "Mã thủ tục", message, code)
                )
                continue
            owner[key].append({**row, "_source": {"sheet": sheet, "row": number}})
    return records, problems


def _order(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 10**6
