"""Property tests of the counting rules, over the built-in schedule and unknown years."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daiban.workcal.calendar import Schedule, TimeUnit, add_period
from daiban.workcal.models import ScheduleYear

SCHEDULE = Schedule()  # built-in data only: no database needed
starts = st.dates(min_value=date(2002, 1, 1), max_value=date(2029, 12, 31))
lengths = st.integers(min_value=1, max_value=120)
units = st.sampled_from([TimeUnit.CALENDAR_DAYS, TimeUnit.WORKING_DAYS])


def _days(a: date, b: date) -> list[date]:
    """Days in the closed range [a, b]."""
    return [a + timedelta(days=i) for i in range((b - a).days + 1)]


@given(start=starts, length=lengths, unit=units)
def test_due_is_a_working_day_after_the_start(start: date, length: int, unit: str) -> None:
    deadline = add_period(start, length, unit, schedule=SCHEDULE)
    assert deadline.due >= start + timedelta(days=1)
    assert SCHEDULE.day_info(deadline.due).is_workday


@given(start=starts, length=lengths)
def test_calendar_days_move_only_over_non_working_days(start: date, length: int) -> None:
    deadline = add_period(start, length, TimeUnit.CALENDAR_DAYS, schedule=SCHEDULE)
    nominal = start + timedelta(days=length)
    assert deadline.due >= nominal
    assert not any(SCHEDULE.day_info(d).is_workday for d in _days(nominal, deadline.due - timedelta(days=1)))


@given(start=starts, length=lengths)
def test_working_days_count_exactly_length_working_days(start: date, length: int) -> None:
    deadline = add_period(start, length, TimeUnit.WORKING_DAYS, schedule=SCHEDULE)
    window = _days(start + timedelta(days=1), deadline.due)
    assert sum(SCHEDULE.day_info(d).is_workday for d in window) == length
    assert [s.day for s in deadline.steps] == window


@given(start=starts, length=lengths, unit=units)
def test_monotonic_in_length(start: date, length: int, unit: str) -> None:
    shorter = add_period(start, length, unit, schedule=SCHEDULE).due
    longer = add_period(start, length + 1, unit, schedule=SCHEDULE).due
    assert shorter <= longer
    if unit == TimeUnit.WORKING_DAYS:
        assert shorter < longer


@given(start=starts, length=lengths, unit=units, excluded=st.integers(min_value=0, max_value=90))
def test_excluded_days_equal_a_later_start(start: date, length: int, unit: str, excluded: int) -> None:
    paused = add_period(start, length, unit, excluded, schedule=SCHEDULE)
    later = add_period(start + timedelta(days=excluded), length, unit, schedule=SCHEDULE)
    assert paused.due == later.due


@given(start=starts, length=lengths, unit=units)
def test_provisional_exactly_when_an_unknown_year_was_inspected(start: date, length: int, unit: str) -> None:
    deadline = add_period(start, length, unit, schedule=SCHEDULE)
    inspected_years = {s.day.year for s in deadline.steps}
    unknown = sorted(y for y in inspected_years if not SCHEDULE.is_year_known(y))
    assert deadline.provisional == bool(unknown)
    assert list(deadline.unknown_years) == unknown
    assert ("仅供参考" in deadline.explanation) == bool(unknown)
    if unit == TimeUnit.WORKING_DAYS and not deadline.provisional:
        assert all(s.known for s in deadline.steps)


@pytest.mark.django_db
# The fixture's rows are read-only for the test, so sharing them between examples is fine.
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.dates(min_value=date(2026, 12, 1), max_value=date(2027, 10, 31)), length=lengths, unit=units)
def test_manual_schedule_is_honoured_from_the_database(
    schedule_2027: ScheduleYear, start: date, length: int, unit: str
) -> None:
    from daiban.workcal.calendar import day_info

    deadline = add_period(start, length, unit)
    assert day_info(deadline.due).is_workday
    assert day_info(deadline.due).known == (deadline.due.year <= 2027)
    if deadline.due.year <= 2027:
        assert not deadline.provisional
