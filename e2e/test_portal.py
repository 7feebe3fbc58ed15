"""The public portal on a 360 px phone: home, search, a procedure page and the field lists.

The demo agencies and catalog (data/procedures.json) are loaded by their own loaders. Every page
must fit the screen without sideways scrolling, and the procedure page must show the expected
return date. One screenshot is saved to /tmp/congso-procedure-360.png for a human to look at.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import pytest

from e2e.conftest import assert_no_horizontal_scroll

pytestmark = [pytest.mark.e2e]

SCREENSHOT = str(Path(tempfile.gettempdir()) / "congso-procedure-360.png")


@pytest.fixture
def demo_catalog(transactional_db: Any) -> None:
    from congso.agencies import demo as agencies_demo
    from congso.catalog import demo as catalog_demo
    from congso.catalog.models import Procedure

    agencies_demo.load()
    catalog_demo.load()
    if not Procedure.objects.filter(code="1.001193").exists():
        pytest.fail("Danh mục demo thiếu “Đăng ký khai sinh” (data/procedures.json).")


def test_portal_pages_fit_a_phone_and_show_the_return_date(live_server, phone_page, demo_catalog):
    page = phone_page
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text().startswith("Cổng dịch vụ công")
    assert page.locator(".popular-card").count() >= 6
    assert_no_horizontal_scroll(page)

    # Search as people type it: no diacritics, a nickname.
    page.fill("#q", "so do")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"/thu-tuc/\?q=so\+do"))
    first = page.locator(".proc-name").first.inner_text()
    assert "Giấy chứng nhận quyền sử dụng đất" in first
    assert_no_horizontal_scroll(page)

    page.goto(live_server.url + "/thu-tuc/?q=dang+ky+khai+sinh")
    assert page.locator(".proc-name").first.inner_text() == "Đăng ký khai sinh"
    page.locator(".proc-name").first.click()
    page.wait_for_url(re.compile(r"/thu-tuc/1\.001193/$"))
    due = page.get_by_test_id("due-at").inner_text()
    assert re.fullmatch(
        r"(Thứ (Hai|Ba|Tư|Năm|Sáu|Bảy)|Chủ nhật), \d\d/\d\d/20\d\d \d\d:\d\d", due
    ), due
    assert page.get_by_role("link", name="Nộp hồ sơ trực tuyến").first.get_attribute("href") == (
        "/ho-so/nop/1.001193/"
    )
    assert page.locator("#thanh-phan-ho-so").is_visible()
    assert (
        "Miễn phí" in page.locator(".stack-table").nth(1).inner_text()
        or "đ" in page.locator(".stack-table").nth(1).inner_text()
    )
    assert_no_horizontal_scroll(page)
    page.locator(".key-facts").screenshot(path=SCREENSHOT)

    page.goto(live_server.url + "/thu-tuc/linh-vuc/")
    assert page.locator(".field-card").count() >= 10
    assert_no_horizontal_scroll(page)
    page.locator(".field-card").first.click()
    assert page.locator(".proc-item").count() >= 1
    assert_no_horizontal_scroll(page)

    page.goto(live_server.url + "/thu-tuc/co-quan/cong-an-tinh/")
    assert page.locator(".proc-item").count() >= 1
    assert_no_horizontal_scroll(page)
