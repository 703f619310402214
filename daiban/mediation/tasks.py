"""Background work of mediation, on the task queue (Huey; see settings.HUEY).

The reminder scan (``reminders.scan``: 司法确认 windows about to end, obligations past their deadline) runs
hourly at minute 23 on every consumer that is running; each reminder is one row under a unique key, so
concurrent scans remind each thing once. Hourly is plenty for reminders counted in days, and its ranges are
index scans of a few rows.
"""

from __future__ import annotations

from huey import Huey, crontab
from huey.api import TaskWrapper
from huey.contrib.djhuey import HUEY, close_db

from daiban.mediation import reminders

SCAN_TASK = "mediation.scan_reminders"


def run_scan() -> dict[str, int]:
    """One scan now; how many reminders of each kind were sent (the task's result)."""
    return reminders.scan()


def scan_task_on(huey: Huey) -> TaskWrapper:
    """The periodic scan as a task of ``huey``: the project's queue, or one a test builds on its own storage."""
    return huey.periodic_task(crontab(minute="23"), name=SCAN_TASK)(close_db(run_scan))


scan_mediation = scan_task_on(HUEY)
