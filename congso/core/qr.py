"""QR codes for printed slips (PNG for PDFs) and web pages (inline SVG).

Error correction level M (15 %) survives the smudges and folds a paper slip collects at the
counter; segno raises it further on its own when the payload leaves spare capacity (``boost_error``).
"""

from __future__ import annotations

import base64
import io

import segno

#: Quiet zone in modules; 4 is the minimum the QR standard requires for reliable scanning.
QUIET_ZONE = 4


def _make(data: str) -> segno.QRCode:
    if not data:
        raise ValueError("QR code data must not be empty")
    return segno.make_qr(data, error="m", boost_error=True, encoding="utf-8")


def qr_png(data: str, scale: int = 4) -> bytes:
    """PNG bytes of a QR code for ``data``; each module is ``scale`` pixels wide."""
    buffer = io.BytesIO()
    _make(data).save(buffer, kind="png", scale=max(1, int(scale)), border=QUIET_ZONE)
    return buffer.getvalue()


def png_data_uri(png: bytes) -> str:
    """ "data:image/png;base64,…" for an ``<img src>`` (pages, e-mails, print views)."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def qr_data_uri(data: str, scale: int = 4) -> str:
    """A QR code as a PNG data URI."""
    return png_data_uri(qr_png(data, scale=scale))


def qr_svg(data: str, *, title: str = "", css_class: str = "qr") -> str:
    """An inline ``<svg>`` element (no XML declaration) that scales with CSS via ``viewBox``."""
    return _make(data).svg_inline(
        scale=1,
        border=QUIET_ZONE,
        omitsize=True,
        svgclass=css_class,
        lineclass=None,
        title=title or None,
    )


def qr_modules(data: str) -> int:
    """Width of the symbol in modules (without quiet zone); used to size printed codes."""
    width, _height = _make(data).symbol_size(border=0)
    return int(width)
