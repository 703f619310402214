"""Background work of prevention, on the task queue (Huey; see settings.HUEY).

The early-warning scan runs every WARN_SCAN_MINUTES minutes on every consumer that is running: with Redis
that may be several at once on several machines. It is safe so: each alert is one row under a unique
(rule, cause) constraint (``warnings.raise_alert``), so concurrent scans raise each alert once.
"""

from __future__ import annotations

from django.conf import settings
from huey import Huey, crontab
from huey.api import TaskWrapper
from huey.contrib.djhuey import HUEY, close_db

from daiban.prevention import warnings

SCAN_TASK = "prevention.scan_warnings"


def scan_schedule() -> crontab:
    """Every WARN_SCAN_MINUTES minutes (settings allows 1–59, or whole hours)."""
    minutes = settings.WARN_SCAN_MINUTES
    if minutes < 60:
        return crontab(minute=f"*/{minutes}")
    return crontab(minute="0", hour=f"*/{minutes // 60}")


def run_scan() -> dict[str, int]:
    """One scan now; the number of new alerts per rule (the task's result)."""
    return warnings.scan()


def scan_task_on(huey: Huey) -> TaskWrapper:
    """The periodic scan as a task of ``huey``: the project's queue below, or a queue a test builds on
    its own storage (the same definition either way)."""
    return huey.periodic_task(scan_schedule(), name=SCAN_TASK)(close_db(run_scan))


scan_warnings = scan_task_on(HUEY)
