"""Reads of the socio-economic indicators: reporting periods, tables and series.

Comparisons (growth against the same period last year, share of the plan) are computed by
:class:`~congso.dashboard.models.IndicatorValue`; nothing here stores a percentage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from congso.core.exceptions import ApplicationError
from congso.dashboard.models import (
    PERIOD_MAX,
    Indicator,
    IndicatorValue,
    PeriodType,
    period_label,
)

#: Last month of a period: month n → n, quarter n → 3n, half n → 6n, year → 12.
_MONTHS_PER = {PeriodType.MONTH: 1, PeriodType.QUARTER: 3, PeriodType.HALF: 6, PeriodType.YEAR: 12}
#: Among periods ending in the same month the longer one is shown first.
_LENGTH_RANK = {PeriodType.YEAR: 0, PeriodType.HALF: 1, PeriodType.QUARTER: 2, PeriodType.MONTH: 3}


@dataclass(frozen=True)
class Period:
    """A reporting period (kỳ báo cáo): month, quarter, half-year or year."""

    period_type: str
    year: int
    number: int = 1

    @property
    def label(self) -> str:
        return period_label(self.period_type, self.year, self.number)

    @property
    def key(self) -> str:
        """Query-string form: 2021, 2021-06, 2021-Q2, 2021-H1."""
        if self.period_type == PeriodType.MONTH:
            return "%d-%02d" % (self.year, self.number)
        if self.period_type == PeriodType.QUARTER:
            return "%d-Q%d" % (self.year, self.number)
        if self.period_type == PeriodType.HALF:
            return "%d-H%d" % (self.year, self.number)
        return str(self.year)

    @property
    def end_month(self) -> int:
        return self.year * 12 + self.number * _MONTHS_PER[PeriodType(self.period_type)]


_PATTERNS = [
    (re.compile(r"^(\d{4})$"), PeriodType.YEAR, None),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), PeriodType.MONTH, "yn"),
    (re.compile(r"^(\d{1,2})/(\d{4})$"), PeriodType.MONTH, "ny"),
    (re.compile(r"^(\d{4})-[Qq]([1-4])$"), PeriodType.QUARTER, "yn"),
    (re.compile(r"^[Qq]([1-4])[-/](\d{4})$"), PeriodType.QUARTER, "ny"),
    (re.compile(r"^(\d{4})-[Hh]([12])$"), PeriodType.HALF, "yn"),
    (re.compile(r"^[Hh]([12])[-/](\d{4})$"), PeriodType.HALF, "ny"),
]


def parse_period(text: str) -> Period:
    """Parse ``2021``, ``2021-06`` or ``06/2021``, ``2021-Q2`` or ``Q2/2021``, ``2021-H1``.

    Raises :class:`ApplicationError` with a Vietnamese message on anything else.
    """
    text = (text or "").strip()
    for pattern, kind, order in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        if order is None:
            return Period(kind, int(match.group(1)), 1)
        a, b = int(match.group(1)), int(match.group(2))
        year, number = (a, b) if order == "yn" else (b, a)
        if 1 <= number <= PERIOD_MAX[kind] and 1990 <= year <= 2100:
            return Period(kind, year, number)
    raise ApplicationError(
        "Kỳ báo cáo không hợp lệ: %r. Dùng dạng 2021, 2021-06 (tháng), 2021-Q2 (quý) hoặc "
        "2021-H1 (6 tháng)." % text,
        {"fields": {"period": ["Kỳ báo cáo không hợp lệ."]}},
    )


def periods_available() -> list[Period]:
    """Every period that has figures, latest first (longer periods first among equals)."""
    rows = IndicatorValue.objects.values_list("period_type", "year", "number").distinct()
    periods = {Period(t, y, n) for t, y, n in rows}
    return sorted(periods, key=lambda p: (-p.end_month, _LENGTH_RANK[PeriodType(p.period_type)]))


def default_period() -> Period | None:
    periods = periods_available()
    return periods[0] if periods else None


@dataclass
class IndicatorRow:
    """One line of the indicators table: the figure and its computed comparisons."""

    indicator: Indicator
    value: IndicatorValue

    @property
    def level(self) -> int:
        return 1 if self.indicator.parent_id else 0

    @property
    def growth_pct(self) -> Decimal | None:
        return self.value.growth_pct

    @property
    def plan_pct(self) -> Decimal | None:
        return self.value.plan_pct


def indicator_table(period: Period) -> list[IndicatorRow]:
    """The figures of ``period``, parents before their children, in display order."""
    values = list(
        IndicatorValue.objects.for_period(period.period_type, period.year, period.number)
        .select_related("indicator", "indicator__parent")
        .order_by("indicator__order", "indicator__name")
    )
    rows = [IndicatorRow(v.indicator, v) for v in values]
    by_parent: dict[int | None, list[IndicatorRow]] = {}
    for row in rows:
        by_parent.setdefault(row.indicator.parent_id, []).append(row)
    present = {row.indicator.pk for row in rows}
    ordered: list[IndicatorRow] = []

    def walk(parent_id: int | None) -> None:
        for row in by_parent.get(parent_id, []):
            ordered.append(row)
            walk(row.indicator.pk)

    walk(None)
    # Children whose parent has no figure in this period still appear, after the rest.
    for row in rows:
        if row.indicator.parent_id is not None and row.indicator.parent_id not in present:
            ordered.append(row)
    return ordered


def indicator_series(indicator: Indicator, period_type: str, year: int) -> list[IndicatorValue]:
    """The figures of ``indicator`` for every ``period_type`` period of ``year`` in order."""
    return list(
        IndicatorValue.objects.filter(
            indicator=indicator, period_type=period_type, year=year
        ).order_by("number")
    )


def series_for_period(period: Period) -> list[tuple[Indicator, str, list[IndicatorValue]]]:
    """Monthly (or else quarterly) series of the indicators within ``period``'s year.

    Used for the trend charts: for each indicator with at least two sub-period figures in the
    year, the finest series available.
    """
    result: list[tuple[Indicator, str, list[IndicatorValue]]] = []
    rows = (
        IndicatorValue.objects.filter(
            year=period.year, period_type__in=[PeriodType.MONTH, PeriodType.QUARTER]
        )
        .select_related("indicator")
        .order_by("indicator__order", "period_type", "number")
    )
    grouped: dict[tuple[int, str], list[IndicatorValue]] = {}
    for row in rows:
        if period.period_type != PeriodType.YEAR:
            last = period.number * _MONTHS_PER[PeriodType(period.period_type)]
            if row.number * _MONTHS_PER[PeriodType(row.period_type)] > last:
                continue
        grouped.setdefault((row.indicator_id, row.period_type), []).append(row)
    seen: set[int] = set()
    for kind in (PeriodType.MONTH, PeriodType.QUARTER):
        for (indicator_id, period_type), values in grouped.items():
            if period_type != kind or indicator_id in seen or len(values) < 2:
                continue
            seen.add(indicator_id)
            result.append((values[0].indicator, period_type, values))
    result.sort(key=lambda item: (item[0].order, item[0].name))
    return result
