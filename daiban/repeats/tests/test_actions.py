"""The agent's answer: 确认为重复信访 counts a repeat visit on the earlier matter (one event, atomic, what
重复信访率 reads); 不是重复 is recorded and not asked again; a refusal changes nothing."""

from __future__ import annotations

import datetime
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas, Tree
from daiban.matters.errors import NotAllowed, OutOfScope
from daiban.matters.models import Event, Matter
from daiban.matters.tests.factories import Flow
from daiban.repeats import actions, selectors
from daiban.repeats.models import DecisionKind, RepeatDecision
from daiban.repeats.tests.helpers import LEAK, LEAK_AGAIN, ZHAO, matter
from daiban.stats.figures import Period, direct_figures


@pytest.fixture
def pair(flow: Flow) -> tuple[Matter, Matter]:
    """An earlier matter (赵红梅's leak) and a later one (李秀英 retelling it)."""
    return matter(flow, LEAK, person=ZHAO), matter(flow, LEAK_AGAIN)


def _state() -> Any:
    return (
        list(Matter.objects.order_by("pk").values_list("pk", "version", "repeat_visits")),
        Event.objects.count(),
        list(RepeatDecision.objects.values_list("matter_id", "candidate_id", "kind")),
    )


def test_link_counts_a_repeat_visit_on_the_earlier_matter(
    flow: Flow, personas: Personas, pair: tuple[Matter, Matter]
) -> None:
    earlier, later = pair
    events = Event.objects.count()
    decision = flow.call(
        actions.repeat_link, actor=personas.village_agent, matter_id=later.pk, candidate_id=earlier.pk
    )
    assert decision.kind == DecisionKind.LINK and decision.actor == personas.village_agent
    fresh = Matter.objects.get(pk=earlier.pk)
    assert fresh.repeat_visits == 1 and fresh.version == earlier.version + 1
    # The later matter's timeline says what it was confirmed as (ADR 0040): one event each.
    fresh_later = Matter.objects.get(pk=later.pk)
    assert fresh_later.version == later.version + 1 and fresh_later.repeat_visits == 0
    assert Event.objects.count() == events + 2
    event = Event.objects.get(matter=earlier, seq=fresh.version)
    assert event.kind == "repeat_visit" and event.actor == personas.village_agent
    assert later.number in event.summary and event.details["repeat_matter_id"] == later.pk
    mine = Event.objects.get(matter=later, seq=fresh_later.version)
    assert mine.kind == "repeat_link" and earlier.number in mine.summary
    assert mine.details["skip_level"] is False and decision.skip_level is False
    shown = selectors.for_matter(personas.village_agent, later)
    assert [(c.matter.pk, c.decision) for c in shown] == [(earlier.pk, DecisionKind.LINK)]


def test_declare_new_is_recorded_without_touching_a_matter(
    flow: Flow, personas: Personas, pair: tuple[Matter, Matter]
) -> None:
    earlier, later = pair
    before = _state()
    flow.call(
        actions.repeat_declare_new, actor=personas.county_staff, matter_id=later.pk, candidate_id=earlier.pk
    )
    after = _state()
    assert after[:2] == before[:2]
    assert after[2] == [(later.pk, earlier.pk, DecisionKind.NEW)]
    assert selectors.for_matter(personas.village_agent, later)[0].decision == DecisionKind.NEW


@pytest.mark.parametrize("action", [actions.repeat_link, actions.repeat_declare_new])
def test_a_pair_is_answered_once(
    flow: Flow, personas: Personas, pair: tuple[Matter, Matter], action: Any
) -> None:
    earlier, later = pair
    flow.call(action, actor=personas.village_agent, matter_id=later.pk, candidate_id=earlier.pk)
    before = _state()
    for second in (actions.repeat_link, actions.repeat_declare_new):
        with pytest.raises(NotAllowed):
            flow.call(second, actor=personas.county_staff, matter_id=later.pk, candidate_id=earlier.pk)
    assert _state() == before


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("outsider", OutOfScope),
        ("outsider_village_agent", OutOfScope),
        ("unit_handler", OutOfScope),
        ("supervisor", NotAllowed),
        ("city_admin", NotAllowed),
    ],
)
def test_refusals_change_nothing(
    flow: Flow, personas: Personas, pair: tuple[Matter, Matter], who: str, error: type[Exception]
) -> None:
    earlier, later = pair
    before = _state()
    for action in (actions.repeat_link, actions.repeat_declare_new):
        with pytest.raises(error):
            flow.call(action, actor=getattr(personas, who), matter_id=later.pk, candidate_id=earlier.pk)
    assert _state() == before


def test_only_an_earlier_matter_can_be_linked(
    flow: Flow, personas: Personas, pair: tuple[Matter, Matter]
) -> None:
    earlier, later = pair
    before = _state()
    for action in (actions.repeat_link, actions.repeat_declare_new):
        with pytest.raises(ValidationError):
            flow.call(action, actor=personas.village_agent, matter_id=earlier.pk, candidate_id=later.pk)
    with pytest.raises(ValidationError):
        flow.call(
            actions.repeat_link, actor=personas.village_agent, matter_id=later.pk, candidate_id=later.pk
        )
    assert _state() == before


def test_an_accusation_is_never_linked(flow: Flow, personas: Personas) -> None:
    earlier = matter(flow, LEAK, person=ZHAO, purpose="accusation")
    later = matter(flow, LEAK_AGAIN)
    before = _state()
    with pytest.raises(NotAllowed):
        flow.call(
            actions.repeat_link, actor=personas.county_staff, matter_id=later.pk, candidate_id=earlier.pk
        )
    assert _state() == before


def test_link_is_atomic(flow: Flow, personas: Personas, pair: tuple[Matter, Matter]) -> None:
    """When the answer cannot be recorded, the earlier matter's count and event are undone too."""
    earlier, later = pair
    before = _state()
    with (
        mock.patch.object(RepeatDecision.objects, "create", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        flow.call(
            actions.repeat_link, actor=personas.village_agent, matter_id=later.pk, candidate_id=earlier.pk
        )
    assert _state() == before


def test_the_repeat_rate_counts_a_linked_matter(
    flow: Flow, tree: Tree, personas: Personas, pair: tuple[Matter, Matter]
) -> None:
    earlier, later = pair
    june, today = Period.month(2026, 6), datetime.date(2026, 7, 1)
    before = direct_figures(tree.county_a, june, today).rate("repeat")
    assert (before.numerator, before.denominator) == (0, 2)
    flow.call(actions.repeat_link, actor=personas.village_agent, matter_id=later.pk, candidate_id=earlier.pk)
    after = direct_figures(tree.county_a, june, today).rate("repeat")
    assert (after.numerator, after.denominator) == (1, 2)
    flow.call(
        actions.repeat_declare_new,
        actor=personas.village_agent,
        matter_id=matter(flow, LEAK_AGAIN + "再次").pk,
        candidate_id=earlier.pk,
    )
    again = direct_figures(tree.county_a, june, today).rate("repeat")
    assert (again.numerator, again.denominator) == (1, 3)  # "not a repeat" counts nothing
