"""The periodic reminders: 司法确认 seven days before the window ends (unless something is recorded), an
obligation past its deadline (once); each once, however often and on however many consumers the scan runs."""

from __future__ import annotations

import datetime
import threading
from pathlib import Path

import pytest
from django.db import connection
from huey import SqliteHuey

from conftest import Personas, Tree
from daiban.core import clock
from daiban.matters.tests.factories import Flow, at
from daiban.mediation import actions, reminders, tasks
from daiban.mediation.models import DossierEvent, Reminder, ReminderStage
from daiban.mediation.tests.helpers import draft, obligation, perform, sign, signed
from daiban.notify.models import Message

D = datetime.date


def _scan(day: D) -> dict[str, int]:
    with clock.frozen(at(day.year, day.month, day.day, 8)):
        return reminders.scan()


def test_the_judicial_reminder_comes_seven_days_before_the_end_once(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    a = signed(flow, personas.village_agent, m)  # signed 2026-06-01: window until 2026-07-01
    assert a.judicial_until == D(2026, 7, 1)
    assert _scan(D(2026, 6, 23))["judicial"] == 0
    assert _scan(D(2026, 6, 24))["judicial"] == 1
    assert _scan(D(2026, 6, 24)) == {"judicial": 0, "overdue": 0}
    assert _scan(D(2026, 6, 25))["judicial"] == 0
    key = f"agreement:{a.pk}:judicial_due_soon"
    assert Reminder.objects.get(stage=ReminderStage.JUDICIAL_DUE_SOON).key == key
    told = Message.objects.filter(key=key)
    assert list(told.values_list("recipient__username", flat=True)) == ["village_agent"]
    assert "2026年07月01日" in told.get().text and told.get().kind == "mediation"
    event = DossierEvent.objects.filter(kind="remind", summary__contains="司法确认").get()
    assert event.actor is None


def test_no_judicial_reminder_once_something_is_recorded_or_the_window_is_over(
    flow: Flow, personas: Personas
) -> None:
    m = flow.local()
    a = signed(flow, personas.village_agent, m)
    flow.later(days=2)
    flow.call(
        actions.judicial_record,
        actor=personas.village_agent,
        agreement_id=a.pk,
        expected_version=a.version,
        status="not_applied",
    )
    assert _scan(D(2026, 6, 25))["judicial"] == 0
    assert _scan(D(2026, 7, 2))["judicial"] == 0
    assert not Reminder.objects.filter(stage=ReminderStage.JUDICIAL_DUE_SOON).exists()


def test_an_overdue_obligation_is_reminded_once(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    a = signed(flow, personas.village_agent, m)  # deadlines 06-11, 06-21, 06-06
    perform(flow, personas.village_agent, obligation(a, 2))  # 配合入户施工 done at once
    assert _scan(D(2026, 6, 11))["overdue"] == 0  # due today: not yet overdue
    assert _scan(D(2026, 6, 12))["overdue"] == 1
    assert _scan(D(2026, 6, 12))["overdue"] == 0
    assert _scan(D(2026, 6, 22))["overdue"] == 1  # the second obligation
    keys = set(Reminder.objects.filter(stage=ReminderStage.OBLIGATION_OVERDUE).values_list("key", flat=True))
    assert keys == {f"obligation:{obligation(a, 0).pk}:overdue", f"obligation:{obligation(a, 1).pk}:overdue"}
    told = Message.objects.filter(recipient=personas.village_agent, kind="mediation")
    assert told.filter(key__startswith="obligation:").count() == 2


def test_a_draft_agreement_is_never_reminded(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    draft(flow, personas.village_agent, m)
    assert _scan(D(2026, 6, 25)) == {"judicial": 0, "overdue": 0}


def test_an_obligation_performed_late_is_no_longer_overdue(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    a = sign(flow, personas.village_agent, draft(flow, personas.village_agent, m))
    flow.on(2026, 6, 15)
    perform(flow, personas.village_agent, obligation(a, 0))  # late
    perform(flow, personas.village_agent, obligation(a, 2))  # late
    assert _scan(D(2026, 6, 16))["overdue"] == 0


# ----------------------------------------------------------------------------- two consumers at once


def _twice_at_once(day: D) -> list[dict[str, int]]:
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def consumer() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(_scan(day))
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


@pytest.mark.django_db(transaction=True)
def test_two_consumers_at_once_remind_each_thing_once(tree: Tree, personas: Personas) -> None:
    flow = Flow(tree, personas)
    m = flow.local()
    a = signed(flow, personas.village_agent, m)
    results = _twice_at_once(
        D(2026, 6, 24)
    )  # the 06-11 and 06-21 deadlines passed; 司法确认 window ends 07-01
    assert sum(r["judicial"] for r in results) == 1
    assert sum(r["overdue"] for r in results) == 3
    assert Reminder.objects.filter(agreement=a).count() == 4
    keys = list(Message.objects.values_list("recipient_id", "key"))
    assert len(keys) == len(set(keys)) == 5  # the signing, the window, three obligations


@pytest.mark.django_db(transaction=True)
def test_the_periodic_task_runs_the_scan_from_the_queue_storage(
    tree: Tree, personas: Personas, tmp_path: Path
) -> None:
    flow = Flow(tree, personas)
    signed(flow, personas.village_agent, flow.local())
    huey = SqliteHuey(name="test-mediation", filename=str(tmp_path / "queue.sqlite3"))
    task = tasks.scan_task_on(huey)

    def through_storage() -> dict[str, int]:
        task()
        message = huey.dequeue()
        assert message is not None and message.name == tasks.SCAN_TASK
        with clock.frozen(at(2026, 6, 24, 8)):
            return huey.execute(message)  # type: ignore[no-any-return]

    assert through_storage() == {"judicial": 1, "overdue": 3}
    assert through_storage() == {"judicial": 0, "overdue": 0}
