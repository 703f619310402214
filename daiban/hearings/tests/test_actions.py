"""听证记录 (arts. 31(6), 36): recorded by the handling unit on a 申诉求决 matter in handling and by the
re-examination organ, whose time limit then moves by exactly the hearing days on the official calendar.
A refusal changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas
from daiban.hearings.actions import hearing_record
from daiban.hearings.models import HearingRecord, HearingStage
from daiban.hearings.tests.helpers import inputs, record
from daiban.matters import actions, workflow
from daiban.matters.choices import EventKind, Step
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope, WrongState
from daiban.matters.models import Deadline, Matter
from daiban.matters.tests.conftest import More
from daiban.matters.tests.factories import Flow
from daiban.matters.tests.snapshot import assert_refused
from daiban.workcal import calendar as workcal

D = datetime.date
OUTSIDERS = ["outsider", "outsider_village_agent", "outsider_unit_handler"]


def _reexam_clock(m: Matter) -> Deadline:
    return m.deadlines.get(step=Step.REEXAM_HANDLING, is_open=True)


# ------------------------------------------------------------------------------------------------ handling


def test_hearing_in_handling_joins_the_timeline(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    due_before = m.due_date
    flow.later(days=6)
    m = record(flow, personas.unit_handler, m, flow.today - datetime.timedelta(days=2), flow.today)
    row = HearingRecord.objects.get()
    assert (row.stage, row.review, row.unit, row.days) == (HearingStage.HANDLING, None, m.tasks.get().unit, 3)
    assert (row.scope_county, row.region_path) == ("150102", m.region_path)
    assert row.recorded_by == personas.unit_handler and row.event_seq == m.version
    event = m.events.get(seq=m.version)
    assert event.kind == EventKind.HEARING_RECORD and "组织听证" in event.summary
    assert event.details["record"] == row.pk and event.details["article"] == "第三十一条"
    texts = dict(workflow.event_texts(event.kind, event.details))
    assert texts["听证结论"] == row.conclusion and "（3 日）" in texts["听证时间"]
    assert f"第 {row.pk} 号" in texts["听证记录"]
    # The handling clock is not touched: only re-examination excludes hearing time (art. 36).
    assert m.due_date == due_before


def test_handling_hearing_refused_on_a_matter_that_is_not_an_appeal(flow: Flow, personas: Personas) -> None:
    m = flow.handling(purpose="suggestion")
    error = assert_refused(
        WrongState, flow.bound(hearing_record, personas.unit_handler, m, **inputs(flow.today))
    )
    assert "申诉求决" in error.message
    assert HearingRecord.objects.count() == 0
    assert not workflow.REGISTRY["hearing_record"].allows(personas.unit_handler, m)


@pytest.mark.parametrize("who", ["county_staff", "village_agent", "leader", "supervisor", "city_admin"])
def test_handling_hearing_refused_by_role(flow: Flow, personas: Personas, who: str) -> None:
    m = flow.handling()
    assert_refused(NotAllowed, flow.bound(hearing_record, getattr(personas, who), m, **inputs(flow.today)))
    assert HearingRecord.objects.count() == 0


def test_handling_hearing_refused_to_a_co_unit(flow: Flow, personas: Personas, more: More) -> None:
    m = flow.handling(co_units=[flow.t.unit_hr_a])
    flow.act_task(actions.task_accept, more.hr_handler, m.tasks.get(role="co"), notice_method="phone")
    assert_refused(NotAllowed, flow.bound(hearing_record, more.hr_handler, m, **inputs(flow.today)))
    assert HearingRecord.objects.count() == 0


@pytest.mark.parametrize("who", OUTSIDERS)
def test_hearing_out_of_scope(flow: Flow, personas: Personas, who: str) -> None:
    m = flow.handling()
    assert_refused(OutOfScope, flow.bound(hearing_record, getattr(personas, who), m, **inputs(flow.today)))
    assert HearingRecord.objects.count() == 0


@pytest.mark.parametrize("state", ["routed", "replied"])
def test_hearing_refused_outside_handling_and_reexam(flow: Flow, personas: Personas, state: str) -> None:
    m = getattr(flow, state)()
    assert_refused(WrongState, flow.bound(hearing_record, personas.unit_handler, m, **inputs(flow.today)))


def test_hearing_stale(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    assert_refused(
        Conflict, flow.bound(hearing_record, personas.unit_handler, m, version=1, **inputs(flow.today))
    )
    assert HearingRecord.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("first_day", {"first_day": D(2026, 6, 20), "last_day": D(2026, 6, 20)}),  # tomorrow
        ("last_day", {"first_day": D(2026, 6, 18), "last_day": D(2026, 6, 20)}),
        ("last_day", {"first_day": D(2026, 6, 18), "last_day": D(2026, 6, 17)}),
        ("first_day", {"first_day": D(2026, 5, 1), "last_day": D(2026, 5, 2)}),  # before the matter
        ("place", {"place": "  "}),
        ("presiding", {"presiding": ""}),
        ("participants", {"participants": ""}),
        ("petitioner_statement", {"petitioner_statement": ""}),
        ("unit_statement", {"unit_statement": ""}),
        ("conclusion", {"conclusion": ""}),
        ("place", {"place": "地" * 121}),
    ],
)
def test_bad_input_names_the_field(
    flow: Flow, personas: Personas, field: str, change: dict[str, object]
) -> None:
    m = flow.handling()
    flow.on(2026, 6, 19)
    kwargs = {**inputs(D(2026, 6, 18)), **change}
    assert_refused(ValidationError, flow.bound(hearing_record, personas.unit_handler, m, **kwargs), field)


def test_a_hearing_longer_than_sixty_days_is_refused(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    flow.later(days=70)
    kwargs = inputs(flow.today - datetime.timedelta(days=60), flow.today)  # 61 days, both counted
    assert_refused(
        ValidationError, flow.bound(hearing_record, personas.unit_handler, m, **kwargs), "last_day"
    )


# ------------------------------------------------------------------------------------------- re-examination


def test_reexam_due_date_moves_by_exactly_the_hearing_days(
    flow: Flow, personas: Personas, more: More
) -> None:
    m = flow.in_reexam(more.city_housing_handler)
    clock_row = _reexam_clock(m)
    # requested 2026-06-25: 30 days → 07-25, a Saturday → Monday 07-27
    assert (clock_row.started_on, clock_row.due_date) == (D(2026, 6, 25), D(2026, 7, 27))
    flow.on(2026, 7, 6)
    m = record(flow, more.city_gov_handler, m, D(2026, 6, 29), D(2026, 7, 3))  # 5 days
    row = HearingRecord.objects.get()
    review = m.reviews.get(kind="reexam")
    assert (row.stage, row.review, row.unit, row.days) == (HearingStage.REEXAM, review, review.unit, 5)
    clock_row = _reexam_clock(m)
    # The official calendar's own count with the 5 days excluded: 06-30 + 30 days = Thursday 07-30.
    expected = workcal.deadline_for(Step.REEXAM_HANDLING, D(2026, 6, 25), excluded_days=5).due
    assert clock_row.due_date == expected == D(2026, 7, 30) == m.due_date
    assert clock_row.excluded_days == 5 and review.hearing_days == 5
    assert "5 日不计入期限" in clock_row.explanation
    event = m.events.get(seq=m.version)
    assert "2026-07-27 顺延至 2026-07-30" in event.summary
    assert event.details["due_after"] == "2026-07-30" and event.details["article"] == "第三十六条"
    # A second hearing of the same review adds its days: 7 in all → 07-02 + 30 = Saturday 08-01 → Monday 08-03.
    m = record(flow, more.city_gov_handler, m, D(2026, 7, 4), D(2026, 7, 5))
    clock_row = _reexam_clock(m)
    assert clock_row.excluded_days == 7 and clock_row.due_date == D(2026, 8, 3)
    assert m.reviews.get(kind="reexam").hearing_days == 7


def test_days_of_the_old_bare_count_are_kept(flow: Flow, personas: Personas, more: More) -> None:
    m = flow.in_reexam(more.city_housing_handler)
    flow.on(2026, 7, 6)
    m = flow.fresh(flow.act(actions.matter_hearing, more.city_gov_handler, m, days=2))
    m = record(flow, more.city_gov_handler, m, D(2026, 7, 1), D(2026, 7, 3))
    assert _reexam_clock(m).excluded_days == 5


def test_reexam_hearing_before_the_request_is_refused(flow: Flow, personas: Personas, more: More) -> None:
    m = flow.in_reexam(more.city_housing_handler)
    flow.on(2026, 7, 6)
    assert_refused(
        ValidationError,
        flow.bound(hearing_record, more.city_gov_handler, m, **inputs(D(2026, 6, 24), D(2026, 6, 26))),
        "first_day",
    )


@pytest.mark.parametrize("who", ["review_organ", "unit_handler", "county_staff", "supervisor"])
def test_reexam_hearing_refused_by_role(flow: Flow, personas: Personas, more: More, who: str) -> None:
    m = flow.in_reexam(more.city_housing_handler)
    actor = more.city_housing_handler if who == "review_organ" else getattr(personas, who)
    before = _reexam_clock(m).due_date
    assert_refused(NotAllowed, flow.bound(hearing_record, actor, m, **inputs(flow.today)))
    assert HearingRecord.objects.count() == 0 and _reexam_clock(m).due_date == before


def test_no_hearing_record_during_review(flow: Flow, personas: Personas, more: More) -> None:
    m = flow.in_review()
    assert_refused(WrongState, flow.bound(hearing_record, more.city_housing_handler, m, **inputs(flow.today)))


def test_the_old_hearing_button_is_retired(flow: Flow, personas: Personas, more: More) -> None:
    m = flow.in_reexam(more.city_housing_handler)
    keys = {o.key for o in workflow.available(more.city_gov_handler, m)}
    assert "hearing_record" in keys and "hearing" not in keys
    assert not workflow.REGISTRY["hearing"].has_button
