"""Official Vietnamese PDFs: embedded fonts, diacritics preserved, Decree 30 header and dates."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import time
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from congso.core import pdf
from congso.core.qr import qr_png

VIETNAMESE_LOWER = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)
VIETNAMESE_LETTERS = VIETNAMESE_LOWER + VIETNAMESE_LOWER.upper()


def receipt(**overrides: object) -> bytes:
    kwargs: dict[str, object] = {
        "header_left": ["UBND TỈNH HẬU GIANG", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"],
        "number_line": "Mã hồ sơ: 000.00.00.H30-261125-0001",
        "place_date_line": pdf.vn_place_date(dt.date(2026, 11, 25), "Hậu Giang"),
        "title": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "subtitle": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        "body": [
            pdf.Para("Trung tâm Phục vụ hành chính công tỉnh Hậu Giang tiếp nhận hồ sơ của:"),
            pdf.KeyValues(
                [
                    ("Ông/bà", "Nguyễn Văn Ấn"),
                    ("Nội dung yêu cầu giải quyết", "Đăng ký khai sinh"),
                    ("Ghi chú", "Người được khai sinh: Đặng Thị Mỹ — ưu tiên"),
                ]
            ),
            pdf.Heading("Thành phần hồ sơ:"),
            pdf.Table(
                ["STT", "Tên giấy tờ", "Bản chính/bản sao", "Số lượng"],
                [["1", "Tờ khai đăng ký khai sinh", "Bản chính", "01"]],
                widths=[0.1, 0.55, 0.2, 0.15],
                align=["center", "left", "center", "center"],
            ),
            pdf.Bullets(["Thời gian trả kết quả: 14 giờ 00 phút, ngày 27/11/2026."]),
            pdf.Spacer(2),
            "Một khối văn bản thuần.",
        ],
        "signatures": [
            pdf.Signature("NGƯỜI NỘP HỒ SƠ", "Nguyễn Văn Ấn", "(Ký và ghi rõ họ tên)"),
            pdf.Signature("NGƯỜI TIẾP NHẬN HỒ SƠ", "Trần Thị Đẹp", "(Ký và ghi rõ họ tên)"),
        ],
        "qr_png": qr_png("https://dichvucong.haugiang.gov.vn/tra-cuu/?ma=1"),
        "qr_caption": "Quét mã để tra cứu hồ sơ",
        "footer": "Tra cứu hồ sơ tại Cổng dịch vụ công tỉnh Hậu Giang",
    }
    kwargs.update(overrides)
    return pdf.render_form(**kwargs)  # type: ignore[arg-type]


def fonts_used(data: bytes) -> dict[str, bool]:
    """BaseFont name → embedded (has a FontFile/FontFile2/FontFile3 stream), over all pages."""
    found: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        resources = page.get("/Resources")
        if resources is None:
            continue
        for ref in resources.get_object().get("/Font", {}).values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            found[str(font["/BaseFont"])] = embedded
    return found


def test_text_extracted_from_the_pdf_keeps_vietnamese_diacritics():
    text = unicodedata.normalize("NFC", pdf.pdf_text(receipt()))

    for expected in (
        "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Đăng ký khai sinh",
        "Nguyễn Văn Ấn",
        "Đặng Thị Mỹ — ưu tiên",
        "Hậu Giang, ngày 25 tháng 11 năm 2026",
        "Thời gian trả kết quả",
        "Một khối văn bản thuần.",
    ):
        assert expected in text
    for letter in ("Đ", "ư", "ỹ", "ấ", "ặ"):
        assert letter in text


def test_header_carries_agency_and_national_motto():
    text = pdf.pdf_text(receipt())

    assert pdf.NATIONAL_TITLE in text
    assert pdf.NATIONAL_MOTTO in text
    assert "UBND TỈNH HẬU GIANG" in text
    assert "Mã hồ sơ: 000.00.00.H30-261125-0001" in text


def test_every_font_in_the_pdf_is_an_embedded_freefont():
    fonts = fonts_used(receipt())

    assert fonts, "no fonts found"
    assert all(fonts.values()), fonts
    assert all("FreeSerif" in name or "FreeSans" in name for name in fonts), fonts
    assert not any("Helvetica" in name or "Times" in name for name in fonts)


@pytest.mark.parametrize("font_name", list(pdf.FONT_FILES))
def test_shipped_fonts_cover_every_vietnamese_letter(font_name):
    pdf.register_fonts()
    face = pdfmetrics.getFont(font_name).face

    missing = [ch for ch in VIETNAMESE_LETTERS if ord(ch) not in face.charToGlyph]

    assert missing == []


def test_fonts_and_their_licence_ship_inside_the_repository():
    for filename in pdf.FONT_FILES.values():
        path = pdf.FONT_DIR / filename
        assert path.is_file() and path.stat().st_size > 100_000
    copyright_text = (pdf.FONT_DIR / "COPYRIGHT").read_text(encoding="utf-8")
    assert "Special Font Exception" in copyright_text
    assert "GNU GENERAL PUBLIC LICENSE" in (pdf.FONT_DIR / "GPL-3").read_text(encoding="utf-8")
    assert pdf.font_path("FreeSans") == pdf.FONT_DIR / "FreeSans.ttf"


def test_user_text_is_printed_literally_not_interpreted_as_markup():
    data = receipt(body=[pdf.Para("Địa chỉ <b>số 5</b> & <font size=40>x</font>")])

    assert "Địa chỉ <b>số 5</b> & <font size=40>x</font>" in pdf.pdf_text(data)


def test_markup_is_honoured_only_when_asked_for():
    data = receipt(body=[pdf.Para("Chữ <b>đậm</b> ở đây", markup=True)])

    text = pdf.pdf_text(data)
    assert "Chữ đậm ở đây" in text
    assert "<b>" not in text


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (dt.date(2026, 1, 5), "Hậu Giang, ngày 05 tháng 01 năm 2026"),
        (dt.date(2026, 2, 28), "Hậu Giang, ngày 28 tháng 02 năm 2026"),
        (dt.date(2026, 3, 9), "Hậu Giang, ngày 09 tháng 3 năm 2026"),
        (dt.date(2026, 11, 25), "Hậu Giang, ngày 25 tháng 11 năm 2026"),
    ],
)
def test_place_date_line_pads_days_and_first_two_months_as_decree_30_requires(date, expected):
    assert pdf.vn_place_date(date, "Hậu Giang") == expected


def test_place_date_uses_local_time_for_aware_datetimes(settings):
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    late_evening_utc = dt.datetime(2026, 12, 31, 18, 30, tzinfo=dt.UTC)  # 01:30 on 1 Jan in VN

    assert pdf.vn_place_date(late_evening_utc, "Vị Thanh") == "Vị Thanh, ngày 01 tháng 01 năm 2027"


def test_long_tables_break_across_pages_with_numbers_from_page_two():
    rows = [[str(i), "Giấy tờ số %d của hồ sơ" % i, "Bản sao"] for i in range(1, 90)]
    body = [
        pdf.Table(["STT", "Tên giấy tờ", "Loại"], rows, widths=[1, 6, 2]),
        pdf.Para("Đoạn kết thúc văn bản."),
    ]
    data = receipt(body=body)

    pages = pdf.pdf_text(data).split("\f")
    assert len(pages) >= 3
    assert pdf.pdf_page_count(data) == len(pages)
    # Repeated header on later pages and a page number "2" at the top of page 2.
    assert "Tên giấy tờ" in pages[1]
    assert "2" in pages[1].split()
    assert "Giấy tờ số 89 của hồ sơ" in pages[-1] + pages[-2]
    # The closing signatures never stand alone: the last paragraph travels with them.
    assert "Đoạn kết thúc văn bản." in pages[-1]
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in pages[-1]


def test_single_signature_with_recipients_list():
    data = pdf.render_form(
        header_left=["ỦY BAN NHÂN DÂN", "TỈNH HẬU GIANG"],
        number_line="Số: 05/QĐ-UBND",
        place_date_line=pdf.vn_place_date(dt.date(2026, 1, 5), "Hậu Giang"),
        title="QUYẾT ĐỊNH",
        subtitle="Về việc công bố danh mục thủ tục hành chính",
        body=[pdf.Para("Căn cứ Luật Tổ chức chính quyền địa phương;", indent=True, italic=True)],
        signatures=[pdf.Signature(["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], "Nguyễn Văn Bình")],
        recipients=["- Như Điều 3;", "- Lưu: VT."],
    )

    text = pdf.pdf_text(data)
    assert "Nơi nhận:" in text
    assert "TM. ỦY BAN NHÂN DÂN" in text
    assert "Số: 05/QĐ-UBND" in text
    assert "Hậu Giang, ngày 05 tháng 01 năm 2026" in text


def test_unknown_block_is_rejected():
    with pytest.raises(TypeError):
        receipt(body=[object()])


def test_a_receipt_renders_quickly_enough_for_a_busy_counter():
    receipt()  # fonts registered, first-use costs paid
    started = time.perf_counter()
    for _ in range(5):
        receipt()
    per_document = (time.perf_counter() - started) / 5

    assert per_document < 0.5, per_document


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_rendered_page_is_a4_and_has_ink_in_the_header_corners(tmp_path: Path):
    from PIL import Image

    source = tmp_path / "receipt.pdf"
    source.write_bytes(receipt())
    subprocess.run(  # noqa: S603
        ["pdftoppm", "-r", "50", "-png", "-singlefile", str(source), str(tmp_path / "page")],  # noqa: S607
        check=True,
        timeout=60,
    )
    image = Image.open(tmp_path / "page.png").convert("L")

    width, height = image.size
    assert abs(width / height - 210 / 297) < 0.01
    # Agency name (top-left) and national motto (top-right) both put dark pixels on the page.
    left = image.crop(
        (int(width * 0.12), int(height * 0.06), int(width * 0.45), int(height * 0.12))
    )
    right = image.crop(
        (int(width * 0.5), int(height * 0.06), int(width * 0.95), int(height * 0.12))
    )
    assert left.getextrema()[0] < 100
    assert right.getextrema()[0] < 100


def test_number_and_date_placeholders_become_fillable_fields_after_signature():
    data = pdf.render_form(
        header_left=["ỦY BAN NHÂN DÂN", "TỈNH HẬU GIANG"],
        number_line="Số: {field:so}/QĐ-UBND",
        place_date_line="Hậu Giang, ngày {field:ngay:8} tháng {field:thang:8} năm 2026",
        title="QUYẾT ĐỊNH",
        body=[pdf.Para("Điều 1. Phê duyệt.")],
        signatures=[pdf.Signature("CHỦ TỊCH", "Nguyễn Văn Bình")],
    )

    fields = PdfReader(io.BytesIO(data)).get_fields() or {}
    assert {name: field.get("/FT") for name, field in fields.items()} == {
        "so": "/Tx",
        "ngay": "/Tx",
        "thang": "/Tx",
    }
    text = pdf.pdf_text(data)
    # The symbol with "Đ" stays printed in the embedded font; only digits go into the field.
    assert "/QĐ-UBND" in text
    assert "{field" not in text
    # A clerk's later filling is an incremental update that keeps the signed bytes intact.
    from pypdf import PdfWriter

    writer = PdfWriter(io.BytesIO(data), incremental=True)
    writer.update_page_form_field_values(writer.pages[0], {"so": "125"}, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    assert out.getvalue().startswith(data)
    assert PdfReader(io.BytesIO(out.getvalue())).get_fields()["so"].get("/V") == "125"


def test_table_rows_wider_than_the_header_are_refused_not_truncated():
    with pytest.raises(ValueError, match="more cells"):
        receipt(body=[pdf.Table(["STT", "Tên"], [["1", "Tờ khai", "thừa"]])])
    with pytest.raises(ValueError, match="widths"):
        receipt(body=[pdf.Table(["STT", "Tên"], [["1", "Tờ khai"]], widths=[1, 2, 3])])


def test_minimal_documents_render():
    assert pdf.pdf_page_count(pdf.render_form(header_left=[], title="THÔNG BÁO")) == 1
    headerless = pdf.render_form(header_left=["UBND"], body=[pdf.Table([], [["a", "b"], ["c"]])])
    assert "c" in pdf.pdf_text(headerless).split()


def _self_signed() -> tuple[object, object]:
    """A throw-away signing certificate (CN with Vietnamese letters) for pyHanko."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Nguyễn Văn Bình")])
    now = dt.datetime.now(dt.UTC)
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    der_key = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return (
        asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        asn1_keys.PrivateKeyInfo.load(der_key),
    )


def test_stamp_pdf_signs_with_pyhanko_and_shows_vietnamese(tmp_path: Path):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.stamp import StaticStampStyle
    from pyhanko_certvalidator import ValidationContext

    stamp = pdf.signature_stamp_pdf(
        ["Ký bởi: Nguyễn Văn Bình", "Số: 125/QĐ-UBND", "Thời gian: 2026-11-25T10:15:00+07:00"]
    )
    assert "Ký bởi: Nguyễn Văn Bình" in pdf.pdf_text(stamp)
    assert all(fonts_used(stamp).values())
    stamp_path = tmp_path / "stamp.pdf"
    stamp_path.write_bytes(stamp)
    document = receipt()
    cert, key = _self_signed()
    signer = signers.SimpleSigner(signing_cert=cert, signing_key=key, cert_registry=None)

    pdf_signer = signers.PdfSigner(
        signers.PdfSignatureMetadata(field_name="LanhDao"),
        signer=signer,
        stamp_style=StaticStampStyle.from_pdf_file(str(stamp_path), border_width=0),
        new_field_spec=fields.SigFieldSpec("LanhDao", box=(330, 60, 528, 122)),
    )
    signed = pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(document))).getvalue()

    assert signed.startswith(document)
    embedded = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    status = validate_pdf_signature(embedded, ValidationContext(trust_roots=[cert]))
    assert status.intact and status.valid
    (tmp_path / "signed.pdf").write_bytes(signed)
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:
        crop = ["-x", "440", "-y", "940", "-W", "360", "-H", "120"]
        subprocess.run(  # noqa: S603
            [
                pdftoppm,
                "-r",
                "100",
                "-png",
                "-singlefile",
                *crop,
                str(tmp_path / "signed.pdf"),
                str(tmp_path / "stamp"),
            ],
            check=True,
            timeout=60,
        )
        from PIL import Image

        assert Image.open(tmp_path / "stamp.png").convert("L").getextrema()[0] < 100
