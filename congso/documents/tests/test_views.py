"""HTML pages: every page renders for the right people, forms drive the real services."""

from __future__ import annotations

from django.test import Client

import pytest

from congso.documents.constants import DocumentStatus
from congso.documents.models import Document
from congso.documents.tests.factories import issued_and_signed, register_incoming, vietnamese_pdf

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_desk_and_lists_render_for_officers(officers, agency):
    tinh = agency("ubnd-tinh")
    document = register_incoming(officers["vanthu"], tinh, summary="Về việc tổ chức Tết Nguyên đán")
    signed = issued_and_signed(officers, tinh, recipients=[agency("so-tu-phap")])
    client = _client(officers["vanthu"])
    for url in [
        "/van-ban/",
        "/van-ban/den/",
        "/van-ban/den/?status=registered",
        "/van-ban/di/",
        "/van-ban/cho-duyet/",
        "/van-ban/giao-cho-toi/",
        "/van-ban/qua-han/",
        "/van-ban/so/",
        "/van-ban/tim-kiem/?q=tet+nguyen+dan",
        "/van-ban/kiem-tra-chu-ky/",
        "/van-ban/den/vao-so/",
        "/van-ban/di/soan-thao/",
        "/van-ban/nhan-goi-tin/",
        "/van-ban/%d/" % document.pk,
        "/van-ban/%d/" % signed.pk,
        "/van-ban/%d/chu-ky/" % signed.pk,
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get("/van-ban/tim-kiem/?q=tet+nguyen+dan").content.decode()
    assert "Tết Nguyên đán" in page
    signatures = client.get("/van-ban/%d/chu-ky/" % signed.pk).content.decode()
    assert "Chữ ký hợp lệ, văn bản toàn vẹn." in signatures and "Trần Quốc Bảo" in signatures


def test_printable_registers_follow_the_decree_columns(officers, agency):
    tinh = agency("ubnd-tinh")
    incoming = register_incoming(officers["vanthu"], tinh)
    signed = issued_and_signed(officers, tinh)
    client = _client(officers["vanthu"])
    page = client.get("/van-ban/so/%d/%d/" % (incoming.book_id, incoming.year)).content.decode()
    assert "Sổ đăng ký văn bản đến" in page and "Số đến" in page and "123/BNV-VP" in page
    page = client.get("/van-ban/so/%d/%d/" % (signed.book_id, signed.year)).content.decode()
    assert "Sổ đăng ký văn bản đi" in page and "01/QĐ-UBND" in page and "Số lượng bản" in page
    assert (
        _client(officers["lanhdaosotp"])
        .get("/van-ban/so/%d/%d/" % (signed.book_id, signed.year))
        .status_code
        == 404
    )


def test_clerk_registers_an_incoming_pdf_through_the_form(officers, agency):
    client = _client(officers["vanthu"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/van-ban/den/vao-so/",
        {
            "agency": agency("vp-ubnd").pk,
            "doc_type": "cong-van",
            "original_symbol": "45/SYT-NV",
            "issuing_agency_name": "Sở Y tế",
            "summary": "Về việc phòng chống dịch sốt xuất huyết",
            "urgency": "khan",
            "confidentiality": "normal",
            "file": SimpleUploadedFile(
                "den.pdf", vietnamese_pdf("Phòng chống sốt xuất huyết"), "application/pdf"
            ),
        },
    )
    assert response.status_code == 302
    document = Document.objects.get(original_symbol="45/SYT-NV")
    assert document.agency.slug == "vp-ubnd" and document.incoming_number == 1
    detail = client.get(response["Location"]).content.decode()
    assert "Văn bản đến số 01" in detail and "Khẩn" in detail
    bad = client.post(
        "/van-ban/den/vao-so/",
        {
            "agency": agency("vp-ubnd").pk,
            "doc_type": "cong-van",
            "summary": "x",
            "issuing_agency_name": "Sở Y tế",
            "urgency": "normal",
            "confidentiality": "normal",
            "file": SimpleUploadedFile("a.pdf", b"not a pdf", "application/pdf"),
        },
    )
    assert bad.status_code == 200 and "không phải là tệp PDF" in bad.content.decode()


def test_outgoing_workflow_through_the_pages(officers, agency):
    tinh = agency("ubnd-tinh")
    client = _client(officers["chuyenvientinh"])
    response = client.post(
        "/van-ban/di/soan-thao/",
        {
            "agency": tinh.pk,
            "doc_type": "cong-van",
            "summary": "Về việc đôn đốc báo cáo",
            "drafting_unit": "VP",
            "body": "Đề nghị các sở báo cáo đúng hạn.",
            "signing_authority": "TL. CHỦ TỊCH",
            "signer_title": "CHÁNH VĂN PHÒNG",
            "urgency": "normal",
            "confidentiality": "normal",
            "recipients": [agency("so-tu-phap").pk],
        },
    )
    assert response.status_code == 302
    document = Document.objects.get(summary="Về việc đôn đốc báo cáo")
    url = "/van-ban/%d/thao-tac/%%s/" % document.pk
    client.post(url % "submit")
    _client(officers["lanhdaotinh"]).post(url % "approve")
    _client(officers["vanthu"]).post(url % "issue")
    _client(officers["lanhdaotinh"]).post(url % "sign")
    _client(officers["vanthu"]).post(url % "sign")
    _client(officers["vanthu"]).post(url % "send")
    document.refresh_from_db()
    assert document.status == DocumentStatus.SENT and document.symbol == "01/UBND-VP"
    inbox = _client(officers["vanthusotp"]).get("/van-ban/den/").content.decode()
    assert "01/UBND-VP" in inbox
    # A wrong step gives a message, not an error page.
    response = client.post(url % "approve", follow=True)
    assert response.status_code == 200 and "không có quyền" in response.content.decode()


def test_outsiders_and_citizens_get_404(officers, agency, demo_people):
    document = register_incoming(officers["vanthu"], agency("ubnd-tinh"))
    assert _client(officers["lanhdaosotp"]).get("/van-ban/%d/" % document.pk).status_code == 404
    file_id = document.files.first().pk
    assert (
        _client(officers["lanhdaosotp"])
        .get("/van-ban/%d/tep/%d/" % (document.pk, file_id))
        .status_code
        == 404
    )
    assert _client(demo_people["congdan"]).get("/van-ban/").status_code == 404
    assert Client().get("/van-ban/").status_code == 302  # to the login page
    own = _client(officers["vanthu"]).get("/van-ban/%d/tep/%d/" % (document.pk, file_id))
    assert own.status_code == 200 and own["Content-Type"] == "application/pdf"


def test_leader_assigns_and_specialist_reports_through_the_pages(officers, agency):
    document = register_incoming(officers["vanthu"], agency("ubnd-tinh"))
    leader = _client(officers["lanhdaotinh"])
    response = leader.post(
        "/van-ban/%d/phan-cong/" % document.pk,
        {
            "role": "lead",
            "user": officers["chuyenvientinh"].pk,
            "deadline_days": 3,
            "instruction": "Tham mưu trả lời",
        },
    )
    assert response.status_code == 302
    assignment = document.assignments.get()
    specialist = _client(officers["chuyenvientinh"])
    assert document.summary in specialist.get("/van-ban/giao-cho-toi/").content.decode()
    specialist.post("/van-ban/phan-cong/%d/y-kien/" % assignment.pk, {"text": "Đang dự thảo"})
    specialist.post("/van-ban/phan-cong/%d/ket-thuc/" % assignment.pk, {"result": "Đã trả lời"})
    document.refresh_from_db()
    assert document.status == DocumentStatus.DONE
    assert assignment.opinions.get().text == "Đang dự thảo"


def test_verify_page_reports_an_unsigned_pdf(officers):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = _client(officers["vanthu"]).post(
        "/van-ban/kiem-tra-chu-ky/",
        {"file": SimpleUploadedFile("x.pdf", vietnamese_pdf("Không ký"), "application/pdf")},
    )
    assert response.status_code == 200
    assert "Tệp không có chữ ký số." in response.content.decode()
