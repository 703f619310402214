"""Matter events that concern someone become their messages, through the hooks, once each."""

from __future__ import annotations

import pytest

from conftest import Personas, Tree, make_user
from daiban.accounts.models import Role, User
from daiban.matters import actions, hooks
from daiban.matters.actions import PetitionerInput
from daiban.matters.choices import EventKind
from daiban.matters.errors import NotAllowed
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow
from daiban.notify import events
from daiban.notify.models import Message


@pytest.fixture
def flow(tree: Tree, personas: Personas) -> Flow:
    return Flow(tree, personas)


def kinds_of(user: User) -> list[str]:
    return list(Message.objects.filter(recipient=user).order_by("id").values_list("kind", flat=True))


def last_event(m: Matter, kind: EventKind) -> hooks.MatterEvent:
    e = m.events.filter(kind=kind).latest("seq")
    return hooks.MatterEvent(
        e.pk, m.pk, e.seq, EventKind(e.kind), e.actor_id, e.status_before, e.status_after
    )


def test_subscriptions_are_in_place() -> None:
    for fn, kinds in events.SUBSCRIPTIONS:
        for kind in kinds:
            assert fn in hooks.subscribers_for(kind)


def test_routing_tells_the_lead_and_co_units_handlers_once(
    flow: Flow, tree: Tree, personas: Personas, django_capture_on_commit_callbacks
) -> None:
    hr = make_user("hr_handler", Role.UNIT_HANDLER, tree.county_a, unit=tree.unit_hr_a)
    with django_capture_on_commit_callbacks(execute=True):
        m = flow.routed(co_units=[tree.unit_hr_a])
    lead_msg = Message.objects.get(recipient=personas.unit_handler)
    co_msg = Message.objects.get(recipient=hr)
    assert lead_msg.kind == co_msg.kind == "assigned"
    assert "主办" in lead_msg.text and "协办" in co_msg.text and m.number in lead_msg.text
    assert m.title not in lead_msg.text  # the number only
    assert lead_msg.matter_id == m.pk and lead_msg.url == f"/matters/{m.pk}/"
    assert kinds_of(personas.outsider_unit_handler) == [] and kinds_of(personas.county_staff) == []
    # The subscriber running again (a retried hook) creates nothing more.
    events.on_route(last_event(m, EventKind.ROUTE))
    assert Message.objects.filter(kind="assigned").count() == 2


def test_escalation_and_hand_down_tell_the_agents_of_the_receiving_level(
    flow: Flow, tree: Tree, personas: Personas, django_capture_on_commit_callbacks
) -> None:
    m = flow.at_village()
    with django_capture_on_commit_callbacks(execute=True):
        flow.act(actions.matter_escalate, personas.village_agent, m, note="需上级协调")
    assert kinds_of(personas.township_staff) == ["escalated"]
    assert kinds_of(personas.village_agent) == []  # the actor is not told of their own action
    assert kinds_of(personas.county_staff) == []
    c = flow.at_county(petitioners=[PetitionerInput(name="村民甲", phone="13904710001", group="resident")])
    with django_capture_on_commit_callbacks(execute=True):
        flow.act(
            actions.matter_hand_down, personas.county_staff, c, to_region=tree.town_a1, note="请就地办理"
        )
    assert kinds_of(personas.township_staff) == ["escalated", "handed_down"]
    assert kinds_of(personas.outsider) == [] and kinds_of(personas.outsider_village_agent) == []


@pytest.mark.parametrize("decision", ["agree", "refuse"])
def test_a_decided_objection_tells_the_units_handlers(
    decision: str, flow: Flow, personas: Personas, django_capture_on_commit_callbacks
) -> None:
    m = flow.routed()
    task = flow.lead_task(m)
    flow.act_task(actions.task_object, personas.unit_handler, task, reasons="不属于本单位职责")
    with django_capture_on_commit_callbacks(execute=True):
        if decision == "agree":
            flow.act_task(actions.task_objection_agree, personas.county_staff, task, note="同意")
        else:
            flow.act_task(actions.task_objection_refuse, personas.county_staff, task, reasons="属于职责范围")
    got = Message.objects.get(recipient=personas.unit_handler, kind="objection_decided")
    assert m.number in got.text
    if decision == "agree":
        # The unit no longer sees the matter: told, but with no link to it.
        assert "已获同意" in got.text and got.matter_id is None and got.url == ""
    else:
        assert "未获同意" in got.text and got.matter_id == m.pk


def test_a_reply_tells_the_responsible_agent(
    flow: Flow, personas: Personas, django_capture_on_commit_callbacks
) -> None:
    m = flow.handling()
    with django_capture_on_commit_callbacks(execute=True):
        flow.later(days=2).reply(m)
    assert m.responsible_agent_id == personas.county_staff.pk
    assert kinds_of(personas.county_staff) == ["reply_feedback"]
    assert kinds_of(personas.unit_handler) == []  # the unit replied: not told of its own act


def test_a_refused_action_tells_no_one(
    flow: Flow, personas: Personas, django_capture_on_commit_callbacks
) -> None:
    m = flow.at_village()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(NotAllowed):
        flow.act(actions.matter_escalate, personas.township_staff, m, note="越权")
    assert Message.objects.count() == 0
