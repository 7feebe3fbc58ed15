"""Official Vietnamese A4 documents as PDF (reportlab platypus).

The layout follows the presentation rules of Decree 30/2020/NĐ-CP, Appendix I: A4, margins
top/bottom 20 mm, left 30 mm, right 15 mm; the issuing agency top-left in capitals with a short
rule under it; the national title and motto top-right, the motto underlined for its full length;
"Số:" under the agency name; the place-and-date line in italics under the motto; body text in a
Times-like serif at 13 pt; page numbers centred in the top margin from page 2 on.

Standard PDF fonts cannot show Vietnamese, so GNU FreeFont (FreeSerif/FreeSans, GPL with the font
embedding exception, shipped in ``congso/core/fonts``) is embedded. DejaVu was rejected because it
rendered with doubled letter spacing in pyHanko signature stamps.

Usage::

    from congso.core import pdf

    data = pdf.render_form(
        header_left=["UBND TỈNH HẬU GIANG", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"],
        number_line="Mã hồ sơ: 000.00.00.H30-261125-0001",
        place_date_line=pdf.vn_place_date(date.today(), "Hậu Giang"),
        title="GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        body=[pdf.Para("Trung tâm ... tiếp nhận hồ sơ của:"),
              pdf.KeyValues([("Ông/bà", "Nguyễn Văn Ấn")]),
              pdf.Table(["STT", "Tên giấy tờ"], [["1", "Tờ khai"]], widths=[0.1, 0.9])],
        signatures=[pdf.Signature("NGƯỜI NỘP HỒ SƠ", "Nguyễn Văn Ấn", "(Ký, ghi rõ họ tên)"),
                    pdf.Signature("NGƯỜI TIẾP NHẬN", "Trần Thị Bé", "(Ký, ghi rõ họ tên)")],
        qr_png=qr.qr_png(url), qr_caption="Quét mã để tra cứu hồ sơ",
    )
"""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    ListFlowable,
    ListItem,
    PageTemplate,
    TableStyle,
)
from reportlab.platypus import PageBreak as _RLPageBreak
from reportlab.platypus import Paragraph as _RLParagraph
from reportlab.platypus import Spacer as _RLSpacer
from reportlab.platypus import Table as _RLTable

FONT_DIR = Path(__file__).resolve().parent / "fonts"

#: Registered font names → file in FONT_DIR.
FONT_FILES = {
    "FreeSerif": "FreeSerif.ttf",
    "FreeSerif-Bold": "FreeSerifBold.ttf",
    "FreeSerif-Italic": "FreeSerifItalic.ttf",
    "FreeSerif-BoldItalic": "FreeSerifBoldItalic.ttf",
    "FreeSans": "FreeSans.ttf",
    "FreeSans-Bold": "FreeSansBold.ttf",
}
SERIF = "FreeSerif"
SERIF_BOLD = "FreeSerif-Bold"
SERIF_ITALIC = "FreeSerif-Italic"
SERIF_BOLD_ITALIC = "FreeSerif-BoldItalic"
SANS = "FreeSans"
SANS_BOLD = "FreeSans-Bold"

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 20 * mm
MARGIN_LEFT = 30 * mm
MARGIN_RIGHT = 15 * mm
CONTENT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT

BODY_SIZE = 13
_lock = threading.Lock()
_registered = False


def font_path(name: str = SERIF) -> Path:
    """Path of a shipped TrueType font, e.g. for pyHanko signature stamps (``FreeSerif``)."""
    return FONT_DIR / FONT_FILES[name]


def register_fonts() -> None:
    """Register the shipped fonts with reportlab once per process (thread-safe, idempotent)."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name, filename in FONT_FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
        pdfmetrics.registerFontFamily(
            SERIF, normal=SERIF, bold=SERIF_BOLD, italic=SERIF_ITALIC, boldItalic=SERIF_BOLD_ITALIC
        )
        pdfmetrics.registerFontFamily(
            SANS, normal=SANS, bold=SANS_BOLD, italic=SANS, boldItalic=SANS_BOLD
        )
        _registered = True


# ---------------------------------------------------------------- dates


def vn_date_words(value: dt.date | dt.datetime) -> str:
    """ "ngày 05 tháng 01 năm 2026" — Decree 30 pads days below 10 and the months 1 and 2."""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
    month = "%02d" % value.month if value.month < 3 else str(value.month)
    return "ngày %02d tháng %s năm %d" % (value.day, month, value.year)


def vn_place_date(value: dt.date | dt.datetime, place: str) -> str:
    """ "Hậu Giang, ngày 25 tháng 11 năm 2026" (the place is the short name of the locality)."""
    place = (place or "").strip()
    return "%s, %s" % (place, vn_date_words(value)) if place else vn_date_words(value).capitalize()


# ---------------------------------------------------------------- body blocks

Align = Literal["left", "center", "right", "justify"]
_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}


@dataclass(frozen=True)
class Para:
    """A paragraph of plain text (escaped), or of reportlab mini-markup when ``markup=True``.

    ``bold``/``italic`` style the whole paragraph; ``indent`` indents the first line by 10 mm
    as in the body of an official letter; ``size`` overrides the 13 pt body size.
    """

    text: str
    bold: bool = False
    italic: bool = False
    align: Align = "justify"
    indent: bool = False
    size: float | None = None
    markup: bool = False
    space_after: float = 3


@dataclass(frozen=True)
class Heading:
    """A bold section heading inside the body (e.g. "I. THÔNG TIN NGƯỜI NỘP")."""

    text: str
    align: Align = "left"


@dataclass(frozen=True)
class KeyValues:
    """Label/value rows. ``inline``: "Label: **value**" lines; ``columns``: a borderless table."""

    rows: Sequence[tuple[str, str]]
    layout: Literal["inline", "columns"] = "inline"
    label_width: float = 0.35
    bold_values: bool = True


@dataclass(frozen=True)
class Table:
    """A gridded table with a bold header row; ``widths`` are fractions of the text width."""

    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths: Sequence[float] | None = None
    align: Sequence[Align] | None = None
    size: float = 12
    repeat_header: bool = True


@dataclass(frozen=True)
class Bullets:
    """A list with "-" (Vietnamese official style) or numbered (``numbered=True``) items."""

    items: Sequence[str]
    numbered: bool = False


@dataclass(frozen=True)
class Spacer:
    """Vertical space in millimetres."""

    height_mm: float = 4


@dataclass(frozen=True)
class PageBreak:
    """Start a new page."""


@dataclass(frozen=True)
class QrBlock:
    """A QR image (PNG bytes) with a caption beside it, placed inside the body."""

    png: bytes
    caption: str = ""
    size_mm: float = 28


Block = Para | Heading | KeyValues | Table | Bullets | Spacer | PageBreak | QrBlock | str


@dataclass(frozen=True)
class Signature:
    """A signature block: title lines (e.g. "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"), a note such as
    "(Ký, ghi rõ họ tên)", blank space for the signature, then the signer's name in bold."""

    title: str | Sequence[str]
    name: str = ""
    note: str = ""
    space_mm: float = 24

    @property
    def title_lines(self) -> list[str]:
        return [self.title] if isinstance(self.title, str) else list(self.title)


# ---------------------------------------------------------------- styles


def _style(name: str, **kw: Any) -> ParagraphStyle:
    base = {
        "fontName": SERIF,
        "fontSize": BODY_SIZE,
        "leading": BODY_SIZE * 1.3,
        "textColor": colors.black,
    }
    base.update(kw)
    return ParagraphStyle(name, **base)


def _styles() -> dict[str, ParagraphStyle]:
    return {
        "agency_parent": _style("agency_parent", fontSize=12.5, leading=15, alignment=TA_CENTER),
        "agency": _style(
            "agency", fontName=SERIF_BOLD, fontSize=12.5, leading=15, alignment=TA_CENTER
        ),
        "nation": _style(
            "nation", fontName=SERIF_BOLD, fontSize=12, leading=15, alignment=TA_CENTER
        ),
        "motto": _style("motto", fontName=SERIF_BOLD, fontSize=13, leading=16, alignment=TA_CENTER),
        "number": _style("number", fontSize=13, leading=16, alignment=TA_CENTER),
        "place_date": _style(
            "place_date", fontName=SERIF_ITALIC, fontSize=13, leading=16, alignment=TA_CENTER
        ),
        "title": _style(
            "title",
            fontName=SERIF_BOLD,
            fontSize=14,
            leading=18,
            alignment=TA_CENTER,
            spaceBefore=6,
        ),
        "subtitle": _style(
            "subtitle", fontName=SERIF_BOLD, fontSize=13.5, leading=17, alignment=TA_CENTER
        ),
        "heading": _style("heading", fontName=SERIF_BOLD, spaceBefore=4, spaceAfter=3),
        "cell": _style("cell", fontSize=12, leading=14.5),
        "cell_head": _style("cell_head", fontName=SERIF_BOLD, fontSize=12, leading=14.5),
        "sig_title": _style(
            "sig_title", fontName=SERIF_BOLD, fontSize=13, leading=16, alignment=TA_CENTER
        ),
        "sig_note": _style(
            "sig_note", fontName=SERIF_ITALIC, fontSize=12, leading=15, alignment=TA_CENTER
        ),
        "sig_name": _style(
            "sig_name", fontName=SERIF_BOLD, fontSize=13, leading=16, alignment=TA_CENTER
        ),
        "recipients_head": _style(
            "recipients_head", fontName=SERIF_BOLD_ITALIC, fontSize=12, leading=14
        ),
        "recipients": _style("recipients", fontSize=11, leading=13),
        "caption": _style("caption", fontName=SERIF_ITALIC, fontSize=11, leading=13.5),
        "footer": _style("footer", fontSize=10, leading=12, alignment=TA_CENTER),
    }


def _text(value: str) -> str:
    """Escape user text for reportlab's paragraph markup; keep line breaks."""
    return escape(str(value or "")).replace("\n", "<br/>")


class _Rule(Flowable):
    """A centred horizontal rule of a fixed width (the lines under the agency name and motto)."""

    def __init__(self, width: float, thickness: float = 0.6, space_before: float = 3) -> None:
        super().__init__()
        self.rule_width = width
        self.thickness = thickness
        self.space_before = space_before
        self.avail = width

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.avail = avail_width
        return avail_width, self.space_before + self.thickness

    def draw(self) -> None:
        x0 = (self.avail - self.rule_width) / 2
        y = self.thickness / 2
        self.canv.setLineWidth(self.thickness)
        self.canv.line(x0, y, x0 + self.rule_width, y)


# ---------------------------------------------------------------- builders

#: "{field:so}" or "{field:so:20}" (width in mm) inside the number or date line.
_FIELD_RE = re.compile(r"\{field:([A-Za-z_][A-Za-z0-9_]*)(?::(\d+(?:\.\d+)?))?\}")


class _FieldLine(Flowable):
    """A centred line of text with blank PDF form fields in it ("Số: [  ]/QĐ-UBND").

    Under Decree 30 the number and date are given after the leader signs; the signer allows form
    filling, and the clerk types them into these fields as an incremental update. Form fields use a
    standard PDF font that lacks "Đ", so only the digits go in a field and the symbol stays printed.
    """

    def __init__(self, parts: list[str | tuple[str, float]], style: ParagraphStyle) -> None:
        super().__init__()
        self.parts = parts
        self.font = style.fontName
        self.size = style.fontSize
        self.leading = style.leading
        self.avail = 0.0

    def _width(self, part: str | tuple[str, float]) -> float:
        if isinstance(part, tuple):
            return part[1]
        return pdfmetrics.stringWidth(part, self.font, self.size)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.avail = avail_width
        return avail_width, self.leading

    def draw(self) -> None:
        total = sum(self._width(p) for p in self.parts)
        x = max((self.avail - total) / 2, 0)
        baseline = self.leading - self.size
        self.canv.setFont(self.font, self.size)
        for part in self.parts:
            if isinstance(part, tuple):
                name, width = part
                self.canv.acroForm.textfieldRelative(
                    name=name,
                    tooltip=name,
                    x=x,
                    y=baseline - 2,
                    width=width,
                    height=self.size + 3,
                    fontName="Times-Roman",
                    fontSize=self.size,
                    borderStyle="underlined",
                    borderWidth=0.5,
                    borderColor=colors.black,
                    fillColor=colors.white,
                    textColor=colors.black,
                    maxlen=20,
                )
            else:
                self.canv.drawString(x, baseline, part)
            x += self._width(part)


def _line_with_fields(line: str, style: ParagraphStyle) -> Flowable:
    if not _FIELD_RE.search(line):
        return _RLParagraph(_text(line), style)
    parts: list[str | tuple[str, float]] = []
    pos = 0
    for match in _FIELD_RE.finditer(line):
        if match.start() > pos:
            parts.append(line[pos : match.start()])
        width = float(match.group(2) or 14) * mm
        parts.append((match.group(1), width))
        pos = match.end()
    if pos < len(line):
        parts.append(line[pos:])
    return _FieldLine(parts, style)


def _header(
    left: Sequence[str],
    right: Sequence[str],
    number_line: str,
    place_date_line: str,
    st: dict[str, ParagraphStyle],
) -> list[Flowable]:
    nation_width = pdfmetrics.stringWidth(NATIONAL_TITLE, SERIF_BOLD, 12)
    # The national title must stay on one line; the agency column takes what is left (~74 mm).
    right_width = nation_width + 3 * mm
    left_width = CONTENT_WIDTH - right_width

    left_cell: list[Flowable] = []
    lines = [line for line in left if line]
    for index, line in enumerate(lines):
        is_last = index == len(lines) - 1
        left_cell.append(
            _RLParagraph(_text(line), st["agency"] if is_last else st["agency_parent"])
        )
    if lines:
        # Decree 30: a solid rule from 1/3 to 1/2 of the agency name's length, centred under it.
        last_width = min(pdfmetrics.stringWidth(lines[-1], SERIF_BOLD, 12.5), left_width)
        left_cell.append(_Rule(max(last_width / 2.5, 18 * mm)))

    right_cell: list[Flowable] = []
    right_lines = list(right) if right else [NATIONAL_TITLE, NATIONAL_MOTTO]
    for index, line in enumerate(right_lines):
        is_motto = index == len(right_lines) - 1 and len(right_lines) > 1
        style = st["motto"] if is_motto else st["nation"]
        right_cell.append(_RLParagraph(_text(line), style))
        if is_motto:
            right_cell.append(_Rule(pdfmetrics.stringWidth(line, SERIF_BOLD, 13)))

    rows: list[list[Any]] = [[left_cell, right_cell]]
    second_left = _line_with_fields(number_line, st["number"]) if number_line else ""
    second_right = _line_with_fields(place_date_line, st["place_date"]) if place_date_line else ""
    if second_left or second_right:
        rows.append([second_left, second_right])
    table = _RLTable(rows, colWidths=[left_width, right_width])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), SERIF),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, 0), 2),
                ("TOPPADDING", (0, 1), (-1, 1), 4),
            ]
        )
    )
    return [table]


def _para(block: Para, st: dict[str, ParagraphStyle]) -> Flowable:
    font = SERIF
    if block.bold and block.italic:
        font = SERIF_BOLD_ITALIC
    elif block.bold:
        font = SERIF_BOLD
    elif block.italic:
        font = SERIF_ITALIC
    size = block.size or BODY_SIZE
    style = _style(
        "p",
        fontName=font,
        fontSize=size,
        leading=size * 1.3,
        alignment=_ALIGN[block.align],
        firstLineIndent=10 * mm if block.indent else 0,
        spaceAfter=block.space_after,
    )
    return _RLParagraph(block.text if block.markup else _text(block.text), style)


def _key_values(block: KeyValues, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    body = _style("kv", spaceAfter=2)
    if block.layout == "inline":
        out: list[Flowable] = []
        for label, value in block.rows:
            shown = "<b>%s</b>" % _text(value) if block.bold_values else _text(value)
            out.append(_RLParagraph("%s: %s" % (_text(label), shown), body))
        return out
    value_style = _style("kv_value", fontName=SERIF_BOLD if block.bold_values else SERIF)
    data = [
        [_RLParagraph(_text(label), body), _RLParagraph(_text(value), value_style)]
        for label, value in block.rows
    ]
    widths = [CONTENT_WIDTH * block.label_width, CONTENT_WIDTH * (1 - block.label_width)]
    table = _RLTable(data, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), SERIF),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return [table]


def _table(block: Table, st: dict[str, ParagraphStyle]) -> Flowable:
    ncols = len(block.header) or max((len(row) for row in block.rows), default=1)
    if any(len(row) > ncols for row in block.rows):
        raise ValueError("a table row has more cells than the header (%d)" % ncols)
    if block.widths and len(block.widths) != ncols:
        raise ValueError("table widths must give one fraction per column (%d)" % ncols)
    fractions = list(block.widths) if block.widths else [1 / ncols] * ncols
    total = sum(fractions) or 1
    widths = [CONTENT_WIDTH * f / total for f in fractions]
    cell = _style("cell", fontSize=block.size, leading=block.size * 1.2)
    head = _style(
        "cell_head",
        fontName=SERIF_BOLD,
        fontSize=block.size,
        leading=block.size * 1.2,
        alignment=TA_CENTER,
    )
    aligns = list(block.align) if block.align else ["left"] * ncols

    def cell_style(col: int) -> ParagraphStyle:
        align = aligns[col] if col < len(aligns) else "left"
        if align == "left":
            return cell
        return ParagraphStyle("c%d" % col, parent=cell, alignment=_ALIGN[align])

    data: list[list[Any]] = []
    if block.header:
        data.append([_RLParagraph(_text(h), head) for h in block.header])
    for row in block.rows:
        padded = list(row) + [""] * (ncols - len(row))
        data.append([_RLParagraph(_text(v), cell_style(i)) for i, v in enumerate(padded[:ncols])])
    if not data:
        data.append([""] * ncols)
    table = _RLTable(
        data, colWidths=widths, repeatRows=1 if block.header and block.repeat_header else 0
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), SERIF),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _bullets(block: Bullets, st: dict[str, ParagraphStyle]) -> Flowable:
    body = _style("li", spaceAfter=1)
    items = [ListItem(_RLParagraph(_text(item), body)) for item in block.items]
    if block.numbered:
        return ListFlowable(
            items, bulletType="1", bulletFontName=SERIF, bulletFontSize=BODY_SIZE, leftIndent=8 * mm
        )
    return ListFlowable(
        items,
        bulletType="bullet",
        start="-",
        bulletFontName=SERIF,
        bulletFontSize=BODY_SIZE,
        leftIndent=8 * mm,
    )


def _qr(block: QrBlock, st: dict[str, ParagraphStyle]) -> Flowable:
    size = block.size_mm * mm
    image = Image(io.BytesIO(block.png), width=size, height=size)
    if not block.caption:
        image.hAlign = "LEFT"
        return image
    table = _RLTable(
        [[image, _RLParagraph(_text(block.caption), st["caption"])]],
        colWidths=[size + 4 * mm, CONTENT_WIDTH - size - 4 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), SERIF),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _body(blocks: Sequence[Block], st: dict[str, ParagraphStyle]) -> list[Flowable]:
    out: list[Flowable] = []
    for block in blocks:
        if isinstance(block, str):
            out.append(_para(Para(block), st))
        elif isinstance(block, Para):
            out.append(_para(block, st))
        elif isinstance(block, Heading):
            style = ParagraphStyle("h", parent=st["heading"], alignment=_ALIGN[block.align])
            out.append(_RLParagraph(_text(block.text), style))
        elif isinstance(block, KeyValues):
            out.extend(_key_values(block, st))
        elif isinstance(block, Table):
            out.append(_RLSpacer(1, 2))
            out.append(_table(block, st))
            out.append(_RLSpacer(1, 4))
        elif isinstance(block, Bullets):
            out.append(_bullets(block, st))
        elif isinstance(block, Spacer):
            out.append(_RLSpacer(1, block.height_mm * mm))
        elif isinstance(block, PageBreak):
            out.append(_RLPageBreak())
        elif isinstance(block, QrBlock):
            out.append(_qr(block, st))
        else:
            raise TypeError("unsupported PDF block: %r" % (block,))
    return out


def _signature_cell(sig: Signature, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    cell: list[Flowable] = [_RLParagraph(_text(line), st["sig_title"]) for line in sig.title_lines]
    if sig.note:
        cell.append(_RLParagraph(_text(sig.note), st["sig_note"]))
    cell.append(_RLSpacer(1, sig.space_mm * mm))
    if sig.name:
        cell.append(_RLParagraph(_text(sig.name), st["sig_name"]))
    return cell


def _qr_cell(png: bytes, caption: str, size: float) -> list[Flowable]:
    image = Image(io.BytesIO(png), width=size, height=size)
    cell: list[Flowable] = [image]
    if caption:
        style = _style(
            "qr_caption", fontName=SERIF_ITALIC, fontSize=8.5, leading=10, alignment=TA_CENTER
        )
        cell.append(_RLParagraph(_text(caption), style))
    return cell


def _signatures(
    signatures: Sequence[Signature],
    recipients: Sequence[str] | None,
    qr: tuple[bytes, str] | None,
    st: dict[str, ParagraphStyle],
) -> list[Flowable]:
    """The closing row: signatures on the right; on the left "Nơi nhận" and/or the QR code.

    The QR code shares the row with the signatures so that it never ends up alone on a page.
    """
    sig_cells: list[Any] = [_signature_cell(s, st) for s in signatures]
    qr_size = 26 * mm
    left: list[Flowable] = []
    if recipients is not None:
        left.append(_RLParagraph("Nơi nhận:", st["recipients_head"]))
        left.extend(_RLParagraph(_text(r), st["recipients"]) for r in recipients)
        if qr:
            left.append(_RLSpacer(1, 3 * mm))
    if qr:
        qr_cell = _qr_cell(qr[0], qr[1], qr_size)
        if recipients is not None:
            left.extend(qr_cell)
        else:
            left = qr_cell
    if not sig_cells and not left:
        return []
    if recipients is not None or (left and len(sig_cells) <= 1) or not sig_cells:
        cells: list[Any] = [left or "", *sig_cells]
        if len(cells) == 2:
            widths = [CONTENT_WIDTH * 0.45, CONTENT_WIDTH * 0.55]
        else:
            widths = [CONTENT_WIDTH / len(cells)] * len(cells)
    elif left:
        qr_width = qr_size + 6 * mm
        cells = [left, *sig_cells]
        rest = (CONTENT_WIDTH - qr_width) / len(sig_cells)
        widths = [qr_width] + [rest] * len(sig_cells)
    else:
        cells = list(sig_cells)
        if len(cells) == 1:
            cells = ["", *cells]
            widths = [CONTENT_WIDTH * 0.45, CONTENT_WIDTH * 0.55]
        else:
            widths = [CONTENT_WIDTH / len(cells)] * len(cells)
    table = _RLTable([cells], colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), SERIF),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [_RLSpacer(1, 4 * mm), table]


def render_form(
    *,
    header_left: Sequence[str],
    header_right: Sequence[str] | None = None,
    number_line: str = "",
    place_date_line: str = "",
    title: str = "",
    subtitle: str = "",
    body: Sequence[Block] = (),
    signatures: Sequence[Signature] = (),
    recipients: Sequence[str] | None = None,
    qr_png: bytes | None = None,
    qr_caption: str = "",
    footer: str = "",
    document_title: str = "",
    author: str = "",
    subject: str = "",
) -> bytes:
    """Build an official A4 document and return the PDF bytes.

    ``number_line`` and ``place_date_line`` may contain ``{field:name}`` or
    ``{field:name:width_mm}`` placeholders that become fillable PDF text fields (number and date
    given after signature, Decree 30). ``header_left``: the issuing agency, parent first (regular caps) and the agency itself last
    (bold caps). ``header_right`` defaults to the national title and motto. ``recipients`` adds
    the "Nơi nhận:" list beside a single signature. ``qr_png`` is printed with ``qr_caption``
    at the left of the signature row; ``footer`` is printed at the bottom of every page. Text arguments are
    plain text (escaped), never markup, so citizen-entered data cannot break the layout.
    """
    register_fonts()
    st = _styles()
    story: list[Flowable] = _header(
        header_left, header_right or [], number_line, place_date_line, st
    )
    if title:
        story.append(_RLSpacer(1, 5 * mm))
        story.append(_RLParagraph(_text(title), st["title"]))
    if subtitle:
        story.append(_RLParagraph(_text(subtitle), st["subtitle"]))
        # Decree 30: a short rule under the summary line (trích yếu) of a titled document.
        story.append(_Rule(30 * mm, space_before=4))
    if title or subtitle:
        story.append(_RLSpacer(1, 4 * mm))
    story.extend(_body(body, st))
    closing = _signatures(signatures, recipients, (qr_png, qr_caption) if qr_png else None, st)
    if closing and story and isinstance(story[-1], _RLParagraph):
        # A signature must not stand alone on a page: keep it with the last paragraph.
        closing = [KeepTogether([story.pop(), *closing])]
    story.extend(closing)

    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=document_title or title or subtitle,
        author=author or (header_left[-1] if header_left else ""),
        subject=subject,
        creator="Công Số",
        lang="vi-VN",
        # Without this the canvas declares Helvetica, a font that cannot show Vietnamese.
        initialFontName=SERIF,
        initialFontSize=BODY_SIZE,
    )

    def first_page(canvas: Canvas, _doc: Any) -> None:
        _draw_footer(canvas, footer)

    def later_pages(canvas: Canvas, _doc: Any) -> None:
        # Decree 30: page numbers in Arabic numerals, centred in the top margin, not on page 1.
        canvas.saveState()
        canvas.setFont(SERIF, 13)
        canvas.drawCentredString(
            MARGIN_LEFT + CONTENT_WIDTH / 2, PAGE_HEIGHT - 12 * mm, str(canvas.getPageNumber())
        )
        canvas.restoreState()
        _draw_footer(canvas, footer)

    # Zero frame padding: the text block is exactly the Decree 30 margins, and full-width tables
    # line up with paragraphs.
    def frame() -> Frame:
        return Frame(
            MARGIN_LEFT,
            MARGIN_BOTTOM,
            CONTENT_WIDTH,
            PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )

    doc.addPageTemplates(
        [
            PageTemplate(
                id="first", frames=[frame()], onPage=first_page, autoNextPageTemplate="later"
            ),
            PageTemplate(id="later", frames=[frame()], onPage=later_pages),
        ]
    )
    doc.build(story)
    return buffer.getvalue()


def _draw_footer(canvas: Canvas, footer: str) -> None:
    if not footer:
        return
    canvas.saveState()
    canvas.setFont(SERIF_ITALIC, 9.5)
    canvas.setFillColor(colors.HexColor("#333333"))
    canvas.setStrokeColor(colors.HexColor("#999999"))
    canvas.setLineWidth(0.4)
    y = MARGIN_BOTTOM - 8 * mm
    canvas.line(MARGIN_LEFT, y + 10, MARGIN_LEFT + CONTENT_WIDTH, y + 10)
    canvas.drawCentredString(MARGIN_LEFT + CONTENT_WIDTH / 2, y, footer[:160])
    canvas.restoreState()


# ---------------------------------------------------------------- signature stamps


def signature_stamp_pdf(
    lines: Sequence[str],
    *,
    width_mm: float = 70,
    height_mm: float = 22,
    size: float = 10,
    image_png: bytes | None = None,
    image_width_mm: float = 0,
    color: str = "#000000",
    border_color: str | None = "#1f4e9a",
) -> bytes:
    """A one-page PDF, exactly the stamp's size, to use as a pyHanko signature appearance.

    pyHanko's text stamps need its optional OpenType support (uharfbuzz, fonttools) to embed a
    Unicode font; without it they fall back to a standard font with no Vietnamese letters. This
    renders the stamp with the embedded FreeSerif instead; pass the file to
    ``pyhanko.stamp.StaticStampStyle.from_pdf_file(path, border_width=0)``. ``lines`` are printed
    top-down (e.g. Decree 30, App. I §II.8: the number and symbol, then the signing time in
    ISO 8601 at 10 pt); ``image_png`` (a signature or seal image with transparency) is drawn on the left.
    """
    register_fonts()
    width, height = width_mm * mm, height_mm * mm
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), initialFontName=SERIF, initialFontSize=size)
    canvas.setTitle("Chữ ký số")
    text_left = 2 * mm
    if image_png:
        image_width = (image_width_mm or height_mm) * mm
        canvas.drawImage(
            ImageReader(io.BytesIO(image_png)),
            1 * mm,
            1 * mm,
            width=image_width - 2 * mm,
            height=height - 2 * mm,
            preserveAspectRatio=True,
            mask="auto",
        )
        text_left = image_width + 1 * mm
    if border_color:
        canvas.setStrokeColor(colors.HexColor(border_color))
        canvas.setLineWidth(0.8)
        canvas.rect(0.4, 0.4, width - 0.8, height - 0.8)
    canvas.setFillColor(colors.HexColor(color))
    leading = size * 1.25
    max_width = width - text_left - 2 * mm
    y = height - 1.5 * mm - size
    for line in lines:
        font_size = size
        # Shrink a long line instead of letting it run out of the stamp.
        while font_size > 6 and pdfmetrics.stringWidth(line, SERIF, font_size) > max_width:
            font_size -= 0.5
        canvas.setFont(SERIF, font_size)
        canvas.drawString(text_left, y, line)
        y -= leading
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# ---------------------------------------------------------------- reading back


def pdf_text(data: bytes) -> str:
    """All text of a PDF (pypdf), pages joined by form feeds; used by tests and OCR fallbacks."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\f".join((page.extract_text() or "") for page in reader.pages)


def pdf_page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


__all__ = [
    "CONTENT_WIDTH",
    "FONT_DIR",
    "NATIONAL_MOTTO",
    "NATIONAL_TITLE",
    "SANS",
    "SANS_BOLD",
    "SERIF",
    "SERIF_BOLD",
    "SERIF_BOLD_ITALIC",
    "SERIF_ITALIC",
    "Block",
    "Bullets",
    "Heading",
    "KeyValues",
    "PageBreak",
    "Para",
    "QrBlock",
    "Signature",
    "Spacer",
    "Table",
    "font_path",
    "pdf_page_count",
    "pdf_text",
    "register_fonts",
    "render_form",
    "signature_stamp_pdf",
    "vn_date_words",
    "vn_place_date",
]
