"""The dossier API as the mobile app uses it, with the demo accounts: responses and resulting state."""

from __future__ import annotations

import base64

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from congso.core import payments
from congso.dossiers.constants import Status
from congso.dossiers.models import Dossier, DossierAttachment
from congso.dossiers.tests.conftest import FORM, PDF_BYTES, snapshot

pytestmark = pytest.mark.django_db


def _upload(client, code, slot, content=PDF_BYTES, name="giay-to.pdf"):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/dossiers/%s/attachments/" % code,
        {"slot": slot, "file": SimpleUploadedFile(name, content)},
        format="multipart",
    )


def _act(client, code, action, **data):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/dossiers/%s/actions/%s/" % (code, action), data, format="json")


def test_lifecycle_through_the_api_with_the_demo_accounts(api_as, procs):
    congdan, motcua = api_as("congdan"), api_as("motcua")
    chuyenvien, lanhdao = api_as("chuyenvien"), api_as("lanhdao")

    created = congdan.post(
        "/api/v1/dossiers/",
        {"procedure": procs["days"].code, "applicant": {"phone": "0912345678"}, "form": FORM},
        format="json",
    )
    assert created.status_code == 201, created.json()
    code = created.json()["code"]
    assert code.startswith("000.21.30.H30-")
    assert created.json()["status"] == "draft"

    for slot in ("doc-0", "doc-1"):
        response = _upload(congdan, code, slot)
        assert response.status_code == 201, response.json()
        assert response.json()["content_type"] == "application/pdf"

    detail = congdan.get("/api/v1/dossiers/%s/" % code).json()
    assert detail["allowed_actions"] == ["submit", "withdraw"]
    assert detail["applicant"]["name"] == "Nguyễn Văn An"

    assert _act(congdan, code, "submit").json()["status"] == "submitted"
    queue = motcua.get("/api/v1/dossiers/?queue=to_receive").json()
    assert [d["code"] for d in queue["results"]] == [code]

    received = _act(motcua, code, "receive", note="Đủ thành phần")
    assert received.status_code == 200
    assert received.json()["status"] == "received"
    assert received.json()["due_at"]

    assert "start" in chuyenvien.get("/api/v1/dossiers/%s/" % code).json()["allowed_actions"]
    assert _act(chuyenvien, code, "start").json()["status"] == "in_progress"
    forwarded = chuyenvien.post(
        "/api/v1/dossiers/%s/actions/forward/" % code,
        {"note": "Đề nghị cấp", "draft_result": SimpleUploadedFile("du-thao.pdf", PDF_BYTES)},
        format="multipart",
    )
    assert forwarded.status_code == 200, forwarded.json()
    assert forwarded.json()["status"] == "awaiting_approval"

    approved = _act(lanhdao, code, "approve", note="Đồng ý")
    assert approved.json()["status"] == "approved"
    assert approved.json()["result_digitised"] is True

    returned = _act(motcua, code, "return_result")
    assert returned.json()["status"] == "returned"
    assert returned.json()["is_late"] is False

    rated = _act(congdan, code, "rate", score=5, comment="Rất hài lòng", criteria={"attitude": 5})
    assert rated.status_code == 200
    assert rated.json()["rating"]["score"] == 5

    timeline = congdan.get("/api/v1/dossiers/%s/" % code).json()["timeline"]
    assert [s["action"] for s in timeline] == [
        "create",
        "submit",
        "receive",
        "start",
        "forward",
        "approve",
        "return_result",
        "rate",
    ]
    assert all(s["note"] == "" for s in timeline)  # internal notes stay internal
    officer_view = motcua.get("/api/v1/dossiers/%s/" % code).json()["timeline"]
    assert officer_view[2]["note"] == "Đủ thành phần"


def test_second_citizen_gets_404_for_someone_elses_dossier(api_as, make_dossier):
    dossier = make_dossier("submitted")
    other = api_as("congdan2")
    response = other.get("/api/v1/dossiers/%s/" % dossier.code)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert _act(other, dossier.code, "withdraw").status_code == 404
    assert other.get("/api/v1/dossiers/").json()["count"] == 0
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED


def test_disallowed_actions_return_403_or_409_with_a_message_and_change_nothing(
    api_as, make_dossier
):
    dossier = make_dossier("received")
    before = snapshot(dossier)
    denied = _act(api_as("lanhdao"), dossier.code, "receive")
    assert denied.status_code == 403
    assert "Một cửa" in denied.json()["message"]
    conflict = _act(api_as("motcua"), dossier.code, "receive")
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "conflict"
    assert "trạng thái" in conflict.json()["message"].lower()
    citizen = _act(api_as("congdan"), dossier.code, "approve")
    assert citizen.status_code == 403
    unknown = _act(api_as("motcua"), dossier.code, "teleport")
    assert unknown.status_code == 400
    assert snapshot(dossier) == before


def test_officer_of_another_agency_cannot_see_or_act(api_client, make_dossier, other_officers):
    from rest_framework.authtoken.models import Token

    dossier = make_dossier("submitted")
    token, _ = Token.objects.get_or_create(user=other_officers["receptionist"])
    api_client.credentials(HTTP_AUTHORIZATION="Bearer " + token.key)
    assert api_client.get("/api/v1/dossiers/%s/" % dossier.code).status_code == 404
    assert _act(api_client, dossier.code, "receive").status_code == 404
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED


def test_list_filters_and_fields(api_as, make_dossier):
    from congso.dossiers.tests.conftest import at

    make_dossier("received", when=at("2026-03-02", "08:00"))
    make_dossier("received", when=at("2026-04-06", "08:00"))
    make_dossier("draft")
    motcua = api_as("motcua")
    everything = motcua.get("/api/v1/dossiers/").json()
    assert everything["count"] == 2  # officers do not see citizens' drafts
    item = everything["results"][0]
    for key in (
        "code",
        "procedure",
        "status",
        "channel",
        "received_at",
        "due_at",
        "finished_at",
        "returned_at",
        "is_late",
        "agency",
        "applicant_name",
    ):
        assert key in item
    assert item["applicant_name"] == "Nguyễn Văn An"
    march = motcua.get("/api/v1/dossiers/?received_from=2026-03-01&received_to=2026-03-31").json()
    assert march["count"] == 1
    by_agency = motcua.get("/api/v1/dossiers/?agency=ubnd-tinh&status=received").json()
    assert by_agency["count"] == 2  # the province's sub-tree includes the ward
    by_code = motcua.get("/api/v1/dossiers/?agency=000.22.30.H30").json()
    assert by_code["count"] == 0
    citizen_item = api_as("congdan").get("/api/v1/dossiers/").json()["results"][0]
    assert citizen_item["applicant_name"] is None


@pytest.mark.parametrize(
    "query",
    [
        "received_from=25/11/2026",
        "received_to=2026-13-01",
        "status=lost",
        "agency=khong-ton-tai",
        "received_from=2026-05-01&received_to=2026-04-01",
    ],
)
def test_bad_filters_are_400_json(api_as, query):
    response = api_as("motcua").get("/api/v1/dossiers/?" + query)
    assert response.status_code == 400
    body = response.json()
    assert body["message"] and body["code"] and "fields" in body["extra"]


def test_walk_in_dossier_by_the_receptionist(api_as, procs):
    response = api_as("motcua").post(
        "/api/v1/dossiers/",
        {
            "procedure": procs["days"].code,
            "applicant": {
                "name": "Đặng Thị Hoa",
                "personal_id": "093190001111",
                "phone": "0909111222",
            },
            "form": FORM,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    dossier = Dossier.objects.get(code=response.json()["code"])
    assert dossier.channel == "counter" and dossier.status == Status.SUBMITTED
    assert dossier.applicant is None and dossier.applicant_name == "Đặng Thị Hoa"


def test_create_with_unknown_procedure_or_bad_applicant_is_400(api_as, procs):
    client = api_as("motcua")
    missing = client.post("/api/v1/dossiers/", {"procedure": "9.999"}, format="json")
    assert missing.status_code == 400 and "thủ tục" in missing.json()["message"]
    bad = client.post(
        "/api/v1/dossiers/",
        {
            "procedure": procs["days"].code,
            "applicant": {"name": "A", "personal_id": "12"},
            "form": FORM,
        },
        format="json",
    )
    assert bad.status_code == 400
    assert "applicant.personal_id" in bad.json()["extra"]["fields"]
    assert Dossier.objects.count() == 0


def test_upload_errors_are_clear_and_store_nothing(api_as, make_dossier, settings):
    dossier = make_dossier("draft")
    client = api_as("congdan")
    renamed = _upload(client, dossier.code, "doc-0", b"GIF89a not a pdf", "giay.pdf")
    assert renamed.status_code == 400 and "PDF" in renamed.json()["message"]
    empty = _upload(client, dossier.code, "doc-0", b"", "rong.pdf")
    assert empty.status_code == 400 and "rỗng" in empty.json()["message"]
    settings.UPLOAD_MAX_BYTES = 100
    big = _upload(client, dossier.code, "doc-0", PDF_BYTES + b"x" * 200, "lon.pdf")
    assert big.status_code == 400 and "quá lớn" in big.json()["message"]
    assert DossierAttachment.objects.count() == 0


def test_receipt_pdf(api_as, make_dossier):
    pdfs = pytest.importorskip("congso.dossiers.pdfs")
    assert hasattr(pdfs, "render_receipt")
    dossier = make_dossier("received")
    response = api_as("congdan").get("/api/v1/dossiers/%s/receipt.pdf" % dossier.code)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    draft = make_dossier("submitted")
    assert api_as("congdan").get("/api/v1/dossiers/%s/receipt.pdf" % draft.code).status_code == 409


def test_public_lookup_needs_code_and_phone_or_id(api_client, make_dossier, demo_people):
    dossier = make_dossier("received")
    only_code = api_client.get("/api/v1/lookup/?code=%s" % dossier.code)
    assert only_code.status_code == 400
    wrong = api_client.get("/api/v1/lookup/?code=%s&phone=0999999999" % dossier.code)
    assert wrong.status_code == 404
    ok = api_client.get("/api/v1/lookup/?code=%s&phone=0912345678" % dossier.code)
    assert ok.status_code == 200
    body = ok.json()
    assert body["status"] == "received" and body["due_at"]
    text = str(body)
    assert "Nguyễn Văn An" not in text and "093095001234" not in text
    assert [s["action"] for s in body["timeline"]] == ["create", "submit", "receive"]
    by_id = api_client.get(
        "/api/v1/lookup/?code=%s&personal_id=%s"
        % (dossier.code, demo_people["congdan"].personal_id)
    )
    assert by_id.status_code == 200


def test_payment_qr_and_reconciliation(api_as, make_dossier, demo_people):
    dossier = make_dossier("approved", procedure="hours")
    citizen = api_as("congdan")
    response = citizen.post("/api/v1/dossiers/%s/payment/" % dossier.code)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["amount"] == 2000
    assert payments.verify_crc(body["payload"])
    assert base64.b64decode(body["qr_png_base64"]).startswith(b"\x89PNG")
    assert citizen.post("/api/v1/payments/reconcile/", {"statement": "x"}).status_code == 403

    statement = (
        "Ngày,Số tiền,Nội dung\n"
        "25/11/2026,2.000,CT tu NGUYEN VAN AN %s Phi le phi ho so\n"
        "25/11/2026,50.000,chuyen tien an trua\n"
        "hom qua,abc,loi\n" % dossier.code.replace(".", "").replace("-", "")
    )
    result = api_as("motcua").post(
        "/api/v1/payments/reconcile/", {"statement": statement}, format="json"
    )
    assert result.status_code == 200, result.json()
    data = result.json()
    assert [m["code"] for m in data["matched"]] == [dossier.code]
    assert len(data["unmatched"]) == 1 and len(data["errors"]) == 1
    dossier.refresh_from_db()
    assert dossier.paid_online and dossier.payment_method == "online"
    again = citizen.post("/api/v1/dossiers/%s/payment/" % dossier.code)
    assert again.status_code == 409


def test_feedback_on_a_dossier_needs_the_lookup_pair(api_client, make_dossier):
    dossier = make_dossier("submitted")
    payload = {"name": "Nguyễn Văn An", "content": "Cán bộ hướng dẫn rất tận tình, cảm ơn."}
    wrong = api_client.post(
        "/api/v1/feedback/", {**payload, "code": dossier.code, "phone": "0900000000"}, format="json"
    )
    assert wrong.status_code == 404
    ok = api_client.post(
        "/api/v1/feedback/", {**payload, "code": dossier.code, "phone": "0912345678"}, format="json"
    )
    assert ok.status_code == 201
    assert dossier.feedback.count() == 1


def test_queue_counts(api_as, make_dossier):
    make_dossier("submitted")
    make_dossier("in_progress")
    assert api_as("motcua").get("/api/v1/dossiers/queues/").json()["to_receive"] == 1
    assert api_as("chuyenvien").get("/api/v1/dossiers/queues/").json()["to_process"] == 1


def test_supplement_and_withdraw_through_the_api(api_as, make_dossier):
    dossier = make_dossier("in_progress")
    missing = _act(api_as("chuyenvien"), dossier.code, "request_supplement", items=[])
    assert missing.status_code == 400
    asked = _act(
        api_as("chuyenvien"),
        dossier.code,
        "request_supplement",
        items=["Bản sao giấy đăng ký kết hôn"],
        note="Nộp trong 10 ngày",
    )
    assert asked.json()["status"] == "awaiting_supplement"
    citizen = api_as("congdan")
    assert _upload(citizen, dossier.code, "supplement-1").status_code == 201
    assert _act(citizen, dossier.code, "supplement").json()["status"] == "in_progress"
    withdrawn = _act(citizen, dossier.code, "withdraw", reason="Nộp nhầm thủ tục")
    assert withdrawn.json()["status"] == "withdrawn"


@pytest.fixture
def khai_sinh_all_communes(demo_people):  # type: ignore[no-untyped-def]
    """ "Đăng ký khai sinh" as the catalog publishes it: received by every commune."""
    from congso.agencies.models import Agency
    from congso.catalog.models import Field, Procedure, RequiredDocument

    field, _ = Field.objects.get_or_create(slug="ho-tich", defaults={"name": "Hộ tịch"})
    procedure = Procedure.objects.create(
        code="1.001193",
        name="Đăng ký khai sinh",
        field=field,
        level=Procedure.Level.COMMUNE,
        competent_agency="Ủy ban nhân dân cấp xã",
        processing_time_value=8,
        processing_time_unit=Procedure.TimeUnit.WORKING_HOURS,
        processing_time_note="Ngay trong ngày; nhận sau 15 giờ thì trả vào ngày làm việc tiếp theo",
        result="Giấy khai sinh (bản chính)",
        legal_basis=["Luật Hộ tịch số 60/2014/QH13"],
        online_level=Procedure.OnlineLevel.FULL,
        form={
            "fields": [
                {"name": "child_name", "label": "Họ tên trẻ", "type": "text", "required": True}
            ]
        },
    )
    procedure.receiving_agencies.set(Agency.objects.communes())
    RequiredDocument.objects.create(procedure=procedure, position=0, name="Giấy chứng sinh")
    return procedure


def test_khai_sinh_to_the_demo_ward_end_to_end(api_as, khai_sinh_all_communes):
    congdan = api_as("congdan")
    body = {"procedure": "1.001193", "form": {"child_name": "Nguyễn Gia Bảo"}}
    unrouted = congdan.post("/api/v1/dossiers/", body, format="json")
    assert unrouted.status_code == 400
    assert "xã, phường" in unrouted.json()["message"]
    created = congdan.post(
        "/api/v1/dossiers/", {**body, "agency": "phuong-vi-thanh"}, format="json"
    )
    assert created.status_code == 201
    code = created.json()["code"]
    assert _upload(congdan, code, "doc-0").status_code == 201
    assert _act(congdan, code, "submit").status_code == 200
    assert _act(api_as("motcua"), code, "receive").json()["status"] == "received"
    assert _act(api_as("chuyenvien"), code, "start").status_code == 200
    assert _act(api_as("chuyenvien"), code, "forward", note="Đủ điều kiện").status_code == 200
    approved = _act(api_as("lanhdao"), code, "approve")
    assert approved.json()["status"] == "approved"
    returned = _act(api_as("motcua"), code, "return_result")
    assert returned.json()["status"] == "returned"
    assert returned.json()["agency_name"] == "Ủy ban nhân dân phường Vị Thanh"


def test_walk_in_applicant_rates_with_code_and_phone(api_client, procs, demo_people):
    from congso.dossiers import services as svc

    motcua = demo_people["motcua"]
    dossier = svc.dossier_create(
        actor=motcua,
        procedure=procs["days"],
        applicant={"name": "Phan Văn Út", "phone": "0917555666"},
        form_data=FORM,
    )
    payload = {"code": dossier.code, "phone": "0917555666", "score": 4, "comment": "Tốt"}
    early = api_client.post("/api/v1/lookup/rate/", payload, format="json")
    assert early.status_code == 409
    dossier = svc.dossier_receive(actor=motcua, dossier=dossier)
    dossier = svc.dossier_start(actor=demo_people["chuyenvien"], dossier=dossier)
    dossier = svc.dossier_forward(actor=demo_people["chuyenvien"], dossier=dossier)
    dossier = svc.dossier_approve(actor=demo_people["lanhdao"], dossier=dossier)
    svc.dossier_return_result(actor=motcua, dossier=dossier)
    wrong = api_client.post(
        "/api/v1/lookup/rate/", {**payload, "phone": "0900000000"}, format="json"
    )
    assert wrong.status_code == 404
    ok = api_client.post("/api/v1/lookup/rate/", payload, format="json")
    assert ok.status_code == 201 and ok.json()["satisfied"] is True
    again = api_client.post("/api/v1/lookup/rate/", payload, format="json")
    assert again.status_code == 409


def test_officers_reading_a_dossier_is_audited(api_as, make_dossier):
    from congso.core.models import AuditEvent

    dossier = make_dossier("submitted")
    api_as("congdan").get("/api/v1/dossiers/%s/" % dossier.code)
    assert not AuditEvent.objects.filter(action="dossier.view").exists()
    api_as("motcua").get("/api/v1/dossiers/%s/" % dossier.code)
    view = AuditEvent.objects.get(action="dossier.view")
    assert view.actor.username == "motcua" and view.object_id == str(dossier.pk)


def test_openapi_schema_documents_the_dossier_endpoints(api_client, db):
    response = api_client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path, method in [
        ("/api/v1/dossiers/", "post"),
        ("/api/v1/dossiers/", "get"),
        ("/api/v1/dossiers/{code}/", "get"),
        ("/api/v1/dossiers/{code}/attachments/", "post"),
        ("/api/v1/dossiers/{code}/actions/{action}/", "post"),
        ("/api/v1/dossiers/{code}/receipt.pdf", "get"),
        ("/api/v1/dossiers/{code}/payment/", "post"),
        ("/api/v1/payments/reconcile/", "post"),
        ("/api/v1/lookup/", "get"),
    ]:
        operation = paths[path][method]
        assert operation["summary"], path
    actions = paths["/api/v1/dossiers/{code}/actions/{action}/"]["post"]["parameters"]
    enum = next(p for p in actions if p["name"] == "action")["schema"]["enum"]
    assert "receive" in enum and "approve" in enum


def test_public_lookup_is_rate_limited(api_client, db):
    statuses = [
        api_client.get("/api/v1/lookup/?code=X-%d&phone=0912345678" % i).status_code
        for i in range(31)
    ]
    assert statuses[:30] == [404] * 30
    assert statuses[30] == 429
    response = api_client.get("/api/v1/lookup/?code=X&phone=0912345678")
    assert "quá nhiều" in response.json()["message"]


VALID_PARAMS = {
    "note": "Ghi chú của cán bộ",
    "reason": "Không đủ điều kiện theo quy định của Luật Hộ tịch",
    "items": ["Giấy tờ còn thiếu"],
    "score": 5,
    "new_due_at": "2027-01-05",
    "method": "counter",
    "reference": "BL-1",
}


@pytest.mark.parametrize("stage", ["submitted", "in_progress", "awaiting_approval", "returned"])
def test_every_disallowed_action_is_refused_and_changes_nothing(api_as, make_dossier, stage):
    """Acceptance: each action the caller may not take now is 403/409 (404 for a stranger) with
    a Vietnamese message, and the dossier, its steps and its audit trail stay as they were."""
    from congso.accounts.models import User
    from congso.dossiers import workflow

    dossier = make_dossier(stage)
    before = snapshot(dossier)
    for username in ("congdan", "congdan2", "motcua", "chuyenvien", "lanhdao"):
        client = api_as(username)
        allowed = set(workflow.allowed_actions(User.objects.get(username=username), dossier))
        for action in workflow.TRANSITIONS:
            if action in allowed:
                continue
            response = _act(client, dossier.code, action, **VALID_PARAMS)
            expected = {404} if username == "congdan2" else {403, 409}
            assert response.status_code in expected, (username, action, response.json())
            assert response.json()["message"], (username, action)
    assert snapshot(dossier) == before


def test_attachment_download_is_gated(api_as, make_dossier):
    dossier = make_dossier("submitted")
    attachment = dossier.attachments.first()
    url = "/api/v1/dossiers/%s/attachments/%d/" % (dossier.code, attachment.pk)
    response = api_as("motcua").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert api_as("congdan2").get(url).status_code == 404
    attachment.file.storage.delete(attachment.file.name)
    missing = api_as("motcua").get(url)
    assert missing.status_code == 404 and "không còn" in missing.json()["message"]


@pytest.mark.parametrize("body", [{}, {"reason": None}, {"note": ""}])
def test_reject_without_a_reason_is_400_not_500(api_as, make_dossier, body):
    dossier = make_dossier("submitted")
    response = api_as("motcua").post(
        "/api/v1/dossiers/%s/actions/reject/" % dossier.code, body, format="json"
    )
    assert response.status_code == 400
    assert "lý do" in response.json()["message"]
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED
    # The role is still checked first: a stranger to the desk gets 403, not 400.
    assert _act(api_as("lanhdao"), dossier.code, "reject").status_code == 403


def test_nul_bytes_in_queries_are_a_clear_400(api_as, api_client, make_dossier):
    make_dossier("submitted")
    motcua = api_as("motcua")
    for response in (
        motcua.get("/api/v1/dossiers/%00/"),
        motcua.get("/api/v1/dossiers/?q=%00abc"),
        motcua.get("/api/v1/dossiers/?agency=%00"),
        api_client.get("/api/v1/lookup/?code=%00&phone=0912345678"),
    ):
        assert response.status_code == 400
        assert response.json()["code"] == "invalid"
