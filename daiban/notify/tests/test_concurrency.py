"""Two consumers at once send once: the delivery of one row, the periodic re-send, and notify() itself.

Transactional: the work runs on other connections (threads). On PostgreSQL the two claims really race
(the conditional UPDATE of the loser waits for the winner's row lock, re-reads the row and changes
nothing); on SQLite the write lock queues them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from conftest import Personas
from daiban.notify import outbox as box
from daiban.notify.models import Message, Outbound, OutboundStatus
from daiban.notify.tests.helpers import Recorder, prefer, tell

pytestmark = pytest.mark.django_db(transaction=True)


def race(*calls: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(call())
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return results


def _queued(personas: Personas, count: int = 1) -> list[str]:
    prefer(personas.unit_handler, phone="13904719999")
    for i in range(count):
        tell([personas.unit_handler], key=f"k{i}")  # autocommit: queued and sent at once …
    # … so put them back to pending, as if the queue had not run yet.
    Outbound.objects.update(status=OutboundStatus.PENDING, attempts=0, sent_at=None)
    return list(Outbound.objects.order_by("id").values_list("key", flat=True))


def test_two_workers_delivering_one_row_at_once_send_it_once(personas: Personas, outbox: Recorder) -> None:
    (key,) = _queued(personas)
    outbox.sent.clear()
    outbox.calls = 0
    outbox.delay = 0.3  # the first claimant is still sending when the second arrives
    results = race(lambda: box.deliver(key), lambda: box.deliver(key))
    assert sorted(results) in (["sent", "taken"], ["sending", "sent"])
    assert len(outbox.sent) == 1 and outbox.calls == 1
    row = Outbound.objects.get()
    assert (row.status, row.attempts) == (OutboundStatus.SENT, 1)


def test_two_periodic_resends_at_once_send_each_row_once(personas: Personas, outbox: Recorder) -> None:
    keys = _queued(personas, count=6)
    outbox.sent.clear()
    outbox.calls = 0
    outbox.delay = 0.05
    results = race(box.resend_due, box.resend_due)
    assert outbox.calls == 6  # each row went to the provider exactly once
    # A pass that reaches a row its twin has just sent reports the row's status ("sent") without sending it
    # again, so the two passes together may report more than six.
    assert sum(r.get("sent", 0) for r in results) >= 6
    assert sorted(d.key for d in outbox.sent) == sorted(keys)
    assert set(Outbound.objects.values_list("status", flat=True)) == {OutboundStatus.SENT}


def test_two_notifies_with_one_key_at_once_make_one_message(personas: Personas, outbox: Recorder) -> None:
    prefer(personas.unit_handler, phone="13904719999")
    results = race(lambda: tell([personas.unit_handler]), lambda: tell([personas.unit_handler]))
    assert sorted(results) == [0, 1]
    assert Message.objects.count() == 1 and Outbound.objects.count() == 1
    assert len(outbox.sent) == 1
