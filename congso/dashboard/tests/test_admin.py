"""Admin: Excel import page, computed comparisons shown read-only, edits audited."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile

import openpyxl
import pytest

from congso.core.models import AuditEvent
from congso.dashboard.models import Indicator, IndicatorValue

pytestmark = pytest.mark.django_db


def _xlsx(rows):  # type: ignore[no-untyped-def]
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("chi-tieu.xlsx", buffer.getvalue())


def test_admin_import_page(client, demo_people):
    client.force_login(demo_people["admin"])
    page = client.get("/quan-tri/dashboard/indicatorvalue/nhap-excel/")
    assert page.status_code == 200
    assert "Nhập số liệu chỉ tiêu từ Excel" in page.content.decode()
    upload = _xlsx(
        [
            [
                "Mã chỉ tiêu",
                "Tên chỉ tiêu",
                "Đơn vị tính",
                "Nhóm",
                "Kỳ",
                "Năm",
                "Số kỳ",
                "Thực hiện",
                "Kế hoạch",
            ],
            [
                "von-dau-tu",
                "Vốn đầu tư toàn xã hội",
                "tỷ đồng",
                "Đầu tư",
                "Năm",
                2025,
                "",
                9000,
                10000,
            ],
        ]
    )
    response = client.post("/quan-tri/dashboard/indicatorvalue/nhap-excel/", {"file": upload})
    assert response.status_code == 302
    value = IndicatorValue.objects.get(indicator__code="von-dau-tu")
    assert value.plan_pct == 90
    assert AuditEvent.objects.filter(action="indicator_value_created").count() == 1


def test_admin_import_shows_row_errors(client, demo_people):
    client.force_login(demo_people["admin"])
    upload = _xlsx([["Mã chỉ tiêu", "Kỳ", "Năm", "Thực hiện"], ["x", "Quý", 2025, "abc"]])
    response = client.post("/quan-tri/dashboard/indicatorvalue/nhap-excel/", {"file": upload})
    assert response.status_code == 200
    assert "Dòng 2" in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_admin_change_shows_computed_comparisons_and_audits(client, demo_people):
    client.force_login(demo_people["admin"])
    indicator = Indicator.objects.create(code="t", name="Thu", unit="tỷ đồng", group="budget")
    value = IndicatorValue.objects.create(
        indicator=indicator,
        period_type="year",
        year=2025,
        number=1,
        value=110,
        same_period_last_year=100,
        plan_target=200,
    )
    url = "/quan-tri/dashboard/indicatorvalue/%d/change/" % value.pk
    html = client.get(url).content.decode()
    assert "10,0 %" in html and "55,0 %" in html
    response = client.post(
        url,
        {
            "value": "120",
            "plan_target": "200",
            "same_period_last_year": "100",
            "source": "",
            "note": "",
            "is_demo": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    value.refresh_from_db()
    assert value.value == 120
    assert value.growth_pct == 20
    assert AuditEvent.objects.filter(action="indicator_value_updated").exists()
