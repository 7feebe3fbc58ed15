"""The REST API as an interface: responses and the resulting state."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from congso.documents.constants import DocumentStatus
from congso.documents.models import Document
from congso.documents.tests.factories import register_incoming, vietnamese_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(officers):  # type: ignore[no-untyped-def]
    def make(username: str) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=officers[username])
        client.credentials(HTTP_AUTHORIZATION="Bearer " + token.key)
        return client

    return make


def test_register_incoming_by_multipart_upload(api):
    response = api("vanthu").post(
        "/api/v1/documents/incoming/",
        {
            "agency": "ubnd-tinh",
            "doc_type": "quyet-dinh",
            "summary": "Quyết định về việc giao chỉ tiêu kế hoạch năm 2027",
            "original_symbol": "1234/QĐ-TTg",
            "issuing_agency_name": "Thủ tướng Chính phủ",
            "urgency": "thuong_khan",
            "file": SimpleUploadedFile(
                "qd.pdf",
                vietnamese_pdf("Giao chỉ tiêu kế hoạch phát triển kinh tế - xã hội"),
                "application/pdf",
            ),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["incoming_number"] == 1 and body["id"]
    assert body["files"][0]["role"] == "original"
    document = Document.objects.get(pk=body["id"])
    assert "chỉ tiêu kế hoạch" in document.extracted_text

    search = api("vanthu").get("/api/v1/documents/search/", {"q": "chi tieu ke hoach"})
    assert search.status_code == 200
    assert search.json()["results"][0]["id"] == body["id"]
    filtered = (
        api("vanthu").get("/api/v1/documents/search/", {"q": "chi tieu", "type": "cong-van"}).json()
    )
    assert filtered["count"] == 0


def test_errors_are_structured_json(api):
    client = api("vanthu")
    response = client.post(
        "/api/v1/documents/incoming/",
        {
            "agency": "ubnd-tinh",
            "summary": "x",
            "file": SimpleUploadedFile("a.pdf", b"hello", "application/pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"message", "code", "extra"} and "PDF" in body["message"]
    response = client.post("/api/v1/documents/incoming/", {"agency": "so-tu-phap", "summary": "x"})
    assert response.status_code == 400 and "agency" in response.json()["extra"]["fields"]
    response = api("chuyenvientinh").post(
        "/api/v1/documents/incoming/", {"summary": "x"}, format="multipart"
    )
    assert response.status_code == 400
    assert APIClient().get("/api/v1/documents/search/").status_code == 401


def test_outgoing_lifecycle_over_the_api(api, agency):
    created = api("chuyenvientinh").post(
        "/api/v1/documents/outgoing/",
        {
            "agency": "ubnd-tinh",
            "doc_type": "ke-hoach",
            "summary": "Kế hoạch chuyển đổi số năm 2027",
            "body": "Mục tiêu: 100% hồ sơ được số hóa.",
            "signing_authority": "TM. ỦY BAN NHÂN DÂN",
            "signer_title": "CHỦ TỊCH",
            "recipients": ["so-tu-phap"],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    doc_id = created.json()["id"]
    assert created.json()["status"] == "draft" and created.json()["number"] is None
    assert created.json()["actions"] == ["submit"]

    def act(user: str, action: str) -> dict:
        response = api(user).post(f"/api/v1/documents/outgoing/{doc_id}/actions/{action}/")
        assert response.status_code == 200, response.json()
        return response.json()

    act("chuyenvientinh", "submit")
    wrong = api("vanthu").post(f"/api/v1/documents/outgoing/{doc_id}/actions/approve/")
    assert wrong.status_code == 403 and wrong.json()["code"] == "permission_denied"
    assert act("lanhdaotinh", "approve")["number"] is None
    issued = act("vanthu", "issue")
    assert (issued["number"], issued["symbol"]) == (1, "01/KH-UBND")
    again = api("vanthu").post(f"/api/v1/documents/outgoing/{doc_id}/actions/issue/")
    assert again.status_code == 409

    first = api("lanhdaotinh").post(f"/api/v1/documents/{doc_id}/sign/")
    assert first.status_code == 200 and first.json()["file"]["role"] == "signed"
    second = api("vanthu").post(f"/api/v1/documents/{doc_id}/sign/")
    assert second.json()["document"]["status"] == DocumentStatus.SIGNED
    checks = api("vanthu").get(f"/api/v1/documents/{doc_id}/signatures/").json()
    assert checks["ok"] is True and len(checks["signatures"]) == 2
    assert {s["signer"] for s in checks["signatures"]} == {
        "Trần Quốc Bảo",
        "Ủy ban nhân dân tỉnh Hậu Giang",
    }
    assert "PRIVATE KEY" not in str(checks)

    sent = act("vanthu", "send")
    assert sent["status"] == "sent"
    inbox = api("vanthusotp").get("/api/v1/documents/incoming/").json()
    assert inbox["results"][0]["original_symbol"] == "01/KH-UBND"

    download = api("vanthu").get(sent["files"][-1]["url"])
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    package = api("vanthu").get(f"/api/v1/documents/{doc_id}/package/")
    assert package.status_code == 200 and package["Content-Type"] == "application/zip"
    imported = api("vanthuphuong").post(
        "/api/v1/documents/packages/",
        {"file": SimpleUploadedFile("goi.zip", package.content, "application/zip")},
        format="multipart",
    )
    assert imported.status_code == 201 and imported.json()["agency"] == "phuong-vi-thanh"


def test_assignments_api_and_mine_filter(api, officers, agency):
    document = register_incoming(officers["vanthu"], agency("ubnd-tinh"))
    response = api("lanhdaotinh").post(
        f"/api/v1/documents/{document.pk}/assignments/",
        {"role": "lead", "user": "chuyenvientinh", "deadline_days": 5, "instruction": "Xử lý"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assignment_id = response.json()["id"]
    assert response.json()["deadline"]
    denied = api("vanthu").post(
        f"/api/v1/documents/{document.pk}/assignments/", {"role": "inform", "unit": "vp-ubnd"}
    )
    assert denied.status_code == 403
    mine = api("chuyenvientinh").get("/api/v1/assignments/", {"mine": 1}).json()
    assert [a["id"] for a in mine["results"]] == [assignment_id]
    assert api("vanthusotp").get("/api/v1/assignments/", {"mine": 1}).json()["results"] == []
    opinion = api("chuyenvientinh").post(
        f"/api/v1/assignments/{assignment_id}/opinions/", {"text": "Đã dự thảo"}, format="json"
    )
    assert opinion.status_code == 201 and opinion.json()["opinions"][0]["text"] == "Đã dự thảo"
    closed = api("chuyenvientinh").post(f"/api/v1/assignments/{assignment_id}/close/", {})
    assert closed.status_code == 200 and closed.json()["status"] == "done"


def test_outsiders_get_404_on_every_document_endpoint(api, officers, agency):
    document = register_incoming(officers["vanthu"], agency("ubnd-tinh"))
    outsider = api("lanhdaosotp")
    for url in [
        f"/api/v1/documents/{document.pk}/",
        f"/api/v1/documents/{document.pk}/signatures/",
        f"/api/v1/documents/{document.pk}/assignments/",
        f"/api/v1/documents/{document.pk}/package/",
        f"/api/v1/documents/{document.pk}/files/{document.files.first().pk}/",
    ]:
        response = outsider.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"
    assert outsider.post(f"/api/v1/documents/{document.pk}/sign/").status_code == 404


def test_verify_any_uploaded_pdf(api):
    response = api("vanthu").post(
        "/api/v1/documents/verify/",
        {"file": SimpleUploadedFile("x.pdf", vietnamese_pdf("x"), "application/pdf")},
        format="multipart",
    )
    assert response.status_code == 200
    assert response.json()["ok"] is False and "không có chữ ký" in response.json()["error"]


def test_openapi_schema_documents_the_endpoints(api):
    schema = api("vanthu").get("/api/v1/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in [
        "/api/v1/documents/incoming/",
        "/api/v1/documents/outgoing/",
        "/api/v1/documents/outgoing/{document_id}/actions/{action}/",
        "/api/v1/documents/{document_id}/sign/",
        "/api/v1/documents/{document_id}/signatures/",
        "/api/v1/documents/search/",
        "/api/v1/documents/{document_id}/assignments/",
        "/api/v1/assignments/",
    ]:
        assert path in paths, path
