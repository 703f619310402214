"""The intake inserts the matter as it ends (version 1 = the intake event's seq, the routing clock's due
date mirrored) with no second UPDATE of the row and no lookup-code probe; a lookup code that clashes is
refused by the unique index and the whole intake is taken again with a new one."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Personas, Tree
from daiban.matters import deadlines
from daiban.matters.actions import intake as intake_action
from daiban.matters.choices import EventKind, Step
from daiban.matters.models import Deadline, Matter, NumberSequence
from daiban.matters.tests.factories import intake


def test_intake_inserts_the_final_row_once(tree: Tree, personas: Personas) -> None:
    with CaptureQueriesContext(connection) as ctx:
        m = intake(personas.village_agent, tree.village_a1x)
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert not [s for s in sqls if s.startswith('UPDATE "matters_matter"')]
    assert not [s for s in sqls if '"matters_matter"."lookup_code" =' in s]
    assert len([s for s in sqls if s.startswith('INSERT INTO "matters_matter" ')]) == 1
    stored = Matter.objects.get(pk=m.pk)
    event = stored.events.get()
    assert (stored.version, event.seq, event.kind) == (1, 1, EventKind.INTAKE)
    clock_row = Deadline.objects.get(matter=stored, is_open=True)
    assert (stored.due_date, stored.due_step, stored.due_provisional) == (
        clock_row.due_date,
        Step.ROUTE,
        clock_row.provisional,
    )
    mirrored = Matter.objects.get(pk=m.pk)
    deadlines.refresh_due(mirrored)  # what record() used to compute after the insert: the same
    assert (mirrored.due_date, mirrored.due_step, mirrored.due_provisional) == (
        stored.due_date,
        stored.due_step,
        stored.due_provisional,
    )


def test_a_clashing_lookup_code_is_drawn_again(
    tree: Tree, personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = intake(personas.village_agent, tree.village_a1x)
    codes = iter([first.lookup_code, first.lookup_code, "NEWCODE9"])
    monkeypatch.setattr(intake_action, "intake_lookup_code", lambda: next(codes))
    second = intake(personas.village_agent, tree.village_a1x, new_matter=True)
    assert second.lookup_code == "NEWCODE9"
    assert Matter.objects.count() == 2
    # the refused attempts rolled back whole: the numbers stay without a gap, one event, one clock
    assert int(second.number[-5:]) == int(first.number[-5:]) + 1
    assert NumberSequence.objects.get().last == int(second.number[-5:])
    assert second.events.count() == 1 and Deadline.objects.filter(matter=second).count() == 1


def test_other_integrity_errors_are_not_retried(
    tree: Tree, personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = intake(personas.village_agent, tree.village_a1x)
    calls = []

    def same_number(region: object, year: int) -> str:
        calls.append(year)
        return first.number

    monkeypatch.setattr(intake_action, "next_number", same_number)
    with pytest.raises(Exception, match="number"):
        intake(personas.village_agent, tree.village_a1x, new_matter=True)
    assert len(calls) == 1 and Matter.objects.count() == 1


def test_the_clash_gives_up_after_a_few_draws(
    tree: Tree, personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = intake(personas.village_agent, tree.village_a1x)
    monkeypatch.setattr(intake_action, "intake_lookup_code", lambda: first.lookup_code)
    with pytest.raises(Exception, match="lookup_code"):
        intake(personas.village_agent, tree.village_a1x, new_matter=True)
    assert Matter.objects.count() == 1
