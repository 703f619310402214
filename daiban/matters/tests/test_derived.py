"""Derived data (search index, repeat signature) is refreshed on the task queue after commit: one task per
commit with every matter it marked, nothing for a rolled-back transaction, each refresher only
for the event kinds it asked for, a failing refresher neither stops the others nor hides its failure; the
real refreshers are idempotent (twice, or on a deleted matter, leaves the same rows)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.db import transaction

from conftest import Personas, Tree
from daiban.matters import actions, derived
from daiban.matters.choices import EventKind
from daiban.matters.models import Matter
from daiban.matters.tests.factories import intake
from daiban.repeats import signatures
from daiban.repeats.models import MatterSignature
from daiban.search import wiring as search_wiring
from daiban.search.models import Gram

Capture = Callable[..., AbstractContextManager[Any]]


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, list[int]]]]:
    """The tasks queued (instead of run), with two test refreshers beside the apps' own."""
    got: list[dict[str, list[int]]] = []
    monkeypatch.setattr(derived, "refresh_derived", got.append)
    derived.register("test.every", lambda ids: None)
    derived.register("test.intake", lambda ids: None, kinds=(EventKind.INTAKE,))
    yield got
    derived.unregister("test.every")
    derived.unregister("test.intake")


def test_one_task_per_commit_with_every_marked_matter(
    sent: list[dict[str, list[int]]],
    tree: Tree,
    personas: Personas,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    agent = personas.village_agent
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        a = intake(agent, tree.village_a1x, new_matter=True)
        b = intake(agent, tree.village_a1x, new_matter=True)
        actions.matter_escalate(actor=agent, matter_id=a.pk, expected_version=1, note="上报")
    assert len(sent) == 1
    work = sent[0]
    assert work["test.every"] == sorted([a.pk, b.pk])
    assert work["test.intake"] == sorted([a.pk, b.pk])
    assert work[search_wiring.REFRESHER] == sorted([a.pk, b.pk])
    # an event of another kind reaches only the refreshers that follow every kind
    with django_capture_on_commit_callbacks(execute=True):
        actions.matter_escalate(actor=agent, matter_id=b.pk, expected_version=1, note="上报")
    assert sent[1]["test.every"] == [b.pk] and "test.intake" not in sent[1]
    assert "repeats.signature" not in sent[1]


def test_nothing_for_a_rolled_back_transaction(
    sent: list[dict[str, list[int]]],
    tree: Tree,
    personas: Personas,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    agent = personas.village_agent
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        intake(agent, tree.village_a1x)
        raise RuntimeError("undo")
    assert sent == []
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        kept = intake(agent, tree.village_a1x)
        with pytest.raises(RuntimeError), transaction.atomic():
            actions.matter_escalate(actor=agent, matter_id=kept.pk, expected_version=1, note="上报")
            intake(agent, tree.village_a1x, new_matter=True)
            raise RuntimeError("undo the savepoint")
    # A savepoint rolled back inside a committed transaction: its marks ride with the commit's batch (the
    # matter it created is gone, and refreshing what did not change is harmless), still one task.
    assert len(sent) == 1 and kept.pk in sent[0]["test.every"]
    assert Matter.objects.count() == 1


def test_a_failing_refresher_does_not_stop_the_others_and_the_task_fails(
    caplog: pytest.LogCaptureFixture,
) -> None:
    ran: list[list[int]] = []

    def boom(ids: list[int]) -> None:
        raise ValueError("broken")

    derived.register("test.boom", boom)
    derived.register("test.after", ran.append)
    try:
        with pytest.raises(RuntimeError, match=r"test\.boom"):
            derived.run_refresh({"test.boom": [1], "test.after": [1, 2], "test.gone": [3]})
    finally:
        derived.unregister("test.boom")
        derived.unregister("test.after")
    assert ran == [[1, 2]]
    assert "no refresher named test.gone" in caplog.text


def test_the_queued_refreshers_are_idempotent_and_forget_a_deleted_matter(
    tree: Tree, personas: Personas, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # the queue runs at once in tests
        m = intake(personas.village_agent, tree.village_a1x)
    rows = sorted(Gram.objects.filter(matter=m).values_list("kind", "gram"))
    signature = MatterSignature.objects.get(matter=m)
    assert rows and signature.band0
    derived.run_refresh(derived.work_for({m.pk: {EventKind.INTAKE}}))  # again, as a retried task would
    assert sorted(Gram.objects.filter(matter=m).values_list("kind", "gram")) == rows
    again = MatterSignature.objects.get(matter=m)
    assert [getattr(again, f"band{i}") for i in range(8)] == [
        getattr(signature, f"band{i}") for i in range(8)
    ]
    gone = m.pk + 1000
    search_wiring.refresh([gone])
    signatures.refresh_many([gone])
    assert not Gram.objects.filter(matter_id=gone).exists()
    assert not MatterSignature.objects.filter(matter_id=gone).exists()
