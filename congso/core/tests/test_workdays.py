"""Working-day calendar: Vietnamese public holidays, swaps, admin exceptions, office hours."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from congso.core import workdays
from congso.core.models import CalendarException

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=VN)


@pytest.fixture(autouse=True)
def _no_exceptions_cache(db):  # type: ignore[no-untyped-def]
    workdays.invalidate_exceptions_cache()
    yield
    workdays.invalidate_exceptions_cache()


@pytest.mark.parametrize(
    "day",
    # Tết Ất Tỵ 2025: 25/01–02/02 off; the weekdays 27–31/01 are public holidays.
    [
        dt.date(2025, 1, 27),
        dt.date(2025, 1, 28),
        dt.date(2025, 1, 29),
        dt.date(2025, 1, 30),
        dt.date(2025, 1, 31),
    ],
)
def test_tet_2025_weekdays_are_not_working_days(day: dt.date) -> None:
    assert not workdays.is_working_day(day)


def test_tet_2025_period_resumes_on_monday_3_february() -> None:
    # Received Friday 24/01/2025: 1 working day later is Monday 03/02/2025.
    assert workdays.add_working_days(at(2025, 1, 24), 1) == at(2025, 2, 3, 17, 0)


@pytest.mark.parametrize(
    "day",
    [
        dt.date(2026, 2, 16),
        dt.date(2026, 2, 17),
        dt.date(2026, 2, 18),
        dt.date(2026, 2, 19),
        dt.date(2026, 2, 20),
    ],
)
def test_tet_2026_weekdays_are_not_working_days(day: dt.date) -> None:
    assert not workdays.is_working_day(day)


def test_received_13_february_2026_skips_tet() -> None:
    # Friday 13/02/2026 is not counted; 14–22/02 are weekend and Tết; 3 working days: 23, 24, 25.
    assert workdays.due_at(at(2026, 2, 13, 10), 3, "working_days") == at(2026, 2, 25, 17, 0)
    assert workdays.due_at(at(2026, 2, 13, 10), 5, "working_days") == at(2026, 2, 27, 17, 0)


def test_hung_kings_day_2026_is_observed_on_monday_27_april() -> None:
    # 10/3 lunar falls on Sunday 26/04/2026, so Monday 27/04 is the day off.
    assert not workdays.is_working_day(dt.date(2026, 4, 27))
    assert workdays.add_working_days(at(2026, 4, 24), 1) == at(2026, 4, 28, 17, 0)


def test_national_day_2026_and_its_substitute_day() -> None:
    # 2/9/2026 (Wednesday) with the adjacent 1/9; 31/8 off in exchange for Saturday 22/8.
    for day in (dt.date(2026, 8, 31), dt.date(2026, 9, 1), dt.date(2026, 9, 2)):
        assert not workdays.is_working_day(day)
    assert workdays.is_working_day(dt.date(2026, 8, 22))  # compensatory working Saturday
    assert workdays.add_working_days(at(2026, 8, 28), 1) == at(2026, 9, 3, 17, 0)


def test_vietnamese_culture_day_24_november_2026_is_a_holiday() -> None:
    assert not workdays.is_working_day(dt.date(2026, 11, 24))
    assert workdays.add_working_days(at(2026, 11, 23), 1) == at(2026, 11, 25, 17, 0)


def test_swap_2025_saturday_26_april_worked_friday_2_may_off() -> None:
    assert workdays.is_working_day(dt.date(2025, 4, 26))
    assert not workdays.is_working_day(dt.date(2025, 5, 2))


def test_admin_exception_day_off_and_compensatory_working_saturday() -> None:
    friday, saturday = dt.date(2027, 3, 5), dt.date(2027, 3, 13)
    assert workdays.is_working_day(friday)
    assert not workdays.is_working_day(saturday)
    CalendarException.objects.create(date=friday, kind="day_off", description="Nghỉ bù")
    CalendarException.objects.create(date=saturday, kind="working_day", description="Làm bù")
    assert not workdays.is_working_day(friday)
    assert workdays.is_working_day(saturday)
    assert workdays.add_working_days(at(2027, 3, 4), 1) == at(2027, 3, 8, 17, 0)


def test_first_day_is_not_counted_even_when_received_at_opening() -> None:
    assert workdays.add_working_days(at(2026, 11, 25, 7, 0), 1) == at(2026, 11, 26, 17, 0)


def test_same_day_procedure_received_after_15h_is_due_next_working_day() -> None:
    assert workdays.due_at(at(2026, 11, 25, 10), 8, "working_hours") == at(2026, 11, 25, 17, 0)
    assert workdays.due_at(at(2026, 11, 27, 15, 30), 8, "working_hours") == at(2026, 11, 30, 17, 0)
    # Received on the 24/11 holiday: due on the next working day.
    assert workdays.due_at(at(2026, 11, 24, 9), 8, "working_hours") == at(2026, 11, 25, 17, 0)


def test_working_hours_skip_lunch_and_nights() -> None:
    assert workdays.add_working_hours(at(2026, 11, 25, 11, 0), 1) == at(2026, 11, 25, 13, 30)
    assert workdays.add_working_hours(at(2026, 11, 25, 16, 0), 2) == at(2026, 11, 26, 8, 0)
    assert workdays.working_hours_between(at(2026, 11, 25, 7), at(2026, 11, 25, 17)) == 8.5


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        workdays.add_working_hours(dt.datetime(2026, 1, 5, 9, 0), 1)


moments = st.datetimes(
    min_value=dt.datetime(2024, 1, 1),
    max_value=dt.datetime(2027, 12, 31),
    timezones=st.just(VN),
)


@settings(max_examples=80, deadline=None)
@given(start=moments, a=st.floats(0, 60), b=st.floats(0, 60))
def test_adding_working_hours_is_monotonic_and_additive(start, a, b) -> None:  # type: ignore[no-untyped-def]
    workdays.invalidate_exceptions_cache()
    first = workdays.add_working_hours(start, a)
    both = workdays.add_working_hours(start, a + b)
    assert both >= first
    if b > 0:  # with b == 0 the result may sit at the end of an interval instead of the next start
        assert abs((workdays.add_working_hours(first, b) - both).total_seconds()) < 1e-3
    assert workdays.working_hours_between(start, both) == pytest.approx(a + b, abs=1e-5)


@settings(max_examples=80, deadline=None)
@given(start=moments, n=st.integers(0, 40), m=st.integers(0, 40))
def test_adding_working_days_is_monotonic_and_lands_on_a_working_day(start, n, m) -> None:  # type: ignore[no-untyped-def]
    workdays.invalidate_exceptions_cache()
    d1 = workdays.add_working_days(start, n)
    d2 = workdays.add_working_days(start, n + m)
    assert d2 >= d1
    assert workdays.is_working_day(d1.date())
    if n > 0 and m > 0:
        assert workdays.add_working_days(d1, m) == d2
