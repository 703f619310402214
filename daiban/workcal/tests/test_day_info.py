"""Which days are working days: the built-in 2026 schedule, unknown years, and manual entries."""

from __future__ import annotations

from datetime import date

import pytest

from daiban.workcal.calendar import DayInfo, Schedule, day_info, is_year_known
from daiban.workcal.models import ScheduleDay, ScheduleYear

pytestmark = pytest.mark.django_db


def test_2026_mid_autumn_and_national_day_follow_the_official_schedule() -> None:
    # 国办发明电〔2025〕7号: 中秋节 9月25日至27日; 国庆节 10月1日至7日, 9月20日（周日）、10月10日（周六）上班.
    assert day_info(date(2026, 9, 24)) == DayInfo(is_workday=True, known=True)
    for d in (25, 26, 27):
        assert day_info(date(2026, 9, d)) == DayInfo(is_workday=False, known=True, name="中秋节")
    for d in range(1, 8):
        assert day_info(date(2026, 10, d)) == DayInfo(is_workday=False, known=True, name="国庆节")
    assert day_info(date(2026, 10, 8)).is_workday
    assert day_info(date(2026, 9, 20)) == DayInfo(is_workday=True, known=True, name="国庆节调休上班")
    assert day_info(date(2026, 10, 10)) == DayInfo(is_workday=True, known=True, name="国庆节调休上班")
    assert day_info(date(2026, 10, 11)) == DayInfo(is_workday=False, known=True)  # an ordinary Sunday


def test_2026_new_year_and_spring_festival() -> None:
    assert not day_info(date(2026, 1, 2)).is_workday
    assert day_info(date(2026, 1, 4)).is_workday  # Sunday, made a working day
    assert day_info(date(2026, 2, 14)).is_workday  # Saturday before the Spring Festival
    assert [day_info(date(2026, 2, d)).is_workday for d in range(15, 24)] == [False] * 9
    assert day_info(date(2026, 2, 24)).is_workday
    assert day_info(date(2026, 2, 28)) == DayInfo(is_workday=True, known=True, name="春节调休上班")


def test_unknown_year_is_a_guess_not_a_crash() -> None:
    # 2027: the holidays the law fixes (see test_provisional_year.py), otherwise Monday–Friday.
    assert day_info(date(2027, 1, 1)) == DayInfo(is_workday=False, known=False, name="元旦")  # a Friday
    assert day_info(date(2027, 1, 2)) == DayInfo(is_workday=False, known=False)
    assert day_info(date(2027, 1, 4)) == DayInfo(is_workday=True, known=False)
    # Before the built-in data: Monday–Friday only (the law's rules of that time are not computed).
    assert day_info(date(2003, 5, 1)) == DayInfo(is_workday=True, known=False)
    assert not is_year_known(2027)
    assert not is_year_known(2003)
    assert is_year_known(2026)
    assert is_year_known(2004)


def test_manual_year_overrides_and_unlisted_days_follow_weekdays(schedule_2027: ScheduleYear) -> None:
    assert is_year_known(2027)
    assert day_info(date(2027, 1, 1)) == DayInfo(is_workday=False, known=True, name="元旦")
    assert day_info(date(2027, 2, 20)) == DayInfo(is_workday=True, known=True, name="调休上班")
    assert day_info(date(2027, 1, 4)) == DayInfo(is_workday=True, known=True)
    assert day_info(date(2027, 1, 9)) == DayInfo(is_workday=False, known=True)


def test_manual_year_replaces_builtin_data_for_that_year() -> None:
    year = ScheduleYear.objects.create(year=2026, is_published=True)
    ScheduleDay.objects.create(year=year, date=date(2026, 10, 1), is_workday=False, name="国庆节")
    assert not day_info(date(2026, 10, 1)).is_workday
    # Not listed in the manual entry, so Monday–Friday applies, whatever chinesecalendar says.
    assert day_info(date(2026, 10, 2)) == DayInfo(is_workday=True, known=True)
    assert day_info(date(2026, 10, 10)) == DayInfo(is_workday=False, known=True)


def test_late_december_day_of_next_years_schedule_applies_to_its_date() -> None:
    year = ScheduleYear.objects.create(year=2027, is_published=True)
    ScheduleDay.objects.create(year=year, date=date(2026, 12, 26), is_workday=True, name="元旦调休上班")
    assert day_info(date(2026, 12, 26)) == DayInfo(is_workday=True, known=True, name="元旦调休上班")
    # The rest of 2026 still comes from the built-in data.
    assert day_info(date(2026, 10, 1)).name == "国庆节"


def test_builtin_schedule_needs_no_database() -> None:
    assert not Schedule().day_info(date(2026, 10, 1)).is_workday
    assert not Schedule().is_year_known(2027)
