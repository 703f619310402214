"""The scan on a real queue, and two scans at once.

Each test here commits its data (transactional), because the scan runs on other connections: a consumer's
worker thread, or two threads racing. On PostgreSQL the two scans really overlap (the unique constraint
makes the loser's insert fail in its savepoint); on SQLite the IMMEDIATE write lock queues them.

Run against Redis with ``REDIS_URL=redis://127.0.0.1:6379/<db>`` (``.ci/run`` does); skipped otherwise.
"""

from __future__ import annotations

import datetime
import os
import signal
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from huey import Huey, RedisHuey, SqliteHuey
from huey.api import TaskWrapper
from huey.signals import SIGNAL_COMPLETE, SIGNAL_ERROR

from conftest import Personas, Tree
from daiban.core import clock
from daiban.matters.tests.factories import at
from daiban.prevention import tasks, warnings
from daiban.prevention.models import Alert
from daiban.prevention.tests.alerts.helpers import intake_on, person, screening

pytestmark = pytest.mark.django_db(transaction=True)

NOW = at(2026, 6, 20, 12)
EXPECTED = {"frequent": 0, "group": 1, "grave": 0, "surge": 0, "bypass": 1, "overdue": 1}


def _facts(tree: Tree, personas: Personas) -> None:
    """One group matter, one bypass, one overdue screening."""
    intake_on(at(2026, 6, 18), personas.village_agent, tree.village_a1x, headcount=7)
    intake_on(at(2026, 6, 19), personas.county_staff, tree.village_a1x, petitioners=person(1))
    screening(tree.village_a1x, personas.village_agent, review_on=datetime.date(2026, 6, 19))


@contextmanager
def clock_at_now() -> Iterator[None]:
    """The scan's clock, also in other threads (a context variable does not cross threads, so the clock
    function itself is replaced while the scans run)."""
    saved = clock.now
    clock.now = lambda: NOW  # type: ignore[assignment]
    try:
        yield
    finally:
        clock.now = saved  # type: ignore[assignment]


def _closing_connections(huey: Huey) -> Huey:
    @huey.post_execute()
    def _close(task: Any, result: Any, exc: Any) -> None:
        connection.close()

    return huey


# ------------------------------------------------------------------------------------- two at once


def test_two_scans_at_once_raise_each_alert_once(tree: Tree, personas: Personas) -> None:
    _facts(tree, personas)
    barrier = threading.Barrier(2)
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def scan() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(warnings.scan())
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    with clock_at_now():
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    assert not errors, errors
    assert len(results) == 2
    # Between them the two scans raised each alert once, whichever got there first.
    assert {rule: sum(r[rule] for r in results) for rule in EXPECTED} == EXPECTED
    assert Alert.objects.count() == 3
    assert sorted(Alert.objects.values_list("rule", flat=True)) == ["bypass", "group", "overdue"]


# ---------------------------------------------------------------------------------- the real storage


def _through_storage(huey: Huey, task: TaskWrapper) -> dict[str, int]:
    """Enqueue the scan, take it off the queue's storage (deserialised as a worker does) and execute it;
    the scan's result (periodic tasks keep none in the storage)."""
    assert huey.pending_count() == 0
    task()  # a periodic task may also be enqueued by hand
    assert huey.pending_count() == 1
    message = huey.dequeue()
    assert message is not None and message.name == tasks.SCAN_TASK
    assert huey.pending_count() == 0
    return huey.execute(message)  # type: ignore[no-any-return]


def test_scan_through_sqlite_storage(tree: Tree, personas: Personas, tmp_path: Path) -> None:
    _facts(tree, personas)
    huey = SqliteHuey(name="test-warnings", filename=str(tmp_path / "queue.sqlite3"))
    task = tasks.scan_task_on(huey)
    assert not huey.immediate
    with clock_at_now():
        assert _through_storage(huey, task) == EXPECTED
        assert (tmp_path / "queue.sqlite3").exists()
        assert Alert.objects.count() == 3
        assert _through_storage(huey, task) == dict.fromkeys(EXPECTED, 0)  # the next run: nothing twice


def test_scan_by_a_real_consumer(tree: Tree, personas: Personas, tmp_path: Path) -> None:
    _facts(tree, personas)
    huey = _closing_connections(SqliteHuey(name="test-consumer", filename=str(tmp_path / "queue.sqlite3")))
    task = tasks.scan_task_on(huey)
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer = huey.create_consumer(
        workers=2, worker_type="thread", periodic=False, check_worker_health=False
    )
    with clock_at_now():
        consumer.start()
    done: list[str] = []
    finished = threading.Semaphore(0)

    @huey.signal(SIGNAL_COMPLETE, SIGNAL_ERROR)
    def _finished(sig: str, task: Any, exc: Any = None) -> None:
        done.append(sig)
        finished.release()

    try:
        with clock_at_now():
            task(), task()  # two workers may take them at once
            assert finished.acquire(timeout=30) and finished.acquire(timeout=30)
    finally:
        consumer.stop(graceful=True)
        for s, handler in saved.items():
            signal.signal(s, handler)
    assert done == [SIGNAL_COMPLETE, SIGNAL_COMPLETE]
    assert Alert.objects.count() == 3


def test_the_schedule_follows_settings(settings: Any) -> None:
    settings.WARN_SCAN_MINUTES = 10
    every_ten = tasks.scan_schedule()
    assert every_ten(datetime.datetime(2026, 6, 1, 9, 20)) and not every_ten(
        datetime.datetime(2026, 6, 1, 9, 25)
    )
    settings.WARN_SCAN_MINUTES = 120
    two_hours = tasks.scan_schedule()
    assert two_hours(datetime.datetime(2026, 6, 1, 10, 0)) and not two_hours(
        datetime.datetime(2026, 6, 1, 11, 0)
    )


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")
def test_scan_through_redis(tree: Tree, personas: Personas) -> None:
    _facts(tree, personas)
    huey = RedisHuey(name=f"test-warnings-{uuid.uuid4().hex[:8]}", url=os.environ["REDIS_URL"])
    task = tasks.scan_task_on(huey)
    try:
        with clock_at_now():
            assert _through_storage(huey, task) == EXPECTED
            assert _through_storage(huey, task) == dict.fromkeys(EXPECTED, 0)
    finally:
        huey.flush()
    assert Alert.objects.count() == 3
