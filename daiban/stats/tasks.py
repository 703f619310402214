"""Background work of the statistics, on the task queue (Huey; see settings.HUEY).

* ``refresh_matter``: one matter's facts and rollups recomputed (kept for tasks queued before the refresh
  moved into ``daiban.matters.derived``'s one task per commit, ``wiring``).
* ``refresh_screening``: the same for a screening, after each save of one.
* ``refresh_rated``: every few minutes, the matters rated online (网上评价) in the last
  ``RATED_WINDOW_MINUTES`` (a rating writes no matter event; ``rated_at`` is indexed; the window overlaps
  the next run's, refreshing twice is harmless).
* ``refresh_open``: after a holiday-schedule change (workcal hook), every matter with an open clock.
* ``refresh_stale``: nightly, the matters whose routing or handling clock ran out unmet in the last days
  (nothing happened to them, but they now count, late, on their due date).
* ``reconcile``: weekly, every record refreshed again (catches a lost task, a changed rule such as a
  village's agent leaving, a holiday-schedule change that moved a due date).

Every task is idempotent (``facts._refresh`` locks the fact row and applies a difference), so running one
twice, or on two consumers at once, is safe.
"""

from __future__ import annotations

import datetime

from huey import Huey, crontab
from huey.api import TaskWrapper
from huey.contrib.djhuey import HUEY, close_db

from daiban.core import clock
from daiban.matters.models import Matter
from daiban.portal.models import OnlineRating
from daiban.prevention.models import Screening
from daiban.stats import facts

REFRESH_MATTER_TASK = "stats.refresh_matter"
REFRESH_SCREENING_TASK = "stats.refresh_screening"
STALE_TASK = "stats.refresh_stale"
RATED_TASK = "stats.refresh_rated"
OPEN_TASK = "stats.refresh_open"
RECONCILE_TASK = "stats.reconcile"


def run_refresh_matter(matter_id: int) -> None:
    facts.refresh_matters([matter_id])


def run_refresh_screening(screening_id: int) -> None:
    facts.refresh_screenings([screening_id])


RATED_EVERY_MINUTES = 5
RATED_WINDOW_MINUTES = 20


def run_refresh_rated() -> int:
    since = clock.now() - datetime.timedelta(minutes=RATED_WINDOW_MINUTES)
    ids = list(
        OnlineRating.objects.filter(rated_at__gte=since).values_list("matter_id", flat=True).distinct()
    )
    facts.refresh_matters(ids)
    return len(ids)


def run_refresh_open() -> int:
    ids = facts.open_matters()
    facts.refresh_matters(ids)
    return len(ids)


def run_refresh_stale() -> int:
    ids = facts.stale_matters()
    facts.refresh_matters(ids)
    return len(ids)


def run_reconcile() -> dict[str, int]:
    """Refresh every matter and screening (in batches, each its own transaction)."""
    counts = {"matters": 0, "screenings": 0}
    for model, refresh, key in (
        (Matter, facts.refresh_matters, "matters"),
        (Screening, facts.refresh_screenings, "screenings"),
    ):
        ids = list(model.objects.order_by("id").values_list("id", flat=True))
        refresh(ids)
        counts[key] = len(ids)
    return counts


def tasks_on(huey: Huey) -> dict[str, TaskWrapper]:
    return {
        "refresh_matter": huey.task(name=REFRESH_MATTER_TASK)(close_db(run_refresh_matter)),
        "refresh_screening": huey.task(name=REFRESH_SCREENING_TASK)(close_db(run_refresh_screening)),
        "refresh_rated": huey.periodic_task(crontab(minute=f"*/{RATED_EVERY_MINUTES}"), name=RATED_TASK)(
            close_db(run_refresh_rated)
        ),
        "refresh_open": huey.task(name=OPEN_TASK)(close_db(run_refresh_open)),
        "refresh_stale": huey.periodic_task(crontab(minute="10", hour="0"), name=STALE_TASK)(
            close_db(run_refresh_stale)
        ),
        "reconcile": huey.periodic_task(crontab(minute="30", hour="2", day_of_week="0"), name=RECONCILE_TASK)(
            close_db(run_reconcile)
        ),
    }


_tasks = tasks_on(HUEY)
refresh_matter = _tasks["refresh_matter"]
refresh_screening = _tasks["refresh_screening"]
refresh_rated = _tasks["refresh_rated"]
refresh_open = _tasks["refresh_open"]
refresh_stale = _tasks["refresh_stale"]
reconcile = _tasks["reconcile"]
