"""Every action's event is announced to subscribers after commit: never before, never for a refused
action, and a failing subscriber neither undoes the action nor stops the others."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conftest import Personas, Tree
from daiban.matters import actions, hooks
from daiban.matters.choices import EventKind
from daiban.matters.errors import NotAllowed
from daiban.matters.models import Matter
from daiban.matters.tests.factories import intake


@pytest.fixture
def heard() -> Iterator[list[hooks.MatterEvent]]:
    got: list[hooks.MatterEvent] = []

    def listener(happened: hooks.MatterEvent) -> None:
        got.append(happened)

    hooks.subscribe(listener)
    yield got
    hooks.unsubscribe(listener)


def test_intake_and_escalate_are_announced_after_commit(
    heard: list[hooks.MatterEvent], tree: Tree, personas: Personas, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        m = intake(personas.village_agent, tree.village_a1x)
    assert heard == [] and callbacks  # nothing heard before the commit (other apps subscribe too)
    for callback in callbacks:
        callback()
    assert [(e.kind, e.matter_id, e.seq) for e in heard] == [(EventKind.INTAKE, m.pk, 1)]
    with django_capture_on_commit_callbacks(execute=True):
        m = actions.matter_escalate(
            actor=personas.village_agent, matter_id=m.pk, expected_version=1, note="上报"
        )
    last = heard[-1]
    assert (last.kind, last.seq, last.status_before, last.status_after) == (
        EventKind.ESCALATE,
        2,
        "registered",
        "registered",
    )
    assert last.actor_id == personas.village_agent.pk and last.event_id == m.events.get(seq=2).pk


def test_refused_action_announces_nothing(
    heard: list[hooks.MatterEvent], tree: Tree, personas: Personas, django_capture_on_commit_callbacks
) -> None:
    m = intake(personas.village_agent, tree.village_a1x)
    heard.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(NotAllowed):
        actions.matter_escalate(actor=personas.township_staff, matter_id=m.pk, expected_version=1, note="x")
    assert callbacks == [] and heard == []


def test_subscribing_to_kinds_and_a_failing_subscriber(
    tree: Tree, personas: Personas, django_capture_on_commit_callbacks
) -> None:
    escalations: list[int] = []

    def broken(happened: hooks.MatterEvent) -> None:
        raise RuntimeError("subscriber bug")

    def counter(happened: hooks.MatterEvent) -> None:
        escalations.append(happened.matter_id)

    hooks.subscribe(broken)
    hooks.on(EventKind.ESCALATE)(counter)
    hooks.subscribe(counter, [EventKind.ESCALATE])  # twice: no effect
    try:
        with django_capture_on_commit_callbacks(execute=True):
            m = intake(personas.village_agent, tree.village_a1x)
        with django_capture_on_commit_callbacks(execute=True):
            actions.matter_escalate(
                actor=personas.village_agent, matter_id=m.pk, expected_version=1, note="上报"
            )
    finally:
        hooks.unsubscribe(broken)
        hooks.unsubscribe(counter)
    assert escalations == [m.pk]
    assert Matter.objects.get(pk=m.pk).version == 2
