"""Dashboard pages: access, rendering, accessible charts, Excel exports equal to the page."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from congso.core import pdf
from congso.dashboard import demo

pytestmark = pytest.mark.django_db

MARCH = {"from": "01/03/2026", "to": "31/03/2026"}


@pytest.fixture
def as_user(client, demo_people):  # type: ignore[no-untyped-def]
    def login(username: str):  # type: ignore[no-untyped-def]
        client.force_login(demo_people[username])
        return client

    return login


@pytest.mark.parametrize(
    "url", ["/dieu-hanh/", "/dieu-hanh/chi-so/", "/dieu-hanh/qua-han/", "/dieu-hanh/bao-cao-thang/"]
)
def test_anonymous_users_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/")


@pytest.mark.parametrize("username", ["motcua", "chuyenvien", "congdan"])
@pytest.mark.parametrize("url", ["/dieu-hanh/", "/dieu-hanh/chi-so/", "/dieu-hanh/qua-han/"])
def test_other_roles_are_refused(as_user, username, url):
    assert as_user(username).get(url).status_code == 403


def test_leader_sees_own_commune_only(as_user, kpi_world):
    client = as_user("lanhdao")
    response = client.get("/dieu-hanh/", MARCH)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Phường Vị Thanh" in html or "phường Vị Thanh" in html.lower()
    # Sở Tư pháp is outside the leader's sub-tree.
    assert client.get("/dieu-hanh/", {**MARCH, "agency": "so-tu-phap"}).status_code == 404


def test_dashboard_shows_counts_charts_and_tables(as_user, kpi_world):
    html = as_user("lanhdao").get("/dieu-hanh/", MARCH).content.decode()
    assert "40,0 %" in html  # on-time rate 2/5
    assert html.count('role="img"') == 3
    assert 'aria-label="Tỷ lệ giải quyết đúng hạn theo cơ quan"' in html
    for chart_id in ("bieu-do-xu-huong", "bieu-do-dung-han", "bieu-do-766"):
        assert 'aria-describedby="%s-desc"' % chart_id in html
        assert '<title id="%s-title">' % chart_id in html
        assert 'id="%s-data"' % chart_id in html  # the chart's data table
    assert "/mot-cua/ho-so/TEST-" in html  # overdue drill-down


def test_bad_dates_show_a_vietnamese_error(as_user, kpi_world):
    response = as_user("lanhdao").get("/dieu-hanh/", {"from": "31/02/2026"})
    assert response.status_code == 200
    assert "không hợp lệ" in response.content.decode()


def _page_numbers(html: str, table_id: str) -> list[list[str]]:
    body = html.split('id="%s"' % table_id, 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [
        re.findall(r"<t[dh][^>]*>(?:<a [^>]*>)?(?:<span[^>]*>)?(?:<strong>)?(.*?)<", row)
        for row in rows
    ]


def _xlsx_text(value, number_format):  # type: ignore[no-untyped-def]
    from congso.dashboard.tables import format_value

    kind = {"#,##0": "int", "0.0%": "pct", "#,##0.00": "dec", "#,##0.0": "dec1"}.get(number_format)
    return format_value(value, kind) if kind else ("—" if value is None else str(value))


def test_excel_export_holds_the_numbers_of_the_page(as_user, kpi_world):
    client = as_user("admin")
    html = client.get("/dieu-hanh/", MARCH).content.decode()
    response = client.get("/dieu-hanh/", {**MARCH, "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 6
    checked = 0
    for table_id, index in (("so-lieu", 0), ("ty-le", 1), ("diem-766", 2), ("xep-hang", 3)):
        sheet = book.worksheets[index]
        page_rows = [r for r in _page_numbers(html, table_id) if r][1:]  # skip the header
        sheet_rows = list(sheet.iter_rows(min_row=4))
        assert len(sheet_rows) == len(page_rows)
        for page_row, sheet_row in zip(page_rows, sheet_rows, strict=True):
            texts = [_xlsx_text(c.value, c.number_format) for c in sheet_row]
            assert texts[: len(page_row)] == page_row
            checked += 1
    assert checked > 10
    header = [c.value for c in book["Các tỷ lệ"][3]]
    assert header == ["Chỉ số", "Tỷ lệ", "Tử số", "Mẫu số"]
    assert book["Các tỷ lệ"]["B4"].number_format == "0.0%"
    assert book["Số liệu giải quyết hồ sơ"]["B4"].number_format == "#,##0"


def test_single_table_export(as_user, kpi_world):
    response = as_user("admin").get("/dieu-hanh/", {**MARCH, "format": "xlsx", "table": "ty-le"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Các tỷ lệ"]
    assert book.active["B4"].value == pytest.approx(3 / 6)  # province: D1 D3 D9 of 6
    assert (
        as_user("admin").get("/dieu-hanh/", {"format": "xlsx", "table": "nope"}).status_code == 404
    )


def test_overdue_list_links_to_the_dossier(as_user, kpi_world):
    html = as_user("lanhdao").get("/dieu-hanh/qua-han/").content.decode()
    d5 = kpi_world["dossiers"]["D5"]
    assert 'href="/mot-cua/ho-so/%s/"' % d5.code in html
    d6 = kpi_world["dossiers"]["D6"]  # due 10/04/2026, in the past now: overdue too
    assert d6.code in html
    response = as_user("lanhdao").get("/dieu-hanh/qua-han/", {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    codes = {row[0].value for row in sheet.iter_rows(min_row=4)}
    assert d5.code in codes


def test_indicators_page_marks_demo_figures(as_user):
    demo.load()
    client = as_user("lanhdao")
    html = client.get("/dieu-hanh/chi-so/").content.decode()
    assert "6 tháng đầu năm 2021" in html
    assert "+5,99 %" in html
    assert "87,0 %" in html
    html = client.get("/dieu-hanh/chi-so/", {"period": "2021-06"}).content.decode()
    assert "số liệu minh hoạ" in html
    assert "không hợp lệ" in client.get("/dieu-hanh/chi-so/", {"period": "x"}).content.decode()


def test_indicator_export_round_trips_through_the_import(as_user):
    from congso.dashboard.models import IndicatorValue
    from congso.dashboard.services import indicators_import_xlsx

    demo.load()
    response = as_user("admin").get("/dieu-hanh/chi-so/", {"period": "2021-H1", "format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    header = [c.value for c in sheet[3]]
    assert header[:2] == ["Tên chỉ tiêu", "Đơn vị tính"]
    code = header.index("Mã chỉ tiêu")
    rows = {r[code].value: r for r in sheet.iter_rows(min_row=4)}
    budget = rows["thu-ngan-sach"]
    assert budget[header.index("% kế hoạch")].value == pytest.approx(0.87, abs=5e-4)
    assert budget[header.index("% kế hoạch")].number_format == "0.0%"
    # Re-import the export as it is (title lines above the header): nothing changes.
    before = IndicatorValue.objects.count()
    report = indicators_import_xlsx(actor=None, file=io.BytesIO(response.content))
    assert report.unchanged == 5 and report.created == 0
    assert IndicatorValue.objects.count() == before


def test_monthly_report_pdf(as_user, kpi_world):
    response = as_user("lanhdao").get("/dieu-hanh/bao-cao-thang/", {"thang": "03/2026"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf.pdf_text(response.content)
    assert "tháng 03/2026" in text
    assert "Tỷ lệ giải quyết đúng hạn" in text
    assert "40,0 %" in text
    bad = as_user("lanhdao").get("/dieu-hanh/bao-cao-thang/", {"thang": "13/2026"})
    assert bad.status_code == 400


def test_public_statistics_page(client, kpi_world):
    response = client.get("/thong-ke/", {"nam": 2026, "thang": 3})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sở Tư pháp" in html
    assert "Tỷ lệ giải quyết đúng hạn theo cơ quan" in html
    assert "TEST-" not in html  # no dossier codes or personal data
    assert "Nguyễn Văn Thử" not in html
    export = client.get("/thong-ke/", {"nam": 2026, "thang": 3, "format": "xlsx"})
    assert openpyxl.load_workbook(io.BytesIO(export.content)).active["A1"].value
    assert client.get("/thong-ke/", {"nam": "abc"}).status_code == 200
