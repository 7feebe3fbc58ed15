"""Working-day and working-hour arithmetic in Asia/Ho_Chi_Minh.

Rules (see shared/domain/rules.md):

* Weekends (Saturday, Sunday) and Vietnam's public holidays are not working days. Holidays come
  from the ``holidays`` package (country ``VN``), which knows lunar Tết, Hùng Kings' day, 30/4,
  1/5, 2/9 with its adjacent day, substitute days for holidays falling on a weekend, the swaps the
  Government announced, and from 2026 the 24/11 Vietnamese Culture Day.
* Administrators add what the package does not know yet as :class:`CalendarException` rows:
  an extra day off, or a compensatory working Saturday (làm bù).
* Office hours default to 07:00–11:30 and 13:00–17:00 (``OFFICE_HOURS``).
* Civil Code 2015, art. 147–148: for a period in days the first day is not counted — the period
  starts on the next working day and ends at the close of office on its last working day.
* A same-day procedure (at most one working day of hours) received after 15:00 is returned on the
  next working day (one-stop rules, Decree 61/2018 art. 19, kept by Decree 118/2025).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache

import holidays as holidays_lib

_EXCEPTIONS_CACHE_KEY = "workdays:exceptions:v1"
SAME_DAY_CUTOFF = dt.time(15, 0)
#: A working day as the law counts it (8 hours), whatever the desk's opening hours.
FULL_DAY_HOURS = 8


def tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class OfficeHours:
    """Working intervals of one day, e.g. ((07:00, 11:30), (13:00, 17:00))."""

    intervals: tuple[tuple[dt.time, dt.time], ...]

    @classmethod
    def parse(cls, text: str) -> OfficeHours:
        intervals = []
        for part in text.split(","):
            start, end = part.strip().split("-")
            intervals.append(
                (dt.time.fromisoformat(start.strip()), dt.time.fromisoformat(end.strip()))
            )
        intervals.sort()
        return cls(tuple(intervals))

    @property
    def opening(self) -> dt.time:
        return self.intervals[0][0]

    @property
    def closing(self) -> dt.time:
        return self.intervals[-1][1]

    @property
    def hours_per_day(self) -> float:
        return sum(_minutes(a, b) for a, b in self.intervals) / 60


def _minutes(a: dt.time, b: dt.time) -> float:
    return (b.hour * 60 + b.minute) - (a.hour * 60 + a.minute)


def office_hours(spec: str | None = None) -> OfficeHours:
    return _parse_hours(spec or settings.OFFICE_HOURS)


@lru_cache(maxsize=32)
def _parse_hours(spec: str) -> OfficeHours:
    return OfficeHours.parse(spec)


# ---------------------------------------------------------------- which days are working days
@lru_cache(maxsize=64)
def _public_holidays(year: int) -> dict[dt.date, str]:
    return dict(holidays_lib.country_holidays("VN", years=year, language="vi"))


@lru_cache(maxsize=64)
def _weekend_workdays(year: int) -> frozenset[dt.date]:
    """Saturdays/Sundays the Government declared working days in exchange for a day off."""
    calendar = holidays_lib.country_holidays("VN", years=year)
    return frozenset(getattr(calendar, "weekend_workdays", set()))


def public_holidays(year: int) -> dict[dt.date, str]:
    """Vietnam's public holidays (and substitute days) of ``year`` from the ``holidays`` package."""
    return dict(_public_holidays(year))


#: Per-process memo in front of the shared cache: deadline arithmetic asks for every day it
#: walks over, and a cache round trip per day (Redis in production) would dominate it.
_memo: dict[str, Any] = {"at": 0.0, "value": None}
_MEMO_SECONDS = 2.0


def _exceptions() -> dict[dt.date, str]:
    now = time.monotonic()
    if _memo["value"] is not None and now - _memo["at"] < _MEMO_SECONDS:
        return _memo["value"]
    cached = cache.get(_EXCEPTIONS_CACHE_KEY)
    if cached is None:
        from congso.core.models import CalendarException

        cached = dict(CalendarException.objects.values_list("date", "kind"))
        cache.set(_EXCEPTIONS_CACHE_KEY, cached, 300)
    _memo.update(at=now, value=cached)
    return cached


def invalidate_exceptions_cache() -> None:
    _memo.update(at=0.0, value=None)
    cache.delete(_EXCEPTIONS_CACHE_KEY)


def is_working_day(day: dt.date) -> bool:
    """A weekday that is not a public holiday, unless an administrator's exception says otherwise."""
    override = _exceptions().get(day)
    if override == "working_day":
        return True
    if override == "day_off":
        return False
    if day.weekday() >= 5:
        if day in _weekend_workdays(day.year):
            return True
        return bool(day.weekday() == 5 and settings.WORK_SATURDAY_MORNING)
    return day not in _public_holidays(day.year)


def day_name(day: dt.date) -> str:
    """Why ``day`` is not a working day (holiday name), or ""."""
    return _public_holidays(day.year).get(day, "")


def next_working_day(day: dt.date) -> dt.date:
    """The first working day strictly after ``day``."""
    candidate = day + dt.timedelta(days=1)
    while not is_working_day(candidate):
        candidate += dt.timedelta(days=1)
    return candidate


def add_working_days_to_date(day: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``day`` (``day`` itself is not counted)."""
    if days < 0:
        raise ValueError("days must be >= 0")
    current = day
    for _ in range(days):
        current = next_working_day(current)
    if days == 0 and not is_working_day(current):
        current = next_working_day(current)
    return current


def working_days_in(start: dt.date, end: dt.date) -> int:
    """Number of working days d with start < d <= end."""
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


# ---------------------------------------------------------------- moments
def _local(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: working time needs an aware datetime")
    return moment.astimezone(tz())


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=tz())


def _day_hours(day: dt.date, hours: OfficeHours) -> tuple[tuple[dt.time, dt.time], ...]:
    if not is_working_day(day):
        return ()
    if (
        day.weekday() == 5
        and settings.WORK_SATURDAY_MORNING
        and _exceptions().get(day) is None
        and day not in _weekend_workdays(day.year)
    ):
        return tuple(iv for iv in hours.intervals if iv[1] <= dt.time(12, 0)) or hours.intervals[:1]
    return hours.intervals


def _intervals_from(
    moment: dt.datetime, hours: OfficeHours
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Working intervals at or after ``moment``, in order, clipped to start at ``moment``."""
    local = _local(moment)
    day = local.date()
    for _ in range(3660):  # ten years of days: a bound, never reached in practice
        for start_t, end_t in _day_hours(day, hours):
            start, end = _at(day, start_t), _at(day, end_t)
            if end <= local:
                continue
            yield max(start, local), end
        day += dt.timedelta(days=1)
    raise RuntimeError("no working time in ten years")


def add_working_hours(
    moment: dt.datetime, hours_to_add: float, *, spec: str | None = None
) -> dt.datetime:
    """The moment when ``hours_to_add`` hours of office time have elapsed after ``moment``."""
    if hours_to_add < 0:
        raise ValueError("hours must be >= 0")
    hours = office_hours(spec)
    remaining = dt.timedelta(hours=hours_to_add)
    if remaining == dt.timedelta(0):
        start, _end = next(_intervals_from(moment, hours))
        return start if start > _local(moment) else _local(moment)
    for start, end in _intervals_from(moment, hours):
        span = end - start
        if span >= remaining:
            return start + remaining
        remaining -= span
    raise RuntimeError("unreachable")


def working_hours_between(
    start: dt.datetime, end: dt.datetime, *, spec: str | None = None
) -> float:
    """Office hours elapsed between two moments (0 when ``end`` <= ``start``)."""
    if end <= start:
        return 0.0
    hours = office_hours(spec)
    end_local = _local(end)
    total = dt.timedelta(0)
    for iv_start, iv_end in _intervals_from(start, hours):
        if iv_start >= end_local:
            break
        total += min(iv_end, end_local) - iv_start
    return total.total_seconds() / 3600


def working_days_between(start: dt.datetime, end: dt.datetime, *, spec: str | None = None) -> float:
    """Working time between two moments expressed in working days (hours / hours per day)."""
    return working_hours_between(start, end, spec=spec) / office_hours(spec).hours_per_day


def add_working_days(moment: dt.datetime, days: int, *, spec: str | None = None) -> dt.datetime:
    """Deadline of a period of ``days`` working days starting at ``moment``.

    The day of ``moment`` is not counted; the period ends at closing time of the ``days``-th
    working day after it (Civil Code 2015, art. 147–148).
    """
    local = _local(moment)
    last_day = add_working_days_to_date(local.date(), days)
    return _at(last_day, office_hours(spec).closing)


def due_at(
    received_at: dt.datetime, value: int, unit: str, *, spec: str | None = None
) -> dt.datetime:
    """Appointment (hẹn trả) for a procedure whose time limit is ``value`` ``unit``.

    ``unit`` is ``working_days`` or ``working_hours``. A period of at most one working day of
    hours is a same-day procedure: received on a working day before 15:00 it is due at closing
    time the same day (or earlier if the hours run out first); received later, or on a day off, it
    is due on the next working day.
    """
    if value <= 0:
        raise ValueError("processing time must be positive")
    if unit == "working_days":
        return add_working_days(received_at, value, spec=spec)
    if unit != "working_hours":
        raise ValueError("unknown unit %r" % unit)
    hours = office_hours(spec)
    local = _local(received_at)
    if value <= max(FULL_DAY_HOURS, hours.hours_per_day):
        day = local.date()
        if not is_working_day(day) or local.time() >= SAME_DAY_CUTOFF:
            day = next_working_day(day)
            start = _at(day, hours.opening)
        else:
            start = max(local, _at(day, hours.opening))
        closing = _at(day, hours.closing)
        if value >= FULL_DAY_HOURS:
            return closing
        finish = add_working_hours(start, value, spec=spec)
        return finish if finish.date() == day else closing
    return add_working_hours(received_at, value, spec=spec)


def extend_by_working_hours(
    deadline: dt.datetime, hours_to_add: float, *, spec: str | None = None
) -> dt.datetime:
    """Move a deadline later by ``hours_to_add`` office hours (e.g. time paused for supplement)."""
    if hours_to_add <= 0:
        return deadline
    return add_working_hours(deadline, hours_to_add, spec=spec)
