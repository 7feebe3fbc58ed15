"""Tables and charts of the dashboard pages, built once from a KPI report or indicator rows.

The same :class:`~congso.dashboard.tables.Table` feeds the HTML page, the Excel export and the
monthly PDF report, so the three always show the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from congso.dashboard import kpis
from congso.dashboard.charts import Chart, column_chart, hbar_chart
from congso.dashboard.indicators import IndicatorRow
from congso.dashboard.models import IndicatorValue, PeriodType
from congso.dashboard.selectors import AgencyRow
from congso.dashboard.tables import Cell, Column, Table

SUMMARY_COUNTS = [
    "received",
    "received_online",
    "resolved",
    "resolved_on_time",
    "resolved_late",
    "rejected",
    "in_progress",
    "in_progress_on_time",
    "in_progress_overdue",
    "withdrawn",
    "ratings",
]


def counts_table(report: kpis.KpiReport) -> Table:
    c = report.totals
    rows: list[list[object]] = [[kpis.COUNT_LABELS[key], getattr(c, key)] for key in SUMMARY_COUNTS]
    rows.append(
        [
            "Thời gian giải quyết trung bình (ngày làm việc)",
            Cell(report.avg_processing_days, kind="dec1"),
        ]
    )
    return Table(
        id="so-lieu",
        title="Số liệu giải quyết hồ sơ",
        columns=[Column("Chỉ tiêu", width=48), Column("Số hồ sơ", "int")],
        rows=rows,
    )


def rates_table(report: kpis.KpiReport) -> Table:
    c = report.totals
    return Table(
        id="ty-le",
        title="Các tỷ lệ",
        columns=[
            Column("Chỉ số", width=40),
            Column("Tỷ lệ", "pct"),
            Column("Tử số", "int"),
            Column("Mẫu số", "int"),
        ],
        rows=[
            [k.label, k.func(c), getattr(c, k.numerator), getattr(c, k.denominator)]
            for k in kpis.RATE_KPIS
        ],
    )


def scores_table(report: kpis.KpiReport) -> Table:
    scores = report.scores()
    computable = [s for s in scores if s.points is not None]
    return Table(
        id="diem-766",
        title="Điểm theo Quyết định 766/QĐ-TTg",
        columns=[
            Column("Nhóm chỉ số", width=28),
            Column("Điểm tối đa", "int"),
            Column("Tỷ lệ", "pct"),
            Column("Điểm", "dec"),
            Column("Cách tính", width=60),
        ],
        rows=[[s.label, s.max_points, s.rate, s.points, s.rule] for s in scores],
        footer=[
            "Cộng (các nhóm tính được)",
            sum(s.max_points for s in computable),
            None,
            sum(s.points or 0 for s in computable),
            "Nhóm không tính được không cộng vào tổng.",
        ],
    )


def scores_chart(report: kpis.KpiReport) -> Chart:
    scores = [s for s in report.scores() if s.rate is not None]
    return hbar_chart(
        chart_id="bieu-do-766",
        title="Mức đạt điểm từng nhóm chỉ số (Quyết định 766)",
        labels=[s.label for s in scores],
        values=[(s.points or 0) / s.max_points for s in scores],
        kind="pct",
        value_header="Tỷ lệ điểm đạt",
        label_header="Nhóm chỉ số",
        max_value=1.0,
    )


def ranking_table(
    rows: Sequence[AgencyRow], *, link_base: str = "", query: dict | None = None
) -> Table:
    def link(row: AgencyRow) -> str:
        if not link_base:
            return ""
        params = dict(query or {})
        params["agency"] = row.agency.slug
        return "%s?%s" % (link_base, urlencode(params))

    return Table(
        id="xep-hang",
        title="Kết quả giải quyết theo cơ quan",
        columns=[
            Column("Cơ quan, đơn vị", width=40),
            Column("Tiếp nhận", "int"),
            Column("Đã giải quyết", "int"),
            Column("Đúng hạn", "int"),
            Column("Quá hạn", "int"),
            Column("Tỷ lệ đúng hạn", "pct"),
            Column("Đang giải quyết", "int"),
            Column("Đang quá hạn", "int"),
            Column("Tỷ lệ trực tuyến", "pct"),
        ],
        rows=[
            [
                Cell(r.agency.display_name, href=link(r)),
                r.counts.received,
                r.counts.resolved,
                r.counts.resolved_on_time,
                r.counts.resolved_late,
                Cell(r.on_time_rate, badge=_badge(r.on_time_rate)),
                r.counts.in_progress,
                r.counts.in_progress_overdue,
                r.online_rate,
            ]
            for r in rows
        ],
    )


def _badge(rate: float | None) -> str:
    if rate is None:
        return ""
    if rate >= 0.98:
        return "badge-ok"
    if rate >= 0.9:
        return "badge-warn"
    return "badge-bad"


def ranking_chart(rows: Sequence[AgencyRow]) -> Chart:
    shown = [r for r in rows if r.counts.resolved]
    return hbar_chart(
        chart_id="bieu-do-dung-han",
        title="Tỷ lệ giải quyết đúng hạn theo cơ quan",
        labels=[r.agency.display_name for r in shown],
        values=[r.on_time_rate for r in shown],
        kind="pct",
        value_header="Tỷ lệ đúng hạn",
        label_header="Cơ quan, đơn vị",
        max_value=1.0,
    )


def trend_chart(months: Sequence[kpis.MonthRow]) -> Chart:
    return column_chart(
        chart_id="bieu-do-xu-huong",
        title="Hồ sơ tiếp nhận và đã giải quyết theo tháng",
        labels=[m.label for m in months],
        series=[
            ("Tiếp nhận", [m.received for m in months]),
            ("Đã giải quyết", [m.resolved for m in months]),
        ],
        kind="int",
        label_header="Tháng",
    )


def trend_table(months: Sequence[kpis.MonthRow]) -> Table:
    return Table(
        id="xu-huong",
        title="Xu hướng theo tháng",
        columns=[
            Column("Tháng"),
            Column("Tiếp nhận", "int"),
            Column("Đã giải quyết", "int"),
            Column("Đúng hạn", "int"),
            Column("Tỷ lệ đúng hạn", "pct"),
        ],
        rows=[
            [m.label, m.received, m.resolved, m.resolved_on_time, m.on_time_rate] for m in months
        ],
    )


def overdue_table(dossiers: Sequence, *, title: str = "Hồ sơ đang quá hạn") -> Table:
    from django.utils import timezone

    from congso.core import workdays

    now = timezone.now()
    rows = []
    for d in dossiers:
        late_days = workdays.working_days_between(d.due_at, now) if d.due_at else None
        rows.append(
            [
                Cell(d.code, href="/mot-cua/ho-so/%s/" % d.code),
                d.procedure.name,
                d.agency.display_name,
                d.get_status_display(),
                d.received_at,
                d.due_at,
                late_days,
                d.current_handler.get_full_name() if d.current_handler else "",
            ]
        )
    return Table(
        id="qua-han",
        title=title,
        columns=[
            Column("Mã hồ sơ", width=28),
            Column("Thủ tục", width=50),
            Column("Cơ quan giải quyết", width=28),
            Column("Trạng thái", width=18),
            Column("Tiếp nhận", "datetime", width=18),
            Column("Hạn giải quyết", "datetime", width=18),
            Column("Quá hạn (ngày làm việc)", "dec1"),
            Column("Người đang xử lý", width=24),
        ],
        rows=rows,
    )


# ---------------------------------------------------------------- indicators
def indicators_table(rows: Sequence[IndicatorRow], *, title: str) -> Table:
    """The import format (see services.indicators_import_xlsx) plus the computed comparisons.

    The name comes first (the row header on a phone); the import finds columns by their header,
    so the order does not matter to it.
    """
    return Table(
        id="chi-tieu",
        title=title,
        columns=[
            Column("Tên chỉ tiêu", width=48),
            Column("Đơn vị tính", width=12),
            Column("Thực hiện", "dec"),
            Column("Kế hoạch", "dec"),
            Column("% kế hoạch", "pct"),
            Column("Cùng kỳ năm trước", "dec"),
            Column("Tăng trưởng so cùng kỳ", "pct"),
            Column("Kỳ"),
            Column("Năm"),
            Column("Số kỳ"),
            Column("Mã chỉ tiêu", width=16),
            Column("Nguồn", width=40),
            Column("Ghi chú", width=40),
            Column("Minh hoạ"),
        ],
        rows=[
            [
                ("— " if r.level else "") + r.indicator.name,
                r.indicator.unit,
                r.value.value,
                r.value.plan_target,
                None if r.plan_pct is None else r.plan_pct / 100,
                r.value.same_period_last_year,
                None if r.growth_pct is None else r.growth_pct / 100,
                PeriodType(r.value.period_type).label,
                r.value.year,
                r.value.number,
                r.indicator.code,
                r.value.source,
                r.value.note,
                Cell("x" if r.value.is_demo else "", badge="badge-warn" if r.value.is_demo else ""),
            ]
            for r in rows
        ],
    )


def indicator_chart(indicator, period_type: str, values: Sequence[IndicatorValue]) -> Chart:  # type: ignore[no-untyped-def]
    unit = "Tháng" if period_type == PeriodType.MONTH else "Quý"
    labels = [v.period_label for v in values]
    demo = any(v.is_demo for v in values)
    return column_chart(
        chart_id="bieu-do-%s" % indicator.code,
        title="%s (%s)%s" % (indicator.name, indicator.unit, " — số liệu minh hoạ" if demo else ""),
        labels=labels,
        series=[
            ("Thực hiện", [float(v.value) for v in values]),
            (
                "Cùng kỳ năm trước",
                [
                    float(v.same_period_last_year) if v.same_period_last_year is not None else None
                    for v in values
                ],
            ),
        ],
        kind="dec1",
        label_header=unit,
    )
