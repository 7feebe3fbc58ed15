"""Socio-economic indicators: computed comparisons, the demo figures, Excel import."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.management import call_command
from django.core.management.base import CommandError

import openpyxl
import pytest

from congso.core.exceptions import ApplicationError, PermissionDeniedError
from congso.core.models import AuditEvent
from congso.dashboard import demo, indicators
from congso.dashboard.models import Indicator, IndicatorValue, PeriodType, growth_pct, plan_pct
from congso.dashboard.services import indicator_value_save, indicators_import_xlsx

pytestmark = pytest.mark.django_db


def test_growth_and_plan_are_computed_from_the_stored_numbers():
    assert growth_pct(Decimal("105"), Decimal("100")) == Decimal("5")
    assert plan_pct(Decimal("87"), Decimal("100")) == Decimal("87")
    assert growth_pct(Decimal("5"), None) is None
    assert growth_pct(Decimal("5"), Decimal("0")) is None
    assert plan_pct(Decimal("5"), None) is None


def _h1(code: str) -> IndicatorValue:
    return IndicatorValue.objects.get(
        indicator__code=code, period_type=PeriodType.HALF, year=2021, number=1
    )


def test_demo_reproduces_hau_giang_first_half_2021():
    demo.load()
    assert round(_h1("grdp").growth_pct, 2) == Decimal("5.99")
    assert round(_h1("grdp-dich-vu").growth_pct, 1) == Decimal("6.8")
    budget = _h1("thu-ngan-sach")
    assert round(budget.plan_pct, 1) == Decimal("87.0")
    assert round(budget.growth_pct, 1) == Decimal("14.6")
    domestic = _h1("thu-noi-dia")
    assert round(domestic.plan_pct, 1) == Decimal("71.1")
    assert round(domestic.growth_pct, 1) == Decimal("50.0")
    exports = _h1("xuat-khau")
    assert exports.value > 308
    assert round(exports.growth_pct, 1) == Decimal("4.9")
    assert round(exports.plan_pct, 1) == Decimal("38.6")
    assert not exports.is_demo


def test_demo_series_are_marked_and_add_up_to_the_half_year():
    demo.load()
    months = IndicatorValue.objects.filter(
        indicator__code="xuat-khau", period_type=PeriodType.MONTH
    )
    assert months.count() == 6
    assert all(m.is_demo for m in months)
    assert sum(m.value for m in months) == _h1("xuat-khau").value
    quarters = IndicatorValue.objects.filter(indicator__code="grdp", period_type=PeriodType.QUARTER)
    assert sum(q.value for q in quarters) == _h1("grdp").value


def test_demo_is_idempotent():
    demo.load()
    counts = (Indicator.objects.count(), IndicatorValue.objects.count(), AuditEvent.objects.count())
    demo.load()
    assert (
        Indicator.objects.count(),
        IndicatorValue.objects.count(),
        AuditEvent.objects.count(),
    ) == counts


def test_saving_a_figure_is_audited_with_before_and_after(demo_people):
    indicator = Indicator.objects.create(code="t", name="T", unit="tỷ đồng", group="budget")
    row, outcome = indicator_value_save(
        actor=demo_people["admin"],
        indicator=indicator,
        period_type="year",
        year=2025,
        number=1,
        value=Decimal("10"),
    )
    assert outcome == "created"
    _, outcome = indicator_value_save(
        actor=demo_people["admin"],
        indicator=indicator,
        period_type="year",
        year=2025,
        number=1,
        value=Decimal("12"),
        same_period_last_year=Decimal("10"),
    )
    assert outcome == "updated"
    row.refresh_from_db()
    assert row.growth_pct == Decimal("20")
    event = AuditEvent.objects.filter(action="indicator_value_updated").get()
    assert event.data["before"]["value"] == "10"
    assert event.data["after"]["value"] == "12"


def test_only_administrators_enter_figures(demo_people):
    indicator = Indicator.objects.create(code="t", name="T", unit="%", group="social")
    with pytest.raises(PermissionDeniedError):
        indicator_value_save(
            actor=demo_people["lanhdao"],
            indicator=indicator,
            period_type="year",
            year=2025,
            number=1,
            value=Decimal("1"),
        )


def test_period_number_is_validated():
    indicator = Indicator.objects.create(code="t", name="T", unit="%", group="social")
    with pytest.raises(ApplicationError):
        indicator_value_save(
            actor=None,
            indicator=indicator,
            period_type="quarter",
            year=2025,
            number=5,
            value=Decimal("1"),
        )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021", ("year", 2021, 1)),
        ("2021-06", ("month", 2021, 6)),
        ("06/2021", ("month", 2021, 6)),
        ("2021-Q2", ("quarter", 2021, 2)),
        ("Q2/2021", ("quarter", 2021, 2)),
        ("2021-H1", ("half", 2021, 1)),
    ],
)
def test_parse_period(text, expected):
    p = indicators.parse_period(text)
    assert (p.period_type, p.year, p.number) == expected


@pytest.mark.parametrize("text", ["2021-13", "abc", "2021-Q5", "13/2021", ""])
def test_parse_period_rejects_bad_input(text):
    with pytest.raises(ApplicationError):
        indicators.parse_period(text)


def test_default_period_is_the_latest_and_longest():
    demo.load()
    assert indicators.default_period() == indicators.Period("half", 2021, 1)


def test_table_puts_children_after_their_parent():
    demo.load()
    rows = indicators.indicator_table(indicators.Period("half", 2021, 1))
    codes = [r.indicator.code for r in rows]
    assert codes == ["grdp", "grdp-dich-vu", "thu-ngan-sach", "thu-noi-dia", "xuat-khau"]


def _workbook(rows: list[list[object]]) -> io.BytesIO:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


HEADER = [
    "Mã chỉ tiêu",
    "Tên chỉ tiêu",
    "Đơn vị tính",
    "Nhóm",
    "Kỳ",
    "Năm",
    "Số kỳ",
    "Thực hiện",
    "Kế hoạch",
    "Cùng kỳ năm trước",
    "Nguồn",
    "Minh hoạ",
]


def test_import_creates_indicators_and_figures():
    report = indicators_import_xlsx(
        actor=None,
        file=_workbook(
            [
                HEADER,
                [
                    "lua",
                    "Sản lượng lúa",
                    "nghìn tấn",
                    "Nông nghiệp",
                    "Năm",
                    2025,
                    None,
                    "1.250,5",
                    1300,
                    1200,
                    "Cục Thống kê",
                    "",
                ],
                ["lua", "", "", "", "Quý", 2025, 1, 300, None, 290, "", "x"],
            ]
        ),
    )
    assert (report.created, report.indicators_created) == (2, 1)
    year = IndicatorValue.objects.get(indicator__code="lua", period_type="year")
    assert year.value == Decimal("1250.5")
    assert round(year.plan_pct, 2) == Decimal("96.19")
    assert round(year.growth_pct, 2) == Decimal("4.21")
    assert IndicatorValue.objects.get(period_type="quarter").is_demo


def test_import_is_all_or_nothing_and_lists_bad_rows():
    with pytest.raises(ApplicationError) as exc:
        indicators_import_xlsx(
            actor=None,
            file=_workbook(
                [
                    HEADER,
                    [
                        "lua",
                        "Sản lượng lúa",
                        "nghìn tấn",
                        "Nông nghiệp",
                        "Năm",
                        2025,
                        None,
                        1,
                        None,
                        None,
                        "",
                        "",
                    ],
                    ["lua", "", "", "", "Tháng", 2025, 13, 1, None, None, "", ""],
                    ["lua", "", "", "", "Năm", 2024, None, "nhiều", None, None, "", ""],
                ]
            ),
        )
    assert len(exc.value.extra["errors"]) == 2
    assert "Dòng 3" in exc.value.extra["errors"][0]
    assert IndicatorValue.objects.count() == 0


def test_import_rejects_a_file_that_is_not_excel():
    with pytest.raises(ApplicationError, match="Excel"):
        indicators_import_xlsx(actor=None, file=io.BytesIO(b"not a workbook"))


def test_import_command(tmp_path):
    path = tmp_path / "chi-tieu.xlsx"
    path.write_bytes(
        _workbook(
            [
                HEADER,
                ["fdi", "Vốn FDI", "triệu USD", "Đầu tư", "6 tháng", 2021, 1, 12, 30, 10, "", ""],
            ]
        ).getvalue()
    )
    call_command("import_indicators", str(path))
    assert IndicatorValue.objects.get(indicator__code="fdi").plan_pct == Decimal("40")
    with pytest.raises(CommandError):
        call_command("import_indicators", str(tmp_path / "missing.xlsx"))
