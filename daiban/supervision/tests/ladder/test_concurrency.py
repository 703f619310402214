"""Two consumers scanning at once (two threads, each with its own database connection): every reminder,
order and listing is made once, and each person is told once. On PostgreSQL the two inserts of one row
really race; the unique constraints decide."""

from __future__ import annotations

import datetime
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from huey import SqliteHuey

from conftest import Personas, Tree
from daiban.core import clock
from daiban.matters.tests.factories import at
from daiban.notify.models import Message
from daiban.supervision import scan, tasks
from daiban.supervision.models import OrderEvent, Reminder, Rung, SupervisionOrder
from daiban.supervision.tests.ladder.helpers import routed_with_leaders

D = datetime.date


def _twice_at_once(day: D) -> list[dict[str, int]]:
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def consumer() -> None:
        try:
            barrier.wait(timeout=10)
            with clock.frozen(at(day.year, day.month, day.day, 8)):
                results.append(scan.scan())
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=consumer) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return results


def _total(results: list[dict[str, Any]], key: str) -> int:
    return sum(r[key] for r in results)


@pytest.mark.django_db(transaction=True)
def test_two_consumers_at_once_do_nothing_twice(tree: Tree, personas: Personas) -> None:
    ladder = routed_with_leaders(tree, personas)
    m = ladder.matter
    for day, key in ((D(2026, 6, 11), "due_soon"), (D(2026, 6, 17), "orders"), (D(2026, 6, 26), "listed")):
        results = _twice_at_once(day)
        assert _total(results, key) == 1, (day, results)
    assert Reminder.objects.filter(matter=m).count() == 2
    assert SupervisionOrder.objects.filter(matter=m, rung=Rung.ORDER).count() == 1
    assert SupervisionOrder.objects.filter(matter=m, rung=Rung.LISTED).count() == 1
    assert [e.kind for e in OrderEvent.objects.order_by("order_id", "seq")] == ["issue", "escalate", "list"]
    keys = list(Message.objects.values_list("recipient_id", "key"))
    assert len(keys) == len(set(keys))
    assert Message.objects.filter(recipient=personas.unit_handler, kind="supervision_order").count() == 1
    assert Message.objects.filter(recipient=ladder.city_supervisor, kind="listed_supervision").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_periodic_task_runs_the_scan_from_the_queue_storage(
    tree: Tree, personas: Personas, tmp_path: Path
) -> None:
    """The scan as the queue runs it: enqueued, taken off the SQLite storage, executed; the next run makes
    nothing twice."""
    routed_with_leaders(tree, personas)
    huey = SqliteHuey(name="test-supervision", filename=str(tmp_path / "queue.sqlite3"))
    task = tasks.scan_task_on(huey)

    def through_storage() -> dict[str, int]:
        task()
        message = huey.dequeue()
        assert message is not None and message.name == tasks.SCAN_TASK
        with clock.frozen(at(2026, 6, 17, 8)):
            return huey.execute(message)  # type: ignore[no-any-return]

    assert through_storage() == {"due_soon": 0, "overdue": 1, "orders": 1, "listed": 0}
    assert through_storage() == {"due_soon": 0, "overdue": 0, "orders": 0, "listed": 0}


def test_the_schedule_follows_the_setting(settings: Any) -> None:
    settings.SUPERVISION_SCAN_MINUTES = 15
    every_15 = tasks.scan_schedule()
    assert every_15(datetime.datetime(2026, 6, 1, 8, 30)) and not every_15(
        datetime.datetime(2026, 6, 1, 8, 31)
    )
    settings.SUPERVISION_SCAN_MINUTES = 120
    hourly = tasks.scan_schedule()
    assert hourly(datetime.datetime(2026, 6, 1, 10, 0)) and not hourly(datetime.datetime(2026, 6, 1, 11, 0))
