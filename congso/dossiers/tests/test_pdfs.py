"""The printable one-stop forms: real PDFs whose text (pypdf) keeps Vietnamese diacritics."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

import pytest

from congso.core.formatting import format_date
from congso.core.pdf import pdf_page_count, pdf_text
from congso.dossiers import pdfs, services

PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _text(data: bytes) -> str:
    # Extracted text may come back decomposed or with line breaks inside long phrases.
    return " ".join(unicodedata.normalize("NFC", pdf_text(data)).split())


@pytest.fixture
def khai_sinh(demo_people):  # type: ignore[no-untyped-def]
    """A full-online commune procedure received by the demo ward, with two mandatory documents."""
    from congso.agencies.models import Agency
    from congso.catalog.models import Field, Procedure, RequiredDocument
    from congso.core import vntext

    field, _ = Field.objects.get_or_create(slug="ho-tich", defaults={"name": "Hộ tịch"})
    procedure = Procedure.objects.create(
        code="1.001193",
        name="Đăng ký khai sinh",
        field=field,
        level=Procedure.Level.COMMUNE,
        competent_agency="Ủy ban nhân dân cấp xã",
        processing_time_value=3,
        processing_time_unit=Procedure.TimeUnit.WORKING_DAYS,
        result="Giấy khai sinh",
        legal_basis=["Luật Hộ tịch 2014"],
        online_level=Procedure.OnlineLevel.FULL,
        form={
            "fields": [
                {
                    "name": "ten_tre",
                    "label": "Họ, chữ đệm, tên của trẻ",
                    "type": "text",
                    "required": True,
                    "max_length": 100,
                },
                {
                    "name": "ngay_sinh_tre",
                    "label": "Ngày sinh của trẻ",
                    "type": "date",
                    "required": True,
                },
            ]
        },
        search_text=vntext.fold_lower("Đăng ký khai sinh hộ tịch"),
    )
    procedure.receiving_agencies.add(Agency.objects.get(slug="phuong-vi-thanh"))
    RequiredDocument.objects.create(
        procedure=procedure, position=0, name="Tờ khai đăng ký khai sinh theo mẫu"
    )
    RequiredDocument.objects.create(
        procedure=procedure,
        position=1,
        name="Giấy chứng sinh",
        original_or_copy=RequiredDocument.Form.ORIGINAL,
    )
    return procedure


@pytest.fixture
def received(khai_sinh, demo_people):  # type: ignore[no-untyped-def]
    """A dossier submitted online by ``congdan`` and received by ``motcua``."""
    citizen = demo_people["congdan"]
    with services.notifications_muted():
        dossier = services.dossier_create(
            actor=citizen,
            procedure=khai_sinh,
            applicant={},
            form_data={"ten_tre": "Nguyễn Ngọc Ánh", "ngay_sinh_tre": "2026-11-01"},
            channel="online",
        )
        for slot in ("doc-0", "doc-1"):
            services.dossier_attach(
                actor=citizen,
                dossier=dossier,
                slot=slot,
                uploaded_file=SimpleUploadedFile("%s.pdf" % slot, PDF_BYTES, "application/pdf"),
            )
        services.dossier_submit(actor=citizen, dossier=dossier)
        services.dossier_receive(actor=demo_people["motcua"], dossier=dossier)
    dossier.refresh_from_db()
    return dossier


def test_receipt_text_has_code_name_and_appointment_with_diacritics(received):
    data = pdfs.render_receipt(received)

    assert data.startswith(b"%PDF")
    assert b"FreeSerif" in data  # an embedded Unicode font, not a standard PDF font
    text = _text(data)
    assert received.code in text
    assert "Nguyễn Văn An" in text
    assert format_date(received.due_at) in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "Đăng ký khai sinh" in text
    assert "Giấy chứng sinh" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
    assert "Lê Thị Hồng" in text  # the receiving officer signs
    assert "/tra-cuu/?code=" in text  # the QR's lookup address is printed beside it
    assert pdf_page_count(data) == 1


def test_receipt_layout_lists_uploaded_documents_and_lookup_qr(received):
    layout = pdfs.receipt_layout(received)

    rows = pdfs.documents_received(received)
    assert [row[1] for row in rows] == ["Tờ khai đăng ký khai sinh theo mẫu", "Giấy chứng sinh"]
    assert layout["qr_png"].startswith(b"\x89PNG")
    assert layout["header_left"] == ["UBND PHƯỜNG VỊ THANH", "BỘ PHẬN MỘT CỬA"]
    assert layout["place_date_line"].startswith("Vị Thanh, ngày ")


def test_supplement_request_lists_every_missing_item(received, demo_people):
    with services.notifications_muted():
        services.dossier_request_supplement(
            actor=demo_people["motcua"],
            dossier=received,
            items=["Bản sao Giấy chứng nhận kết hôn của cha mẹ", "Văn bản ủy quyền có chứng thực"],
            note="Nộp bổ sung qua Cổng dịch vụ công.",
        )
    request = received.supplement_requests.get()

    text = _text(pdfs.render_supplement_request(received, request))

    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Bản sao Giấy chứng nhận kết hôn của cha mẹ" in text
    assert "2. Văn bản ủy quyền có chứng thực" in text
    assert received.code in text
    assert "Lê Thị Hồng" in text


def test_refusal_notice_states_the_legal_reason(received, demo_people):
    with services.notifications_muted():
        services.dossier_start(actor=demo_people["chuyenvien"], dossier=received)
        services.dossier_reject(
            actor=demo_people["chuyenvien"],
            dossier=received,
            reason="Trẻ đã được đăng ký khai sinh tại phường Vị Tân (Điều 13 Luật Hộ tịch 2014).",
        )
    received.refresh_from_db()

    text = _text(pdfs.render_refusal(received))

    assert "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ" in text
    assert "Điều 13 Luật Hộ tịch 2014" in text
    assert "Phạm Minh Tuấn" in text


def test_apology_letter_carries_the_new_date(received, demo_people):
    with services.notifications_muted():
        services.dossier_start(actor=demo_people["chuyenvien"], dossier=received)
        new_due = received.due_at + dt.timedelta(days=7)
        letter = services.dossier_issue_apology(
            actor=demo_people["chuyenvien"],
            dossier=received,
            reason="Cần xác minh thông tin cư trú của người mẹ.",
            new_due_at=new_due,
        )
    received.refresh_from_db()

    text = _text(pdfs.render_apology(received, letter))

    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in text
    assert format_date(letter.new_due_at) in text
    assert "xác minh thông tin cư trú" in text


def test_control_sheet_has_one_row_per_hand_over(received, demo_people):
    with services.notifications_muted():
        services.dossier_start(actor=demo_people["chuyenvien"], dossier=received)
        services.dossier_forward(
            actor=demo_people["chuyenvien"], dossier=received, note="Đủ điều kiện"
        )
        services.dossier_approve(actor=demo_people["lanhdao"], dossier=received, note="Đồng ý")
    received.refresh_from_db()

    layout = pdfs.control_sheet_layout(received)
    table = layout["body"][-1]
    units = [row[0] for row in table.rows]
    assert units[:2] == ["Người nộp hồ sơ (trực tuyến)", "Bộ phận Tiếp nhận và Trả kết quả"]
    assert "Lãnh đạo" in units
    # The receiving officer hands over to the specialist who took it up.
    receive_row = table.rows[1]
    assert "Người giao: Lê Thị Hồng" in receive_row[1]
    assert "Người nhận: Phạm Minh Tuấn" in receive_row[1]  # took it up ("start")
    assert all(row[2] in ("Trước hạn", "Đúng hạn", "Quá hạn") for row in table.rows)

    text = _text(pdfs.render_control_sheet(received))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert "Võ Thanh Hải" in text


def test_timeliness_compares_hand_over_with_appointment():
    due = timezone.make_aware(dt.datetime(2026, 2, 24, 17, 0))
    assert pdfs.timeliness(due - dt.timedelta(days=2), due) == "Trước hạn"
    assert pdfs.timeliness(due - dt.timedelta(hours=3), due) == "Đúng hạn"
    assert pdfs.timeliness(due + dt.timedelta(minutes=1), due) == "Quá hạn"
    assert pdfs.timeliness(due, None) == ""


def test_paper_dossier_receipt_lists_the_documents_the_procedure_requires(khai_sinh, demo_people):
    with services.notifications_muted():
        dossier = services.dossier_create(
            actor=demo_people["motcua"],
            procedure=khai_sinh,
            applicant={
                "name": "Đặng Thị Mỹ",
                "personal_id": "093199001111",
                "phone": "0939111222",
                "address": "Khu vực 3, phường Vị Thanh",
            },
            form_data={"ten_tre": "Đặng Minh Khôi", "ngay_sinh_tre": "2026-11-10"},
            channel="counter",
        )
        services.dossier_receive(actor=demo_people["motcua"], dossier=dossier)
    dossier.refresh_from_db()

    rows = pdfs.documents_received(dossier)
    text = _text(pdfs.render_receipt(dossier))

    assert [row[1] for row in rows] == ["Tờ khai đăng ký khai sinh theo mẫu", "Giấy chứng sinh"]
    assert "Đặng Thị Mỹ" in text and "Khu vực 3, phường Vị Thanh" in text
    assert "nhận kết quả điện tử" not in text  # a counter dossier collects its result in person
