from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from daiban.workcal.hooks import discard_pending, registered_callbacks, remove_schedule_change_callback
from daiban.workcal.models import ScheduleDay, ScheduleSource, ScheduleYear
from daiban.workcal.schedule import clear_cache


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    # Each test's database changes are rolled back without signals, so the per-process cache and the
    # not-yet-notified years must go too.
    clear_cache()
    discard_pending()
    before = registered_callbacks()
    yield
    clear_cache()
    discard_pending()
    for callback in registered_callbacks():
        if callback not in before:
            remove_schedule_change_callback(callback)


# An illustrative 2027 schedule (not the official one, which chinesecalendar 1.11 does not have).
SCHEDULE_2027 = [
    (date(2027, 1, 1), False, "元旦"),
    (date(2027, 1, 2), False, "元旦"),
    (date(2027, 1, 3), False, "元旦"),
    (date(2027, 2, 6), False, "春节"),
    (date(2027, 2, 7), False, "春节"),
    (date(2027, 2, 8), False, "春节"),
    (date(2027, 2, 9), False, "春节"),
    (date(2027, 2, 10), False, "春节"),
    (date(2027, 2, 11), False, "春节"),
    (date(2027, 2, 12), False, "春节"),
    (date(2027, 2, 13), False, "春节"),
    (date(2027, 2, 20), True, "调休上班"),
]


@pytest.fixture
def schedule_2027(db: None) -> ScheduleYear:
    year = ScheduleYear.objects.create(
        year=2027, source=ScheduleSource.MANUAL, note="测试用安排", is_published=True
    )
    for day, is_workday, name in SCHEDULE_2027:
        ScheduleDay.objects.create(year=year, date=day, is_workday=is_workday, name=name)
    return year
