"""Data tables shown on the dashboard pages and exported to Excel from the same object.

A page builds :class:`Table` objects once; the template renders them (``partials/_table.html``)
and ``?format=xlsx`` writes them to a workbook, so the file holds exactly the numbers of the page.
Percentages are kept as fractions (0.87) and shown as "87,0 %"; Excel gets the fraction with the
number format ``0.0%``.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from congso.core.formatting import format_date, format_number

#: kind → Excel number format.
EXCEL_FORMATS = {
    "int": "#,##0",
    "pct": "0.0%",
    "dec": "#,##0.00",
    "dec1": "#,##0.0",
    "date": "dd/mm/yyyy",
    "datetime": "dd/mm/yyyy hh:mm",
}
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Column:
    header: str
    kind: str = "text"  # text, int, pct, dec, dec1, date, datetime
    width: int = 0

    @property
    def is_number(self) -> bool:
        return self.kind in {"int", "pct", "dec", "dec1"}


@dataclass
class Cell:
    """A value with an optional link (drill-down) and badge class for the HTML page."""

    value: Any
    href: str = ""
    badge: str = ""
    #: Overrides the column's kind for this cell (e.g. a day count in a column of counts).
    kind: str = ""


@dataclass
class Table:
    id: str
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    footer: list[Any] | None = None
    caption: str = ""
    note: str = ""

    def display_rows(self) -> list[list[dict[str, Any]]]:
        return [self._display(row) for row in self.rows]

    def display_footer(self) -> list[dict[str, Any]] | None:
        return self._display(self.footer) if self.footer else None

    def _display(self, row: list[Any]) -> list[dict[str, Any]]:
        out = []
        for column, raw in zip(self.columns, row, strict=False):
            cell = raw if isinstance(raw, Cell) else Cell(raw)
            out.append(
                {
                    "text": format_value(cell.value, cell.kind or column.kind),
                    "href": cell.href,
                    "badge": cell.badge,
                    "num": column.is_number,
                    "wide": column.width >= 30,
                }
            )
        return out


def format_value(value: Any, kind: str) -> str:
    """The text a page shows for ``value``: 1.234 · 87,0 % · 1.234,50 · 25/11/2026; "—" if None."""
    if value is None or value == "":
        return "—"
    if kind == "int":
        return format_number(value)
    if kind == "pct":
        return "%s %%" % format_number(Decimal(str(value)) * 100, 1)
    if kind == "dec":
        return format_number(value, 2)
    if kind == "dec1":
        return format_number(value, 1)
    if kind == "date":
        return format_date(value)
    if kind == "datetime":
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.strftime("%H:%M %d/%m/%Y")
    return str(value)


def _excel_value(value: Any, kind: str) -> Any:
    if isinstance(value, Cell):
        kind = value.kind or kind
        value = value.value
    if value is None:
        return None
    if kind in {"int"}:
        return int(value)
    if kind in {"pct", "dec", "dec1"}:
        return float(value)
    if kind == "datetime" and isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if kind == "date" and isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def workbook_bytes(tables: list[Table], *, heading: str = "") -> bytes:
    """An .xlsx with one sheet per table: title row, Vietnamese headers, typed number cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for table in tables:
        name = _sheet_name(table.title, used)
        sheet = workbook.create_sheet(name)
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True, size=13)
        subtitle = " — ".join(t for t in (heading, table.caption, table.note) if t)
        sheet.append([subtitle] if subtitle else [])
        sheet.append([c.header for c in table.columns])
        header_row = sheet.max_row
        for index, _column in enumerate(table.columns, start=1):
            cell = sheet.cell(row=header_row, column=index)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="F3EFEB")
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        body = [*table.rows, *([table.footer] if table.footer else [])]
        for row in body:
            sheet.append(
                [_excel_value(v, c.kind) for c, v in zip(table.columns, row, strict=False)]
            )
            for index, (column, raw) in enumerate(zip(table.columns, row, strict=False), start=1):
                kind = (raw.kind if isinstance(raw, Cell) else "") or column.kind
                if kind in EXCEL_FORMATS:
                    sheet.cell(row=sheet.max_row, column=index).number_format = EXCEL_FORMATS[kind]
        if table.footer:
            for index in range(1, len(table.columns) + 1):
                sheet.cell(row=sheet.max_row, column=index).font = Font(bold=True)
        for index, column in enumerate(table.columns, start=1):
            width = column.width or max(12, min(60, len(column.header) + 2))
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    if not tables:
        workbook.create_sheet("Trống").append(["Không có dữ liệu."])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_name(title: str, used: set[str]) -> str:
    base = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28] or "Bang"
    name, n = base, 2
    while name in used:
        name = "%s %d" % (base[:25], n)
        n += 1
    used.add(name)
    return name


def xlsx_response(tables: list[Table], filename: str, *, heading: str = "") -> HttpResponse:
    response = HttpResponse(workbook_bytes(tables, heading=heading), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="%s.xlsx"' % filename
    return response
