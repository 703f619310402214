"""标记重大紧急 / 解除重大紧急 (art. 25): the event, the marking, who is told — exactly the levels above the
matter up to the city — and every refusal changing nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas, Tree
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope, WrongState
from daiban.matters.models import Event
from daiban.matters.tests.factories import Flow
from daiban.notify.models import Message
from daiban.urgent import actions
from daiban.urgent.models import UrgentMarking, UrgentNotice
from daiban.urgent.tests.helpers import REASON, downgrade, mark, others, state, told

ABOVE_SUYALA = {"township_staff", "county_staff", "leader", "city_admin", "city_leader"}


def test_mark_writes_the_event_and_the_marking(flow: Flow, personas: Personas) -> None:
    m = flow.at_village()
    done = mark(flow, personas.village_agent, m, category="extreme")
    assert done.version == m.version + 1
    event = Event.objects.filter(matter=m).latest("seq")
    assert event.kind == "urgent_mark" and event.actor == personas.village_agent
    assert event.details["category"] == "extreme" and event.details["reason"] == REASON
    assert "第二十五条" in event.summary
    marking = UrgentMarking.objects.get(matter=m)
    assert marking.active and marking.category == "extreme" and marking.mark_event == event
    assert marking.marked_by == personas.village_agent and marking.marked_at == flow.now
    assert (marking.scope_county, marking.scope_township) == (m.scope_county, m.scope_township)


def test_notifications_reach_exactly_the_levels_above_up_to_the_city(
    flow: Flow, tree: Tree, personas: Personas
) -> None:
    others(tree)
    m = flow.at_village()
    mark(flow, personas.village_agent, m)
    # Not the sibling township, not the other county, not the village itself, not the unit, not 纪检.
    assert told(m) == ABOVE_SUYALA
    messages = Message.objects.filter(kind="urgent_matter", matter=m)
    assert set(messages.values_list("recipient__username", flat=True)) == ABOVE_SUYALA
    marking = UrgentMarking.objects.get(matter=m)
    for notice in UrgentNotice.objects.filter(marking=marking).select_related("recipient"):
        message = messages.get(pk=notice.message_id)
        assert message.recipient_id == notice.recipient_id and message.url == f"/urgent/{marking.pk}/"
        assert notice.notified_at == flow.now and notice.region_id == notice.recipient.region_id
    assert m.number in messages.first().text  # type: ignore[union-attr]


def test_a_county_marking_tells_the_station_below_it_and_the_city_but_not_the_marker(
    flow: Flow, tree: Tree, personas: Personas
) -> None:
    others(tree)
    m = flow.at_county()
    mark(flow, personas.county_staff, m, category="opinion")
    assert told(m) == ABOVE_SUYALA - {"county_staff"}


def test_an_accusation_reaches_only_those_who_may_open_it(flow: Flow, personas: Personas) -> None:
    m = flow.at_county(purpose="accusation")
    mark(flow, personas.county_staff, m)
    # The township station does not see an accusation it did not take in; the leader sees the region's.
    assert "township_staff" not in told(m) and "city_admin" in told(m)


def test_marking_an_urgent_matter_again_is_refused_and_changes_nothing(
    flow: Flow, personas: Personas
) -> None:
    m = mark(flow, personas.village_agent, flow.at_village())
    before = state(m)
    with pytest.raises(WrongState):
        flow.bound(actions.urgent_mark, personas.county_staff, m, category="group", reason="再次")()
    assert state(m) == before


def test_downgrade_needs_a_reason_is_an_event_and_ends_the_marking(flow: Flow, personas: Personas) -> None:
    m = mark(flow, personas.village_agent, flow.at_village())
    before = state(m)
    with pytest.raises(ValidationError) as err:
        flow.bound(actions.urgent_downgrade, personas.county_staff, m, reason="  ")()
    assert "解除理由" in str(err.value.message_dict["reason"])
    assert state(m) == before
    flow.later(hours=2)
    done = downgrade(flow, personas.county_staff, m)
    event = Event.objects.filter(matter=m).latest("seq")
    assert (event.kind, event.seq, event.actor) == ("urgent_downgrade", done.version, personas.county_staff)
    marking = UrgentMarking.objects.get(matter=m)
    assert not marking.active and marking.ended_at == flow.now and marking.end_event == event
    assert marking.ended_by == personas.county_staff and "散去" in marking.end_reason
    # Those told of the marking hear that it was lifted (the one who lifted it excepted).
    ended = Message.objects.filter(key=f"urgent:{marking.pk}:end")
    assert set(ended.values_list("recipient__username", flat=True)) == {
        "township_staff",
        "leader",
        "city_admin",
    }
    # A matter may be marked again later: a new marking, the old one kept.
    mark(flow, personas.township_staff, m, category="other")
    assert UrgentMarking.objects.filter(matter=m).count() == 2


def test_downgrading_a_matter_that_is_not_urgent_is_refused_and_changes_nothing(
    flow: Flow, personas: Personas
) -> None:
    m = flow.at_village()
    before = state(m)
    with pytest.raises(WrongState):
        flow.bound(actions.urgent_downgrade, personas.county_staff, m, reason="无")()
    assert state(m) == before


def test_a_lower_level_may_not_lift_what_the_county_marked(flow: Flow, personas: Personas) -> None:
    m = mark(flow, personas.county_staff, flow.at_village())
    before = state(m)
    for actor in (personas.village_agent, personas.township_staff):
        with pytest.raises(NotAllowed):
            flow.bound(actions.urgent_downgrade, actor, m, reason="无")()
    assert state(m) == before
    downgrade(flow, personas.city_admin, m)


@pytest.mark.parametrize("who", ["unit_handler", "supervisor"])
def test_units_and_discipline_may_not_mark(who: str, flow: Flow, personas: Personas) -> None:
    m = flow.routed()
    before = state(m)
    with pytest.raises(NotAllowed):
        flow.bound(actions.urgent_mark, getattr(personas, who), m, category="group", reason="x")()
    assert state(m) == before


@pytest.mark.parametrize("who", ["outsider", "outsider_village_agent", "outsider_unit_handler"])
def test_outside_scope_is_out_of_scope_and_nothing_changes(who: str, flow: Flow, personas: Personas) -> None:
    m = flow.at_village()
    before = state(m)
    with pytest.raises(OutOfScope):
        flow.bound(actions.urgent_mark, getattr(personas, who), m, category="group", reason="x")()
    marked = mark(flow, personas.village_agent, m)
    before = state(marked)
    with pytest.raises(OutOfScope):
        flow.bound(actions.urgent_downgrade, getattr(personas, who), m, reason="x")()
    assert state(m) == before


def test_bad_input_names_the_field_in_chinese(flow: Flow, personas: Personas) -> None:
    m = flow.at_village()
    before = state(m)
    with pytest.raises(ValidationError) as err:
        flow.bound(actions.urgent_mark, personas.village_agent, m, category="riot", reason=REASON)()
    assert "类别" in err.value.message_dict["category"][0]
    with pytest.raises(ValidationError) as err:
        flow.bound(actions.urgent_mark, personas.village_agent, m, category="group", reason="")()
    assert "标记理由" in err.value.message_dict["reason"][0]
    with pytest.raises(ValidationError):
        flow.bound(actions.urgent_mark, personas.village_agent, m, category="group", reason="长" * 1001)()
    assert state(m) == before


def test_a_stale_version_is_a_conflict(flow: Flow, personas: Personas) -> None:
    m = flow.at_village()
    stale = m.version
    mark(flow, personas.village_agent, m)
    with pytest.raises(Conflict):
        flow.bound(actions.urgent_downgrade, personas.county_staff, m, version=stale, reason="x")()
    assert UrgentMarking.objects.get(matter=m).active


def test_a_closed_matter_cannot_be_marked(flow: Flow, personas: Personas) -> None:
    closed = flow.closed()
    with pytest.raises(WrongState):
        flow.bound(actions.urgent_mark, personas.county_staff, closed, category="group", reason="x")()
    assert not UrgentMarking.objects.filter(matter=closed).exists()
