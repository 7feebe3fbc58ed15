"""The monthly report (báo cáo tháng) on the handling of administrative procedures, as PDF.

Built with :mod:`congso.core.pdf` (A4, Decree 30/2020 layout, embedded Vietnamese font) from the
same tables as the dashboard page, so the report and the page agree.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.utils import timezone

from congso.core import pdf
from congso.core.exceptions import ApplicationError
from congso.dashboard import indicators, kpis, presenters, selectors
from congso.dashboard.models import PeriodType
from congso.dashboard.tables import Table

_MONTH_RE = re.compile(r"^(?:(\d{1,2})/(\d{4})|(\d{4})-(\d{1,2}))$")


def parse_month(text: str | None, *, today: dt.date | None = None) -> dt.date:
    """``MM/YYYY`` or ``YYYY-MM`` → the first day of that month; default: last month."""
    today = today or timezone.localdate()
    if not text:
        return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    match = _MONTH_RE.match(text.strip())
    if match:
        month = int(match.group(1) or match.group(4))
        year = int(match.group(2) or match.group(3))
        if 1 <= month <= 12 and 2000 <= year <= 2100:
            return dt.date(year, month, 1)
    raise ApplicationError(
        "Tháng báo cáo không hợp lệ: %r. Nhập dạng MM/YYYY, ví dụ 10/2026." % text,
        {"fields": {"thang": ["Tháng không hợp lệ."]}},
    )


def _pdf_table(table: Table, widths: list[float] | None = None) -> pdf.Table:
    header = [c.header for c in table.columns]
    rows = [[cell["text"] for cell in row] for row in table.display_rows()]
    footer = table.display_footer()
    if footer:
        rows.append([cell["text"] for cell in footer])
    align: list[Any] = ["right" if c.is_number else "left" for c in table.columns]
    return pdf.Table(header, rows, widths=widths, align=align, size=10.5)


def render_monthly_report(*, scope: selectors.Scope, month: dt.date, actor: Any) -> bytes:
    """PDF of the month's KPIs for ``scope``: counts, rates, Decision 766 scores, agencies,
    the longest-overdue dossiers and the month's socio-economic figures."""
    end = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    agency_ids = scope.agency_ids
    data = kpis.compute_kpis(start=month, end=end, agency_ids=agency_ids)
    rank_rows = selectors.ranking(data, scope)
    overdue = list(selectors.overdue_list(scope)[:15])
    province = str(getattr(settings, "PROVINCE_NAME", "tỉnh Hậu Giang"))
    body: list[pdf.Block] = [
        pdf.Para(
            "Phạm vi: %s. Kỳ báo cáo: từ ngày %s đến ngày %s. Số liệu tính tự động từ hệ thống "
            "một cửa điện tử theo các công thức của Quyết định 766/QĐ-TTg; thời gian chờ bổ sung "
            "không tính vào thời hạn giải quyết."
            % (scope.label, month.strftime("%d/%m/%Y"), end.strftime("%d/%m/%Y")),
            indent=True,
        ),
        pdf.Heading("I. SỐ LIỆU GIẢI QUYẾT HỒ SƠ"),
        _pdf_table(presenters.counts_table(data), [0.75, 0.25]),
        pdf.Heading("II. CÁC TỶ LỆ"),
        _pdf_table(presenters.rates_table(data), [0.46, 0.18, 0.18, 0.18]),
        pdf.Heading("III. ĐIỂM THEO QUYẾT ĐỊNH 766/QĐ-TTg"),
        _pdf_table(_without_rule(presenters.scores_table(data)), [0.46, 0.18, 0.18, 0.18]),
        pdf.Para(
            "Nhóm “Công khai, minh bạch” (18 điểm) không tính được từ dữ liệu hồ sơ nên không "
            "cộng vào tổng.",
            italic=True,
            size=11,
        ),
    ]
    if rank_rows:
        ranking = presenters.ranking_table(rank_rows)
        ranking.columns = ranking.columns[:6]
        ranking.rows = [row[:6] for row in ranking.rows]
        body += [
            pdf.Heading("IV. KẾT QUẢ THEO CƠ QUAN, ĐƠN VỊ"),
            _pdf_table(ranking, [0.34, 0.13, 0.13, 0.13, 0.12, 0.15]),
        ]
    body.append(pdf.Heading("V. HỒ SƠ ĐANG QUÁ HẠN"))
    if overdue:
        table = presenters.overdue_table(overdue, title="")
        table.columns = [table.columns[0], table.columns[1], table.columns[5], table.columns[6]]
        table.rows = [[r[0], r[1], r[5], r[6]] for r in table.rows]
        body += [
            pdf.Para(
                "Có %d hồ sơ đang quá hạn; danh sách %d hồ sơ quá hạn lâu nhất:"
                % (data.totals.in_progress_overdue, len(overdue)),
            ),
            _pdf_table(table, [0.3, 0.4, 0.18, 0.12]),
        ]
    else:
        body.append(pdf.Para("Không có hồ sơ đang quá hạn."))
    rows = indicators.indicator_table(indicators.Period(PeriodType.MONTH, month.year, month.month))
    if rows:
        title = "VI. CHỈ TIÊU KINH TẾ - XÃ HỘI THÁNG %02d/%d" % (month.month, month.year)
        table = presenters.indicators_table(rows, title=title)
        keep = [0, 1, 2, 5, 6]
        table.columns = [table.columns[i] for i in keep]
        table.rows = [[r[i] for i in keep] for r in table.rows]
        body += [pdf.Heading(title), _pdf_table(table, [0.36, 0.12, 0.18, 0.18, 0.16])]
        if any(r.value.is_demo for r in rows):
            body.append(
                pdf.Para(
                    "Ghi chú: số liệu minh hoạ, không phải số liệu chính thức.",
                    italic=True,
                    size=11,
                )
            )
    signer = actor.get_full_name() if getattr(actor, "is_authenticated", False) else ""
    return pdf.render_form(
        header_left=["UBND %s" % province.upper(), scope.label.upper()],
        number_line="Số:        /BC-%s"
        % ("UBND" if scope.agency is None else scope.agency.abbreviation),
        place_date_line=pdf.vn_place_date(timezone.localdate(), "Hậu Giang"),
        title="BÁO CÁO",
        subtitle="Tình hình giải quyết thủ tục hành chính tháng %02d/%d"
        % (month.month, month.year),
        body=body,
        signatures=[pdf.Signature("NGƯỜI LẬP BÁO CÁO", signer, "(Ký, ghi rõ họ tên)")],
        footer="Báo cáo tạo tự động lúc %s từ hệ thống Công Số."
        % timezone.localtime().strftime("%H:%M %d/%m/%Y"),
        document_title="Báo cáo tháng %02d/%d" % (month.month, month.year),
    )


def _without_rule(table: Table) -> Table:
    table.columns = table.columns[:4]
    table.rows = [row[:4] for row in table.rows]
    if table.footer:
        table.footer = table.footer[:4]
    return table
