"""Smoke test on a 360 px phone: the main pages of every area, as a visitor, a citizen and the desk.

Each page must load without a server error, show no console error, not scroll sideways, and show
its primary action (search box, submit button, queue…) inside the screen width. Full-page
screenshots land in ``$QA_SHOTS`` (default /tmp/qa-shots/) for a human look.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest

from congso.accounts.demo import DEMO_PASSWORD as PASSWORD
from e2e.conftest import assert_no_horizontal_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# Text a Vietnamese user must never see in the main content.
TEXT_SMELLS = [
    (r"\b20\d\d-\d\d-\d\d\b", "ngày dạng ISO"),
    (r"\b(None|null|undefined|NaN)\b", "giá trị rỗng lộ ra"),
    (
        r"\b(in_progress|awaiting_\w+|submitted|received|approved|rejected|returned|withdrawn)\b",
        "mã trạng thái thô",
    ),
    (r"\b\d{1,3}(,\d{3})+ ?(đ|VND|VNĐ)", "số tiền dùng dấu phẩy ngăn nghìn"),
    (r"\b(Submit|Search|Cancel|Login|Logout|Next|Previous|Page \d)\b", "chữ tiếng Anh"),
]
# Pages whose primary action must be in the first 360 × 740 screen, without scrolling.
FIRST_SCREEN = (
    r"^/(|thu-tuc/|thu-tuc/[^/]+/|tra-cuu/|ho-so/|ho-so/nop/|tai-khoan/dang-nhap/|mot-cua/)$"
)
SHOTS = Path(os.environ.get("QA_SHOTS") or Path(tempfile.gettempdir()) / "qa-shots")
DOSSIER_HISTORY = 30


@pytest.fixture
def demo_site(transactional_db: Any, settings: Any) -> dict[str, str]:
    """Demo agencies, accounts, catalog and a small dossier history; returns useful codes."""
    from congso.accounts import demo as accounts_demo
    from congso.agencies import demo as agencies_demo
    from congso.catalog import demo as catalog_demo
    from congso.catalog.models import Procedure

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    agencies_demo.load()
    accounts_demo.load()
    catalog_demo.load()
    codes: dict[str, str] = {}
    birth = Procedure.objects.filter(name="Đăng ký khai sinh", is_active=True).first()
    procedure = birth or Procedure.objects.filter(is_active=True).order_by("code").first()
    assert procedure is not None, "danh mục demo trống"
    codes["procedure"] = procedure.code
    try:
        from congso.dossiers import demo as dossiers_demo
        from congso.dossiers.models import Dossier
    except ImportError:
        return codes
    dossiers_demo.load(size=DOSSIER_HISTORY)
    mine = Dossier.objects.filter(applicant__username="congdan").exclude(status="draft")
    own = mine.order_by("-pk").first()
    if own is not None:
        codes["own_dossier"] = own.code
    unpaid = mine.filter(fee_amount__gt=0, paid_at__isnull=True).exclude(
        status__in=["withdrawn", "rejected", "returned"]
    )
    if unpaid.exists():
        codes["unpaid_dossier"] = unpaid.first().code
    queued = Dossier.objects.filter(agency__slug="phuong-vi-thanh", status="submitted").first()
    if queued is not None:
        codes["queued_dossier"] = queued.code
    return codes


class _Watch:
    """Console errors, uncaught exceptions and failed same-site requests of one page."""

    def __init__(self, page: Any, base: str) -> None:
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append("JS: %s" % exc))
        page.on("response", lambda r: self._response(r, base))

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append("console: %s" % message.text)

    def _response(self, response: Any, base: str) -> None:
        if response.url.startswith(base) and response.status >= 500:
            self.errors.append("HTTP %s %s" % (response.status, response.url))
        elif (
            response.url.startswith(base)
            and response.status == 404
            and ("/static/" in response.url or response.request.resource_type != "document")
        ):
            self.errors.append("thiếu tài nguyên (404) %s" % response.url)


def _login(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto("%s/tai-khoan/dang-nhap/?next=/" % base)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "/tai-khoan/dang-nhap/" not in page.url, "đăng nhập %s thất bại" % username


def _visit(
    page: Any, base: str, watch: _Watch, role: str, path: str, primary: str, problems: list[str]
) -> None:
    """Open ``path``, check it, screenshot it; record problems instead of stopping at the first."""
    watch.errors.clear()
    response = page.goto(base + path)
    page.wait_for_load_state("networkidle")
    where = "[%s] %s" % (role, path)
    if response is None or response.status >= 400:
        problems.append("%s — HTTP %s" % (where, response.status if response else "?"))
    slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "trang-chu"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / ("%s--%s.png" % (role, slug))), full_page=True)
    try:
        assert_no_horizontal_scroll(page)
    except AssertionError as exc:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('main *')]
                .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))"""
        )
        problems.append("%s — %s; phần tử tràn: %s" % (where, exc, ", ".join(wide)))
    target = page.locator(primary).first
    if not target.count() or not target.is_visible():
        problems.append("%s — không thấy thao tác chính (%s)" % (where, primary))
    else:
        box = target.bounding_box()
        if box and box["x"] + box["width"] > 361:
            problems.append("%s — thao tác chính vượt khỏi màn hình 360 px" % where)
        if box and re.match(FIRST_SCREEN, path) and box["y"] + box["height"] > 740:
            problems.append(
                "%s — thao tác chính nằm dưới màn hình đầu tiên (y = %d px)" % (where, box["y"])
            )
        if box and box["height"] < 24:
            problems.append("%s — thao tác chính quá nhỏ để chạm (%d px)" % (where, box["height"]))
    text = page.inner_text("main")
    for pattern, what in TEXT_SMELLS:
        found = re.search(pattern, text)
        if found:
            problems.append("%s — %s: “%s”" % (where, what, found.group(0)))
    if page.locator("h1").count() != 1:
        problems.append("%s — %d thẻ <h1>" % (where, page.locator("h1").count()))
    problems.extend("%s — %s" % (where, e) for e in watch.errors)


def _pages(role: str, codes: dict[str, str]) -> list[tuple[str, str]]:
    """(path, selector of the page's primary action) for the role."""
    procedure = codes["procedure"]
    public = [
        ("/", "main input[name=q]"),
        ("/thu-tuc/", "main input[name=q]"),
        ("/thu-tuc/%s/" % procedure, "main a.btn[href*='/ho-so/nop/']"),
        ("/thu-tuc/linh-vuc/", "main a[href*='/thu-tuc/linh-vuc/']"),
        ("/tra-cuu/", "main button[type=submit]:has-text('Tra cứu')"),
        ("/tro-ly-ao/", "main button[type=submit]:has-text('Gửi')"),
        ("/thong-ke/", "main table, main .kpi, main .card"),
    ]
    if role == "anonymous":
        return [
            *public,
            ("/tai-khoan/dang-nhap/", "main button[type=submit]:has-text('Đăng nhập')"),
            ("/tai-khoan/dang-ky/", "main button[type=submit]:has-text('Đăng ký')"),
        ]
    if role == "congdan":
        pages = [
            *public[:3],
            ("/ho-so/", "main a.btn[href='/ho-so/nop/']"),
            ("/ho-so/nop/", "main input[name=q]"),
            ("/ho-so/nop/%s/" % procedure, "main button[name=nop]"),
            ("/tro-ly-ao/?q=lam+giay+khai+sinh", "main button[type=submit]:has-text('Gửi')"),
        ]
        if "own_dossier" in codes:
            pages.append(("/ho-so/%s/" % codes["own_dossier"], "main .badge, main .timeline"))
        if "unpaid_dossier" in codes:
            pages.append(("/ho-so/%s/thanh-toan/" % codes["unpaid_dossier"], "main .qr-box svg"))
        return pages
    if role == "lanhdao":
        return [
            ("/dieu-hanh/", "main form button[type=submit], main .card"),
            ("/dieu-hanh/chi-so/", "main table, main .card"),
            ("/dieu-hanh/qua-han/", "main table, main .card, main p"),
            ("/mot-cua/", "main a.queue-card"),
            ("/van-ban/", "main input[name=q]"),
            ("/van-ban/cho-duyet/", "main h1"),
        ]
    pages = [
        ("/mot-cua/", "main a.queue-card"),
        ("/mot-cua/tim-kiem/", "main input[name=q]"),
        ("/mot-cua/tiep-nhan-truc-tiep/", "main input[name=q]"),
        ("/mot-cua/doi-soat/", "main button[type=submit], main textarea, main input[type=file]"),
        ("/van-ban/", "main a, main form"),
        ("/thu-tuc/", "main input[name=q]"),
    ]
    if "queued_dossier" in codes:
        pages.append(("/mot-cua/ho-so/%s/" % codes["queued_dossier"], "main details summary"))
    return pages


@pytest.mark.parametrize("role", ["anonymous", "congdan", "motcua", "lanhdao"])
def test_main_pages_work_on_a_360px_phone(
    role: str, live_server: Any, phone_page: Any, demo_site: dict[str, str], settings: Any
) -> None:
    settings.SITE_URL = live_server.url
    page = phone_page
    base = live_server.url
    watch = _Watch(page, base)
    if role != "anonymous":
        _login(page, base, role)
    problems: list[str] = []
    for path, primary in _pages(role, demo_site):
        _visit(page, base, watch, role, path, primary, problems)
    assert not problems, "\n".join(problems)


def test_menu_opens_and_every_entry_fits_on_a_phone(
    live_server: Any, phone_page: Any, demo_site: dict[str, str]
) -> None:
    page = phone_page
    _login(page, live_server.url, "motcua")
    page.goto(live_server.url + "/")
    page.click("summary[aria-label='Mở menu']")
    links = page.locator(".nav-toggle nav a, .nav-toggle nav button")
    assert links.count() >= 5
    for index in range(links.count()):
        link = links.nth(index)
        assert link.is_visible(), link.inner_text()
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, (
            link.inner_text()
        )
        assert box["height"] >= 24, "mục menu “%s” quá nhỏ để chạm" % link.inner_text()
    assert_no_horizontal_scroll(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "motcua--menu.png"), full_page=False)
