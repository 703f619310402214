"""反馈回访 and 案结事了: feedback, follow-up visit with satisfaction, closure (closed ≠ resolved)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas, Tree
from daiban.matters import actions
from daiban.matters.choices import ClosureKind, Status
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope, WrongState
from daiban.matters.tests.factories import Flow
from daiban.matters.tests.snapshot import assert_refused

OUTSIDERS = ["outsider", "outsider_village_agent", "outsider_unit_handler"]
FEEDBACK: dict[str, Any] = {"method": "in_person", "note": "当面解释处理意见"}
FOLLOW: dict[str, Any] = {
    "service_satisfaction": "satisfied",
    "unit_satisfaction": "dissatisfied",
    "method": "phone",
}


# ----------------------------------------------------------------------------------------------- feedback


def test_feedback_by_the_responsible_agent(flow: Flow, personas: Personas) -> None:
    m = flow.replied()
    flow.later(days=1)
    m = flow.fresh(flow.act(actions.matter_feedback, personas.county_staff, m, **FEEDBACK))
    assert m.feedback_at == flow.now and m.status == Status.REPLIED
    assert m.events.get(seq=m.version).details == FEEDBACK


def test_feedback_by_an_agent_above_the_holder(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    m = flow.fresh(
        flow.act(
            actions.matter_reply_local,
            personas.village_agent,
            m,
            outcome="explain",
            facts="a",
            reasons="b",
            basis="c",
        )
    )
    m = flow.fresh(flow.act(actions.matter_feedback, personas.township_staff, m, **FEEDBACK))
    assert m.feedback_at is not None


@pytest.mark.parametrize("role", ["unit_handler", "supervisor", "leader", "village_agent"])
def test_feedback_refused_by_role(flow: Flow, personas: Personas, role: str) -> None:
    # the county staff took it in; a village agent below is neither responsible nor above the holder
    m = flow.replied()
    assert_refused(NotAllowed, flow.bound(actions.matter_feedback, getattr(personas, role), m, **FEEDBACK))


@pytest.mark.parametrize("who", OUTSIDERS)
def test_feedback_out_of_scope(flow: Flow, personas: Personas, who: str) -> None:
    m = flow.replied()
    assert_refused(OutOfScope, flow.bound(actions.matter_feedback, getattr(personas, who), m, **FEEDBACK))


def test_feedback_refused_before_the_reply(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    assert_refused(WrongState, flow.bound(actions.matter_feedback, personas.county_staff, m, **FEEDBACK))


def test_feedback_stale(flow: Flow, personas: Personas) -> None:
    m = flow.replied()
    call = flow.bound(actions.matter_feedback, personas.county_staff, m, version=3, **FEEDBACK)
    assert_refused(Conflict, call)


@pytest.mark.parametrize(("field", "value"), [("method", "carrier_pigeon"), ("note", "")])
def test_feedback_invalid(flow: Flow, personas: Personas, field: str, value: str) -> None:
    m = flow.replied()
    call = flow.bound(actions.matter_feedback, personas.county_staff, m, **{**FEEDBACK, field: value})
    assert_refused(ValidationError, call, field)


# ---------------------------------------------------------------------------------------------- follow up


def test_follow_up_records_both_satisfactions(flow: Flow, personas: Personas) -> None:
    m = flow.fed_back()
    m = flow.fresh(
        flow.act(actions.matter_follow_up, personas.county_staff, m, **FOLLOW, note="对住建局不满意")
    )
    assert (m.service_satisfaction, m.unit_satisfaction) == ("satisfied", "dissatisfied")
    event = m.events.get(seq=m.version)
    assert event.kind == "follow_up" and event.details["unit"] == "dissatisfied"


@pytest.mark.parametrize("role", ["unit_handler", "supervisor", "village_agent"])
def test_follow_up_refused_by_role(flow: Flow, personas: Personas, role: str) -> None:
    m = flow.fed_back()
    assert_refused(NotAllowed, flow.bound(actions.matter_follow_up, getattr(personas, role), m, **FOLLOW))


@pytest.mark.parametrize("who", OUTSIDERS)
def test_follow_up_out_of_scope(flow: Flow, personas: Personas, who: str) -> None:
    m = flow.fed_back()
    assert_refused(OutOfScope, flow.bound(actions.matter_follow_up, getattr(personas, who), m, **FOLLOW))


def test_follow_up_refused_before_feedback(flow: Flow, personas: Personas) -> None:
    m = flow.replied()
    error = assert_refused(
        WrongState, flow.bound(actions.matter_follow_up, personas.county_staff, m, **FOLLOW)
    )
    assert "反馈" in error.message


def test_follow_up_refused_when_closed(flow: Flow, personas: Personas) -> None:
    m = flow.closed()
    assert_refused(WrongState, flow.bound(actions.matter_follow_up, personas.county_staff, m, **FOLLOW))


def test_follow_up_stale(flow: Flow, personas: Personas) -> None:
    m = flow.fed_back()
    assert_refused(
        Conflict, flow.bound(actions.matter_follow_up, personas.county_staff, m, version=1, **FOLLOW)
    )


@pytest.mark.parametrize("field", ["service_satisfaction", "unit_satisfaction", "method"])
def test_follow_up_invalid(flow: Flow, personas: Personas, field: str) -> None:
    m = flow.fed_back()
    call = flow.bound(actions.matter_follow_up, personas.county_staff, m, **{**FOLLOW, field: "so-so"})
    assert_refused(ValidationError, call, field)


# -------------------------------------------------------------------------------------------------- close


def test_close_resolved(flow: Flow, personas: Personas) -> None:
    m = flow.closed(resolved=True)
    assert m.status == Status.CLOSED and m.closure_kind == ClosureKind.HANDLED and m.resolved is True
    assert m.due_date is None and not m.deadlines.filter(is_open=True).exists()


def test_closed_is_not_resolved(flow: Flow, personas: Personas) -> None:
    """案结 and 事了 are two facts: a matter can be closed while the conflict is not resolved."""
    m = flow.followed_up()
    m = flow.fresh(
        flow.act(actions.matter_close, personas.county_staff, m, resolved=False, note="信访人仍不满意")
    )
    assert m.status == Status.CLOSED and m.resolved is False and m.closed_at == flow.now
    assert m.events.get(seq=m.version).details == {"resolved": False, "note": "信访人仍不满意"}


@pytest.mark.parametrize("role", ["unit_handler", "supervisor", "leader"])
def test_close_refused_by_role(flow: Flow, personas: Personas, role: str) -> None:
    m = flow.followed_up()
    assert_refused(NotAllowed, flow.bound(actions.matter_close, getattr(personas, role), m, resolved=True))


@pytest.mark.parametrize("who", OUTSIDERS)
def test_close_out_of_scope(flow: Flow, personas: Personas, who: str) -> None:
    m = flow.followed_up()
    assert_refused(OutOfScope, flow.bound(actions.matter_close, getattr(personas, who), m, resolved=True))


def test_close_refused_before_follow_up(flow: Flow, personas: Personas) -> None:
    m = flow.fed_back()
    assert_refused(WrongState, flow.bound(actions.matter_close, personas.county_staff, m, resolved=True))


def test_close_refused_twice(flow: Flow, personas: Personas) -> None:
    m = flow.closed()
    assert_refused(WrongState, flow.bound(actions.matter_close, personas.county_staff, m, resolved=True))


def test_close_stale(flow: Flow, personas: Personas) -> None:
    m = flow.followed_up()
    assert_refused(
        Conflict, flow.bound(actions.matter_close, personas.county_staff, m, version=4, resolved=True)
    )


@pytest.mark.parametrize("value", [None, "yes", 1])
def test_close_needs_a_yes_or_no_on_resolution(flow: Flow, personas: Personas, value: object) -> None:
    """Closing without saying whether it was resolved would blur the two statistics."""
    m = flow.followed_up()
    assert_refused(
        ValidationError,
        flow.bound(actions.matter_close, personas.county_staff, m, resolved=value),
        "resolved",
    )


def test_village_agent_closes_what_it_took_in(flow: Flow, tree: Tree, personas: Personas) -> None:
    m = flow.intake()
    for actor in (personas.village_agent, personas.township_staff):
        flow.act(actions.matter_escalate, actor, m, note="上报")
    flow.act(actions.matter_route, personas.county_staff, m, lead_unit=tree.unit_housing_a)
    flow.act_task(actions.task_accept, personas.unit_handler, flow.lead_task(m), notice_method="written")
    flow.reply(m)
    flow.act(actions.matter_feedback, personas.village_agent, m, **FEEDBACK)
    flow.act(actions.matter_follow_up, personas.village_agent, m, **FOLLOW)
    m = flow.fresh(flow.act(actions.matter_close, personas.village_agent, m, resolved=True))
    assert m.status == Status.CLOSED
