"""HTML pages of the one-stop desk through the Django test client: who sees what, online
submission with uploads, back-office actions, the public lookup."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

import pytest

from congso.dossiers.constants import Status
from congso.dossiers.models import Dossier, DossierAttachment, Feedback, Rating
from congso.dossiers.tests.conftest import PDF_BYTES, snapshot

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf(name: str = "to-khai.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def application(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "ho_ten_tre": "Nguyễn Gia Hân",
        "ngay_sinh": "01/02/2026",
        "gioi_tinh": "Nữ",
        "file__doc-0": pdf("to-khai.pdf"),
        "file__doc-1": pdf("giay-chung-sinh.pdf"),
        "nop": "1",
    }
    data.update(extra)
    return data


# ------------------------------------------------------------------------------ submission


def test_submit_page_requires_login_and_keeps_next(procs):
    response = Client().get(reverse("dossiers:submit", args=[procs["days"].code]))

    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/?next=/ho-so/nop/T.0001/")


def test_submit_form_is_generated_from_procedure_and_prefilled(procs, demo_people):
    procedure = procs["hours"]
    procedure.form["fields"].append(
        {
            "name": "applicant_id_number",
            "label": "Số định danh của người đi đăng ký",
            "type": "id_number",
            "required": True,
        }
    )
    procedure.save(update_fields=["form"])

    response = client_for(demo_people["congdan"]).get(
        reverse("dossiers:submit", args=[procs["hours"].code])
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="ho_ten_tre"' in html and 'name="ngay_sinh"' in html
    assert 'placeholder="dd/mm/yyyy"' in html
    assert '<option value="Nữ">Nữ</option>' in html
    assert 'name="file__doc-0"' in html and 'accept=".pdf,.jpg,.jpeg,.png' in html
    assert "2.000 đ" in html  # the fee
    assert "Tệp PDF, JPG hoặc PNG, tối đa 10 MB." in html
    assert "Lưu nháp" in html and "Nộp hồ sơ" in html
    assert 'name="applicant_id_number" value="093095001234"' in html  # from the profile


def test_officers_are_sent_to_the_counter_form_or_the_procedure_page(procs, demo_people):
    url = reverse("dossiers:submit", args=[procs["days"].code])

    desk = client_for(demo_people["motcua"]).get(url)
    specialist = client_for(demo_people["chuyenvien"]).get(url)

    assert desk["Location"] == reverse("dossiers:walkin-form", args=[procs["days"].code])
    assert specialist.status_code == 302
    assert "/mot-cua/" not in specialist["Location"]


def _unlabelled_controls(html: str) -> list[str]:
    """ids of form controls without a <label for=...> (hidden inputs and buttons excepted)."""
    from html.parser import HTMLParser

    class Collector(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.controls: list[str] = []
            self.labels: set[str] = set()

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            if tag == "label" and a.get("for"):
                self.labels.add(str(a["for"]))
            if tag in ("input", "select", "textarea") and a.get("type") not in (
                "hidden",
                "submit",
            ):
                self.controls.append(str(a.get("id") or a.get("name")))

    collector = Collector()
    collector.feed(html.split("<main", 1)[1])
    return [c for c in collector.controls if c not in collector.labels]


def test_every_control_has_a_label(make_dossier, procs, demo_people):
    dossier = make_dossier("submitted")
    pages = [
        (demo_people["congdan"], reverse("dossiers:submit", args=[procs["days"].code])),
        (demo_people["congdan"], dossier.get_absolute_url()),
        (demo_people["motcua"], reverse("dossiers:backoffice-dossier", args=[dossier.code])),
        (demo_people["motcua"], reverse("dossiers:walkin-form", args=[procs["days"].code])),
        (demo_people["motcua"], reverse("dossiers:backoffice-register")),
        (demo_people["motcua"], reverse("dossiers:backoffice-reconcile")),
    ]
    for user, url in pages:
        html = client_for(user).get(url).content.decode()
        assert _unlabelled_controls(html) == [], url
    assert _unlabelled_controls(Client().get(reverse("dossiers:lookup")).content.decode()) == []


def test_citizen_submits_online_with_uploads(procs, demo_people):
    client = client_for(demo_people["congdan"])

    response = client.post(reverse("dossiers:submit", args=[procs["days"].code]), application())

    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dossiers:dossier-detail", args=[dossier.code])
    assert dossier.status == Status.SUBMITTED
    assert dossier.form_data["ngay_sinh"] == "2026-02-01"
    assert dossier.applicant_name == "Nguyễn Văn An"
    assert sorted(dossier.attachments.values_list("slot", flat=True)) == ["doc-0", "doc-1"]
    page = client.get(response["Location"]).content.decode()
    assert dossier.code in page
    assert "Đã nộp, chờ tiếp nhận" in page
    assert "giay-chung-sinh.pdf" in page


def test_commune_procedure_received_by_several_wards_asks_which_one(procs, demo_people):
    from congso.agencies.models import Agency

    procedure = procs["days"]
    vi_tan = Agency.objects.get(slug="phuong-vi-tan")
    procedure.receiving_agencies.add(vi_tan)
    client = client_for(demo_people["congdan"])
    url = reverse("dossiers:submit", args=[procedure.code])

    missing = client.post(url, application())
    assert "Vui lòng chọn xã, phường giải quyết hồ sơ." in missing.content.decode()
    assert Dossier.objects.count() == 0

    client.post(url, application(**{"co-quan-giai-quyet": str(vi_tan.pk)}))
    dossier = Dossier.objects.get()
    assert dossier.agency == vi_tan
    assert dossier.code.startswith(vi_tan.code)


def test_save_draft_then_submit_from_edit_page(procs, demo_people):
    client = client_for(demo_people["congdan"])
    data = application(**{"luu-nhap": "1"})
    del data["nop"], data["file__doc-1"]

    response = client.post(reverse("dossiers:submit", args=[procs["days"].code]), data)

    dossier = Dossier.objects.get()
    assert dossier.status == Status.DRAFT
    assert response["Location"] == reverse("dossiers:dossier-edit", args=[dossier.code])
    edit = client.get(response["Location"]).content.decode()
    assert "Đã tải lên: to-khai.pdf" in edit
    assert 'value="01/02/2026"' in edit

    # Submitting without the mandatory second document keeps the draft and says what is missing.
    response = client.post(
        reverse("dossiers:dossier-edit", args=[dossier.code]),
        {"ho_ten_tre": "Nguyễn Gia Hân", "ngay_sinh": "01/02/2026", "nop": "1"},
        follow=True,
    )
    assert "còn thiếu giấy tờ bắt buộc: Giấy chứng sinh" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.DRAFT

    client.post(
        reverse("dossiers:dossier-edit", args=[dossier.code]),
        {
            "ho_ten_tre": "Nguyễn Gia Hân",
            "ngay_sinh": "01/02/2026",
            "file__doc-1": pdf("chung-sinh.pdf"),
            "nop": "1",
        },
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("anh.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf"),
            "Tệp không phải PDF, JPEG hoặc PNG",
        ),
        (SimpleUploadedFile("rong.pdf", b"", "application/pdf"), "Tệp rỗng (0 byte)"),
        (
            SimpleUploadedFile("lon.pdf", PDF_BYTES + b"0" * 3000, "application/pdf"),
            "Tệp quá lớn",
        ),
    ],
    ids=["renamed-exe", "empty", "too-large"],
)
def test_bad_upload_shows_vietnamese_error_and_stores_nothing(
    procs, demo_people, settings, upload, message
):
    settings.UPLOAD_MAX_BYTES = 2048
    client = client_for(demo_people["congdan"])

    response = client.post(
        reverse("dossiers:submit", args=[procs["days"].code]),
        application(**{"file__doc-1": upload}),
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'id="id_file__doc-1_error"' in html  # the error sits on the slot that failed
    assert Dossier.objects.count() == 0
    assert DossierAttachment.objects.count() == 0


def test_invalid_form_answers_are_reported_in_vietnamese(procs, demo_people):
    client = client_for(demo_people["congdan"])

    response = client.post(
        reverse("dossiers:submit", args=[procs["days"].code]),
        application(ho_ten_tre="", ngay_sinh="31/02/2026"),
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Vui lòng nhập họ tên trẻ." in html
    assert "Ngày không hợp lệ, hãy nhập theo dạng ngày/tháng/năm." in html
    assert Dossier.objects.count() == 0


ALL_TYPES = [
    {"name": "ho_ten", "label": "Họ tên", "type": "text", "required": True, "max_length": 20},
    {"name": "ly_do", "label": "Lý do", "type": "textarea", "required": True},
    {"name": "ngay", "label": "Ngày cấp", "type": "date", "required": True},
    {"name": "dien_tich", "label": "Diện tích (m²)", "type": "number", "min": 1},
    {"name": "thu", "label": "Thư điện tử", "type": "email"},
    {"name": "dt", "label": "Điện thoại liên hệ", "type": "phone", "required": True},
    {"name": "so_dd", "label": "Số định danh người được cấp", "type": "id_number"},
    {
        "name": "hinh_thuc",
        "label": "Hình thức nhận",
        "type": "select",
        "required": True,
        "options": [
            {"value": "buu_dien", "label": "Qua bưu điện"},
            {"value": "tai_quay", "label": "Tại quầy"},
        ],
    },
    {
        "name": "cam_doan",
        "label": "Tôi cam đoan thông tin là đúng",
        "type": "checkbox",
        "required": True,
    },
    {"name": "so_ban", "label": "Số bản sao", "type": "integer", "min": 0},
    {"name": "khan", "label": "Cần gấp", "type": "boolean"},
    {"name": "nhan_qua", "label": "Nhận qua", "type": "radio", "choices": ["Email", "Bưu điện"]},
]


def test_every_form_field_type_is_generated_checked_and_stored(procs, demo_people):
    procedure = procs["days"]
    procedure.form = {"fields": ALL_TYPES}
    procedure.save(update_fields=["form"])
    client = client_for(demo_people["congdan"])
    url = reverse("dossiers:submit", args=[procedure.code])

    bad = client.post(
        url,
        {
            "ho_ten": "Nguyễn Văn An Nguyễn Văn An",
            "ngay": "2026-13-45",
            "dien_tich": "0",
            "thu": "an@",
            "dt": "12345",
            "so_dd": "0930",
            "hinh_thuc": "bay",
            "luu-nhap": "1",
        },
    )
    html = bad.content.decode()
    assert bad.status_code == 400
    for message in [
        "Tối đa 20 ký tự (đang có 27 ký tự).",
        "Vui lòng nhập lý do.",
        "Ngày không hợp lệ, hãy nhập theo dạng ngày/tháng/năm.",
        "Giá trị không được nhỏ hơn 1.",
        "Địa chỉ thư điện tử không hợp lệ.",
        "Số điện thoại không hợp lệ (10 chữ số, ví dụ 0912345678).",
        "Số định danh cá nhân (số CCCD) gồm 12 chữ số.",
        "Lựa chọn không hợp lệ.",
        "Vui lòng đánh dấu ô này để tiếp tục.",
    ]:
        assert message in html, message
    assert Dossier.objects.count() == 0

    client.post(
        url,
        {
            "ho_ten": "Nguyễn Văn An",
            "ly_do": "Cấp lại do mất",
            "ngay": "05/09/2025",
            "dien_tich": "72,5",  # a decimal comma, as Vietnamese write it
            "thu": "an@example.vn",
            "dt": "0912 345 678",
            "so_dd": "093095001234",
            "hinh_thuc": "buu_dien",
            "cam_doan": "on",
            "so_ban": "2",
            "nhan_qua": "Bưu điện",
            "luu-nhap": "1",
        },
    )
    data = Dossier.objects.get().form_data
    assert data == {
        "ho_ten": "Nguyễn Văn An",
        "ly_do": "Cấp lại do mất",
        "ngay": "2025-09-05",
        "dien_tich": 72.5,
        "thu": "an@example.vn",
        "dt": "0912345678",
        "so_dd": "093095001234",
        "hinh_thuc": "buu_dien",
        "cam_doan": True,
        "so_ban": 2,
        "khan": False,
        "nhan_qua": "Bưu điện",
    }
    page = client.get(Dossier.objects.get().get_absolute_url()).content.decode()
    assert "05/09/2025" in page and "Qua bưu điện" in page


def test_partial_online_procedure_explains_how_to_submit_in_person(procs, demo_people):
    procedure = procs["province"]
    procedure.online_level = "partial"
    procedure.save(update_fields=["online_level"])

    response = client_for(demo_people["congdan"]).get(
        reverse("dossiers:submit", args=[procedure.code])
    )

    html = response.content.decode()
    assert "nộp hồ sơ trực tiếp tại Bộ phận Một cửa" in html
    assert "Sở Xây dựng" in html
    assert "giờ làm việc 07:00–11:30, 13:00–17:00" in html
    assert '<form method="post"' not in html.split("<main", 1)[1]


def test_procedure_picker_finds_by_folded_words(procs, demo_people):
    from congso.core import vntext

    for procedure in procs.values():
        procedure.search_text = vntext.fold_lower(procedure.name)
        procedure.save(update_fields=["search_text"])

    response = Client().get(reverse("dossiers:submit-start"), {"q": "khai sinh"})

    html = response.content.decode()
    assert "Đăng ký khai sinh (kiểm thử)" in html
    assert "Cấp giấy phép xây dựng" not in html


# ------------------------------------------------------------------------------ access rules


def test_another_citizen_gets_404_everywhere(make_dossier, demo_people):
    dossier = make_dossier("received")
    attachment = dossier.attachments.first()
    other = client_for(demo_people["congdan2"])

    urls = [
        reverse("dossiers:dossier-detail", args=[dossier.code]),
        reverse("dossiers:dossier-file", args=[dossier.code, attachment.pk]),
        reverse("dossiers:dossier-print", args=[dossier.code, "giay-tiep-nhan"]),
        reverse("dossiers:dossier-payment", args=[dossier.code]),
        reverse("dossiers:backoffice-dossier", args=[dossier.code]),
    ]
    for url in urls:
        assert other.get(url).status_code == 404, url
    before = snapshot(dossier)
    response = other.post(
        reverse("dossiers:dossier-action", args=[dossier.code, "withdraw"]),
        {"withdraw-reason": "Không cần nữa"},
    )
    assert response.status_code == 404
    assert snapshot(dossier) == before


def test_officers_of_another_agency_get_404_and_change_nothing(make_dossier, other_officers):
    dossier = make_dossier("submitted")
    before = snapshot(dossier)

    for user in other_officers.values():
        client = client_for(user)
        assert (
            client.get(reverse("dossiers:backoffice-dossier", args=[dossier.code])).status_code
            == 404
        )
        response = client.post(
            reverse("dossiers:backoffice-action", args=[dossier.code, "receive"]), {}
        )
        assert response.status_code == 404
        search = client.get(reverse("dossiers:backoffice-search"), {"q": dossier.code})
        assert "Không tìm thấy hồ sơ nào" in search.content.decode()
        assert "/mot-cua/ho-so/%s/" % dossier.code not in search.content.decode()
    assert snapshot(dossier) == before


def test_back_office_is_404_for_citizens(demo_people):
    client = client_for(demo_people["congdan"])

    assert client.get(reverse("dossiers:backoffice")).status_code == 404
    assert client.get(reverse("dossiers:walkin")).status_code == 404


def test_officer_reads_of_personal_data_are_audited(make_dossier, demo_people):
    from congso.core.models import AuditEvent

    dossier = make_dossier("received")
    attachment = dossier.attachments.first()
    citizen = client_for(demo_people["congdan"])
    citizen.get(dossier.get_absolute_url())
    citizen.get(reverse("dossiers:dossier-file", args=[dossier.code, attachment.pk]))
    before = AuditEvent.objects.for_object(dossier).count()

    desk = client_for(demo_people["motcua"])
    desk.get(reverse("dossiers:backoffice-dossier", args=[dossier.code]))
    desk.get(reverse("dossiers:backoffice-file", args=[dossier.code, attachment.pk]))
    desk.get(reverse("dossiers:backoffice-print", args=[dossier.code, "giay-tiep-nhan"]))

    events = list(AuditEvent.objects.for_object(dossier).order_by("pk"))[before:]
    assert [e.action for e in events] == ["dossier.read", "dossier.read_file", "dossier.print"]
    assert {e.actor_id for e in events} == {demo_people["motcua"].pk}


def test_draft_result_is_never_served_to_the_applicant(make_dossier, demo_people):
    from congso.dossiers import services

    dossier = make_dossier("in_progress")
    with services.notifications_muted():
        services.dossier_forward(
            actor=demo_people["chuyenvien"],
            dossier=dossier,
            note="",
            draft_result=pdf("du-thao.pdf"),
        )
    draft = dossier.attachments.get(kind="draft_result")

    citizen = client_for(demo_people["congdan"])
    officer = client_for(demo_people["lanhdao"])

    assert (
        citizen.get(reverse("dossiers:dossier-file", args=[dossier.code, draft.pk])).status_code
        == 404
    )
    response = officer.get(reverse("dossiers:backoffice-file", args=[dossier.code, draft.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Cache-Control"] == "private, no-store"


# ------------------------------------------------------------------------------ back office


def test_queues_search_and_receive_at_the_desk(make_dossier, demo_people):
    dossier = make_dossier("submitted")
    desk = client_for(demo_people["motcua"])

    home = desk.get(reverse("dossiers:backoffice")).content.decode()
    assert "Chờ tiếp nhận" in home
    queue = desk.get(reverse("dossiers:backoffice-queue", args=["cho-tiep-nhan"])).content.decode()
    assert dossier.code in queue and "Nguyễn Văn An" in queue
    for q in (dossier.code, "Văn An", "093095001234", "0912 345 678"):
        found = desk.get(reverse("dossiers:backoffice-search"), {"q": q}).content.decode()
        assert dossier.code in found, q

    page = desk.get(reverse("dossiers:backoffice-dossier", args=[dossier.code])).content.decode()
    assert "Tiếp nhận hồ sơ" in page and "Yêu cầu bổ sung" in page
    response = desk.post(
        reverse("dossiers:backoffice-action", args=[dossier.code, "receive"]),
        {"receive-note": "Đủ thành phần"},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    receipt = desk.get(reverse("dossiers:backoffice-print", args=[dossier.code, "giay-tiep-nhan"]))
    assert receipt.status_code == 200
    assert receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")

    # A second click (or a colleague) gets a clear message, not an error page.
    again = desk.post(reverse("dossiers:backoffice-action", args=[dossier.code, "receive"]), {})
    assert again.status_code == 404 or "không" in again.content.decode().lower()
    assert again.status_code != 500


def test_queue_page_queries_do_not_grow_with_rows(make_dossier, demo_people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    desk = client_for(demo_people["motcua"])
    url = reverse("dossiers:backoffice-queue", args=["cho-tiep-nhan"])
    make_dossier("submitted")
    desk.get(url)  # warm caches (roles, calendar)
    with CaptureQueriesContext(connection) as one:
        desk.get(url)
    for _ in range(4):
        make_dossier("submitted")
    with CaptureQueriesContext(connection) as five:
        html = desk.get(url).content.decode()

    assert html.count("/mot-cua/ho-so/") == 5
    assert len(five) == len(one)


def test_action_without_required_reason_is_refused_in_vietnamese(make_dossier, demo_people):
    dossier = make_dossier("in_progress")
    before = snapshot(dossier)

    response = client_for(demo_people["chuyenvien"]).post(
        reverse("dossiers:backoffice-action", args=[dossier.code, "reject"]),
        {"reject-reason": ""},
    )

    assert response.status_code == 400
    assert "Vui lòng ghi rõ lý do từ chối và căn cứ pháp lý." in response.content.decode()
    assert snapshot(dossier) == before


def test_leader_sends_back_with_instructions(make_dossier, demo_people):
    dossier = make_dossier("awaiting_approval")
    leader = client_for(demo_people["lanhdao"])
    url = reverse("dossiers:backoffice-action", args=[dossier.code, "send_back"])

    empty = leader.post(url, {"send_back-note": ""})
    assert "Vui lòng ghi ý kiến chỉ đạo" in empty.content.decode()
    leader.post(url, {"send_back-note": "Bổ sung căn cứ xác minh nơi sinh"})

    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROGRESS
    assert dossier.current_handler == demo_people["chuyenvien"]
    page = client_for(demo_people["chuyenvien"]).get(
        reverse("dossiers:backoffice-dossier", args=[dossier.code])
    )
    assert "Bổ sung căn cứ xác minh nơi sinh" in page.content.decode()  # in the timeline


def test_action_the_role_may_not_take_is_refused_with_the_service_message(
    make_dossier, demo_people
):
    dossier = make_dossier("in_progress")
    before = snapshot(dossier)

    response = client_for(demo_people["motcua"]).post(
        reverse("dossiers:backoffice-action", args=[dossier.code, "approve"]), {}
    )

    assert response.status_code == 400
    assert "Chỉ lãnh đạo cơ quan giải quyết hồ sơ" in response.content.decode()
    assert snapshot(dossier) == before


def test_apology_letter_with_a_new_working_day(make_dossier, demo_people):
    import datetime as dt

    from django.utils import timezone

    from congso.core import workdays

    dossier = make_dossier("in_progress")
    specialist = client_for(demo_people["chuyenvien"])
    url = reverse("dossiers:backoffice-action", args=[dossier.code, "issue_apology"])
    today = timezone.localdate()
    saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7)
    new_day = workdays.add_working_days_to_date(today, 3)

    weekend = specialist.post(
        url,
        {
            "issue_apology-reason": "Chờ xác minh",
            "issue_apology-new_due_date": saturday.strftime("%d/%m/%Y"),
        },
    )
    assert weekend.status_code == 400
    assert (
        "Ngày hẹn mới phải là ngày làm việc (%s là ngày nghỉ)." % saturday.strftime("%d/%m/%Y")
        in weekend.content.decode()
    )

    response = specialist.post(
        url,
        {
            "issue_apology-reason": "Cần xác minh thông tin cư trú tại địa phương khác.",
            "issue_apology-new_due_date": new_day.strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    new_due = timezone.localtime(dossier.apology_letter.new_due_at)
    assert (new_due.date(), new_due.strftime("%H:%M")) == (new_day, "17:00")

    citizen = client_for(demo_people["congdan"])
    page = citizen.get(dossier.get_absolute_url()).content.decode()
    assert "Văn bản xin lỗi và hẹn lại ngày trả" in page
    letter = citizen.get(reverse("dossiers:dossier-print", args=[dossier.code, "van-ban-xin-loi"]))
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    # The control sheet is internal: not offered to the applicant.
    sheet = citizen.get(reverse("dossiers:dossier-print", args=[dossier.code, "phieu-kiem-soat"]))
    assert sheet.status_code == 404


def test_supplement_round_trip(make_dossier, demo_people):
    dossier = make_dossier("received")
    desk = client_for(demo_people["motcua"])
    citizen = client_for(demo_people["congdan"])

    desk.post(
        reverse("dossiers:backoffice-action", args=[dossier.code, "request_supplement"]),
        {"request_supplement-items": "Bản sao giấy đăng ký kết hôn\n- Giấy ủy quyền\n\n"},
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.AWAITING_SUPPLEMENT
    assert dossier.supplement_requests.get().items == [
        "Bản sao giấy đăng ký kết hôn",
        "Giấy ủy quyền",
    ]
    page = citizen.get(dossier.get_absolute_url()).content.decode()
    assert "Cần bổ sung hồ sơ" in page and "Giấy ủy quyền" in page
    form_pdf = citizen.get(
        reverse("dossiers:dossier-print", args=[dossier.code, "phieu-yeu-cau-bo-sung"])
    )
    assert form_pdf.status_code == 200

    bad = citizen.post(
        reverse("dossiers:dossier-action", args=[dossier.code, "supplement"]),
        {"supplement-note": "Đã bổ sung", "supplement-file2": pdf("anh.pdf", b"GIF89a....")},
    )
    assert bad.status_code == 400
    assert 'id="id_supplement-file2_error"' in bad.content.decode()
    assert "Tệp không phải PDF, JPEG hoặc PNG" in bad.content.decode()
    assert dossier.attachments.filter(kind="supplement").count() == 0

    response = citizen.post(
        reverse("dossiers:dossier-action", args=[dossier.code, "supplement"]),
        {"supplement-note": "Đã bổ sung", "supplement-file1": pdf("ket-hon.pdf")},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    assert dossier.attachments.filter(kind="supplement").count() == 1


def test_walk_in_dossier_entered_and_received_at_the_counter(procs, demo_people):
    desk = client_for(demo_people["motcua"])
    data = application(
        **{
            "nguoi-nop-channel": "post",
            "nguoi-nop-applicant_kind": "person",
            "nguoi-nop-name": "Đặng Thị Mỹ",
            "nguoi-nop-personal_id": "093199001111",
            "nguoi-nop-phone": "0939 111 222",
            "nguoi-nop-address": "Khu vực 3, phường Vị Thanh",
            "tiep-nhan": "1",
        }
    )
    del data["nop"]

    response = desk.post(reverse("dossiers:walkin-form", args=[procs["days"].code]), data)

    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert dossier.channel == "post"
    assert dossier.status == Status.RECEIVED
    assert dossier.applicant_name == "Đặng Thị Mỹ"
    assert dossier.applicant_phone == "0939111222"
    assert dossier.attachments.count() == 2


def test_walk_in_applicant_errors_are_shown_on_the_form(procs, demo_people):
    desk = client_for(demo_people["motcua"])
    data = application(
        **{
            "nguoi-nop-name": "",
            "nguoi-nop-phone": "12345",
            "nguoi-nop-address": "Ấp." * 200,
            "tiep-nhan": "1",
        }
    )

    # Whatever language the browser prefers, the messages stay Vietnamese.
    response = desk.post(
        reverse("dossiers:walkin-form", args=[procs["days"].code]),
        data,
        HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9",
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Số điện thoại không hợp lệ" in html
    assert "Vui lòng nhập thông tin này." in html
    assert "Tối đa 300 ký tự (đang có 600 ký tự)." in html
    assert Dossier.objects.count() == 0


# ------------------------------------------------------------------------------ after the result


def test_citizen_rates_and_sends_feedback_after_return(make_dossier, demo_people):
    dossier = make_dossier("returned")
    citizen = client_for(demo_people["congdan"])

    page = citizen.get(dossier.get_absolute_url()).content.decode()
    assert "Gửi đánh giá" in page and "Thái độ, tinh thần phục vụ của cán bộ" in page
    response = citizen.post(
        reverse("dossiers:dossier-action", args=[dossier.code, "rate"]),
        {"rate-score": "5", "rate-c_attitude": "4", "rate-comment": "Cán bộ hướng dẫn tận tình"},
    )
    assert response.status_code == 302
    rating = Rating.objects.get(dossier=dossier)
    assert (rating.score, rating.attitude, rating.satisfied) == (5, 4, True)
    assert rating.reception is None  # criteria left blank are not scored

    citizen.post(
        reverse("dossiers:dossier-feedback", args=[dossier.code]),
        {"feedback-content": "Đề nghị gửi kết quả qua bưu điện cho người cao tuổi."},
    )
    assert Feedback.objects.get(dossier=dossier).name == "Nguyễn Văn An"
    desk_page = client_for(demo_people["motcua"]).get(
        reverse("dossiers:backoffice-dossier", args=[dossier.code])
    )
    assert "Đề nghị gửi kết quả qua bưu điện" in desk_page.content.decode()


def test_my_dossiers_lists_own_dossiers_and_what_waits_for_me(make_dossier, demo_people):
    returned = make_dossier("returned")
    draft = make_dossier("draft")
    unpaid = make_dossier("received", procedure="hours")
    theirs = make_dossier("submitted", citizen="congdan2")

    html = client_for(demo_people["congdan"]).get(reverse("dossiers:my-dossiers")).content.decode()

    assert returned.code in html and draft.code in html and unpaid.code in html
    assert theirs.code not in html
    assert "Việc cần bạn làm" in html
    assert "Đánh giá mức độ hài lòng" in html
    assert "Hoàn thiện và nộp hồ sơ nháp" in html
    assert "Nộp phí, lệ phí 2.000 đ" in html


def test_payment_page_shows_vietqr_and_transfer_content(make_dossier, demo_people):
    dossier = make_dossier("received", procedure="hours")

    response = client_for(demo_people["congdan"]).get(
        reverse("dossiers:dossier-payment", args=[dossier.code])
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and "2.000 đ" in html
    assert "Nội dung chuyển khoản" in html


def test_bank_statement_reconciliation_marks_the_dossier_paid(make_dossier, demo_people):
    dossier = make_dossier("received", procedure="hours")
    client_for(demo_people["congdan"]).get(reverse("dossiers:dossier-payment", args=[dossier.code]))
    desk = client_for(demo_people["motcua"])
    statement = (
        "Ngày,Số tiền,Nội dung\n"
        "25/11/2026,2.000,NGUYEN VAN AN CK %s Phi le phi\n"
        "25/11/2026,50.000,CHUYEN TIEN AN TRUA\n" % dossier.code
    )

    response = desk.post(reverse("dossiers:backoffice-reconcile"), {"text": statement})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Khớp (1)" in html and "Không khớp hồ sơ nào (1)" in html
    dossier.refresh_from_db()
    assert dossier.paid_at is not None and dossier.payment_method == "online"
    empty = desk.post(reverse("dossiers:backoffice-reconcile"), {"text": "  "})
    assert "Vui lòng dán sao kê hoặc chọn tệp sao kê." in empty.content.decode()
    assert (
        client_for(demo_people["congdan"]).get(reverse("dossiers:backoffice-reconcile")).status_code
        == 404
    )


def test_tracking_book_lists_and_prints_what_the_desk_received(make_dossier, demo_people):
    from congso.core.pdf import pdf_text

    received = make_dossier("returned")
    make_dossier("submitted")  # not received yet: not in the book
    desk = client_for(demo_people["motcua"])
    url = reverse("dossiers:backoffice-register")
    period = {
        "start": "01/03/2026",
        "end": "31/03/2026",
        "agency": str(received.receiving_agency_id),
    }

    page = desk.get(url, period).content.decode()
    assert "1 hồ sơ đã tiếp nhận" in page and received.code in page
    pdf_response = desk.get(url, {**period, "dinh-dang": "pdf"})
    assert pdf_response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(pdf_response.content).split())
    agency_code, rest = received.code.split("-", 1)
    assert "SỔ THEO DÕI HỒ SƠ" in text and agency_code in text and rest in text
    assert "Từ ngày 01/03/2026 đến ngày 31/03/2026" in text

    backwards = desk.get(url, {**period, "start": "31/03/2026", "end": "01/03/2026"})
    assert "Ngày kết thúc phải sau ngày bắt đầu." in backwards.content.decode()
    assert client_for(demo_people["chuyenvien"]).get(url).status_code == 404


# ------------------------------------------------------------------------------ public lookup


def test_lookup_needs_code_and_phone_or_id_and_hides_personal_details(make_dossier):
    dossier = make_dossier("received")
    client = Client()
    url = reverse("dossiers:lookup")

    from_qr = client.get(url, {"code": dossier.code}).content.decode()
    assert 'value="%s"' % dossier.code in from_qr  # the receipt's QR prefills the code
    assert "Đã tiếp nhận" not in from_qr
    code_only = client.post(url, {"code": dossier.code}).content.decode()
    assert "Vui lòng nhập số điện thoại hoặc số định danh cá nhân của người nộp." in code_only
    assert "Đã tiếp nhận" not in code_only

    wrong_phone = client.post(url, {"code": dossier.code, "phone_or_id": "0900000000"})
    wrong_code = client.post(url, {"code": dossier.code + "9", "phone_or_id": "0912345678"})
    message = "Không tìm thấy hồ sơ khớp với mã hồ sơ và số điện thoại/số định danh"
    assert message in wrong_phone.content.decode() and message in wrong_code.content.decode()
    assert wrong_phone.status_code == wrong_code.status_code == 200

    for secret in ("0912345678", "093095001234", "0912 345 678"):
        found = client.post(url, {"code": dossier.code, "phone_or_id": secret})
        html = found.content.decode()
        assert "Đã tiếp nhận" in html, secret
        assert "Hẹn trả kết quả" in html
        assert "Nguyễn Văn An" not in html
        assert "an@example.vn" not in html
        assert found["Cache-Control"] == "private, no-store"


def test_lookup_stops_guessing_after_repeated_failures(make_dossier):
    from django.core.cache import cache

    cache.clear()
    dossier = make_dossier("received")
    other = make_dossier("received", citizen="congdan2")
    url = reverse("dossiers:lookup")
    for attempt in range(10):  # guesses from many addresses against one code
        Client(REMOTE_ADDR="10.0.0.%d" % attempt).post(
            url, {"code": dossier.code, "phone_or_id": "09000000%02d" % attempt}
        )

    response = Client().post(url, {"code": dossier.code, "phone_or_id": "0912345678"})

    assert response.status_code == 429
    assert "quá nhiều lần" in response.content.decode()
    assert "Đã tiếp nhận" not in response.content.decode()
    # Other dossiers can still be looked up.
    ok = Client().post(url, {"code": other.code, "phone_or_id": "0987654321"})
    assert ok.status_code == 200 and "Đã tiếp nhận" in ok.content.decode()
    cache.clear()
