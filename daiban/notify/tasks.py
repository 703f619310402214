"""Background work of notify, on the task queue (Huey; see settings.HUEY).

``deliver`` sends one outbound row (enqueued after the commit that created it); ``resend_due`` runs every
NOTIFY_RESEND_MINUTES minutes on every consumer and sends what is due (retries, the end of quiet hours).
Both are safe to run twice or on several consumers at once: ``outbox.deliver`` claims each row with a
conditional update.
"""

from __future__ import annotations

from django.conf import settings
from huey import Huey, crontab
from huey.api import TaskWrapper
from huey.contrib.djhuey import HUEY, close_db

from daiban.notify import outbox

DELIVER_TASK = "notify.deliver"
RESEND_TASK = "notify.resend_due"


def deliver_task_on(huey: Huey) -> TaskWrapper:
    return huey.task(name=DELIVER_TASK)(close_db(outbox.deliver))


def run_resend() -> dict[str, int]:
    return outbox.resend_due()


def resend_task_on(huey: Huey) -> TaskWrapper:
    """The periodic re-send as a task of ``huey`` (the project's queue, or a test's own)."""
    schedule = crontab(minute=f"*/{settings.NOTIFY_RESEND_MINUTES}")
    return huey.periodic_task(schedule, name=RESEND_TASK)(close_db(run_resend))


deliver = deliver_task_on(HUEY)
resend_due = resend_task_on(HUEY)


def enqueue(key: str) -> None:
    """Queue the send of one outbound row (call after commit)."""
    deliver(key)
