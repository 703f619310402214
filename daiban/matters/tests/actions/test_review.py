"""复查 / 复核 (arts. 35–36): within 30 days of receiving the written reply (its service, 送达, recorded:
see test_service), to the handling unit's superior, then to the next superior; hearing time does not
count; after re-examination the matter is final."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import Personas, Tree
from daiban.accounts.models import User
from daiban.matters import actions
from daiban.matters.choices import ReviewKind, Status, Step
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope, WrongState
from daiban.matters.models import Matter
from daiban.matters.selectors import matters_for
from daiban.matters.tests.conftest import More
from daiban.matters.tests.factories import Flow
from daiban.matters.tests.snapshot import assert_refused
from daiban.workcal.models import TimeLimit

OUTSIDERS = ["outsider", "outsider_village_agent", "outsider_unit_handler"]
DECISION: dict[str, Any] = {
    "outcome": "explain",
    "facts": "事实清楚",
    "reasons": "处理适当",
    "basis": "《条例》第三十五条",
}


def request(flow: Flow, actor: User, m: Matter, kind: str = "review", **kw: Any) -> Callable[[], Any]:
    kw.setdefault("requested_on", flow.today)
    kw.setdefault("reason", "对处理意见不服")
    return flow.bound(actions.matter_request_review, actor, m, kind=kind, **kw)


def served(flow: Flow, m: Matter, on: datetime.date | None = None) -> Matter:
    """The written reply reached the petitioner ``on`` (default: the day it was issued)."""
    opinion = m.opinions.order_by("-id").first()
    assert opinion is not None
    return flow.serve(m, on=on or timezone.localdate(opinion.issued_at))


# -------------------------------------------------------------------------------------------------- review


def test_review_goes_to_the_superior_of_the_handling_unit(
    flow: Flow, tree: Tree, personas: Personas, more: More
) -> None:
    m = flow.replied()  # replied Friday 2026-06-05
    assert m.replied_at is not None and m.replied_at.date() == datetime.date(2026, 6, 5)
    flow.on(2026, 6, 15)
    m = served(flow, m, datetime.date(2026, 6, 8))
    m = flow.fresh(request(flow, personas.county_staff, m)())
    review = m.reviews.get()
    assert (review.kind, review.unit, review.requested_on) == (
        "review",
        tree.unit_housing_city,
        datetime.date(2026, 6, 15),
    )
    assert m.status == Status.REVIEW and m.holder_unit == tree.unit_housing_city
    clock_row = m.deadlines.get(is_open=True)
    # 30 days from 06-15 is 07-15, a Wednesday; the follow-up clock was stopped
    assert (clock_row.step, clock_row.due_date) == (Step.REVIEW_HANDLING, datetime.date(2026, 7, 15))
    assert (m.due_step, m.due_date) == (Step.REVIEW_HANDLING, datetime.date(2026, 7, 15))
    assert matters_for(more.city_housing_handler).filter(pk=m.pk).exists()
    assert m.events.get(seq=m.version).kind == "request_review"


def test_review_reopens_a_closed_matter(flow: Flow, personas: Personas, more: More) -> None:
    m = served(flow, flow.closed(resolved=True))
    m = flow.fresh(request(flow, personas.county_staff, m)())
    assert m.status == Status.REVIEW and m.closed_at is None and m.resolved is None and m.closure_kind == ""


def test_review_on_the_last_day_of_the_window(flow: Flow, personas: Personas, more: More) -> None:
    m = served(flow, flow.replied())  # served 06-05 + 30 days = 07-05, a Sunday: the window ends Monday 07-06
    assert m.review_window_until == datetime.date(2026, 7, 6)
    flow.on(2026, 7, 7)
    # recorded a day late, but asked for in time
    m = flow.fresh(request(flow, personas.county_staff, m, requested_on=datetime.date(2026, 7, 6))())
    assert m.status == Status.REVIEW


def test_review_after_thirty_days_is_refused(flow: Flow, personas: Personas, more: More) -> None:
    m = served(flow, flow.replied())
    flow.on(2026, 7, 7)
    error = assert_refused(WrongState, request(flow, personas.county_staff, m))
    assert "期限" in error.message


def test_review_date_before_the_reply_is_refused(flow: Flow, personas: Personas, more: More) -> None:
    m = served(flow, flow.replied())
    call = request(flow, personas.county_staff, m, requested_on=datetime.date(2026, 6, 4))
    assert_refused(ValidationError, call, "requested_on")


def test_reply_date_is_the_local_date(flow: Flow, personas: Personas, more: More) -> None:
    """A reply at 07:00 in Hohhot is 23:00 UTC of the day before: the request date is checked against the
    local date of the reply (before the fix the UTC date let a request dated the day before through)."""
    m = flow.handling()
    flow.on(2026, 6, 5, hour=7)
    m = served(flow, flow.reply(m))
    flow.on(2026, 6, 8)
    call = request(flow, personas.county_staff, m, requested_on=datetime.date(2026, 6, 4))
    assert_refused(ValidationError, call, "requested_on")


def test_review_date_in_the_future_is_refused(flow: Flow, personas: Personas, more: More) -> None:
    m = served(flow, flow.replied())
    call = request(flow, personas.county_staff, m, requested_on=flow.today + datetime.timedelta(days=1))
    assert_refused(ValidationError, call, "requested_on")


@pytest.mark.parametrize(("field", "kw"), [("kind", {"kind": "appeal"}), ("reason", {"reason": " "})])
def test_review_invalid(flow: Flow, personas: Personas, more: More, field: str, kw: dict[str, str]) -> None:
    m = served(flow, flow.replied())
    assert_refused(ValidationError, request(flow, personas.county_staff, m, **kw), field)


@pytest.mark.parametrize("role", ["unit_handler", "supervisor", "leader"])
def test_review_request_refused_by_role(flow: Flow, personas: Personas, more: More, role: str) -> None:
    m = served(flow, flow.replied())
    assert_refused(NotAllowed, request(flow, getattr(personas, role), m))


@pytest.mark.parametrize("who", OUTSIDERS)
def test_review_request_out_of_scope(flow: Flow, personas: Personas, more: More, who: str) -> None:
    m = served(flow, flow.replied())
    assert_refused(OutOfScope, request(flow, getattr(personas, who), m))


def test_review_refused_while_handling(flow: Flow, personas: Personas, more: More) -> None:
    m = flow.handling()
    assert_refused(WrongState, request(flow, personas.county_staff, m))


def test_review_refused_after_a_local_answer(flow: Flow, personas: Personas, more: More) -> None:
    m = flow.local()
    flow.act(actions.matter_reply_local, personas.village_agent, m, **DECISION)
    error = assert_refused(WrongState, request(flow, personas.village_agent, m))
    assert "没有可申请" in error.message  # a local answer opens no window: nothing to serve first


def test_review_refused_without_a_superior_organ(
    flow: Flow, tree: Tree, personas: Personas, more: More
) -> None:
    m = flow.routed(lead_unit=tree.unit_hr_a)
    flow.act_task(actions.task_accept, more.hr_handler, flow.lead_task(m), notice_method="written")
    flow.act(actions.matter_reply, more.hr_handler, m, **DECISION)
    served(flow, m)
    error = assert_refused(WrongState, request(flow, personas.county_staff, m))
    assert "上级机关" in error.message


def test_review_stale(flow: Flow, personas: Personas, more: More) -> None:
    m = served(flow, flow.replied())
    assert_refused(Conflict, request(flow, personas.county_staff, m, version=1))


def test_review_requested_twice_is_refused(flow: Flow, personas: Personas, more: More) -> None:
    m = flow.in_review()
    flow.later(days=3)
    m = served(flow, flow.decide(m, more.city_housing_handler))
    error = assert_refused(WrongState, request(flow, personas.county_staff, m, "review"))
    assert "已申请过复查" in error.message


# ------------------------------------------------------------------------------------------------- reexam


def test_reexam_goes_to_the_next_superior(flow: Flow, tree: Tree, personas: Personas, more: More) -> None:
    m = flow.in_review()
    flow.later(days=10)
    m = flow.decide(m, more.city_housing_handler)
    assert m.status == Status.REPLIED and not m.is_final
    assert m.opinions.get(stage="review").unit == tree.unit_housing_city
    # decided Saturday 2026-06-20 and served that day: re-examination may be asked until 07-20
    assert flow.today == datetime.date(2026, 6, 20) and m.review_window_until is None
    m = served(flow, m)
    assert m.review_window_until == datetime.date(2026, 7, 20)
    flow.later(days=5)
    m = flow.request_review(m, "reexam")
    reexam = m.reviews.get(kind=ReviewKind.REEXAM)
    assert reexam.unit == more.city_gov and m.holder_unit == more.city_gov and m.status == Status.REEXAM
    assert m.due_step == Step.REEXAM_HANDLING
    assert matters_for(more.city_gov_handler).filter(pk=m.pk).exists()


def test_reexam_refused_before_the_review_is_decided(flow: Flow, personas: Personas, more: More) -> None:
    m = served(flow, flow.replied())
    error = assert_refused(WrongState, request(flow, personas.county_staff, m, "reexam"))
    assert "复查意见作出后" in error.message


def test_reexam_window_follows_its_own_time_limit(flow: Flow, personas: Personas, more: More) -> None:
    """After the review opinion the window is the re-examination request limit (art. 36), configured on its
    own; before the fix it reused the review request limit."""
    TimeLimit.objects.filter(key="reexam_request").update(length=15)
    from daiban.workcal.schedule import clear_cache

    clear_cache()
    m = flow.in_review()
    flow.on(2026, 7, 1)
    m = served(flow, flow.decide(m, more.city_housing_handler))
    assert m.review_window_until == datetime.date(2026, 7, 16)


def test_hearing_days_are_not_counted_in_the_reexam_clock(flow: Flow, personas: Personas, more: More) -> None:
    m = flow.in_reexam(more.city_housing_handler)
    row = m.deadlines.get(step=Step.REEXAM_HANDLING, is_open=True)
    # requested 2026-06-25: 30 days → 07-25, a Saturday → Monday 07-27
    assert (row.started_on, row.due_date) == (datetime.date(2026, 6, 25), datetime.date(2026, 7, 27))
    m = flow.fresh(flow.act(actions.matter_hearing, more.city_gov_handler, m, days=10))
    row.refresh_from_db()
    assert row.excluded_days == 10 and m.reviews.get(kind="reexam").hearing_days == 10
    # the clock starts 10 days later: 07-05 + 30 days = Tuesday 08-04
    assert row.due_date == datetime.date(2026, 8, 4) and m.due_date == row.due_date
    assert "听证" in row.explanation
    m = flow.fresh(flow.act(actions.matter_hearing, more.city_gov_handler, m, days=5))
    row.refresh_from_db()
    assert row.excluded_days == 15 and row.due_date == datetime.date(2026, 8, 10)  # 08-09 is a Sunday


def test_after_reexam_the_matter_is_final(flow: Flow, personas: Personas, more: More) -> None:
    m = flow.in_reexam(more.city_housing_handler)
    flow.later(days=20)
    m = flow.decide(m, more.city_gov_handler, outcome="not_support")
    assert m.is_final and m.status == Status.REPLIED and m.review_window_until is None
    assert "不再受理" in m.events.get(seq=m.version).summary
    for kind in ("review", "reexam"):
        error = assert_refused(WrongState, request(flow, personas.county_staff, m, kind))
        assert "不再受理" in error.message
    # and after closing, still final
    flow.act(actions.matter_feedback, personas.county_staff, m, method="written", note="送达复核意见")
    flow.act(
        actions.matter_follow_up,
        personas.county_staff,
        m,
        service_satisfaction="basically",
        unit_satisfaction="dissatisfied",
        method="phone",
    )
    m = flow.fresh(flow.act(actions.matter_close, personas.county_staff, m, resolved=False))
    assert_refused(WrongState, request(flow, personas.county_staff, m, "review"))


# ------------------------------------------------------------------------------------------------ hearing


@pytest.mark.parametrize("role", ["county_staff", "supervisor"])
def test_hearing_refused_by_role(flow: Flow, personas: Personas, more: More, role: str) -> None:
    m = flow.in_reexam(more.city_housing_handler)
    assert_refused(NotAllowed, flow.bound(actions.matter_hearing, getattr(personas, role), m, days=5))


def test_hearing_refused_to_the_review_organ(flow: Flow, personas: Personas, more: More) -> None:
    m = flow.in_reexam(more.city_housing_handler)
    assert_refused(NotAllowed, flow.bound(actions.matter_hearing, more.city_housing_handler, m, days=5))


@pytest.mark.parametrize("who", OUTSIDERS)
def test_hearing_out_of_scope(flow: Flow, personas: Personas, more: More, who: str) -> None:
    m = flow.in_reexam(more.city_housing_handler)
    assert_refused(OutOfScope, flow.bound(actions.matter_hearing, getattr(personas, who), m, days=5))


def test_hearing_refused_during_review(flow: Flow, personas: Personas, more: More) -> None:
    m = flow.in_review()
    assert_refused(WrongState, flow.bound(actions.matter_hearing, more.city_housing_handler, m, days=5))


def test_hearing_stale(flow: Flow, personas: Personas, more: More) -> None:
    m = flow.in_reexam(more.city_housing_handler)
    assert_refused(Conflict, flow.bound(actions.matter_hearing, more.city_gov_handler, m, version=3, days=5))


@pytest.mark.parametrize("days", [0, -1, 61])
def test_hearing_days_out_of_range(flow: Flow, personas: Personas, more: More, days: int) -> None:
    m = flow.in_reexam(more.city_housing_handler)
    assert_refused(
        ValidationError,
        flow.bound(actions.matter_hearing, more.city_gov_handler, m, days=days),
        "days",
    )


# ------------------------------------------------------------------------------------------------- decide


def test_review_decision(flow: Flow, tree: Tree, personas: Personas, more: More) -> None:
    m = flow.in_review()
    flow.later(days=7)
    m = flow.fresh(flow.act(actions.matter_decide_review, more.city_housing_handler, m, **DECISION))
    review = m.reviews.get()
    assert review.decided_at == flow.now and review.opinion is not None and review.opinion.stage == "review"
    assert m.status == Status.REPLIED and m.holder_unit is None and m.holder_region == tree.county_a
    assert m.due_step == Step.FOLLOW_UP and m.feedback_at is None and m.service_satisfaction == ""


@pytest.mark.parametrize("who", ["unit_handler", "county_staff", "supervisor"])
def test_decide_refused_by_role(flow: Flow, personas: Personas, more: More, who: str) -> None:
    m = flow.in_review()
    assert_refused(
        NotAllowed, flow.bound(actions.matter_decide_review, getattr(personas, who), m, **DECISION)
    )


def test_decide_reexam_refused_to_the_review_organ(flow: Flow, personas: Personas, more: More) -> None:
    m = flow.in_reexam(more.city_housing_handler)
    assert_refused(
        NotAllowed, flow.bound(actions.matter_decide_review, more.city_housing_handler, m, **DECISION)
    )


@pytest.mark.parametrize("who", OUTSIDERS)
def test_decide_out_of_scope(flow: Flow, personas: Personas, more: More, who: str) -> None:
    m = flow.in_review()
    assert_refused(
        OutOfScope, flow.bound(actions.matter_decide_review, getattr(personas, who), m, **DECISION)
    )


def test_decide_refused_when_not_in_review(flow: Flow, personas: Personas, more: More) -> None:
    m = flow.in_review()
    m = flow.decide(m, more.city_housing_handler)
    assert_refused(
        WrongState, flow.bound(actions.matter_decide_review, more.city_housing_handler, m, **DECISION)
    )


def test_decide_stale(flow: Flow, personas: Personas, more: More) -> None:
    m = flow.in_review()
    assert_refused(
        Conflict,
        flow.bound(actions.matter_decide_review, more.city_housing_handler, m, version=1, **DECISION),
    )


@pytest.mark.parametrize(("field", "value"), [("outcome", "meh"), ("facts", ""), ("basis", " ")])
def test_decide_invalid(flow: Flow, personas: Personas, more: More, field: str, value: str) -> None:
    m = flow.in_review()
    call = flow.bound(
        actions.matter_decide_review, more.city_housing_handler, m, **{**DECISION, field: value}
    )
    assert_refused(ValidationError, call, field)
