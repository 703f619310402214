"""Two consumers run the follow-up hook at once: one inspection, one message.

Transactional: each thread runs on its own connection. On PostgreSQL both pass the cheap check and race
for the insert (the unique source event fails the loser's savepoint); on SQLite the write lock queues them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from django.db import connection

from conftest import Personas, Tree
from daiban.matters import hooks
from daiban.matters.choices import EventKind
from daiban.matters.tests.factories import Flow
from daiban.supervision.actions import inspections as insp
from daiban.supervision.models import Inspection, InspectionEvent, Sequence
from daiban.supervision.tests.inspections.helpers import Told, dissatisfied

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def unhooked() -> Iterator[None]:
    """The follow-up commits here, so its hook would run at once: leave it to the two consumers."""
    hooks.unsubscribe(insp.open_for_follow_up)
    try:
        yield
    finally:
        hooks.subscribe(insp.open_for_follow_up, [EventKind.FOLLOW_UP])


def test_two_consumers_at_once_open_one_inspection(
    tree: Tree, personas: Personas, told: Told, unhooked: None
) -> None:
    flow = Flow(tree, personas)
    _, event = dissatisfied(flow)
    assert Inspection.objects.count() == 0
    barrier = threading.Barrier(2)
    results: list[object] = []
    errors: list[BaseException] = []

    def consume() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(insp.inspection_open(event_id=event.pk))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=consume) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sorted(r is None for r in results) == [False, True]
    assert Inspection.objects.count() == 1 and InspectionEvent.objects.count() == 1
    assert Sequence.objects.get(kind="DC").last == 1
    assert len([c for c in told.calls if c.kind == "inspection"]) == 1
