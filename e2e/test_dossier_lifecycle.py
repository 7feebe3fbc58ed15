"""The whole one-stop lifecycle in a real browser on a 360 px phone screen.

congdan submits "Đăng ký khai sinh" online with an uploaded PDF → motcua receives it → chuyenvien
takes it up and forwards it → lanhdao approves with a result file → motcua returns the result →
congdan rates the service. The demo agencies, accounts and catalog are loaded by their own demo
loaders; every state is checked in the database along the way, and the key pages must not scroll
sideways.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from congso.accounts.demo import DEMO_PASSWORD as PASSWORD
from e2e.conftest import assert_no_horizontal_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def demo_world(transactional_db: Any) -> Any:
    """Demo agencies, accounts and catalog; returns the procedure "Đăng ký khai sinh"."""
    from congso.accounts import demo as accounts_demo
    from congso.agencies import demo as agencies_demo
    from congso.catalog import demo as catalog_demo
    from congso.catalog.models import Procedure

    agencies_demo.load()
    accounts_demo.load()
    catalog_demo.load()
    procedure = Procedure.objects.filter(name="Đăng ký khai sinh", is_active=True).first()
    if procedure is None:
        pytest.fail("Danh mục demo không có thủ tục “Đăng ký khai sinh” (data/procedures.json).")
    assert procedure.is_full_online, "“Đăng ký khai sinh” phải nộp trực tuyến toàn trình"
    return procedure


def _value_for(spec: dict[str, Any]) -> str:
    """A plausible answer for one field of the procedure's online form."""
    kind = spec.get("type", "text")
    if kind == "date":
        from django.utils import timezone

        return (timezone.localdate() - dt.timedelta(days=10)).strftime("%d/%m/%Y")
    if kind == "number":
        return str(spec.get("min") or 1)
    if kind == "email":
        return "an.nguyen@example.vn"
    if kind == "phone":
        return "0912345678"
    if kind == "id_number":
        return "093095001234"
    if kind == "textarea":
        return "Khu vực 4, phường Vị Thanh, tỉnh Hậu Giang"
    return "Nguyễn Ngọc Ánh"


def _fill_application(page: Any, procedure: Any) -> None:
    chooser = page.locator("select[name='co-quan-giai-quyet']")
    if chooser.count():
        chooser.select_option(label="Ủy ban nhân dân phường Vị Thanh")
    for index, spec in enumerate((procedure.form or {}).get("fields", [])):
        name = spec.get("name") or spec.get("key") or spec.get("id") or "field_%d" % index
        selector = '[name="%s"]' % name
        field = page.locator(selector)
        if not field.count():
            continue
        kind = spec.get("type", "text")
        if kind == "checkbox":
            if spec.get("required"):
                field.check()
        elif kind == "select":
            options = field.locator("option").all()
            values = [o.get_attribute("value") for o in options if o.get_attribute("value")]
            if values:
                field.select_option(values[0])
        elif not field.input_value():
            field.fill(_value_for(spec))


def _go(page: Any, action: Any) -> None:
    """Do ``action`` (a click that submits or follows a link) and wait for the new page."""
    with page.expect_navigation():
        action()
    page.wait_for_load_state()


def _login(page: Any, base: str, username: str, next_url: str) -> None:
    page.context.clear_cookies()
    page.goto("%s/tai-khoan/dang-nhap/?next=%s" % (base, next_url))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    _go(page, lambda: page.click("button[type=submit]:has-text('Đăng nhập')"))


def _act(page: Any, action: str, fields: dict[str, str] | None = None) -> None:
    """Open the action's panel on the dossier page, fill it, submit it."""
    panel = page.locator("#thao-tac-%s" % action)
    assert panel.count(), "thao tác %s không có trên trang" % action
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    for selector, value in (fields or {}).items():
        if selector.startswith("file:"):
            panel.locator(selector[5:]).set_input_files(value)
        elif selector.startswith("radio:"):
            panel.locator(selector[6:]).check()
        else:
            panel.locator(selector).fill(value)
    _go(page, lambda: panel.locator("button[type=submit]").click())


def _status(code: str) -> str:
    from congso.dossiers.models import Dossier

    return Dossier.objects.get(code=code).status


def test_birth_registration_from_phone_to_rating(
    live_server: Any, phone_page: Any, demo_world: Any, tmp_path: Path, settings: Any
) -> None:
    from congso.dossiers.models import Dossier, Rating

    settings.SITE_URL = live_server.url
    page = phone_page
    base = live_server.url
    procedure = demo_world
    upload = tmp_path / "giay-chung-sinh.pdf"
    upload.write_bytes(PDF_BYTES)
    result = tmp_path / "giay-khai-sinh.pdf"
    result.write_bytes(PDF_BYTES)

    # 1. The citizen finds the procedure and submits online from the phone.
    _login(page, base, "congdan", "/ho-so/nop/")
    page.fill("input[name=q]", "khai sinh")
    _go(page, lambda: page.click("button:has-text('Tìm')"))
    _go(page, lambda: page.click("a.card:has-text('Đăng ký khai sinh')"))
    assert page.url.endswith("/ho-so/nop/%s/" % procedure.code)
    assert_no_horizontal_scroll(page)
    _fill_application(page, procedure)
    for doc in procedure.required_documents.all():
        page.set_input_files('input[name="file__%s"]' % doc.slot, str(upload))
    _go(page, lambda: page.click("button[name=nop]"))
    dossier = Dossier.objects.get(applicant__username="congdan", procedure=procedure)
    assert page.url.endswith("/ho-so/%s/" % dossier.code), page.content()[:3000]
    assert "Đã nộp, chờ tiếp nhận" in page.inner_text("main")
    assert _status(dossier.code) == "submitted"
    assert dossier.attachments.count() == procedure.required_documents.count()
    assert_no_horizontal_scroll(page)

    # 2. The one-stop officer sees it in the queue and receives it.
    _login(page, base, "motcua", "/mot-cua/")
    assert_no_horizontal_scroll(page)
    _go(page, lambda: page.click("a.queue-card:has-text('Chờ tiếp nhận')"))
    _go(page, lambda: page.click("a:has-text('%s')" % dossier.code))
    assert_no_horizontal_scroll(page)
    _act(page, "receive", {"textarea[name='receive-note']": "Hồ sơ đủ thành phần"})
    assert _status(dossier.code) == "received"
    assert "Đã tiếp nhận" in page.inner_text("main")
    receipt = page.context.request.get(
        "%s/mot-cua/ho-so/%s/in/giay-tiep-nhan/" % (base, dossier.code)
    )
    assert receipt.ok and receipt.body().startswith(b"%PDF")

    # 3. The specialist takes it up and forwards a draft to the leader.
    _login(page, base, "chuyenvien", "/mot-cua/ho-so/%s/" % dossier.code)
    _act(page, "start")
    assert _status(dossier.code) == "in_progress"
    _act(page, "forward", {"textarea[name='forward-note']": "Đủ điều kiện đăng ký khai sinh"})
    assert _status(dossier.code) == "awaiting_approval"

    # 4. The leader approves with the signed result.
    _login(page, base, "lanhdao", "/mot-cua/")
    _go(page, lambda: page.click("a.queue-card:has-text('Chờ phê duyệt')"))
    _go(page, lambda: page.click("a:has-text('%s')" % dossier.code))
    _act(page, "approve", {"file:input[name='approve-file']": str(result)})
    assert _status(dossier.code) == "approved"
    assert Dossier.objects.get(code=dossier.code).attachments.filter(kind="result").exists()

    # 5. The desk collects the fee if any, then returns the result.
    _login(page, base, "motcua", "/mot-cua/ho-so/%s/" % dossier.code)
    if page.locator("#thao-tac-mark_paid").count():
        _act(page, "mark_paid", {"input[name='mark_paid-reference']": "BL-0001"})
    _act(page, "return_result")
    assert _status(dossier.code) == "returned"

    # 6. The citizen sees the result and rates the service.
    _login(page, base, "congdan", "/ho-so/%s/" % dossier.code)
    main = page.inner_text("main")
    assert "Đã trả kết quả" in main and "giay-khai-sinh.pdf" in main
    assert_no_horizontal_scroll(page)
    _act(
        page,
        "rate",
        {"radio:input[name='rate-score'][value='5']": "", "textarea[name='rate-comment']": "Nhanh"},
    )
    rating = Rating.objects.get(dossier__code=dossier.code)
    assert rating.score == 5 and rating.satisfied

    # The public lookup shows the status to anyone with the code and the phone number.
    page.context.clear_cookies()
    page.goto("%s/tra-cuu/?code=%s" % (base, dossier.code))
    page.fill("input[name=phone_or_id]", "0912345678")
    _go(page, lambda: page.click("button:has-text('Tra cứu')"))
    assert "Đã trả kết quả" in page.inner_text("main")
    assert "Nguyễn Văn An" not in page.inner_text("main")
    assert_no_horizontal_scroll(page)


def test_walk_in_dossier_entered_and_received_at_the_counter(
    live_server: Any, phone_page: Any, demo_world: Any, tmp_path: Path
) -> None:
    from congso.dossiers.models import Dossier

    page = phone_page
    base = live_server.url
    procedure = demo_world
    scan = tmp_path / "to-khai.pdf"
    scan.write_bytes(PDF_BYTES)

    _login(page, base, "motcua", "/mot-cua/")
    _go(page, lambda: page.click("a:has-text('Tiếp nhận hồ sơ trực tiếp')"))
    page.fill("input[name=q]", "khai sinh")
    _go(page, lambda: page.keyboard.press("Enter"))
    _go(page, lambda: page.click("a:has-text('Đăng ký khai sinh')"))
    assert_no_horizontal_scroll(page)
    page.fill("input[name='nguoi-nop-name']", "Đặng Thị Mỹ")
    page.fill("input[name='nguoi-nop-personal_id']", "093199001111")
    page.fill("input[name='nguoi-nop-phone']", "0939 111 222")
    page.fill("input[name='nguoi-nop-address']", "Khu vực 3, phường Vị Thanh")
    _fill_application(page, procedure)
    for doc in procedure.required_documents.filter(mandatory=True):
        page.set_input_files('input[name="file__%s"]' % doc.slot, str(scan))
    _go(page, lambda: page.click("button[name='tiep-nhan']"))

    dossier = Dossier.objects.get(applicant_name="Đặng Thị Mỹ")
    assert (dossier.channel, dossier.status) == ("counter", "received")
    assert "Đã tiếp nhận hồ sơ %s" % dossier.code in page.inner_text("main")
    assert_no_horizontal_scroll(page)
    receipt = page.context.request.get(
        "%s/mot-cua/ho-so/%s/in/giay-tiep-nhan/" % (base, dossier.code)
    )
    assert receipt.ok and receipt.body().startswith(b"%PDF")
