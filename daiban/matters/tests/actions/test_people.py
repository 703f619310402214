"""People on a matter: leaders in charge (包案/双包案), recusal (回避, art. 28), pressing (催办/督办)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas, Tree, make_user
from daiban.matters import actions
from daiban.matters.choices import Status
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope, WrongState
from daiban.matters.models import Recusal
from daiban.matters.selectors import matters_for
from daiban.matters.tests.conftest import More
from daiban.matters.tests.factories import Flow
from daiban.matters.tests.snapshot import assert_refused

OUTSIDERS = ["outsider", "outsider_village_agent", "outsider_unit_handler"]


# ------------------------------------------------------------------------------------------ assign leaders


def test_two_leaders_take_charge(flow: Flow, personas: Personas, more: More) -> None:
    m = flow.routed()
    m = flow.fresh(
        flow.act(
            actions.matter_assign_leaders,
            personas.county_staff,
            m,
            leaders=[personas.leader, more.city_leader],
        )
    )
    assert set(m.leaders.all()) == {personas.leader, more.city_leader}
    event = m.events.get(seq=m.version)
    assert event.kind == "assign_leaders" and event.summary.startswith("双包案")
    # replacing the charge
    m = flow.fresh(
        flow.act(actions.matter_assign_leaders, personas.city_admin, m, leaders=[more.city_leader])
    )
    assert list(m.leaders.all()) == [more.city_leader]


def test_leader_in_charge_sees_an_accusation(flow: Flow, personas: Personas) -> None:
    m = flow.at_county(purpose="accusation", category="discipline")
    assert not matters_for(personas.leader).filter(pk=m.pk).exists()
    flow.act(actions.matter_assign_leaders, personas.county_staff, m, leaders=[personas.leader])
    assert matters_for(personas.leader).filter(pk=m.pk).exists()


@pytest.mark.parametrize("role", ["village_agent", "leader", "supervisor"])
def test_assign_leaders_refused_by_role(flow: Flow, personas: Personas, role: str) -> None:
    m = flow.routed()
    call = flow.bound(actions.matter_assign_leaders, getattr(personas, role), m, leaders=[personas.leader])
    assert_refused(NotAllowed, call)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_assign_leaders_out_of_scope(flow: Flow, personas: Personas, who: str) -> None:
    m = flow.routed()
    call = flow.bound(actions.matter_assign_leaders, getattr(personas, who), m, leaders=[personas.leader])
    assert_refused(OutOfScope, call)


def test_assign_leaders_refused_when_closed(flow: Flow, personas: Personas) -> None:
    m = flow.closed()
    call = flow.bound(actions.matter_assign_leaders, personas.county_staff, m, leaders=[personas.leader])
    assert_refused(WrongState, call)


def test_assign_leaders_stale(flow: Flow, personas: Personas) -> None:
    m = flow.routed()
    call = flow.bound(
        actions.matter_assign_leaders, personas.county_staff, m, version=1, leaders=[personas.leader]
    )
    assert_refused(Conflict, call)


def test_assign_leaders_invalid(flow: Flow, tree: Tree, personas: Personas, more: More) -> None:
    m = flow.routed()
    other_county_leader = make_user("leader_b", "leader", tree.county_b)
    for leaders in (
        [],
        [personas.leader, more.city_leader, make_user("leader_c", "leader", tree.county_a)],
        [personas.leader, personas.leader],
        [personas.county_staff],
        [other_county_leader],
    ):
        call = flow.bound(actions.matter_assign_leaders, personas.county_staff, m, leaders=leaders)
        assert_refused(ValidationError, call, "leaders")


# ------------------------------------------------------------------------------------------------ recusal


def test_recused_agent_is_replaced_and_can_no_longer_act(
    flow: Flow, tree: Tree, personas: Personas, more: More
) -> None:
    m = flow.at_village()
    m = flow.fresh(
        flow.act(
            actions.matter_recuse,
            personas.village_agent,
            m,
            reason="信访人是本人亲属",
            replacement=more.village_agent_2,
        )
    )
    assert m.responsible_agent == more.village_agent_2
    recusal = Recusal.objects.get(matter=m)
    assert (recusal.user, recusal.replacement) == (personas.village_agent, more.village_agent_2)
    error = assert_refused(
        NotAllowed, flow.bound(actions.matter_escalate, personas.village_agent, m, note="上报")
    )
    assert "回避" in error.message
    m = flow.fresh(flow.act(actions.matter_escalate, more.village_agent_2, m, note="上报"))
    assert m.holder_region == tree.town_a1


def test_recusal_replacement_of_an_accusation_sees_it(flow: Flow, personas: Personas, more: More) -> None:
    """Accusations are hidden from agents who did not take them in; the replacement answers for it now, so
    it must see it (before the fix it could not, and nobody could give feedback)."""
    m = flow.at_village(purpose="accusation", category="discipline")
    flow.act(actions.matter_escalate, personas.village_agent, m, note="报街道")
    flow.act(
        actions.matter_recuse,
        personas.village_agent,
        m,
        reason="被检举人是本人亲属",
        replacement=more.village_agent_2,
    )
    assert matters_for(more.village_agent_2).filter(pk=m.pk).exists()


def test_recused_leader_is_replaced_in_the_charge(flow: Flow, personas: Personas, more: More) -> None:
    m = flow.intake(personas.county_staff, channel="leader_day", leader=personas.leader)
    other = make_user("leader_2", "leader", flow.t.county_a)
    m = flow.fresh(flow.act(actions.matter_recuse, personas.leader, m, reason="利害关系", replacement=other))
    assert list(m.leaders.all()) == [other]
    assert m.responsible_agent == personas.county_staff


def test_recused_unit_handler_is_replaced_by_a_colleague(flow: Flow, personas: Personas, more: More) -> None:
    m = flow.routed()
    flow.act(
        actions.matter_recuse,
        personas.unit_handler,
        m,
        reason="利害关系",
        replacement=more.unit_handler_2,
    )
    task = flow.lead_task(m)
    assert_refused(
        NotAllowed, flow.bound_task(actions.task_accept, personas.unit_handler, task, notice_method="written")
    )
    m = flow.fresh(flow.act_task(actions.task_accept, more.unit_handler_2, task, notice_method="written"))
    assert m.status == Status.HANDLING


def test_declare_interest_twice_is_refused(flow: Flow, personas: Personas, more: More) -> None:
    m = flow.at_village()
    flow.act(
        actions.matter_recuse,
        personas.village_agent,
        m,
        reason="亲属",
        replacement=more.village_agent_2,
    )
    call = flow.bound(
        actions.matter_recuse,
        personas.village_agent,
        m,
        reason="亲属",
        replacement=more.village_agent_2,
    )
    assert_refused(NotAllowed, call)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_declare_interest_out_of_scope(flow: Flow, personas: Personas, more: More, who: str) -> None:
    m = flow.at_village()
    call = flow.bound(
        actions.matter_recuse,
        getattr(personas, who),
        m,
        reason="亲属",
        replacement=more.village_agent_2,
    )
    assert_refused(OutOfScope, call)


def test_declare_interest_refused_when_closed(flow: Flow, personas: Personas, more: More) -> None:
    """A closed matter changes only through a review request; there is nothing to step back from."""
    m = flow.at_village(purpose="consultation")
    flow.act(actions.matter_answer, personas.village_agent, m, answer="已解答")
    call = flow.bound(
        actions.matter_recuse,
        personas.village_agent,
        m,
        reason="亲属",
        replacement=more.village_agent_2,
    )
    assert_refused(WrongState, call)


def test_declare_interest_stale(flow: Flow, personas: Personas, more: More) -> None:
    m = flow.at_village()
    call = flow.bound(
        actions.matter_recuse,
        personas.village_agent,
        m,
        version=0,
        reason="亲属",
        replacement=more.village_agent_2,
    )
    assert_refused(Conflict, call)


def test_declare_interest_invalid(flow: Flow, personas: Personas, more: More) -> None:
    m = flow.at_village()
    inactive = make_user("retired_agent", "village_agent", flow.t.village_a1x, is_active=False)
    for replacement in (personas.village_agent, personas.township_staff, more.township_staff_a2, inactive):
        call = flow.bound(
            actions.matter_recuse, personas.village_agent, m, reason="亲属", replacement=replacement
        )
        assert_refused(ValidationError, call, "replacement")
    call = flow.bound(
        actions.matter_recuse,
        personas.village_agent,
        m,
        reason=" ",
        replacement=more.village_agent_2,
    )
    assert_refused(ValidationError, call, "reason")


def test_replacement_who_recused_too_is_refused(flow: Flow, personas: Personas, more: More) -> None:
    m = flow.at_village()
    flow.act(
        actions.matter_recuse,
        more.village_agent_2,
        m,
        reason="亲属",
        replacement=personas.village_agent,
    )
    third = make_user("village_agent_3", "village_agent", flow.t.village_a1x)
    flow.act(actions.matter_recuse, personas.village_agent, m, reason="也是亲属", replacement=third)
    assert flow.fresh(m).responsible_agent == third
    # 3 may not hand it back to someone who stepped back
    call = flow.bound(actions.matter_recuse, third, m, reason="x", replacement=more.village_agent_2)
    assert_refused(ValidationError, call, "replacement")


# --------------------------------------------------------------------------------------------------- press


def test_agent_presses_and_supervisor_supervises(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    m = flow.fresh(flow.act(actions.matter_press, personas.village_agent, m, note="请加快办理"))
    assert m.events.get(seq=m.version).kind == "press"
    m = flow.fresh(flow.act(actions.matter_press, personas.supervisor, m, note="信访+纪检联合督办"))
    event = m.events.get(seq=m.version)
    assert event.kind == "press" and event.details["supervise"] is True and "督办" in event.summary
    assert m.status == Status.HANDLING


@pytest.mark.parametrize("who", ["unit_handler"])
def test_press_refused_to_units(flow: Flow, personas: Personas, who: str) -> None:
    m = flow.handling()
    assert_refused(NotAllowed, flow.bound(actions.matter_press, getattr(personas, who), m, note="x"))


@pytest.mark.parametrize("who", OUTSIDERS)
def test_press_out_of_scope(flow: Flow, personas: Personas, who: str) -> None:
    m = flow.handling()
    assert_refused(OutOfScope, flow.bound(actions.matter_press, getattr(personas, who), m, note="x"))


def test_press_refused_when_closed(flow: Flow, personas: Personas) -> None:
    m = flow.closed()
    assert_refused(WrongState, flow.bound(actions.matter_press, personas.supervisor, m, note="x"))


def test_press_stale(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    assert_refused(Conflict, flow.bound(actions.matter_press, personas.supervisor, m, version=1, note="x"))


def test_press_needs_a_note(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    assert_refused(ValidationError, flow.bound(actions.matter_press, personas.supervisor, m, note=""), "note")
