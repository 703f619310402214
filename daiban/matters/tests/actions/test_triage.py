"""甄别分流 at the network levels: answer at once, handle locally, escalate, hand down, guide into legal
channels, not accept. One allowed case and the refusals (role, jurisdiction, state, stale, input) each."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas, Tree
from daiban.matters import actions
from daiban.matters.choices import ClosureKind, Status, Step
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope, WrongState
from daiban.matters.models import Matter
from daiban.matters.selectors import matters_for
from daiban.matters.tests.conftest import More
from daiban.matters.tests.factories import Flow
from daiban.matters.tests.snapshot import assert_refused

OUTSIDERS = ["outsider", "outsider_village_agent", "outsider_unit_handler"]


def answered(flow: Flow, personas: Personas) -> Matter:
    m = flow.at_village(purpose="consultation")
    return flow.fresh(flow.act(actions.matter_answer, personas.village_agent, m, answer="已解答"))


# ----------------------------------------------------------------------------------------- answer at once


ANSWER: dict[str, Any] = {"answer": "经查询政策，已当面解答"}


def test_answer_at_once_closes_a_consultation(flow: Flow, personas: Personas) -> None:
    m = flow.at_village(purpose="consultation")
    flow.later(hours=1)
    m = flow.act(actions.matter_answer, personas.village_agent, m, **ANSWER)
    m = flow.fresh(m)
    assert m.status == Status.CLOSED and m.closure_kind == ClosureKind.ANSWERED and m.resolved is True
    assert m.due_date is None and not m.deadlines.filter(is_open=True).exists()
    assert m.closed_at == flow.now and m.version == 2
    event = m.events.get(seq=2)
    assert (event.kind, event.status_before, event.status_after) == ("answer", "registered", "closed")


@pytest.mark.parametrize("role", ["supervisor", "township_staff", "leader"])
def test_answer_at_once_refused_to_others_than_the_holder(flow: Flow, personas: Personas, role: str) -> None:
    m = flow.at_village(purpose="consultation")
    assert_refused(NotAllowed, flow.bound(actions.matter_answer, getattr(personas, role), m, **ANSWER))


@pytest.mark.parametrize("who", OUTSIDERS)
def test_answer_at_once_out_of_scope(flow: Flow, personas: Personas, who: str) -> None:
    m = flow.at_village(purpose="consultation")
    assert_refused(OutOfScope, flow.bound(actions.matter_answer, getattr(personas, who), m, **ANSWER))


def test_answer_at_once_refused_for_an_appeal(flow: Flow, personas: Personas) -> None:
    m = flow.at_village(purpose="appeal")
    assert_refused(WrongState, flow.bound(actions.matter_answer, personas.village_agent, m, **ANSWER))


def test_answer_at_once_refused_when_closed(flow: Flow, personas: Personas) -> None:
    m = answered(flow, personas)
    assert_refused(WrongState, flow.bound(actions.matter_answer, personas.village_agent, m, **ANSWER))


def test_answer_at_once_stale(flow: Flow, personas: Personas) -> None:
    m = flow.at_village(purpose="consultation")
    assert_refused(
        Conflict, flow.bound(actions.matter_answer, personas.village_agent, m, version=0, **ANSWER)
    )


def test_answer_at_once_needs_an_answer(flow: Flow, personas: Personas) -> None:
    m = flow.at_village(purpose="consultation")
    assert_refused(
        ValidationError,
        flow.bound(actions.matter_answer, personas.village_agent, m, answer=" "),
        "answer",
    )


# --------------------------------------------------------------------------------------------- start local


def test_start_local(flow: Flow, tree: Tree, personas: Personas) -> None:
    m = flow.at_village()
    m = flow.fresh(flow.act(actions.matter_start_local, personas.village_agent, m, note="邻里协商"))
    assert m.status == Status.LOCAL and m.holder_region == tree.village_a1x and m.version == 2
    # Taken on locally: the routing clock is met and the 60-day handling limit (art. 34) runs from today.
    assert m.due_step == Step.HANDLING
    assert not m.deadlines.filter(step=Step.ROUTE, is_open=True).exists()
    assert m.deadlines.get(step=Step.HANDLING, is_open=True).started_on == flow.now.date()
    assert m.events.get(seq=2).kind == "start_local"


@pytest.mark.parametrize("role", ["supervisor", "township_staff", "county_staff"])
def test_start_local_refused_by_role(flow: Flow, personas: Personas, role: str) -> None:
    m = flow.at_village()
    assert_refused(NotAllowed, flow.bound(actions.matter_start_local, getattr(personas, role), m))


@pytest.mark.parametrize("who", OUTSIDERS)
def test_start_local_out_of_scope(flow: Flow, personas: Personas, who: str) -> None:
    m = flow.at_village()
    assert_refused(OutOfScope, flow.bound(actions.matter_start_local, getattr(personas, who), m))


def test_start_local_refused_twice(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    assert_refused(WrongState, flow.bound(actions.matter_start_local, personas.village_agent, m))


def test_accusation_cannot_be_handled_locally(flow: Flow, personas: Personas) -> None:
    m = flow.at_village(purpose="accusation", category="discipline")
    error = assert_refused(WrongState, flow.bound(actions.matter_start_local, personas.village_agent, m))
    assert "纪检监察" in error.message


def test_start_local_stale(flow: Flow, personas: Personas) -> None:
    m = flow.at_village()
    assert_refused(Conflict, flow.bound(actions.matter_start_local, personas.village_agent, m, version=5))


# start_local has no required input (the note is optional), so it has no invalid-input case.


# ------------------------------------------------------------------------------------------------ escalate


def test_escalate_up_the_network(flow: Flow, tree: Tree, personas: Personas) -> None:
    m = flow.local()
    due = m.due_date
    m = flow.fresh(flow.act(actions.matter_escalate, personas.village_agent, m, note="村里解决不了"))
    assert (
        m.status == Status.REGISTERED
        and m.holder_region == tree.town_a1
        and m.holder_path == tree.town_a1.path
    )
    assert m.due_date == due  # the route clock is not restarted by passing the matter up
    event = m.events.get(seq=3)
    assert (event.kind, event.status_before, event.status_after) == ("escalate", "local", "registered")
    m = flow.fresh(flow.act(actions.matter_escalate, personas.township_staff, m, note="需区级协调"))
    assert m.holder_region == tree.county_a


@pytest.mark.parametrize("role", ["supervisor", "township_staff", "leader", "city_admin"])
def test_escalate_refused_to_others_than_the_holder(flow: Flow, personas: Personas, role: str) -> None:
    m = flow.at_village()
    assert_refused(NotAllowed, flow.bound(actions.matter_escalate, getattr(personas, role), m, note="上报"))


@pytest.mark.parametrize("who", OUTSIDERS)
def test_escalate_out_of_scope(flow: Flow, personas: Personas, who: str) -> None:
    m = flow.at_village()
    assert_refused(OutOfScope, flow.bound(actions.matter_escalate, getattr(personas, who), m, note="上报"))


def test_escalate_refused_when_closed(flow: Flow, personas: Personas) -> None:
    m = answered(flow, personas)
    assert_refused(WrongState, flow.bound(actions.matter_escalate, personas.village_agent, m, note="上报"))


def test_escalate_stale(flow: Flow, personas: Personas) -> None:
    m = flow.at_village()
    assert_refused(
        Conflict, flow.bound(actions.matter_escalate, personas.village_agent, m, version=0, note="上报")
    )


def test_escalate_needs_a_note(flow: Flow, personas: Personas) -> None:
    m = flow.at_village()
    assert_refused(
        ValidationError, flow.bound(actions.matter_escalate, personas.village_agent, m, note=""), "note"
    )


def test_city_bureau_can_act_on_a_matter_escalated_to_it(flow: Flow, tree: Tree, personas: Personas) -> None:
    """The county may pass the hardest cases to the city bureau, which must then be able to route them
    (or hand them back down); before the fix nobody at the city could act and the matter was stuck."""
    m = flow.at_county()
    m = flow.fresh(flow.act(actions.matter_escalate, personas.county_staff, m, note="涉及市级部门"))
    assert m.holder_region == tree.city
    assert_refused(
        WrongState, flow.bound(actions.matter_escalate, personas.city_admin, m, note="再上报"), None
    )  # the city is the top of the network
    m = flow.fresh(
        flow.act(
            actions.matter_route,
            personas.city_admin,
            m,
            lead_unit=tree.unit_housing_city,
            lead_instructions="",
        )
    )
    assert m.status == Status.ROUTED and m.holder_unit == tree.unit_housing_city


def test_city_bureau_can_hand_a_matter_back_down(flow: Flow, tree: Tree, personas: Personas) -> None:
    m = flow.at_county()
    m = flow.fresh(flow.act(actions.matter_escalate, personas.county_staff, m, note="请市局协调"))
    m = flow.fresh(
        flow.act(actions.matter_hand_down, personas.city_admin, m, to_region=tree.county_a, note="由区办理")
    )
    assert m.holder_region == tree.county_a


# ----------------------------------------------------------------------------------------------- hand down


def test_hand_down_to_the_township_where_it_arose(flow: Flow, tree: Tree, personas: Personas) -> None:
    m = flow.at_county()
    m = flow.fresh(
        flow.act(
            actions.matter_hand_down, personas.county_staff, m, to_region=tree.town_a1, note="请街道就地化解"
        )
    )
    assert m.status == Status.REGISTERED and m.holder_region == tree.town_a1 and m.version == 2
    assert m.events.get(seq=2).kind == "hand_down"
    # and the township can take it on itself
    m = flow.fresh(flow.act(actions.matter_start_local, personas.township_staff, m))
    assert m.status == Status.LOCAL


@pytest.mark.parametrize("role", ["township_staff", "village_agent", "supervisor"])
def test_hand_down_refused_to_others_than_the_holder(
    flow: Flow, tree: Tree, personas: Personas, role: str
) -> None:
    m = flow.at_county()
    call = flow.bound(
        actions.matter_hand_down, getattr(personas, role), m, to_region=tree.town_a1, note="下交"
    )
    assert_refused(NotAllowed, call)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_hand_down_out_of_scope(flow: Flow, tree: Tree, personas: Personas, who: str) -> None:
    m = flow.at_county()
    call = flow.bound(
        actions.matter_hand_down, getattr(personas, who), m, to_region=tree.town_a1, note="下交"
    )
    assert_refused(OutOfScope, call)


def test_hand_down_refused_after_the_reply(flow: Flow, tree: Tree, personas: Personas) -> None:
    m = flow.replied()  # back with the county staff who took it in, for feedback
    assert m.holder_region == tree.county_a and m.holder_unit is None
    call = flow.bound(actions.matter_hand_down, personas.county_staff, m, to_region=tree.town_a1, note="下交")
    assert_refused(WrongState, call)


def test_hand_down_stale(flow: Flow, tree: Tree, personas: Personas) -> None:
    m = flow.at_county()
    call = flow.bound(
        actions.matter_hand_down, personas.county_staff, m, version=2, to_region=tree.town_a1, note="下交"
    )
    assert_refused(Conflict, call)


@pytest.mark.parametrize(
    ("target", "note", "field"),
    [
        ("town_a2", "下交", "to_region"),
        ("village_a1x", "下交", "to_region"),
        ("town_b1", "下交", "to_region"),
        ("town_a1", " ", "note"),
    ],
)
def test_hand_down_invalid(
    flow: Flow, tree: Tree, personas: Personas, target: str, note: str, field: str
) -> None:
    # Only the next level down on the way to where the matter arose (not a sibling, not two levels down).
    m = flow.at_county()
    call = flow.bound(
        actions.matter_hand_down, personas.county_staff, m, to_region=getattr(tree, target), note=note
    )
    assert_refused(ValidationError, call, field)


# ----------------------------------------------------------------------------------------- guide to legal


GUIDE: dict[str, Any] = {
    "legal_channel": "labour_arbitration",
    "guidance": "属劳动争议，已告知向劳动人事争议仲裁委员会申请仲裁",
}


def test_guide_legal_closes_unresolved(flow: Flow, personas: Personas) -> None:
    m = flow.at_village(category="labour")
    m = flow.fresh(flow.act(actions.matter_guide_legal, personas.village_agent, m, **GUIDE))
    assert m.status == Status.CLOSED and m.closure_kind == ClosureKind.GUIDED and m.resolved is False
    assert m.due_date is None and m.events.get(seq=2).kind == "guide_legal"


@pytest.mark.parametrize("role", ["supervisor", "township_staff"])
def test_guide_legal_refused_by_role(flow: Flow, personas: Personas, role: str) -> None:
    m = flow.at_village()
    assert_refused(NotAllowed, flow.bound(actions.matter_guide_legal, getattr(personas, role), m, **GUIDE))


@pytest.mark.parametrize("who", OUTSIDERS)
def test_guide_legal_out_of_scope(flow: Flow, personas: Personas, who: str) -> None:
    m = flow.at_village()
    assert_refused(OutOfScope, flow.bound(actions.matter_guide_legal, getattr(personas, who), m, **GUIDE))


def test_guide_legal_refused_when_closed(flow: Flow, personas: Personas) -> None:
    m = answered(flow, personas)
    assert_refused(WrongState, flow.bound(actions.matter_guide_legal, personas.village_agent, m, **GUIDE))


def test_guide_legal_stale(flow: Flow, personas: Personas) -> None:
    m = flow.at_village()
    assert_refused(
        Conflict, flow.bound(actions.matter_guide_legal, personas.village_agent, m, version=0, **GUIDE)
    )


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("legal_channel", {"legal_channel": "duel", "guidance": "x"}),
        ("guidance", {"legal_channel": "litigation", "guidance": ""}),
    ],
)
def test_guide_legal_invalid(flow: Flow, personas: Personas, field: str, kwargs: dict[str, Any]) -> None:
    m = flow.at_village()
    assert_refused(
        ValidationError, flow.bound(actions.matter_guide_legal, personas.village_agent, m, **kwargs), field
    )


# ---------------------------------------------------------------------------------------------- not accept


NOT_ACCEPT: dict[str, Any] = {"reason_kind": "not_petition", "reason": "系民事借贷纠纷，不属于信访事项"}


def test_not_accept_closes_unresolved(flow: Flow, personas: Personas) -> None:
    m = flow.at_county()
    m = flow.fresh(flow.act(actions.matter_not_accept, personas.county_staff, m, **NOT_ACCEPT))
    assert m.status == Status.CLOSED and m.closure_kind == ClosureKind.NOT_ACCEPTED and m.resolved is False
    assert m.events.get(seq=2).details["reason_kind"] == "not_petition"


@pytest.mark.parametrize("role", ["village_agent", "township_staff", "supervisor", "leader"])
def test_not_accept_refused_by_role(flow: Flow, personas: Personas, role: str) -> None:
    m = flow.at_county()
    assert_refused(
        NotAllowed, flow.bound(actions.matter_not_accept, getattr(personas, role), m, **NOT_ACCEPT)
    )


@pytest.mark.parametrize("who", OUTSIDERS)
def test_not_accept_out_of_scope(flow: Flow, personas: Personas, who: str) -> None:
    m = flow.at_county()
    assert_refused(OutOfScope, flow.bound(actions.matter_not_accept, getattr(personas, who), m, **NOT_ACCEPT))


def test_not_accept_refused_once_routed_back_for_feedback(flow: Flow, personas: Personas) -> None:
    m = flow.replied()
    assert_refused(WrongState, flow.bound(actions.matter_not_accept, personas.county_staff, m, **NOT_ACCEPT))


def test_not_accept_stale(flow: Flow, personas: Personas) -> None:
    m = flow.at_county()
    assert_refused(
        Conflict, flow.bound(actions.matter_not_accept, personas.county_staff, m, version=0, **NOT_ACCEPT)
    )


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("reason_kind", {"reason_kind": "lazy", "reason": "x"}),
        ("reason", {"reason_kind": "other", "reason": " "}),
    ],
)
def test_not_accept_invalid(flow: Flow, personas: Personas, field: str, kwargs: dict[str, Any]) -> None:
    m = flow.at_county()
    assert_refused(
        ValidationError, flow.bound(actions.matter_not_accept, personas.county_staff, m, **kwargs), field
    )


# ---------------------------------------------------------------------------------------------- accusations


def test_accusation_escalated_from_the_village_stays_actionable(
    flow: Flow, tree: Tree, personas: Personas, more: More
) -> None:
    """The township station relays an accusation taken in at a village to the county; it must see the
    matter while it holds it (before the fix it could not, and the accusation was stuck at the township)."""
    m = flow.at_village(purpose="accusation", category="discipline")
    m = flow.fresh(flow.act(actions.matter_escalate, personas.village_agent, m, note="检举控告，报区纪委"))
    assert matters_for(personas.township_staff).filter(pk=m.pk).exists()
    m = flow.fresh(flow.act(actions.matter_escalate, personas.township_staff, m, note="转区中心"))
    assert m.holder_region == tree.county_a
    # once passed on, the township no longer sees the accuser's matter; other townships never did
    assert not matters_for(personas.township_staff).filter(pk=m.pk).exists()
    assert not matters_for(more.township_staff_a2).filter(pk=m.pk).exists()
