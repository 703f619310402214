"""What the statistics plug into the site at start-up (``apps.StatsConfig.ready`` calls ``connect``):

* every matter event, after its transaction commits (``daiban.matters.hooks``), queues a refresh of that
  matter's facts and rollups;
* every save of a screening queues the refresh after commit (prevention has no hooks of its own);
* a portal online rating (网上评价) writes no matter event: the periodic ``stats.refresh_rated`` picks up
  the matters rated lately (``OnlineRating.rated_at`` is indexed);
* the periodic tasks (``daiban.stats.tasks``) are registered with the queue.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from daiban.matters import hooks
from daiban.workcal.hooks import on_schedule_change

_connected = False


def _on_matter_event(happened: hooks.MatterEvent) -> None:
    from daiban.stats import tasks

    tasks.refresh_matter(happened.matter_id)  # already after commit


def _on_screening_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    from daiban.stats import tasks

    transaction.on_commit(partial(tasks.refresh_screening, instance.pk), robust=True)


def _on_schedule_change(years: frozenset[int]) -> None:
    """A holiday-schedule change moves open clocks' due dates (``matters.deadlines.recompute_open``, which
    writes no event): refresh the open matters a minute later, once that change has committed."""
    from daiban.stats import tasks

    tasks.refresh_open.schedule(delay=60)


def connect() -> None:
    global _connected
    if _connected:
        return
    _connected = True
    from daiban.prevention.models import Screening
    from daiban.stats import tasks  # noqa: F401  (registers the periodic tasks with the queue)

    hooks.subscribe(_on_matter_event)
    on_schedule_change(_on_schedule_change)
    for signal in (post_save, post_delete):
        signal.connect(_on_screening_saved, sender=Screening, dispatch_uid="stats_screening_refresh")
