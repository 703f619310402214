"""Document numbers under concurrent issue (PostgreSQL only: SQLite has one writer).

Eight agents of the 新城区 centre issue receipts for eight matters at the same moment, twice over, on a
sequence that does not exist yet (the first draw creates it); every serial from 1 to 16 is handed out
exactly once. Two issues of the same document at once give one document and one clear refusal; a
rolled-back issue gives its serial back (no gap)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from conftest import Personas, Tree
from daiban.core import clock
from daiban.documents import actions
from daiban.documents.models import Document, DocumentSequence
from daiban.documents.tests.helpers import other_person
from daiban.matters.errors import WrongState
from daiban.matters.tests.factories import Flow, at

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs PostgreSQL row locks"),
]

WHEN = at(2026, 6, 1)


def race(*calls: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            with clock.frozen(WHEN):
                results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung (deadlock?)"
    return results


def _issue(personas: Personas, matter_id: int, kind: str = "receipt") -> Callable[[], Document]:
    return lambda: actions.issue(actor=personas.county_staff, matter_id=matter_id, kind=kind, source_key="")


def test_concurrent_issues_take_every_serial_once(tree: Tree, personas: Personas) -> None:
    flow = Flow(tree, personas, start=WHEN)
    matters = [flow.at_county(**other_person(i)) for i in range(16)]
    assert not DocumentSequence.objects.exists()
    first = race(*[_issue(personas, m.pk) for m in matters[:8]])
    second = race(*[_issue(personas, m.pk) for m in matters[8:]])
    assert all(isinstance(r, Document) for r in first + second), first + second
    serials = sorted(Document.objects.filter(kind="receipt").values_list("serial", flat=True))
    assert serials == list(range(1, 17))
    assert DocumentSequence.objects.get(kind="receipt").last == 16


def test_the_same_document_issued_twice_at_once(tree: Tree, personas: Personas) -> None:
    flow = Flow(tree, personas, start=WHEN)
    m = flow.at_county()
    results = race(_issue(personas, m.pk), _issue(personas, m.pk))
    assert sorted(type(r).__name__ for r in results) == ["Document", "WrongState"], results
    assert any(isinstance(r, WrongState) for r in results)
    # The refused issue drew no serial: the next document is number 2, not 3.
    other = flow.at_county(**other_person(30))
    with clock.frozen(WHEN):
        nxt = _issue(personas, other.pk)()
    assert nxt.serial == 2
