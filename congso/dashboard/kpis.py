"""Service KPIs of the one-stop desks — every definition in one place.

Legal basis: Decision 766/QĐ-TTg of 23/6/2022 (index of direction, management and quality of
service to citizens and businesses in administrative procedures and public services, real-time,
online); Decree 118/2025/NĐ-CP (one-stop mechanism: supplement time is not counted in the
processing time); see shared/research/vn-egov-rules.md §4 and shared/domain/rules.md "KPIs".

**Period and scope.** Every KPI is computed for a period ``[start, end)`` of whole local days
(Asia/Ho_Chi_Minh) and a scope: the dossiers whose *handling* agency (``Dossier.agency``, the
competent agency answerable for the deadline) lies in the sub-tree of one or more agencies.

* A dossier is **received** in the period when ``received_at`` falls in it.
* A dossier is **resolved** in the period when it has a decision (approved, rejected, or its
  result returned) and ``finished_at`` falls in it. A withdrawal is not a resolution; withdrawals
  are counted on their own.
* A dossier is **in progress** at the cut-off ``min(end, now)`` when it was received before the
  cut-off and neither decided nor withdrawn by then.

**On time** (Decision 766, indicator 2.1): a resolved dossier is on time when ``finished_at <=
due_at`` and it was sent back for supplement at most once. ``due_at`` already excludes the time
spent waiting for the applicant's supplement (the dossier services move it later by the paused
working hours), so no further subtraction is needed; a dossier sent back for supplement more than
once counts as late whatever its dates.

**Aggregation.** Every count comes from one conditional-aggregate pass grouped by handling agency
over the dossiers and their ratings (see :func:`_counts_and_hours`); the same pass sums
``Dossier.working_hours_used`` — the working hours from receipt to decision minus the time paused
for supplement, stored by the dossier services at the decision — for the average processing time.
Resolved dossiers without the stored value (rows written before it existed) are computed by
:func:`_processing_hours` with a second, much smaller query. Per-agency rows are summed for the
totals, so totals and the ranking always agree.

**Cache.** Results are cached in Django's cache under a key made of the parameters, a version
counter and ``Max(Dossier.id)`` (an index-only lookup, so a new dossier is visible at once). The
dossier services must call :func:`invalidate_kpi_cache` (on commit) after any change of state,
dates, payment, result or rating; independent of that hook an entry lives at most
``KPI_CACHE_SECONDS`` (default 300 s, 60 s when the period includes today because "overdue"
moves with the clock).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    CharField,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Greatest, Least, TruncMonth
from django.utils import timezone

from congso.catalog.models import Procedure
from congso.core import cache_versions, workdays
from congso.dossiers.constants import Channel, PaymentMethod, Status
from congso.dossiers.models import Dossier

RESOLVED_STATUSES = (Status.APPROVED, Status.REJECTED, Status.RETURNED)
CACHE_PREFIX = "dashboard:kpi"
DAY_SECONDS = 86400


# ====================================================================== the counts
@dataclass
class Counts:
    """Additive counts behind every KPI (summing two ``Counts`` sums every field)."""

    received: int = 0
    received_online: int = 0
    #: Dossiers of procedures offered fully online (toàn trình, Decree 42/2022).
    received_full_procedure: int = 0
    received_full_online: int = 0
    received_fee: int = 0
    received_fee_paid_online: int = 0
    received_supplemented: int = 0
    resolved: int = 0
    resolved_on_time: int = 0
    rejected: int = 0
    resolved_with_result: int = 0
    resolved_digitised: int = 0
    in_progress: int = 0
    in_progress_overdue: int = 0
    #: In progress and late under Decision 766 (overdue, or sent back for supplement > once).
    in_progress_late_766: int = 0
    withdrawn: int = 0
    ratings: int = 0
    ratings_satisfied: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    @property
    def resolved_late(self) -> int:
        return self.resolved - self.resolved_on_time

    @property
    def in_progress_on_time(self) -> int:
        return self.in_progress - self.in_progress_overdue


def _ratio(numerator: int | float, denominator: int | float) -> float | None:
    return None if not denominator else numerator / denominator


# ====================================================================== KPI definitions
def on_time_rate(c: Counts) -> float | None:
    """Tỷ lệ giải quyết đúng hạn = resolved on time / resolved.

    Decision 766, group "Tiến độ giải quyết", indicator 2.1 (for resolved dossiers); time waiting
    for a supplement excluded (Decree 118/2025); more than one supplement request ⇒ late.
    """
    return _ratio(c.resolved_on_time, c.resolved)


def online_rate(c: Counts) -> float | None:
    """Tỷ lệ hồ sơ trực tuyến = dossiers received online / dossiers received.

    Decision 766, indicator 3.3 (tỷ lệ hồ sơ trực tuyến), channel "online" (KenhThucHien = 2).
    """
    return _ratio(c.received_online, c.received)


def fully_online_rate(c: Counts) -> float | None:
    """Tỷ lệ hồ sơ trực tuyến toàn trình = online dossiers of fully-online procedures / dossiers
    received of those procedures.

    Decree 42/2022/NĐ-CP defines "toàn trình" services; provincial targets (e.g. ≥ 70 %) are set on
    this share. Procedures offered only partly online are outside both numerator and denominator.
    """
    return _ratio(c.received_full_online, c.received_full_procedure)


def online_payment_rate(c: Counts) -> float | None:
    """Tỷ lệ thanh toán trực tuyến = fee-bearing dossiers paid online / fee-bearing dossiers.

    Decision 766, indicator 3.6: dossiers paid online over dossiers of procedures with a non-zero
    fee (``fee_amount > 0``); counted over dossiers received in the period.
    """
    return _ratio(c.received_fee_paid_online, c.received_fee)


def digitised_results_rate(c: Counts) -> float | None:
    """Tỷ lệ kết quả điện tử (số hoá kết quả) = results issued electronically / results issued.

    Decision 766, indicators 4.1–4.2: over dossiers resolved in the period with a result
    (approved or returned; a refusal has no result), those whose result is digitised.
    """
    return _ratio(c.resolved_digitised, c.resolved_with_result)


def satisfaction_rate(c: Counts) -> float | None:
    """Tỷ lệ hài lòng = satisfied ratings / ratings, over ratings given in the period.

    A rating is satisfied when its overall score is 4 or 5 of 5 (``Rating.satisfied``); Decision
    766 group "Mức độ hài lòng".
    """
    return _ratio(c.ratings_satisfied, c.ratings)


def supplement_rate(c: Counts) -> float | None:
    """Tỷ lệ hồ sơ phải bổ sung = dossiers received in the period with at least one supplement
    request / dossiers received."""
    return _ratio(c.received_supplemented, c.received)


def rejection_rate(c: Counts) -> float | None:
    """Tỷ lệ từ chối = dossiers refused (rejected) / dossiers resolved in the period."""
    return _ratio(c.rejected, c.resolved)


def progress_rate_766(c: Counts) -> float | None:
    """Decision 766 indicator 2.1 as the index computes it: dossiers processed *or being
    processed* on time / dossiers processed or being processed, an open dossier being judged at
    the end of the period. Late in progress = past its deadline, or sent back for supplement
    more than once."""
    on_time = c.resolved_on_time + c.in_progress - c.in_progress_late_766
    return _ratio(on_time, c.resolved + c.in_progress)


def satisfaction_766(c: Counts) -> float | None:
    """Decision 766 indicator 5.4: 100 % − (late-dossier rate + dissatisfied-rating rate).

    Late-dossier rate = resolved late / resolved; dissatisfied rate = ratings below 4 / ratings.
    """
    late = _ratio(c.resolved_late, c.resolved)
    unhappy = _ratio(c.ratings - c.ratings_satisfied, c.ratings)
    if late is None and unhappy is None:
        return None
    return max(0.0, 1.0 - (late or 0.0) - (unhappy or 0.0))


@dataclass(frozen=True)
class KpiDef:
    key: str
    label: str
    func: Callable[[Counts], float | None]
    numerator: str
    denominator: str


#: The rate KPIs in display order, with the counts they divide (for the API and the tables).
RATE_KPIS: list[KpiDef] = [
    KpiDef(
        "on_time_rate", "Tỷ lệ giải quyết đúng hạn", on_time_rate, "resolved_on_time", "resolved"
    ),
    KpiDef("online_rate", "Tỷ lệ hồ sơ trực tuyến", online_rate, "received_online", "received"),
    KpiDef(
        "fully_online_rate",
        "Tỷ lệ trực tuyến (thủ tục toàn trình)",
        fully_online_rate,
        "received_full_online",
        "received_full_procedure",
    ),
    KpiDef(
        "online_payment_rate",
        "Tỷ lệ thanh toán trực tuyến",
        online_payment_rate,
        "received_fee_paid_online",
        "received_fee",
    ),
    KpiDef(
        "digitised_results_rate",
        "Tỷ lệ kết quả điện tử",
        digitised_results_rate,
        "resolved_digitised",
        "resolved_with_result",
    ),
    KpiDef(
        "satisfaction_rate", "Tỷ lệ hài lòng", satisfaction_rate, "ratings_satisfied", "ratings"
    ),
    KpiDef(
        "supplement_rate",
        "Tỷ lệ hồ sơ phải bổ sung",
        supplement_rate,
        "received_supplemented",
        "received",
    ),
    KpiDef("rejection_rate", "Tỷ lệ từ chối giải quyết", rejection_rate, "rejected", "resolved"),
]

#: Count labels (Vietnamese) for tables, exports and the API.
COUNT_LABELS: dict[str, str] = {
    "received": "Tiếp nhận",
    "received_online": "Tiếp nhận trực tuyến",
    "received_full_procedure": "Tiếp nhận (thủ tục toàn trình)",
    "received_full_online": "Trực tuyến (thủ tục toàn trình)",
    "received_fee": "Có phí, lệ phí",
    "received_fee_paid_online": "Nộp phí trực tuyến",
    "received_supplemented": "Phải bổ sung",
    "resolved": "Đã giải quyết",
    "resolved_on_time": "Giải quyết đúng hạn",
    "resolved_late": "Giải quyết quá hạn",
    "rejected": "Từ chối giải quyết",
    "resolved_with_result": "Có kết quả",
    "resolved_digitised": "Kết quả điện tử",
    "in_progress": "Đang giải quyết",
    "in_progress_on_time": "Đang giải quyết trong hạn",
    "in_progress_overdue": "Đang giải quyết quá hạn",
    "in_progress_late_766": "Đang giải quyết trễ (QĐ 766)",
    "withdrawn": "Rút hồ sơ",
    "ratings": "Lượt đánh giá",
    "ratings_satisfied": "Đánh giá hài lòng",
}


# ====================================================================== Decision 766 scores
@dataclass(frozen=True)
class ScoreDef:
    key: str
    label: str
    max_points: int
    #: The rate scored (None: not computable from our data).
    rate: Callable[[Counts], float | None] | None
    #: Rate at and above which the group earns full points (Decision 766's thresholds).
    full_at: float
    rule: str


#: Decision 766's six groups and their maximum points (18/20/12/10/18/22 = 100).
SCORES_766: list[ScoreDef] = [
    ScoreDef(
        "transparency",
        "Công khai, minh bạch",
        18,
        None,
        1.0,
        "Không tính được từ dữ liệu hồ sơ: cần dữ liệu công bố, công khai thủ tục (chỉ số 1.1–1.4).",
    ),
    ScoreDef(
        "progress",
        "Tiến độ giải quyết",
        20,
        progress_rate_766,
        1.0,
        "Chỉ số 2.1: hồ sơ đã và đang xử lý đúng hạn / hồ sơ đã và đang xử lý; điểm = tỷ lệ × 20.",
    ),
    ScoreDef(
        "online_service",
        "Dịch vụ công trực tuyến",
        12,
        online_rate,
        0.5,
        "Chỉ số 3.3: tỷ lệ hồ sơ trực tuyến; đủ điểm khi ≥ 50 %, dưới đó điểm = tỷ lệ × 12 / 50 %. "
        "Các chỉ số 3.1, 3.2 (về thủ tục) không tính ở đây.",
    ),
    ScoreDef(
        "online_payment",
        "Thanh toán trực tuyến",
        10,
        online_payment_rate,
        1.0,
        "Chỉ số 3.6: hồ sơ nộp phí trực tuyến / hồ sơ có phí; điểm = tỷ lệ × 10.",
    ),
    ScoreDef(
        "satisfaction",
        "Mức độ hài lòng",
        18,
        satisfaction_766,
        0.9,
        "Chỉ số 5.4: 100 % − (tỷ lệ trễ hạn + tỷ lệ không hài lòng); đủ điểm khi ≥ 90 %.",
    ),
    ScoreDef(
        "digitisation",
        "Số hoá hồ sơ",
        22,
        digitised_results_rate,
        0.8,
        "Chỉ số 4.1–4.2: tỷ lệ kết quả điện tử; đủ điểm khi ≥ 80 %, dưới đó điểm = tỷ lệ × 22 / 80 %.",
    ),
]


@dataclass
class Score:
    key: str
    label: str
    max_points: int
    rate: float | None
    points: float | None
    rule: str


def scores_766(c: Counts) -> list[Score]:
    """Points of each Decision 766 group; ``points`` is None when not computable."""
    result = []
    for d in SCORES_766:
        rate = d.rate(c) if d.rate else None
        points = None if rate is None else d.max_points * min(1.0, rate / d.full_at)
        result.append(Score(d.key, d.label, d.max_points, rate, points, d.rule))
    return result


# ====================================================================== the report
@dataclass
class KpiReport:
    """KPIs of one period and scope, with the per-agency breakdown."""

    start: dt.date
    end: dt.date  # inclusive last day
    cutoff: dt.datetime
    totals: Counts
    by_agency: dict[int, Counts] = field(default_factory=dict)
    #: Sum over resolved dossiers of the working hours between receipt and decision, minus the
    #: hours paused for supplement (``Dossier.working_hours_used``); None when nothing was
    #: resolved.
    processing_hours: float | None = None
    hours_per_day: float = 8.0
    computed_at: dt.datetime = field(default_factory=timezone.now)

    @property
    def avg_processing_days(self) -> float | None:
        """Thời gian giải quyết trung bình (ngày làm việc) = Σ (working hours from receipt to
        decision − hours waiting for supplement) / resolved / office hours per day.

        Decision 766 indicator 2.2 (average processing time); working time per
        :func:`congso.core.workdays.working_days_between`. The hours are those the dossier
        services store at the decision (``Dossier.working_hours_used``, counted in the handling
        agency's office hours when it has its own); the day length is ``OFFICE_HOURS``'.
        """
        if self.processing_hours is None or not self.totals.resolved:
            return None
        return self.processing_hours / self.totals.resolved / self.hours_per_day

    def rates(self, counts: Counts | None = None) -> dict[str, float | None]:
        c = counts or self.totals
        return {k.key: k.func(c) for k in RATE_KPIS}

    def scores(self) -> list[Score]:
        return scores_766(self.totals)

    def as_dict(self) -> dict[str, Any]:
        c = self.totals
        counts = asdict(c)
        counts.update(resolved_late=c.resolved_late, in_progress_on_time=c.in_progress_on_time)
        return {
            "counts": counts,
            "rates": self.rates(),
            "avg_processing_days": self.avg_processing_days,
            "scores": [asdict(s) for s in self.scores()],
        }


# ====================================================================== scope and period
def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Aware datetimes ``[start 00:00, (end + 1 day) 00:00)`` in the local time zone."""
    zone = workdays.tz()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return lo, hi


def _scoped(agency_ids: Iterable[int] | None) -> QuerySet[Dossier]:
    qs = Dossier.objects.all()
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=list(agency_ids))
    return qs


def _in_progress_q(cutoff: dt.datetime) -> Q:
    return (
        Q(received_at__lt=cutoff)
        & (Q(finished_at__isnull=True) | Q(finished_at__gte=cutoff))
        & (Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=cutoff))
    )


def _overdue_q(cutoff: dt.datetime) -> Q:
    """Past the deadline at ``cutoff``; a dossier paused for supplement before its deadline is
    not (its clock is stopped) — the rule of ``Dossier.is_late_at``."""
    return Q(due_at__lt=cutoff) & ~Q(paused_at__isnull=False, paused_at__lte=F("due_at"))


def overdue_dossiers(agency_ids: Iterable[int] | None, now: dt.datetime) -> QuerySet[Dossier]:
    """Dossiers in progress now and past their deadline (the drill-down list)."""
    return _scoped(agency_ids).filter(_in_progress_q(now)).filter(_overdue_q(now))


def _counts_by_agency(
    agency_ids: list[int] | None, lo: dt.datetime, hi: dt.datetime, cutoff: dt.datetime
) -> dict[int, Counts]:
    """Every count of every handling agency (see :func:`_counts_and_hours`)."""
    return _counts_and_hours(agency_ids, lo, hi, cutoff)[0]


def _counts_and_hours(
    agency_ids: list[int] | None, lo: dt.datetime, hi: dt.datetime, cutoff: dt.datetime
) -> tuple[dict[int, Counts], float | None, int]:
    """Every count of every handling agency in ONE pass over the dossiers and their ratings,
    with the processing hours of the resolved dossiers.

    Returns ``(counts by agency, Σ working_hours_used over the resolved dossiers — None when
    none has it, number of resolved dossiers received but without the stored value)``.

    The WHERE clause is the union of the rows any count needs — received in the period, decided
    in the period, not decided by the cut-off (``finished_at`` null or later), or rated in the
    period; each count then keeps its own rows with ``COUNT(*) FILTER (WHERE …)`` and the
    groups are the handling agencies only, which lets PostgreSQL aggregate in parallel workers.
    (Grouping by the conditions instead evaluates each once but, with a million estimated
    groups, runs in one process: less CPU, more wall time on two cores. The ratings in a query
    of their own cost a second scan of the dossiers for the join.)
    """
    received = Q(received_at__gte=lo, received_at__lt=hi)
    resolved = Q(status__in=RESOLVED_STATUSES, finished_at__gte=lo, finished_at__lt=hi)
    withdrawn = Q(withdrawn_at__gte=lo, withdrawn_at__lt=hi, received_at__isnull=False)
    progress = _in_progress_q(cutoff)
    overdue = _overdue_q(cutoff)
    online = Q(channel=Channel.ONLINE)
    # The ids of fully-online procedures instead of a join: the catalog is small and the
    # hashed IN list is cheaper per row than joining every dossier to its procedure.
    full_ids = list(
        Procedure.objects.filter(online_level=Procedure.OnlineLevel.FULL).values_list(
            "id", flat=True
        )
    )
    full = Q(procedure_id__in=full_ids or [0])
    fee = Q(fee_amount__gt=0)
    rated = Q(rating__rated_at__gte=lo, rating__rated_at__lt=hi)
    rows = (
        _scoped(agency_ids)
        .filter(
            Q(received_at__gte=lo, received_at__lt=hi)
            | Q(finished_at__gte=lo, finished_at__lt=hi)
            | Q(finished_at__isnull=True)
            | Q(finished_at__gte=cutoff)
            | rated
        )
        .order_by()
        .values("agency_id")
        .annotate(
            received=Count("id", filter=received),
            received_online=Count("id", filter=received & online),
            received_full_procedure=Count("id", filter=received & full),
            received_full_online=Count("id", filter=received & full & online),
            received_fee=Count("id", filter=received & fee),
            received_fee_paid_online=Count(
                "id",
                filter=received
                & fee
                & Q(payment_method=PaymentMethod.ONLINE, paid_at__isnull=False),
            ),
            received_supplemented=Count("id", filter=received & Q(supplement_count__gte=1)),
            resolved=Count("id", filter=resolved),
            resolved_on_time=Count(
                "id", filter=resolved & Q(finished_at__lte=F("due_at"), supplement_count__lte=1)
            ),
            rejected=Count("id", filter=resolved & Q(status=Status.REJECTED)),
            resolved_with_result=Count("id", filter=resolved & ~Q(status=Status.REJECTED)),
            resolved_digitised=Count(
                "id", filter=resolved & ~Q(status=Status.REJECTED) & Q(result_digitised=True)
            ),
            in_progress=Count("id", filter=progress),
            in_progress_overdue=Count("id", filter=progress & overdue),
            in_progress_late_766=Count(
                "id", filter=progress & (overdue | Q(supplement_count__gt=1))
            ),
            withdrawn=Count("id", filter=withdrawn),
            ratings=Count("id", filter=rated),
            ratings_satisfied=Count("id", filter=rated & Q(rating__satisfied=True)),
            # The average processing time: the hours stored at the decision (NULLs are skipped
            # by SUM), and how many resolved dossiers lack them (computed separately).
            _hours=Sum("working_hours_used", filter=resolved),
            _unstored=Count(
                "id",
                filter=resolved & Q(working_hours_used__isnull=True, received_at__isnull=False),
            ),
        )
    )
    result: dict[int, Counts] = {}
    hours: float | None = None
    unstored = 0
    for row in rows:
        values: dict[str, Any] = dict(row)
        agency_id = values.pop("agency_id")
        agency_hours = values.pop("_hours")
        if agency_hours is not None:
            hours = (hours or 0.0) + agency_hours
        unstored += values.pop("_unstored") or 0
        result[agency_id] = Counts(**{k: v or 0 for k, v in values.items()})
    return {k: v for k, v in result.items() if v != Counts()}, hours, unstored


# ====================================================================== processing time
class _LocalSeconds(Func):
    """Seconds since 1970-01-01 00:00 *local* time of a datetime column (fixed UTC offset).

    The offset is written into the SQL as an integer literal, not a parameter, so that the same
    expression in SELECT and GROUP BY is textually identical (server-side binding would make
    them two different parameters).
    """

    output_field = FloatField()

    def __init__(self, expression: Any, offset_seconds: int) -> None:
        super().__init__(expression)
        self.offset_seconds = int(offset_seconds)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        # date_part() returns double precision; EXTRACT() returns numeric since PostgreSQL 14,
        # several times slower per row.
        return self._sql(compiler, "date_part('epoch', {col})")

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self._sql(compiler, "((julianday({col}) - 2440587.5) * 86400.0)")

    def _sql(self, compiler: Any, pattern: str) -> tuple[str, list[Any]]:
        (column,) = self.get_source_expressions()
        col_sql, col_params = compiler.compile(column)
        return "(%s + %d)" % (pattern.format(col=col_sql), self.offset_seconds), list(col_params)


class _LocalDay(_LocalSeconds):
    """Local day number (days since 1970-01-01) of a datetime column."""

    output_field = IntegerField()  # type: ignore[assignment]

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        sql, params = super().as_sql(compiler, connection, **extra)
        return "CAST(FLOOR(%s / 86400.0) AS INTEGER)" % sql, params

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Positive values: truncation is the floor (FLOOR needs SQLite's math extension).
        sql, params = super().as_sqlite(compiler, connection, **extra)
        return "CAST(%s / 86400.0 AS INTEGER)" % sql, params


def _fixed_offset(lo: dt.datetime, hi: dt.datetime) -> int | None:
    """The local UTC offset in seconds when it is the same over [lo − 1 year, hi] (no DST)."""
    zone = workdays.tz()
    probes = [lo - dt.timedelta(days=366 * 3), lo, hi]
    offsets = {p.astimezone(zone).utcoffset() for p in probes}
    if len(offsets) != 1:
        return None
    offset = offsets.pop()
    return None if offset is None else int(offset.total_seconds())


def _processing_hours(qs: QuerySet[Dossier], lo: dt.datetime, hi: dt.datetime) -> float | None:
    """Σ over ``qs`` (resolved dossiers) of working hours from receipt to decision − paused hours,
    computed from the timestamps (``OFFICE_HOURS``) — the fallback for dossiers decided before
    ``Dossier.working_hours_used`` was stored, which :func:`compute_kpis` otherwise sums.

    With a fixed UTC offset the working-hour position of a moment is
    ``P(t) = H(day) + Σ_i active_i(day) · (min(max(s, a_i), b_i) − a_i)`` where ``H(day)`` is the
    working time of all earlier days, ``s`` the seconds since local midnight and ``(a_i, b_i)``
    the office intervals; then ``working_hours_between(r, f) = P(f) − P(r)``. One GROUP BY over
    (day of receipt, day of decision) gives, per pair, the number of dossiers and the summed
    seconds into each interval at both ends; a walk over the calendar days involved does the
    rest — the database does the per-dossier work, Python only the per-day work.
    """
    qs = qs.filter(received_at__isnull=False, finished_at__isnull=False)
    offset = _fixed_offset(lo, hi)
    if offset is None:
        return _processing_hours_slow(qs)
    hours = workdays.office_hours()
    intervals = [
        (t1.hour * 3600 + t1.minute * 60, t2.hour * 3600 + t2.minute * 60)
        for t1, t2 in hours.intervals
    ]
    rows = _day_pairs(qs, offset, intervals)
    if not rows:
        return None
    days = [row["_rd"] for row in rows] + [row["_fd"] for row in rows]
    calendar = _calendar(min(days), max(days), offset, hours.intervals)

    def position(day: int, n: int, seconds: list[float]) -> float:
        before, active = calendar[day]
        return n * before + sum(x for x, on in zip(seconds, active, strict=True) if on) / 3600

    total = 0.0
    for row in rows:
        n = row["n"]
        f = [row["f%d" % i] or 0.0 for i in range(len(intervals))]
        r = [row["r%d" % i] or 0.0 for i in range(len(intervals))]
        total += position(row["_fd"], n, f) - position(row["_rd"], n, r) - (row["paused"] or 0.0)
    return total


def _day_pairs(
    qs: QuerySet[Dossier], offset: int, intervals: list[tuple[int, int]]
) -> list[dict[str, Any]]:
    """Per (receipt day, decision day): n, Σ paused hours, Σ seconds into each interval (r0.., f0..)."""
    aggregates: dict[str, Any] = {"n": Count("id"), "paused": Sum("paused_hours")}
    for end in ("r", "f"):
        seconds = F("_%ss" % end) - F("_%sd" % end) * DAY_SECONDS
        for i, (a, b) in enumerate(intervals):
            aggregates["%s%d" % (end, i)] = Sum(
                Least(Greatest(seconds, Value(float(a))), Value(float(b))) - Value(float(a)),
                output_field=FloatField(),
            )
    return [
        dict(row)
        for row in qs.order_by()
        .annotate(
            _rs=_LocalSeconds(F("received_at"), offset),
            _rd=_LocalDay(F("received_at"), offset),
            _fs=_LocalSeconds(F("finished_at"), offset),
            _fd=_LocalDay(F("finished_at"), offset),
        )
        .values("_rd", "_fd")
        .annotate(**aggregates)
    ]


def _calendar(
    first: int, last: int, offset: int, intervals: tuple[tuple[dt.time, dt.time], ...]
) -> dict[int, tuple[float, list[bool]]]:
    """Day number → (working hours of the days before it since ``first``, active intervals)."""
    zone = workdays.tz()
    epoch = dt.date(1970, 1, 1)
    result: dict[int, tuple[float, list[bool]]] = {}
    cumulative = 0.0
    for number in range(first, last + 1):
        day = epoch + dt.timedelta(days=number)
        active = []
        for t1, t2 in intervals:
            a = dt.datetime.combine(day, t1, tzinfo=zone)
            b = dt.datetime.combine(day, t2, tzinfo=zone)
            active.append(workdays.working_hours_between(a, b) > 0)
        result[number] = (cumulative, active)
        cumulative += sum(
            (_hours(t1, t2) for (t1, t2), on in zip(intervals, active, strict=True) if on), 0.0
        )
    return result


def _hours(t1: dt.time, t2: dt.time) -> float:
    return ((t2.hour * 60 + t2.minute) - (t1.hour * 60 + t1.minute)) / 60


def _processing_hours_slow(qs: QuerySet[Dossier]) -> float | None:
    """Reference implementation, one dossier at a time (used when the offset is not fixed)."""
    total, n = 0.0, 0
    for received_at, finished_at, paused in qs.values_list(
        "received_at", "finished_at", "paused_hours"
    ).iterator():
        if received_at is None or finished_at is None:
            continue  # the caller filters these out; kept for the type checker
        total += workdays.working_hours_between(received_at, finished_at) - (paused or 0.0)
        n += 1
    return total if n else None


# ====================================================================== entry point and cache
def invalidate_kpi_cache() -> None:
    """Make every cached KPI stale (dossier services bump the "dossiers" version on commit)."""
    cache_versions.bump("dossiers")


def _cache_version() -> int:
    return cache_versions.get("dossiers")


def data_version() -> str:
    """Cheap token of the dossier data: the invalidation counter and ``Max(id)`` (index-only)."""
    newest = Dossier.objects.aggregate(m=Max("id"))["m"] or 0
    return "%d.%d" % (_cache_version(), newest)


def cache_key(name: str, *parts: Any) -> str:
    return ":".join([CACHE_PREFIX, name, data_version(), *[str(p) for p in parts]])


def cache_seconds(end: dt.date, now: dt.datetime) -> int:
    seconds = int(getattr(settings, "KPI_CACHE_SECONDS", 300))
    if end >= timezone.localtime(now).date():
        return min(seconds, 60)
    return seconds


def compute_kpis(
    *,
    start: dt.date,
    end: dt.date,
    agency_ids: list[int] | None,
    now: dt.datetime | None = None,
    use_cache: bool = True,
) -> KpiReport:
    """All service KPIs for ``[start, end]`` (whole local days, both included) over the dossiers
    handled by ``agency_ids`` (None = every agency). Cached; see the module docstring."""
    now = now or timezone.now()
    lo, hi = period_bounds(start, end)
    cutoff = min(hi, now)
    ids = sorted(set(agency_ids)) if agency_ids is not None else None
    key = ""
    if use_cache:
        scope = "all" if ids is None else ",".join(map(str, ids))
        # "Overdue" moves with the clock: a period reaching today is keyed by the minute.
        moment = cutoff.strftime("%Y%m%d%H%M") if cutoff < hi else "end"
        key = cache_key("report", start.isoformat(), end.isoformat(), moment, _digest(scope))
        cached = cache.get(key)
        if cached is not None:
            return cached
    with _analytic_session():
        by_agency, processing, unstored = _counts_and_hours(ids, lo, hi, cutoff)
        totals = sum(by_agency.values(), Counts())
        if unstored:
            # Dossiers decided before the hours were stored: from their timestamps.
            rest = _processing_hours(
                _scoped(ids).filter(
                    status__in=RESOLVED_STATUSES,
                    finished_at__gte=lo,
                    finished_at__lt=hi,
                    working_hours_used__isnull=True,
                ),
                lo,
                hi,
            )
            if rest is not None:
                processing = (processing or 0.0) + rest
        if not totals.resolved:
            processing = None
    report = KpiReport(
        start=start,
        end=end,
        cutoff=cutoff,
        totals=totals,
        by_agency=by_agency,
        processing_hours=processing,
        hours_per_day=workdays.office_hours().hours_per_day,
        computed_at=now,
    )
    if use_cache:
        cache.set(key, report, cache_seconds(end, now))
    return report


@contextlib.contextmanager
def _analytic_session() -> Iterator[None]:
    """Run the KPI queries in one read transaction; on PostgreSQL without JIT compilation.

    PostgreSQL's JIT compiles each aggregate costing above ``jit_above_cost`` — 100–400 ms per
    query measured on a million dossiers — and the queries here run in well under that, so the
    compilation never pays back. ``SET LOCAL`` confines the setting to this transaction.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        yield


def _digest(text: str) -> str:
    import hashlib

    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:16]


# ====================================================================== monthly trend
@dataclass
class MonthRow:
    """Received, resolved and resolved-on-time dossiers of one calendar month."""

    year: int
    month: int
    received: int = 0
    resolved: int = 0
    resolved_on_time: int = 0

    @property
    def label(self) -> str:
        return "%02d/%d" % (self.month, self.year)

    @property
    def on_time_rate(self) -> float | None:
        return _ratio(self.resolved_on_time, self.resolved)


def monthly_trend(
    *, start: dt.date, end: dt.date, agency_ids: list[int] | None, use_cache: bool = True
) -> list[MonthRow]:
    """Month by month over ``[start, end]``: two GROUP BY queries (receipt month, decision
    month), same definitions as :func:`compute_kpis`."""
    ids = sorted(set(agency_ids)) if agency_ids is not None else None
    key = ""
    if use_cache:
        scope = "all" if ids is None else ",".join(map(str, ids))
        key = cache_key("trend", start.isoformat(), end.isoformat(), _digest(scope))
        cached = cache.get(key)
        if cached is not None:
            return cached
    lo, hi = period_bounds(start, end)
    zone = workdays.tz()
    rows: dict[tuple[int, int], MonthRow] = {}
    month = dt.date(start.year, start.month, 1)
    while month <= end:
        rows[(month.year, month.month)] = MonthRow(month.year, month.month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    base = _scoped(ids).order_by()
    keys = list(rows)
    bounds = [dt.datetime(y, m, 1, tzinfo=zone) for y, m in keys]
    if connection.vendor == "postgresql":
        # width_bucket() over the month boundaries: a binary search per row instead of a time
        # zone conversion and truncation per row (several times cheaper on a million rows).
        def month_of(column: str) -> Any:
            return _MonthBucket(F(column), bounds)

        def key_of(value: Any) -> tuple[int, int] | None:
            return keys[value - 1] if 1 <= value <= len(keys) else None
    elif connection.vendor == "sqlite" and (offset := _fixed_offset(lo, hi)) is not None:
        # SQLite's own strftime() with the fixed offset, instead of Django's time-zone-aware
        # truncation, which calls back into Python for every row.
        def month_of(column: str) -> Any:
            return _SqliteMonth(F(column), offset)

        def key_of(value: Any) -> tuple[int, int] | None:
            year, month = str(value).split("-")
            return (int(year), int(month))
    else:

        def month_of(column: str) -> Any:
            return TruncMonth(column, tzinfo=zone)

        def key_of(value: Any) -> tuple[int, int] | None:
            local = _as_local_date(value)
            return (local.year, local.month)

    received = (
        base.filter(received_at__gte=lo, received_at__lt=hi)
        .annotate(m=month_of("received_at"))
        .values("m")
        .annotate(n=Count("id"))
    )
    for row in received:
        month_key = key_of(row["m"])
        if month_key in rows:
            rows[month_key].received = row["n"]
    resolved = (
        base.filter(status__in=RESOLVED_STATUSES, finished_at__gte=lo, finished_at__lt=hi)
        .annotate(m=month_of("finished_at"))
        .values("m")
        .annotate(
            n=Count("id"),
            ok=Count("id", filter=Q(finished_at__lte=F("due_at"), supplement_count__lte=1)),
        )
    )
    for row in resolved:
        month_key = key_of(row["m"])
        if month_key in rows:
            target = rows[month_key]
            target.resolved, target.resolved_on_time = row["n"], row["ok"]
    result = list(rows.values())
    if use_cache:
        cache.set(key, result, cache_seconds(end, timezone.now()))
    return result


class _MonthBucket(Func):
    """PostgreSQL ``width_bucket(column, ARRAY[month starts])``: 1 for the first month, …

    The boundaries are written into the SQL as literals (values made here, not user input) so
    that the expression in SELECT and GROUP BY is the same text.
    """

    output_field = IntegerField()

    def __init__(self, expression: Any, bounds: list[dt.datetime]) -> None:
        super().__init__(expression)
        self.bounds = bounds

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        (column,) = self.get_source_expressions()
        col_sql, params = compiler.compile(column)
        array = ",".join("'%s'" % b.isoformat() for b in self.bounds)
        return "width_bucket(%s, ARRAY[%s]::timestamptz[])" % (col_sql, array), list(params)


class _SqliteMonth(_LocalSeconds):
    """SQLite ``strftime('%Y-%m', column, '+N seconds')``: the local "YYYY-MM" of a moment."""

    output_field = CharField()  # type: ignore[assignment]

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        (column,) = self.get_source_expressions()
        col_sql, params = compiler.compile(column)
        return (
            # "%%" survives this formatting as "%", which the backend's placeholder
            # conversion (and the debug cursor's logging) would read as a placeholder.
            "strftime('%%%%Y-%%%%m', %s, '%+d seconds')" % (col_sql, self.offset_seconds),
            list(params),
        )


def _as_local_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value, workdays.tz()).date()
            if timezone.is_aware(value)
            else value.date()
        )
    return value
