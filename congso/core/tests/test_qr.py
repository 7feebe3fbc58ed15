"""QR codes: PNG for printed slips, inline SVG for web pages."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from PIL import Image

from congso.core.qr import QUIET_ZONE, qr_modules, qr_png, qr_svg

LOOKUP_URL = "https://dichvucong.haugiang.gov.vn/tra-cuu/?ma=000.00.00.H30-261125-0001"


def test_png_has_the_png_signature_and_the_expected_size():
    data = qr_png(LOOKUP_URL, scale=4)

    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data))
    side = (qr_modules(LOOKUP_URL) + 2 * QUIET_ZONE) * 4
    assert image.size == (side, side)


def test_png_scale_sets_the_module_size():
    small = Image.open(io.BytesIO(qr_png(LOOKUP_URL, scale=2))).size[0]
    large = Image.open(io.BytesIO(qr_png(LOOKUP_URL, scale=6))).size[0]

    assert large == small * 3


def test_png_is_black_on_white_with_a_white_quiet_zone():
    image = Image.open(io.BytesIO(qr_png(LOOKUP_URL, scale=3))).convert("L")

    assert image.getextrema() == (0, 255)
    assert image.getpixel((0, 0)) == 255
    # Top-left finder pattern starts right after the quiet zone.
    assert image.getpixel((QUIET_ZONE * 3 + 1, QUIET_ZONE * 3 + 1)) == 0


def test_svg_is_inline_and_scalable():
    svg = qr_svg(LOOKUP_URL, title="Tra cứu hồ sơ <mã>")

    assert svg.startswith("<svg")
    assert "<?xml" not in svg
    assert "viewBox" in svg
    assert 'class="qr"' in svg
    assert "<title>Tra cứu hồ sơ &lt;mã&gt;</title>" in svg


def test_vietnamese_text_is_encoded_in_utf8():
    assert qr_modules("Đăng ký khai sinh") >= 21
    assert qr_png("Đăng ký khai sinh").startswith(b"\x89PNG")


def test_empty_data_is_rejected():
    with pytest.raises(ValueError):
        qr_png("")


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbar-tools not installed")
def test_png_decodes_back_to_the_data_with_a_real_reader(tmp_path):
    path = tmp_path / "code.png"
    path.write_bytes(qr_png(LOOKUP_URL, scale=3))

    decoded = subprocess.run(  # noqa: S603
        ["zbarimg", "-q", "--raw", str(path)],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout.strip()

    assert decoded == LOOKUP_URL


def test_data_uri_embeds_the_png():
    import base64

    from congso.core.qr import qr_data_uri

    uri = qr_data_uri(LOOKUP_URL, scale=2)

    assert uri.startswith("data:image/png;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]) == qr_png(LOOKUP_URL, scale=2)
