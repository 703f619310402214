"""add_period: the counting rules of domain.md §3 against the real 2026 schedule."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from daiban.workcal.calendar import DayInfo, Schedule, TimeUnit, add_period
from daiban.workcal.models import ScheduleYear

pytestmark = pytest.mark.django_db

CAL = TimeUnit.CALENDAR_DAYS
WORK = TimeUnit.WORKING_DAYS


def test_calendar_days_ending_on_national_day_move_to_next_working_day() -> None:
    deadline = add_period(date(2026, 9, 16), 15, CAL)
    assert deadline.due == date(
        2026, 10, 8
    )  # 10-01 is National Day; 10-08 (Thursday) is the first working day
    assert not deadline.provisional
    assert deadline.explanation == (
        "2026-09-16 起算（当日不计），加 15 个自然日为 2026-10-01（国庆节，非工作日），"
        "顺延至下一个工作日 2026-10-08（周四）。"
    )
    assert [s.day for s in deadline.steps] == [date(2026, 10, d) for d in range(1, 9)]
    assert [s.counted for s in deadline.steps] == [False] * 7 + [True]


def test_calendar_days_ending_on_a_working_day_stay() -> None:
    deadline = add_period(date(2026, 9, 1), 15, CAL)
    assert deadline.due == date(2026, 9, 16)
    assert (
        deadline.explanation
        == "2026-09-01 起算（当日不计），加 15 个自然日为 2026-09-16（周三），即为截止日。"
    )


def test_calendar_days_ending_on_a_make_up_sunday_need_no_moving() -> None:
    deadline = add_period(date(2026, 9, 5), 15, CAL)
    assert deadline.due == date(2026, 9, 20)
    assert "2026-09-20（周日，国庆节调休上班），即为截止日" in deadline.explanation


def test_calendar_days_ending_on_an_ordinary_weekend_move_to_monday() -> None:
    deadline = add_period(date(2026, 8, 31), 60, CAL)  # 2026-10-30 is a Friday
    assert deadline.due == date(2026, 10, 30)
    deadline = add_period(date(2026, 9, 2), 60, CAL)  # 2026-11-01 is a Sunday
    assert deadline.due == date(2026, 11, 2)
    assert "2026-11-01（周日，非工作日），顺延至下一个工作日 2026-11-02（周一）" in deadline.explanation


def test_objection_window_starting_before_mid_autumn_spans_both_holidays() -> None:
    deadline = add_period(date(2026, 9, 24), 5, WORK)
    # Working days counted: 09-28, 09-29, 09-30, 10-08, 10-09.
    assert deadline.due == date(2026, 10, 9)
    assert [s.day for s in deadline.steps if s.counted] == [
        date(2026, 9, 28),
        date(2026, 9, 29),
        date(2026, 9, 30),
        date(2026, 10, 8),
        date(2026, 10, 9),
    ]
    assert deadline.explanation == (
        "2026-09-24 起算（当日不计），自次日起数 5 个工作日，截止日为 2026-10-09（周五）。"
        "其间跳过非工作日：2026-09-25 至 2026-09-27（中秋节）、2026-10-01 至 2026-10-07（国庆节）。"
    )


def test_working_days_count_a_make_up_saturday() -> None:
    deadline = add_period(date(2026, 10, 8), 3, WORK)
    # 10-09 (Fri), 10-10 (Saturday made a working day), then Sunday off, 10-12 (Mon).
    assert deadline.due == date(2026, 10, 12)
    assert "调休上班日 2026-10-10（周六）计为工作日" in deadline.explanation
    assert "周末 1 天" in deadline.explanation


def test_working_days_can_end_on_a_make_up_sunday() -> None:
    assert add_period(date(2026, 9, 18), 1, WORK).due == date(2026, 9, 20)


def test_simplified_ten_working_days_across_the_holidays() -> None:
    assert add_period(date(2026, 9, 24), 10, WORK).due == date(2026, 10, 15)


def test_spring_festival_2026_working_days() -> None:
    # 02-11, 02-12, 02-13, 02-14 (Saturday made a working day), then 02-15..02-23 off, 02-24.
    deadline = add_period(date(2026, 2, 10), 5, WORK)
    assert deadline.due == date(2026, 2, 24)
    assert "2026-02-15 至 2026-02-23（春节）" in deadline.explanation


def test_unknown_year_is_provisional_and_says_so() -> None:
    deadline = add_period(date(2026, 12, 17), 15, CAL)
    # 2027-01-01 is a Friday, but 元旦 by the holiday law: the next working day is Monday 01-04.
    assert deadline.due == date(2027, 1, 4)
    assert deadline.provisional
    assert deadline.unknown_years == (2027,)
    assert "2027-01-01（元旦，暂定非工作日），顺延至下一个工作日 2027-01-04（周一）" in deadline.explanation
    assert deadline.explanation.endswith(
        "（2027 年节假日安排尚未公布或尚未录入，按《全国年节及纪念日放假办法》规定的法定节假日和周末推算"
        "（未计调休上班和补假），仅供参考）"
    )


def test_unknown_year_working_days_use_weekdays_only() -> None:
    deadline = add_period(date(2027, 3, 5), 10, WORK)  # Friday
    assert deadline.due == date(2027, 3, 19)
    assert deadline.provisional
    assert all(s.day.weekday() < 5 for s in deadline.steps if s.counted)


def test_a_limit_inside_a_known_year_is_not_provisional_even_if_it_starts_in_an_unknown_one() -> None:
    # Only the days actually inspected matter: the start day is not.
    deadline = add_period(date(2003, 12, 31), 1, WORK)
    assert deadline.due == date(2004, 1, 2)  # 2004-01-01 was New Year's Day
    assert not deadline.provisional


def test_manual_2027_schedule_removes_the_provisional_flag(schedule_2027: ScheduleYear) -> None:
    deadline = add_period(date(2026, 12, 17), 15, CAL)
    assert deadline.due == date(2027, 1, 4)  # 2027-01-01 is now 元旦
    assert not deadline.provisional
    assert "2027-01-01（元旦，非工作日），顺延至下一个工作日 2027-01-04（周一）" in deadline.explanation
    assert "仅供参考" not in deadline.explanation


def test_excluded_days_move_the_clock_and_are_explained() -> None:
    deadline = add_period(date(2026, 9, 1), 30, CAL, excluded_days=10)
    # 09-01 + 10 excluded = 09-11; + 30 = 10-11 (Sunday) -> 10-12.
    assert deadline.due == date(2026, 10, 12)
    assert deadline.excluded_days == 10
    assert "其间 10 日不计入期限（如听证时间），起算日相应后移至 2026-09-11" in deadline.explanation
    assert add_period(date(2026, 9, 1), 30, CAL).due == date(
        2026, 10, 8
    )  # 10-01 -> 10-08 without the hearing


def test_start_label_names_the_event() -> None:
    deadline = add_period(date(2026, 9, 16), 15, CAL, start_label="受理之日")
    assert deadline.explanation.startswith("2026-09-16（受理之日，当日不计），加 15 个自然日为")


@pytest.mark.parametrize(
    ("length", "unit", "excluded", "message"),
    [
        (0, CAL, 0, "期限须至少为 1 天"),
        (5, "weeks", 0, "未知的计算单位"),
        (5, CAL, -1, "不能为负数"),
    ],
)
def test_invalid_arguments_are_rejected_in_chinese(
    length: int, unit: str, excluded: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        add_period(date(2026, 9, 1), length, unit, excluded)


def test_a_schedule_without_any_working_day_is_reported() -> None:
    days = [date(2026, 10, 1) + timedelta(days=i) for i in range(100)]
    broken = Schedule(
        manual_years=frozenset({2026}),
        manual_days={d: DayInfo(is_workday=False, known=True, name="错误") for d in days},
    )
    with pytest.raises(ValueError, match="请检查节假日安排"):
        add_period(date(2026, 9, 30), 1, CAL, schedule=broken)
    with pytest.raises(ValueError, match="请检查节假日安排"):
        add_period(date(2026, 9, 30), 1, WORK, schedule=broken)
