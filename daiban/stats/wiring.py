"""What the statistics plug into the site at start-up (``apps.StatsConfig.ready`` calls ``connect``):

* every matter event marks its matter for a refresh of its facts and rollups, which runs on the task queue
  after the transaction commits, in the one task that also refreshes the matter's other derived data
  (``daiban.matters.derived``, docs/adr/0039);
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

from daiban.matters import derived
from daiban.workcal.hooks import on_schedule_change

_connected = False


REFRESHER = "stats.facts"


def _refresh_facts(matter_ids: list[int]) -> None:
    from daiban.stats import facts

    facts.refresh_matters(matter_ids)


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

    derived.register(REFRESHER, _refresh_facts)
    on_schedule_change(_on_schedule_change)
    for signal in (post_save, post_delete):
        signal.connect(_on_screening_saved, sender=Screening, dispatch_uid="stats_screening_refresh")
