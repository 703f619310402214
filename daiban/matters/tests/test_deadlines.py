"""Statutory clocks on real 2026 dates (chinesecalendar's State Council schedule), an unpublished 2027,
a schedule entered later (open clocks and the matter's due date recomputed), and 正常/临期/超期."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import transaction

from conftest import Personas, Tree
from daiban.matters import actions, deadlines
from daiban.matters.choices import Status, Step
from daiban.matters.errors import WrongState
from daiban.matters.models import Deadline, Matter
from daiban.matters.tests.conftest import More
from daiban.matters.tests.factories import Flow
from daiban.matters.tests.snapshot import assert_refused
from daiban.workcal import calendar as workcal
from daiban.workcal.models import DueStatus, ScheduleDay, ScheduleSource, ScheduleYear

D = datetime.date


def test_official_2026_schedule_is_the_one_used(db: None) -> None:
    # The State Council's notice on the 2026 holidays: National Day 10-01..10-07, make-up Sunday 09-20 and Saturday 10-10;
    # Mid-autumn 09-25..09-27.
    assert workcal.is_year_known(2026)
    assert [workcal.day_info(D(2026, 10, d)).is_workday for d in range(1, 11)] == [False] * 7 + [
        True,
        True,
        True,
    ]
    assert (
        workcal.day_info(D(2026, 9, 20)).is_workday
        and workcal.day_info(D(2026, 9, 20)).name == "国庆节调休上班"
    )
    assert not workcal.day_info(D(2026, 9, 25)).is_workday


def test_route_clock_moved_over_national_day(flow: Flow, personas: Personas) -> None:
    flow.on(2026, 9, 16)
    m = flow.at_village()
    clock_row = m.deadlines.get(step=Step.ROUTE)
    # 15 calendar days after Wednesday 09-16 is 10-01 (国庆节), not a working day: next working day 10-08
    assert clock_row.due_date == D(2026, 10, 8) == m.due_date
    assert not clock_row.provisional
    text = clock_row.explanation
    assert (
        "第二十二条" in text
        and "2026-10-01（国庆节，非工作日）" in text
        and "顺延" in text
        and "2026-10-08" in text
    )


def objection_case(flow: Flow) -> Matter:
    flow.on(2026, 9, 29)
    return flow.routed()


def test_objection_window_skips_national_day_and_counts_the_make_up_saturday(flow: Flow) -> None:
    m = objection_case(flow)
    row = m.deadlines.get(step=Step.OBJECTION)
    # working days after Tuesday 09-29: 09-30, (10-01..10-07 holiday), 10-08, 10-09, Saturday 10-10 (调休), 10-12
    assert row.due_date == D(2026, 10, 12)
    # The window is a right, not a duty: the matter's own deadline is the acceptance notice (15 days).
    assert m.due_step == Step.ACCEPT_NOTICE and m.due_date == D(2026, 10, 14)
    assert "国庆节" in row.explanation and "调休上班日 2026-10-10（周六）" in row.explanation


def test_objection_on_the_last_day_over_the_holiday(flow: Flow, personas: Personas) -> None:
    m = objection_case(flow)
    flow.on(2026, 10, 12, 16)
    m = flow.fresh(
        flow.act_task(actions.task_object, personas.unit_handler, flow.lead_task(m), reasons="不属本局职责")
    )
    assert m.tasks.get(role="lead").status == "objecting"  # in time: it goes to the centre to decide


def test_objection_the_day_after_is_refused(flow: Flow, personas: Personas) -> None:
    m = objection_case(flow)
    flow.on(2026, 10, 13)
    call = flow.bound_task(
        actions.task_object, personas.unit_handler, flow.lead_task(m), reasons="不属本局职责"
    )
    assert_refused(WrongState, call)


def test_objection_window_counts_a_make_up_sunday(flow: Flow) -> None:
    flow.on(2026, 9, 18)  # Friday; Saturday 09-19 off, Sunday 09-20 a working day
    m = flow.routed()
    row = m.deadlines.get(step=Step.OBJECTION)
    assert row.due_date == D(2026, 9, 24)
    assert "2026-09-20（周日）" in row.explanation


def test_extension_runs_from_the_original_deadline(flow: Flow, personas: Personas) -> None:
    """Art. 34: the extension (at most 30 days) is counted from the day the original limit ends."""
    flow.on(2026, 8, 1)
    m = flow.handling()  # accepted Sunday 2026-08-02
    row = m.deadlines.get(step=Step.HANDLING, is_open=True)
    assert row.started_on == D(2026, 8, 2)
    # 60 days: 10-01 (国庆节) → 10-08, the first working day after the holiday
    assert row.due_date == D(2026, 10, 8) == m.due_date
    flow.on(2026, 9, 28)
    m = flow.fresh(
        flow.act(
            actions.matter_extend,
            personas.unit_handler,
            m,
            days=30,
            approver="局长",
            reason="需现场复核",
            notified_how="sms",
        )
    )
    row.refresh_from_db()
    # 10-08 + 30 = 11-07 (Saturday) → Monday 11-09; 90 days from acceptance would have given 11-02
    assert (row.extra_days, row.due_date, m.due_date) == (30, D(2026, 11, 9), D(2026, 11, 9))
    assert "原办理期限届满之日" in row.explanation
    assert "顺延至下一个工作日 2026-10-08（周四），即原办理期限届满之日" in row.explanation
    assert "延长期限：2026-10-08（原办理期限届满之日，当日不计），加 30 个自然日" in row.explanation
    assert row.explanation.endswith("顺延至下一个工作日 2026-11-09（周一）。")


# ------------------------------------------------------------------------------------------------ 2027


def test_a_2027_matter_is_provisional_and_never_crashes(flow: Flow, personas: Personas, more: More) -> None:
    assert not workcal.is_year_known(2027)
    flow.on(2027, 3, 1)
    m = flow.at_county()
    row = m.deadlines.get()
    assert row.provisional and row.due_date == D(2027, 3, 16)
    assert "2027 年节假日安排尚未公布" in row.explanation
    # the whole loop runs on guessed Monday–Friday working days
    flow.act(actions.matter_route, personas.county_staff, m, lead_unit=flow.t.unit_housing_a)
    flow.later(days=2)
    flow.act_task(actions.task_accept, personas.unit_handler, flow.lead_task(m), notice_method="sms")
    flow.later(days=50)
    flow.act(
        actions.matter_extend,
        personas.unit_handler,
        m,
        days=30,
        approver="局长",
        reason="复杂",
        notified_how="sms",
    )
    flow.later(days=30)
    m = flow.serve(flow.reply(m))
    assert m.review_window_until is not None
    flow.later(days=3)
    m = flow.request_review(m)
    assert m.status == Status.REVIEW
    assert all(d.provisional for d in Deadline.objects.filter(matter=m))


def test_a_clock_running_into_2027_is_provisional(flow: Flow) -> None:
    flow.on(2026, 12, 10)
    m = flow.handling()
    row = m.deadlines.get(step=Step.HANDLING, is_open=True)
    assert row.provisional and row.due_date.year == 2027


# ----------------------------------------------------------------------------------- schedule changes


def enter_2027(days: list[tuple[D, bool, str]], capture: Any) -> None:
    """An administrator enters the 2027 schedule in one transaction; the hook runs after commit."""
    with capture(execute=True), transaction.atomic():
        year = ScheduleYear.objects.create(
            year=2027, source=ScheduleSource.MANUAL, note="国务院办公厅通知", is_published=True
        )
        for day, is_workday, name in days:
            ScheduleDay.objects.create(year=year, date=day, is_workday=is_workday, name=name)


NEW_YEAR_2027 = [
    (D(2027, 1, 1), False, "元旦"),
    (D(2027, 1, 2), False, "元旦"),
    (D(2027, 1, 3), False, "元旦"),
]

# An illustrative official Spring Festival (not the real notice): longer than the four days the law fixes.
SPRING_2027 = [(D(2027, 2, d), False, "春节") for d in range(5, 14)] + [
    (D(2027, 2, 20), True, "春节调休上班")
]


def test_a_clock_over_a_2027_holiday_is_provisional_and_explains_why(flow: Flow) -> None:
    flow.on(2027, 9, 16)
    m = flow.at_village()
    row = m.deadlines.get()
    # 09-16 + 15 = 10-01: 国庆节 by the holiday law (the old weekday guess made this Friday a working day)
    assert (row.due_date, row.provisional, m.due_date) == (D(2027, 10, 4), True, D(2027, 10, 4))
    assert "2027-10-01（国庆节，暂定非工作日），顺延至下一个工作日 2027-10-04（周一）" in row.explanation
    assert "按《全国年节及纪念日放假办法》规定的法定节假日和周末推算" in row.explanation


def test_entering_the_2027_schedule_recomputes_open_clocks(
    flow: Flow, personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    flow.on(2027, 1, 26)
    m = flow.at_village()
    closed = flow.at_village(purpose="consultation", new_matter_reason="另一件事")
    flow.act(actions.matter_answer, personas.village_agent, closed, answer="已答复")
    row = m.deadlines.get()
    # Wednesday 02-10 is a working day by the law's four Spring Festival days (02-05..02-08)
    assert (row.due_date, row.provisional, m.due_date) == (D(2027, 2, 10), True, D(2027, 2, 10))
    version = m.version
    closed_before = list(Deadline.objects.filter(matter=closed).values_list("due_date", "provisional"))

    enter_2027(SPRING_2027, django_capture_on_commit_callbacks)

    row.refresh_from_db()
    m.refresh_from_db()
    # officially off until Saturday 02-13; Sunday 02-14 is an ordinary Sunday
    assert (row.due_date, row.provisional) == (D(2027, 2, 15), False)
    assert "2027-02-10（春节，非工作日）" in row.explanation and "尚未公布" not in row.explanation
    assert m.due_date == D(2027, 2, 15)
    assert m.version == version  # a calendar correction is not an action on the matter
    assert (
        list(Deadline.objects.filter(matter=closed).values_list("due_date", "provisional")) == closed_before
    )
    # safe to run again
    assert deadlines.recompute_open([2027]) == 0


def test_entering_a_schedule_that_confirms_the_guess_clears_the_flag(
    flow: Flow, django_capture_on_commit_callbacks: Any
) -> None:
    flow.on(2026, 12, 17)
    m = flow.at_village()
    row = m.deadlines.get()
    # 2027-01-01 (元旦 by the law) → Monday 01-04, provisional; the matter mirrors the flag (item 13)
    assert (row.due_date, row.provisional, m.due_date) == (D(2027, 1, 4), True, D(2027, 1, 4))
    assert m.due_provisional
    enter_2027(NEW_YEAR_2027, django_capture_on_commit_callbacks)
    row.refresh_from_db()
    m.refresh_from_db()
    assert (row.due_date, row.provisional) == (D(2027, 1, 4), False)
    assert "2027-01-01（元旦，非工作日）" in row.explanation and "仅供参考" not in row.explanation
    assert (m.due_date, m.due_provisional) == (D(2027, 1, 4), False)  # same date, flag refreshed
    assert deadlines.recompute_open([2027]) == 0


def test_the_matter_mirrors_the_flag_of_its_current_deadline(flow: Flow, personas: Personas) -> None:
    flow.on(2026, 12, 17)
    m = flow.at_village(purpose="consultation")
    assert m.due_provisional
    m = flow.fresh(flow.act(actions.matter_answer, personas.village_agent, m, answer="已当场答复"))
    assert (m.status, m.due_date, m.due_provisional) == (Status.CLOSED, None, False)
    flow.on(2026, 11, 2)
    m = flow.at_village(new_matter_reason="另一件事")
    assert (m.due_date, m.due_provisional) == (D(2026, 11, 17), False)


def test_the_migration_fills_the_mirror_from_open_clocks(flow: Flow) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("daiban.matters.migrations.0008_matter_due_provisional_mirror")
    flow.on(2026, 12, 17)
    guessed = flow.at_village()
    flow.on(2026, 11, 2)
    known = flow.at_village(new_matter_reason="另一件事")
    Matter.objects.update(due_provisional=False)
    migration.fill(apps, None)
    assert Matter.objects.get(pk=guessed.pk).due_provisional
    assert not Matter.objects.get(pk=known.pk).due_provisional


def test_a_schedule_change_can_move_the_earliest_clock(
    flow: Flow, tree: Tree, personas: Personas, more: More, django_capture_on_commit_callbacks: Any
) -> None:
    """With a lead and a co-unit, the matter's due date is the earliest open clock after recomputation."""
    flow.on(2027, 2, 1)  # Monday; 5 working days by the law's holidays: 02-02..02-04, 02-09, 02-10
    m = flow.routed(co_units=[tree.unit_hr_a])
    window = m.deadlines.get(step=Step.OBJECTION, task__role="lead")
    assert window.due_date == D(2027, 2, 10) and window.provisional
    assert m.due_step == Step.ACCEPT_NOTICE  # objection windows never drive the matter's due date
    enter_2027(SPRING_2027, django_capture_on_commit_callbacks)
    window.refresh_from_db()
    # officially 02-05..02-13 off: 02-02..02-04, 02-15, 02-16
    assert window.due_date == D(2027, 2, 16) and not window.provisional
    m.refresh_from_db()
    duty = m.deadlines.filter(is_open=True).exclude(step=Step.OBJECTION).order_by("due_date", "id").first()
    assert duty is not None
    assert m.due_date == duty.due_date and m.due_step == duty.step == Step.ACCEPT_NOTICE


# -------------------------------------------------------------------------------------------- due status


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 6, 10), DueStatus.NORMAL),
        (D(2026, 6, 12), DueStatus.NORMAL),
        (D(2026, 6, 13), DueStatus.DUE_SOON),
        (D(2026, 6, 16), DueStatus.DUE_SOON),
        (D(2026, 6, 17), DueStatus.OVERDUE),
    ],
)
def test_due_status_of_the_matter(flow: Flow, today: D, expected: DueStatus, settings: Any) -> None:
    settings.DUE_SOON_DAYS = 3
    m = flow.at_village()
    assert m.due_date == D(2026, 6, 16)
    assert workcal.due_status(m.due_date, today) == expected
    clock_row = m.deadlines.get()
    assert workcal.deadline_for(clock_row.step, clock_row.started_on).status(today) == expected


def test_overdue_matters_are_found_by_the_indexed_column(flow: Flow, personas: Personas) -> None:
    late = flow.at_village()
    flow.on(2026, 6, 10)
    on_time = flow.at_village(new_matter_reason="另一件事")
    today = D(2026, 6, 17)
    overdue = Matter.objects.filter(status__in=[s for s in Status if s != Status.CLOSED], due_date__lt=today)
    assert list(overdue) == [late] and on_time.due_date is not None and on_time.due_date >= today
