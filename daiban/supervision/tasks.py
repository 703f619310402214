"""Background work of supervision, on the task queue (Huey; see settings.HUEY).

The reminder and ladder scan (``scan.scan``) runs every SUPERVISION_SCAN_MINUTES minutes on every consumer
that is running: with Redis that may be several at once on several machines. It is safe so: a reminder is
one row per (deadline, stage) and an order one per (task, rung), each inserted under its unique
constraint, so concurrent scans remind, order and list each thing once.
"""

from __future__ import annotations

from django.conf import settings
from huey import Huey, crontab
from huey.api import TaskWrapper
from huey.contrib.djhuey import HUEY, close_db

from daiban.supervision import scan

SCAN_TASK = "supervision.scan"


def scan_schedule() -> crontab:
    """Every SUPERVISION_SCAN_MINUTES minutes (settings allows 1–59, or whole hours)."""
    minutes = settings.SUPERVISION_SCAN_MINUTES
    if minutes < 60:
        return crontab(minute=f"*/{minutes}")
    return crontab(minute="0", hour=f"*/{minutes // 60}")


def run_scan() -> dict[str, int]:
    """One scan now; how many reminders, orders and listings were made (the task's result)."""
    return scan.scan()


def scan_task_on(huey: Huey) -> TaskWrapper:
    """The periodic scan as a task of ``huey``: the project's queue below, or a queue a test builds on its
    own storage (the same definition either way)."""
    return huey.periodic_task(scan_schedule(), name=SCAN_TASK)(close_db(run_scan))


scan_supervision = scan_task_on(HUEY)
