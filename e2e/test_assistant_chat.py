"""The assistant's chat page in a real browser on a 360 px phone, with htmx and without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest

from congso.assistant.tests.conftest import catalog  # noqa: F401 - the assistant's test catalog
from e2e.conftest import assert_no_horizontal_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def live_catalog(transactional_db: Any, catalog: Any) -> Any:  # noqa: F811
    """The test catalog, visible to the live server's thread."""
    return catalog


def _phone(browser: Any, *, javascript: bool) -> Any:
    return browser.new_context(
        viewport={"width": 360, "height": 740},
        locale="vi-VN",
        is_mobile=True,
        has_touch=True,
        java_script_enabled=javascript,
    )


def test_chat_with_htmx_on_a_phone(live_server: Any, live_catalog: Any, browser: Any) -> None:
    context = _phone(browser, javascript=True)
    page = context.new_page()
    page.goto(live_server.url + "/tro-ly-ao/")
    page.fill("#cau-hoi", "doi bang lai xe het han mat bao lau")
    page.click("form.assistant-form button[type=submit]")
    page.wait_for_selector("text=5 ngày làm việc")
    # htmx appended the turn without reloading: the input is empty again for the next question.
    assert page.input_value("#cau-hoi") == ""
    assert page.locator(".assistant-user").count() == 1
    assert_no_horizontal_scroll(page)
    page.click("button[value=wrong_answer]")
    page.wait_for_selector("text=Cảm ơn bạn đã phản hồi")
    context.close()


def test_chat_without_javascript(live_server: Any, live_catalog: Any, browser: Any) -> None:
    context = _phone(browser, javascript=False)
    page = context.new_page()
    page.goto(live_server.url + "/tro-ly-ao/")
    page.fill("#cau-hoi", "lệ phí đăng ký hộ kinh doanh bao nhiêu")
    page.click("form.assistant-form button[type=submit]")
    page.wait_for_selector("text=100.000 đ")
    assert "/tro-ly-ao/" in page.url
    assert_no_horizontal_scroll(page)
    context.close()
