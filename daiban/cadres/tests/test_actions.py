"""通报组织（人事）部门 (art. 30): only on an accusation, only by the discipline channel, never to the accused
unit; the notice and its event are written together, and a refusal changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas, Tree
from daiban.cadres import actions
from daiban.cadres.models import CadreNotice
from daiban.cadres.tests.helpers import CADRE, POST, accusation, discipline_handler, notice_inputs, notify
from daiban.matters import workflow
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope, WrongState
from daiban.matters.models import Event, Matter
from daiban.matters.tests.factories import Flow


def _state(m: Matter) -> tuple[Any, ...]:
    m = Matter.objects.get(pk=m.pk)
    return (m.version, m.status, Event.objects.filter(matter=m).count(), CadreNotice.objects.count())


def test_the_supervisor_notifies_and_the_event_names_neither_cadre_nor_unit(
    flow: Flow, personas: Personas, tree: Tree
) -> None:
    m = accusation(flow, tree)
    assert workflow.REGISTRY["cadre_notice"].allows(personas.supervisor, m)
    n = notify(flow, personas.supervisor, m)
    assert (n.cadre_name, n.cadre_post, n.channel, n.sent_by) == (
        CADRE,
        POST,
        "discipline",
        personas.supervisor,
    )
    assert CADRE not in n.cadre_name_enc and POST not in n.cadre_post_enc  # stored encrypted
    assert n.cadre_name_masked == "钱**" and n.scope_county == m.scope_county
    event = Event.objects.filter(matter=m).latest("seq")
    assert event.kind == "cadre_notice" and "第三十条" in event.summary
    text = f"{event.summary}{event.details}"
    assert CADRE not in text and POST not in text and n.accused_unit.name not in text


def test_the_discipline_unit_with_the_task_may_notify(flow: Flow, personas: Personas, tree: Tree) -> None:
    handler = discipline_handler(tree)
    m = accusation(flow, tree, routed=True)
    assert workflow.REGISTRY["cadre_notice"].allows(handler, Flow.fresh(m))
    notify(flow, handler, m)
    assert CadreNotice.objects.filter(matter=m, sent_by=handler).exists()


@pytest.mark.parametrize("who", ["county_staff", "city_admin", "leader", "village_agent", "township_staff"])
def test_others_who_see_the_accusation_may_not(flow: Flow, personas: Personas, tree: Tree, who: str) -> None:
    m = accusation(flow, tree)
    user = getattr(personas, who)
    before = _state(m)
    assert not workflow.REGISTRY["cadre_notice"].allows(user, m)
    with pytest.raises((NotAllowed, OutOfScope)):
        flow.bound(actions.cadre_notify, user, m, **notice_inputs(m))()
    assert _state(m) == before


def test_not_on_a_matter_that_is_no_accusation(flow: Flow, personas: Personas) -> None:
    m = flow.at_county()
    before = _state(m)
    assert not workflow.REGISTRY["cadre_notice"].allows(personas.supervisor, m)
    with pytest.raises(WrongState):
        flow.bound(actions.cadre_notify, personas.supervisor, m, **notice_inputs(m))()
    assert _state(m) == before


def test_the_accused_unit_is_refused_as_recipient(flow: Flow, personas: Personas, tree: Tree) -> None:
    m = accusation(flow, tree)
    before = _state(m)
    for name in (tree.unit_housing_a.name, f" {tree.unit_housing_a.name} "):
        with pytest.raises(ValidationError) as exc:
            flow.bound(
                actions.cadre_notify,
                personas.supervisor,
                m,
                **notice_inputs(m, accused_unit=tree.unit_housing_a, department=name),
            )()
        assert "被检举单位" in exc.value.message_dict["department"][0]
    assert _state(m) == before


def test_outside_scope_is_out_of_scope(flow: Flow, personas: Personas, tree: Tree) -> None:
    m = accusation(flow, tree)
    before = _state(m)
    for user in (personas.outsider, personas.outsider_village_agent, personas.outsider_unit_handler):
        with pytest.raises(OutOfScope):
            flow.bound(actions.cadre_notify, user, m, **notice_inputs(m))()
    assert _state(m) == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"cadre_name": " "}, "cadre_name"),
        ({"cadre_name": "名" * 33}, "cadre_name"),
        ({"cadre_post": ""}, "cadre_post"),
        ({"department": ""}, "department"),
        ({"level": None}, "level"),
        ({"accused_unit": None}, "accused_unit"),
    ],
)
def test_bad_input_names_the_field(
    flow: Flow, personas: Personas, tree: Tree, changes: dict[str, Any], field: str
) -> None:
    m = accusation(flow, tree)
    before = _state(m)
    with pytest.raises(ValidationError) as exc:
        flow.bound(actions.cadre_notify, personas.supervisor, m, **notice_inputs(m, **changes))()
    assert field in exc.value.message_dict
    assert _state(m) == before


def test_a_level_or_unit_elsewhere_is_refused(flow: Flow, personas: Personas, tree: Tree) -> None:
    m = accusation(flow, tree)
    before = _state(m)
    for changes, field in (
        ({"level": tree.county_b}, "level"),
        ({"level": tree.village_a1x}, "level"),
        ({"accused_unit": tree.unit_housing_b}, "accused_unit"),
    ):
        with pytest.raises(ValidationError) as exc:
            flow.bound(actions.cadre_notify, personas.supervisor, m, **notice_inputs(m, **changes))()
        assert field in exc.value.message_dict
    assert _state(m) == before


def test_a_stale_version_is_a_conflict(flow: Flow, personas: Personas, tree: Tree) -> None:
    m = accusation(flow, tree)
    stale = m.version
    notify(flow, personas.supervisor, m)
    before = _state(m)
    with pytest.raises(Conflict):
        flow.bound(actions.cadre_notify, personas.supervisor, m, version=stale, **notice_inputs(m))()
    assert _state(m) == before
