"""The send through a real queue storage: enqueued after commit, taken off the storage and executed as a
worker does; executed twice (a retried task), it sends once."""

from __future__ import annotations

from pathlib import Path

import pytest
from huey import SqliteHuey

from conftest import Personas
from daiban.notify import tasks
from daiban.notify.models import Outbound, OutboundStatus
from daiban.notify.tests.helpers import Recorder, prefer, tell

pytestmark = pytest.mark.django_db(transaction=True)


def test_deliver_through_sqlite_storage_runs_once(
    personas: Personas, outbox: Recorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    huey = SqliteHuey(name="test-notify", filename=str(tmp_path / "queue.sqlite3"))
    deliver = tasks.deliver_task_on(huey)
    monkeypatch.setattr(tasks, "enqueue", lambda key: deliver(key))
    prefer(personas.unit_handler, phone="13904719999")
    tell([personas.unit_handler])  # autocommit: the commit is now, so the send is queued now
    assert huey.pending_count() == 1 and outbox.sent == []
    message = huey.dequeue()
    assert message is not None and message.name == tasks.DELIVER_TASK
    assert huey.execute(message) == "sent"
    assert huey.execute(message) == "sent"  # the same task again: the row is sent, nothing more
    assert len(outbox.sent) == 1
    assert Outbound.objects.get().status == OutboundStatus.SENT


def test_resend_task_through_sqlite_storage(personas: Personas, outbox: Recorder, tmp_path: Path) -> None:
    huey = SqliteHuey(name="test-notify-resend", filename=str(tmp_path / "queue.sqlite3"))
    resend = tasks.resend_task_on(huey)
    prefer(personas.unit_handler, phone="13904719999")
    outbox.fail = 1
    tell([personas.unit_handler])  # sent at once through the immediate queue: fails, retry later
    row = Outbound.objects.get()
    assert row.status == OutboundStatus.PENDING and row.attempts == 1
    Outbound.objects.update(next_attempt_at=row.created_at)  # due now
    resend()
    message = huey.dequeue()
    assert message is not None and message.name == tasks.RESEND_TASK
    huey.execute(message)
    assert Outbound.objects.get().status == OutboundStatus.SENT and len(outbox.sent) == 1
