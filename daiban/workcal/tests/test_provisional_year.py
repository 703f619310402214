"""A year without an official schedule: guessed from the holiday law's own rules, flagged 暂定 (issue 8, 12).

《全国年节及纪念日放假办法》 (amended 2024, in force 2025): 元旦 1 day, 春节 4 days (除夕–初三), 清明节 1,
劳动节 2 (05-01, 05-02), 端午节 1, 中秋节 1, 国庆节 3 (10-01–10-03). chinesecalendar 1.11 stops at 2026.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from daiban.workcal.calendar import (
    DayInfo,
    Schedule,
    TimeUnit,
    add_period,
    day_info,
    deadline_for,
    is_year_known,
)
from daiban.workcal.models import ScheduleYear
from daiban.workcal.schedule import builtin_years, statutory_holidays

pytestmark = pytest.mark.django_db

CAL = TimeUnit.CALENDAR_DAYS
WORK = TimeUnit.WORKING_DAYS
SCHEDULE = Schedule()


def test_new_year_and_national_day_2027_are_provisional_holidays() -> None:
    assert not is_year_known(2027)
    # Both are Fridays: the old Monday–Friday guess made them working days.
    assert day_info(date(2027, 1, 1)) == DayInfo(is_workday=False, known=False, name="元旦")
    assert day_info(date(2027, 10, 1)) == DayInfo(is_workday=False, known=False, name="国庆节")
    assert day_info(date(2027, 10, 2)) == DayInfo(is_workday=False, known=False, name="国庆节")
    assert day_info(date(2027, 10, 3)) == DayInfo(is_workday=False, known=False, name="国庆节")
    assert day_info(date(2027, 10, 4)) == DayInfo(is_workday=True, known=False)
    assert day_info(date(2027, 12, 31)) == DayInfo(is_workday=True, known=False)


def test_spring_festival_2027_is_the_eve_and_the_first_three_days() -> None:
    # 正月初一 is 2027-02-06, so 除夕 (the 29th of the twelfth month that year) is 02-05.
    assert [day_info(date(2027, 2, d)) for d in range(4, 10)] == [
        DayInfo(is_workday=True, known=False),
        DayInfo(is_workday=False, known=False, name="春节"),  # 除夕, Friday
        DayInfo(is_workday=False, known=False, name="春节"),  # 初一, Saturday
        DayInfo(is_workday=False, known=False, name="春节"),  # 初二, Sunday
        DayInfo(is_workday=False, known=False, name="春节"),  # 初三, Monday
        DayInfo(is_workday=True, known=False),
    ]


def test_the_2027_holidays_from_the_law() -> None:
    holidays = statutory_holidays(2027)
    assert holidays is not None
    assert dict(holidays) == {
        date(2027, 1, 1): "元旦",
        date(2027, 2, 5): "春节",
        date(2027, 2, 6): "春节",
        date(2027, 2, 7): "春节",
        date(2027, 2, 8): "春节",
        date(2027, 4, 5): "清明节",
        date(2027, 5, 1): "劳动节",
        date(2027, 5, 2): "劳动节",
        date(2027, 6, 9): "端午节",
        date(2027, 9, 15): "中秋节",
        date(2027, 10, 1): "国庆节",
        date(2027, 10, 2): "国庆节",
        date(2027, 10, 3): "国庆节",
    }


def test_holidays_on_a_weekend_are_not_made_up() -> None:
    # 劳动节 2027 is Saturday and Sunday: no weekday in lieu (补假) and no make-up working day (调休) is guessed.
    assert day_info(date(2027, 5, 3)) == DayInfo(is_workday=True, known=False)
    assert day_info(date(2027, 4, 24)) == DayInfo(is_workday=False, known=False)
    assert day_info(date(2027, 5, 8)) == DayInfo(is_workday=False, known=False)


def test_two_holidays_on_one_day_carry_both_names() -> None:
    # 2028: 中秋节 (八月十五) falls on 10-03, a day of 国庆节.
    holidays = statutory_holidays(2028)
    assert holidays is not None and holidays[date(2028, 10, 3)] == "中秋节、国庆节"
    assert len(holidays) == 12


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_laws_holidays_are_holidays_in_the_official_schedules(year: int) -> None:
    """The rules reproduce every statutory day off of the years that have an official schedule."""
    holidays = statutory_holidays(year)
    assert holidays is not None and len(holidays) == 13
    for d, name in holidays.items():
        official = SCHEDULE.day_info(d)
        assert not official.is_workday, (d, name)
        assert official.known
        assert chinese_calendar.is_holiday(d)


def test_every_year_the_libraries_cover_has_thirteen_or_twelve_holidays() -> None:
    for year in range(2027, 2100):
        holidays = statutory_holidays(year)
        assert holidays is not None, year
        assert len(holidays) in (12, 13), year
        assert all(d.year == year for d in holidays), year


def test_no_rules_before_2025_and_none_beyond_the_lunar_tables() -> None:
    assert statutory_holidays(2024) is None
    assert statutory_holidays(2003) is None
    assert statutory_holidays(2100) is None
    # 2100 is outside lunardate's range: Monday–Friday, still provisional, never a crash.
    assert day_info(date(2100, 1, 1)) == DayInfo(is_workday=True, known=False)


def test_a_deadline_across_the_spring_festival_is_provisional_and_explains_why() -> None:
    deadline = deadline_for("objection", date(2027, 2, 3))
    # Working days after Wednesday 02-03: 02-04, (02-05..02-08 春节, 暂定), 02-09, 02-10, 02-11, 02-12.
    assert deadline.due == date(2027, 2, 12)
    assert deadline.provisional and deadline.unknown_years == (2027,)
    assert [s.day for s in deadline.steps if s.counted] == [
        date(2027, 2, 4),
        date(2027, 2, 9),
        date(2027, 2, 10),
        date(2027, 2, 11),
        date(2027, 2, 12),
    ]
    assert "其间跳过非工作日：2027-02-05 至 2027-02-08（春节）。" in deadline.explanation
    assert deadline.explanation.endswith(
        "（2027 年节假日安排尚未公布或尚未录入，按《全国年节及纪念日放假办法》规定的法定节假日和周末推算"
        "（未计调休上班和补假），仅供参考）"
    )


def test_a_deadline_ending_on_national_day_2027_moves_and_says_it_is_provisional() -> None:
    deadline = deadline_for("accept_notice", date(2027, 9, 16))
    # 09-16 + 15 = 10-01 (国庆节 by the law) -> Monday 10-04 (10-02, 10-03 are a holiday weekend).
    assert deadline.due == date(2027, 10, 4)
    assert deadline.provisional
    assert (
        "加 15 个自然日为 2027-10-01（国庆节，暂定非工作日），顺延至下一个工作日 2027-10-04（周一）"
        in deadline.explanation
    )


def test_entering_the_official_schedule_ends_the_guess(schedule_2027: ScheduleYear) -> None:
    assert is_year_known(2027)
    assert day_info(date(2027, 10, 1)) == DayInfo(is_workday=True, known=True)  # not entered in the fixture
    deadline = add_period(date(2027, 2, 3), 5, WORK)
    assert not deadline.provisional and "仅供参考" not in deadline.explanation


def test_an_unpublished_draft_keeps_the_guess() -> None:
    ScheduleYear.objects.create(year=2027, is_published=False)
    assert day_info(date(2027, 1, 1)) == DayInfo(is_workday=False, known=False, name="元旦")


def test_a_year_before_the_builtin_data_says_so_rather_than_not_yet_published() -> None:
    assert builtin_years().start == 2004
    deadline = add_period(date(2003, 9, 16), 15, CAL)
    assert deadline.due == date(2003, 10, 1)  # a Wednesday; the 2003 schedule is not built in
    assert deadline.provisional and deadline.unknown_years == (2003,)
    assert deadline.explanation.endswith("（2003 年：早于内置安排，按周一至周五为工作日推算，仅供参考）")
    assert "尚未公布" not in deadline.explanation


def test_a_deadline_over_two_unknown_years_names_both() -> None:
    deadline = add_period(date(2027, 12, 20), 20, WORK, schedule=SCHEDULE)
    assert deadline.unknown_years == (2027, 2028)
    assert (
        "（2027、2028 年节假日安排尚未公布或尚未录入，按《全国年节及纪念日放假办法》" in deadline.explanation
    )
    # 2028-01-01 (元旦, a Saturday) adds no day in lieu: weekdays 12-21..12-31 are 9, then 01-03.. 11 more.
    assert deadline.due == date(2027, 12, 20) + timedelta(days=28)
