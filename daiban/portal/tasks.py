"""Background work of the portal: the hourly purge of old throttle windows (idempotent: a delete by date,
safe on several consumers at once)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import HUEY, close_db

from daiban.portal import throttle

PURGE_TASK = "portal.purge_throttle"


def run_purge() -> int:
    return throttle.purge()


purge_throttle = HUEY.periodic_task(crontab(minute="41"), name=PURGE_TASK)(close_db(run_purge))
