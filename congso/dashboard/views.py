"""Dashboard pages: leaders' dashboard, indicators, overdue list, monthly report, public stats.

Views only parse the query string, call selectors/KPI functions and render; every table of a
page is exported with ``?format=xlsx`` (optionally ``&table=<id>``) from the same objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from congso.core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from congso.dashboard import indicators, kpis, presenters, report, selectors
from congso.dashboard.tables import Table, xlsx_response


def leader_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous users go to the login page; officers without the leader/admin role get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not selectors.can_view_dashboard(request.user):
            raise PermissionDenied("Chỉ lãnh đạo và quản trị viên được xem trang điều hành.")
        return view(request, *args, **kwargs)

    return wrapper


def _export(
    request: HttpRequest, tables: list[Table], filename: str, heading: str
) -> HttpResponse | None:
    if request.GET.get("format") != "xlsx":
        return None
    wanted = request.GET.get("table")
    if wanted:
        tables = [t for t in tables if t.id == wanted]
        if not tables:
            raise Http404("Không có bảng này.")
    return xlsx_response(tables, filename, heading=heading)


def _scope_and_period(request: HttpRequest) -> tuple[selectors.Scope, dt.date, dt.date, list[str]]:
    errors: list[str] = []
    try:
        scope = selectors.dashboard_scope_for(
            actor=request.user, agency_slug=request.GET.get("agency") or None
        )
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    try:
        start, end = selectors.resolve_period(request.GET.get("from"), request.GET.get("to"))
    except ApplicationError as exc:
        errors.append(exc.message)
        start, end = selectors.resolve_period(None, None)
    return scope, start, end, errors


def _quick_periods(today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    month_start = today.replace(day=1)
    quarter_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    last_month_end = month_start - dt.timedelta(days=1)
    return [
        ("Tháng này", month_start, today),
        ("Tháng trước", last_month_end.replace(day=1), last_month_end),
        ("Quý này", quarter_start, today),
        ("Năm nay", dt.date(today.year, 1, 1), today),
        ("Năm trước", dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)),
    ]


def _query(scope: selectors.Scope, start: dt.date, end: dt.date, **extra: str) -> str:
    params = {"from": start.strftime("%d/%m/%Y"), "to": end.strftime("%d/%m/%Y")}
    if scope.slug:
        params["agency"] = scope.slug
    params.update(extra)
    return urlencode(params)


@leader_required
def dashboard(request: HttpRequest) -> HttpResponse:
    scope, start, end, errors = _scope_and_period(request)
    agency_ids = scope.agency_ids
    data = kpis.compute_kpis(start=start, end=end, agency_ids=agency_ids)
    months = kpis.monthly_trend(start=start, end=end, agency_ids=agency_ids)
    rank_rows = selectors.ranking(data, scope)
    base_query = {"from": start.strftime("%d/%m/%Y"), "to": end.strftime("%d/%m/%Y")}
    overdue_qs = selectors.overdue_list(scope)
    overdue_top = list(overdue_qs[:10])
    tables = [
        presenters.counts_table(data),
        presenters.rates_table(data),
        presenters.scores_table(data),
        presenters.ranking_table(rank_rows, link_base=request.path, query=base_query),
        presenters.trend_table(months),
        presenters.overdue_table(overdue_top, title="Hồ sơ quá hạn lâu nhất (10 hồ sơ)"),
    ]
    heading = "%s, từ %s đến %s" % (
        scope.label,
        start.strftime("%d/%m/%Y"),
        end.strftime("%d/%m/%Y"),
    )
    exported = _export(request, tables, "dieu-hanh-%s-%s" % (start, end), heading)
    if exported:
        return exported
    c = data.totals
    context = {
        "scope": scope,
        "start": start,
        "end": end,
        "errors": errors,
        "report": data,
        "counts": c,
        "rates": data.rates(),
        "tables": {t.id.replace("-", "_"): t for t in tables},
        "charts": [
            presenters.trend_chart(months),
            presenters.ranking_chart(rank_rows),
            presenters.scores_chart(data),
        ],
        "overdue_total": c.in_progress_overdue,
        "quick_periods": [
            (label, "?" + _query(scope, a, b))
            for label, a, b in _quick_periods(timezone.localdate())
        ],
        "query": _query(scope, start, end),
        "heading": heading,
    }
    return render(request, "dashboard/dashboard.html", context)


@leader_required
def overdue(request: HttpRequest) -> HttpResponse:
    scope, start, end, errors = _scope_and_period(request)
    qs = selectors.overdue_list(scope)
    if request.GET.get("format") == "xlsx":
        table = presenters.overdue_table(list(qs[:5000]))
        return xlsx_response([table], "ho-so-qua-han", heading=scope.label)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    table = presenters.overdue_table(list(page.object_list))
    return render(
        request,
        "dashboard/overdue.html",
        {
            "scope": scope,
            "page": page,
            "table": table,
            "errors": errors,
            "query": _query(scope, start, end),
            "agency_query": urlencode({"agency": scope.slug}) if scope.slug else "",
        },
    )


@leader_required
def indicators_page(request: HttpRequest) -> HttpResponse:
    periods = indicators.periods_available()
    errors: list[str] = []
    period = indicators.default_period()
    if request.GET.get("period"):
        try:
            period = indicators.parse_period(request.GET["period"])
        except ApplicationError as exc:
            errors.append(exc.message)
    rows = indicators.indicator_table(period) if period else []
    title = "Chỉ tiêu kinh tế - xã hội %s" % (period.label.lower() if period else "")
    table = presenters.indicators_table(rows, title=title.strip())
    exported = _export(request, [table], "chi-tieu-%s" % (period.key if period else "trong"), title)
    if exported:
        return exported
    series = indicators.series_for_period(period) if period else []
    charts = [presenters.indicator_chart(ind, kind, values) for ind, kind, values in series]
    return render(
        request,
        "dashboard/indicators.html",
        {
            "period": period,
            "periods": periods,
            "rows": rows,
            "table": table,
            "charts": charts,
            "has_demo": any(r.value.is_demo for r in rows)
            or any(v.is_demo for _, _, vs in series for v in vs),
            "errors": errors,
            "period_query": urlencode({"period": period.key}) if period else "",
        },
    )


@leader_required
def monthly_report(request: HttpRequest) -> HttpResponse:
    """The monthly report (báo cáo tháng) as PDF: ``?thang=MM/YYYY`` (default last month)."""
    try:
        scope = selectors.dashboard_scope_for(
            actor=request.user, agency_slug=request.GET.get("agency") or None
        )
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    try:
        month = report.parse_month(request.GET.get("thang"))
    except ApplicationError as exc:
        return render(request, "dashboard/error.html", {"message": exc.message}, status=400)
    data = report.render_monthly_report(scope=scope, month=month, actor=request.user)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="bao-cao-thang-%02d-%d.pdf"' % (
        month.month,
        month.year,
    )
    return response


def public_statistics(request: HttpRequest) -> HttpResponse:
    """On-time rates per agency, as the national portal publishes them (no personal data)."""
    today = timezone.localdate()
    errors: list[str] = []
    try:
        year = int(request.GET.get("nam") or today.year)
        month = int(request.GET.get("thang") or 0)
        if not (2000 <= year <= today.year + 1 and 0 <= month <= 12):
            raise ValueError
    except ValueError:
        errors.append("Năm hoặc tháng không hợp lệ; đang hiển thị năm nay.")
        year, month = today.year, 0
    if month:
        start = dt.date(year, month, 1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    else:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    end = min(end, today) if start <= today else end
    data = kpis.compute_kpis(start=start, end=end, agency_ids=None)
    rows = [selectors.AgencyRow(agency, counts) for agency, counts in _public_rows(data)]
    table = presenters.ranking_table(rows)
    table.title = "Tình hình giải quyết hồ sơ theo cơ quan"
    chart = presenters.ranking_chart(rows)
    heading = "Từ %s đến %s" % (start.strftime("%d/%m/%Y"), end.strftime("%d/%m/%Y"))
    exported = _export(request, [table], "thong-ke-%s-%s" % (start, end), heading)
    if exported:
        return exported
    return render(
        request,
        "dashboard/public_statistics.html",
        {
            "counts": data.totals,
            "rates": data.rates(),
            "report": data,
            "table": table,
            "chart": chart,
            "year": year,
            "month": month,
            "years": list(range(today.year, today.year - 6, -1)),
            "months": list(range(1, 13)),
            "heading": heading,
            "errors": errors,
            "public_query": urlencode({"nam": year, **({"thang": month} if month else {})}),
        },
    )


def _public_rows(data: kpis.KpiReport) -> list[tuple[Any, kpis.Counts]]:
    from congso.agencies.models import Agency

    paths = dict(Agency.objects.filter(pk__in=list(data.by_agency)).values_list("pk", "path"))
    rows = []
    for agency in selectors.public_agencies():
        total = kpis.Counts()
        for agency_id, counts in data.by_agency.items():
            if paths.get(agency_id, "").startswith(agency.path):
                total = total + counts
        rows.append((agency, total))
    return rows
