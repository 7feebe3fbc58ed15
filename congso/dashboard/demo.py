"""Demo socio-economic indicators of Hậu Giang, first half of 2021 (idempotent).

The growth rates and plan shares of the first half of 2021 are the ones the province reported
(GRDP +5.99 %, services +6.8 %; state budget revenue 87 % of the central estimate and +14.6 %;
domestic revenue 71.1 % of the estimate and +50 %; exports over 308 million USD, +4.9 %, 38.6 % of
the plan). Only percentages were published for most of them, so the absolute value, plan and
last-year figures below are chosen so that the *computed* percentages reproduce the published
ones; the note on each row says so. The monthly and quarterly series around them are invented,
marked ``is_demo=True`` and shown as "số liệu minh hoạ".
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from congso.dashboard.models import Indicator, PeriodType
from congso.dashboard.services import indicator_value_save

SOURCE_H1_2021 = "Báo cáo tình hình kinh tế - xã hội 6 tháng đầu năm 2021, UBND tỉnh Hậu Giang"
RECONSTRUCTED = (
    "Tỷ lệ tăng trưởng và tỷ lệ so với kế hoạch theo số liệu công bố; giá trị tuyệt đối "
    "được dựng lại để tính ra đúng các tỷ lệ đó."
)
DEMO_NOTE = "Số liệu minh hoạ, không phải số liệu chính thức."

#: code, name, unit, group, parent code, order, source
INDICATORS = [
    (
        "grdp",
        "Tổng sản phẩm trên địa bàn (GRDP, giá so sánh 2010)",
        "tỷ đồng",
        Indicator.Group.GROWTH,
        None,
        10,
        "Cục Thống kê tỉnh Hậu Giang",
    ),
    (
        "grdp-dich-vu",
        "GRDP khu vực dịch vụ (giá so sánh 2010)",
        "tỷ đồng",
        Indicator.Group.GROWTH,
        "grdp",
        11,
        "Cục Thống kê tỉnh Hậu Giang",
    ),
    (
        "thu-ngan-sach",
        "Tổng thu ngân sách nhà nước trên địa bàn",
        "tỷ đồng",
        Indicator.Group.BUDGET,
        None,
        20,
        "Sở Tài chính tỉnh Hậu Giang",
    ),
    (
        "thu-noi-dia",
        "Thu nội địa",
        "tỷ đồng",
        Indicator.Group.BUDGET,
        "thu-ngan-sach",
        21,
        "Sở Tài chính tỉnh Hậu Giang",
    ),
    (
        "xuat-khau",
        "Kim ngạch xuất khẩu hàng hoá",
        "triệu USD",
        Indicator.Group.TRADE,
        None,
        30,
        "Sở Công Thương tỉnh Hậu Giang",
    ),
]

#: code → (value, plan, same period last year) of the first half of 2021.
#: GRDP 16,958.40 / 16,000 = +5.99 %; services 6,942 / 6,500 = +6.8 %;
#: budget 2,292 / 2,000 = +14.6 % and 2,292 / 2,634.48 = 87.0 %;
#: domestic 1,800 / 1,200 = +50 % and 1,800 / 2,531.65 = 71.1 %;
#: exports 308.5 / 294.1 = +4.9 % and 308.5 / 800 = 38.6 %.
H1_2021: dict[str, tuple[str, str | None, str]] = {
    "grdp": ("16958.40", None, "16000.00"),
    "grdp-dich-vu": ("6942.00", None, "6500.00"),
    "thu-ngan-sach": ("2292.00", "2634.48", "2000.00"),
    "thu-noi-dia": ("1800.00", "2531.65", "1200.00"),
    "xuat-khau": ("308.50", "800.00", "294.10"),
}

#: Share of the half-year figure in each month (this year, last year); each list sums to 1.
MONTHLY_WEIGHTS = {
    "thu-ngan-sach": ([0.19, 0.13, 0.16, 0.17, 0.17, 0.18], [0.18, 0.14, 0.16, 0.16, 0.17, 0.19]),
    "thu-noi-dia": ([0.18, 0.13, 0.16, 0.17, 0.18, 0.18], [0.19, 0.14, 0.15, 0.17, 0.17, 0.18]),
    "xuat-khau": ([0.16, 0.12, 0.17, 0.18, 0.18, 0.19], [0.17, 0.13, 0.17, 0.17, 0.18, 0.18]),
}
#: Share of the half-year figure in each quarter (this year, last year).
QUARTER_WEIGHTS = {
    "grdp": ([0.478, 0.522], [0.482, 0.518]),
    "grdp-dich-vu": ([0.485, 0.515], [0.49, 0.51]),
}


def _split(total: Decimal, weights: list[float]) -> list[Decimal]:
    """``total`` split by ``weights`` to 2 decimals; the last part absorbs the rounding."""
    parts = [(total * Decimal(str(w))).quantize(Decimal("0.01")) for w in weights[:-1]]
    parts.append(total - sum(parts, Decimal(0)))
    return parts


def load(stdout: Any = None) -> None:
    by_code: dict[str, Indicator] = {}
    for code, name, unit, group, parent, order, source in INDICATORS:
        indicator, _ = Indicator.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "group": group,
                "parent": by_code.get(parent) if parent else None,
                "order": order,
                "source": source,
            },
        )
        by_code[code] = indicator
    saved = 0
    for code, (value, plan, last) in H1_2021.items():
        _, outcome = indicator_value_save(
            actor=None,
            indicator=by_code[code],
            period_type=PeriodType.HALF,
            year=2021,
            number=1,
            value=Decimal(value),
            plan_target=Decimal(plan) if plan else None,
            same_period_last_year=Decimal(last),
            source=SOURCE_H1_2021,
            note=RECONSTRUCTED if code != "xuat-khau" else "",
            is_demo=False,
        )
        saved += outcome != "unchanged"
        series: list[tuple[str, int, float, float]] = []
        if code in MONTHLY_WEIGHTS:
            this, prev = MONTHLY_WEIGHTS[code]
            series = [(PeriodType.MONTH, m + 1, this[m], prev[m]) for m in range(6)]
        if code in QUARTER_WEIGHTS:
            this, prev = QUARTER_WEIGHTS[code]
            series = [(PeriodType.QUARTER, q + 1, this[q], prev[q]) for q in range(2)]
        kinds = {kind for kind, *_ in series}
        for kind in kinds:
            rows = [s for s in series if s[0] == kind]
            values = _split(Decimal(value), [r[2] for r in rows])
            lasts = _split(Decimal(last), [r[3] for r in rows])
            for (_, number, _w, _p), v, lv in zip(rows, values, lasts, strict=True):
                _, outcome = indicator_value_save(
                    actor=None,
                    indicator=by_code[code],
                    period_type=kind,
                    year=2021,
                    number=number,
                    value=v,
                    plan_target=None,
                    same_period_last_year=lv,
                    source="Số liệu minh hoạ dựng quanh số liệu 6 tháng đầu năm 2021",
                    note=DEMO_NOTE,
                    is_demo=True,
                )
                saved += outcome != "unchanged"
    if stdout is not None:
        stdout.write(
            "  chỉ tiêu KT-XH: %d chỉ tiêu, %d số liệu mới/cập nhật" % (len(by_code), saved)
        )
