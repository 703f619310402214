"""Periodic export of the audit log to its sink (Huey). Idempotent: ``retention.export`` locks the head
row for each batch, so two consumers running it at once never write a record twice."""

from __future__ import annotations

from huey import Huey, crontab
from huey.api import TaskWrapper
from huey.contrib.djhuey import HUEY, close_db

from daiban.audit import retention

EXPORT_TASK = "audit.export"
EXPORT_EVERY_MINUTES = 5


def run_export() -> int:
    return retention.export()


def tasks_on(huey: Huey) -> dict[str, TaskWrapper]:
    return {
        "export": huey.periodic_task(crontab(minute=f"*/{EXPORT_EVERY_MINUTES}"), name=EXPORT_TASK)(
            close_db(run_export)
        ),
    }


_tasks = tasks_on(HUEY)
export = _tasks["export"]
