"""The nightly erasure on the task queue (Huey). ``erasure.erase_expired`` claims each object with a unique
row, so two consumers running it at once, or a rerun, erase nothing twice."""

from __future__ import annotations

from huey import Huey, crontab
from huey.api import TaskWrapper
from huey.contrib.djhuey import HUEY, close_db

from daiban.lifecycle import erasure

ERASE_TASK = "lifecycle.erase_expired"


def run_erase_expired() -> dict[str, int]:
    return erasure.erase_expired().counts()


def tasks_on(huey: Huey) -> dict[str, TaskWrapper]:
    return {
        "erase_expired": huey.periodic_task(crontab(minute="40", hour="3"), name=ERASE_TASK)(
            close_db(run_erase_expired)
        ),
    }


erase_expired = tasks_on(HUEY)["erase_expired"]
