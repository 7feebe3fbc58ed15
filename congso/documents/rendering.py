"""PDF of an outgoing document laid out per Decree 30/2020, Appendix I, and the issuance stamp.

The signer's block is drawn at a fixed place at the bottom right of the last page (title at the
top, name at the bottom, the gap between them left for the visible digital signature, see
:data:`congso.documents.signing.PERSONAL_BOX`), so the signature always lands where the Decree
puts it. Uploaded drafts keep their own layout; at issuance the number, symbol and date are
printed at the top right of their first page, as Appendix I prescribes for separate files.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from pypdf import PdfReader, PdfWriter
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from congso.core import pdf as core_pdf

W, H = core_pdf.PAGE_WIDTH, core_pdf.PAGE_HEIGHT
LEFT, RIGHT = 30 * mm, W - 15 * mm
TOP, BOTTOM = H - 20 * mm, 20 * mm
LEFT_CENTER = LEFT + 62
RIGHT_CENTER = 442
#: The signer's block: authority/title lines, the signature gap, the name (see signing.py).
SIGNER_TITLE_Y = 210
SIGNER_NAME_Y = 92
#: Body text must stop above this on the last page to leave room for the signer's block.
BODY_FLOOR_LAST_PAGE = 236


@dataclass
class Layout:
    """What the renderer needs, already formatted (the services fill it from the document)."""

    parent_agency: str
    agency: str
    symbol_suffix: str  # "QĐ-UBND": printed after "Số: NN/"
    number: int | None
    place: str
    date: dt.date | None
    type_name: str  # "" for a công văn (then the summary goes under the number as "V/v …")
    summary: str
    body: str
    signing_authority: str
    signer_title: str
    signer_name: str
    recipients: list[str]
    urgency: str = ""
    confidentiality: str = ""


def _centered_lines(
    c: Canvas, x: float, y: float, lines: Sequence[tuple[str, str, float]]
) -> float:
    for text, font, size in lines:
        c.setFont(font, size)
        c.drawCentredString(x, y, text)
        y -= size + 3
    return y


def render_document(layout: Layout) -> bytes:
    """A complete A4 document: header, title, body, recipients and the signer's block."""
    core_pdf.register_fonts()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(W, H))
    c.setTitle(layout.summary[:200])
    c.setAuthor(layout.agency)
    serif, bold, italic = core_pdf.SERIF, core_pdf.SERIF_BOLD, core_pdf.SERIF_ITALIC

    # Header: agency top left, national title top right.
    left_lines = []
    if layout.parent_agency:
        left_lines.append((layout.parent_agency.upper(), serif, 12))
    left_lines.append((layout.agency.upper(), bold, 12))
    y_left = _centered_lines(c, LEFT_CENTER, TOP, left_lines)
    c.setLineWidth(0.6)
    c.line(LEFT_CENTER - 28, y_left + 9, LEFT_CENTER + 28, y_left + 9)
    number_text = "%02d" % layout.number if layout.number else "      "
    c.setFont(serif, 13)
    c.drawCentredString(LEFT_CENTER, y_left - 8, "Số: %s/%s" % (number_text, layout.symbol_suffix))
    y_left -= 24
    if not layout.type_name:
        c.setFont(serif, 11)
        for line in simpleSplit("V/v " + layout.summary, serif, 11, 190)[:4]:
            c.drawCentredString(LEFT_CENTER, y_left, line)
            y_left -= 13
    y_right = _centered_lines(
        c,
        RIGHT_CENTER - 20,
        TOP,
        [(core_pdf.NATIONAL_TITLE, bold, 11.5), (core_pdf.NATIONAL_MOTTO, bold, 12.5)],
    )
    motto_width = c.stringWidth(core_pdf.NATIONAL_MOTTO, bold, 12.5)
    c.line(
        RIGHT_CENTER - 20 - motto_width / 2,
        y_right + 12,
        RIGHT_CENTER - 20 + motto_width / 2,
        y_right + 12,
    )
    c.setFont(italic, 13)
    if layout.date:
        date_line = core_pdf.vn_place_date(layout.date, layout.place)
    else:
        date_line = "%s, ngày      tháng      năm %d" % (layout.place, timezone.localdate().year)
    c.drawCentredString(RIGHT_CENTER - 20, y_right - 8, date_line)
    y = min(y_left, y_right - 20) - 14

    marks = [m for m in (layout.urgency, layout.confidentiality) if m]
    if marks:
        c.setFillColorRGB(0.85, 0.05, 0.05)
        c.setFont(bold, 13)
        c.drawString(LEFT, y, "   ".join(m.upper() for m in marks))
        c.setFillColorRGB(0, 0, 0)
        y -= 20

    if layout.type_name:
        c.setFont(bold, 14)
        c.drawCentredString(W / 2 + 20, y, layout.type_name.upper())
        y -= 18
        c.setFont(bold, 13)
        for line in simpleSplit(layout.summary, bold, 13, RIGHT - LEFT - 60):
            c.drawCentredString(W / 2 + 20, y, line)
            y -= 16
        c.line(W / 2 - 20, y + 10, W / 2 + 60, y + 10)
        y -= 14

    c.setFont(serif, 13)
    paragraphs = [p.strip() for p in layout.body.split("\n") if p.strip()] or [""]
    lines: list[str] = []
    for para in paragraphs:
        lines.extend(simpleSplit("        " + para, serif, 13, RIGHT - LEFT) or [""])
    page_number = 1
    for line in lines:
        if y < BOTTOM + 10:
            c.showPage()
            page_number += 1
            c.setFont(serif, 12)
            c.drawCentredString(W / 2, H - 12 * mm, str(page_number))
            c.setFont(serif, 13)
            y = TOP - 10
        c.drawString(LEFT, y, line)
        y -= 17
    if y < BODY_FLOOR_LAST_PAGE:
        c.showPage()
        page_number += 1
        c.setFont(serif, 12)
        c.drawCentredString(W / 2, H - 12 * mm, str(page_number))

    # Recipients bottom left, signer's block bottom right (fixed positions).
    c.setFont(core_pdf.SERIF_BOLD_ITALIC, 12)
    c.drawString(LEFT, SIGNER_TITLE_Y + 12, "Nơi nhận:")
    c.setFont(serif, 11)
    ry = SIGNER_TITLE_Y - 2
    for recipient in (layout.recipients or ["Như trên"])[:10]:
        c.drawString(LEFT, ry, "- %s;" % recipient[:45])
        ry -= 13
    c.drawString(LEFT, ry, "- Lưu: VT.")
    title_lines = [(t, bold, 13) for t in (layout.signing_authority, layout.signer_title) if t]
    _centered_lines(c, RIGHT_CENTER, SIGNER_TITLE_Y + 12, title_lines)
    c.setFont(bold, 13)
    c.drawCentredString(RIGHT_CENTER, SIGNER_NAME_Y, layout.signer_name)
    c.showPage()
    c.save()
    return buf.getvalue()


def stamp_number(data: bytes, *, number_line: str, date_line: str) -> bytes:
    """Print the number/symbol and date at the top right of the first page of an uploaded file."""
    core_pdf.register_fonts()
    reader = PdfReader(io.BytesIO(data), strict=False)
    first = reader.pages[0]
    width, height = float(first.mediabox.width), float(first.mediabox.height)
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(width, height))
    c.setFont(core_pdf.SERIF, 10)
    c.setFillColorRGB(0.8, 0.05, 0.05)
    c.drawRightString(width - 15 * mm, height - 10 * mm, number_line)
    c.drawRightString(width - 15 * mm, height - 10 * mm - 12, date_line)
    c.showPage()
    c.save()
    overlay = PdfReader(io.BytesIO(buf.getvalue())).pages[0]
    writer = PdfWriter(clone_from=reader)
    writer.pages[0].merge_page(overlay)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
