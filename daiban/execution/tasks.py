"""Background work of execution, on the task queue (Huey; see settings.HUEY): the overdue scan
(``scan.scan``) hourly on every running consumer. Safe on several at once: each item is claimed under its
row lock, so an overdue item gets one 督办单 however many scans run."""

from __future__ import annotations

from huey import Huey, crontab
from huey.api import TaskWrapper
from huey.contrib.djhuey import HUEY, close_db

from daiban.execution import scan

SCAN_TASK = "execution.scan"


def run_scan() -> dict[str, int]:
    return scan.scan()


def scan_task_on(huey: Huey) -> TaskWrapper:
    """The periodic scan as a task of ``huey`` (the project's queue below, or a test's own)."""
    return huey.periodic_task(crontab(minute="17"), name=SCAN_TASK)(close_db(run_scan))


scan_execution = scan_task_on(HUEY)
