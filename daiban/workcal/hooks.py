"""The schedule-change hook: lets other apps recompute open deadlines when a year's schedule changes.

An app registers a callback once, typically in its ``AppConfig.ready()``::

    from daiban.workcal.calendar import on_schedule_change

    @on_schedule_change
    def recompute(years: frozenset[int]) -> None: ...

The callback receives the calendar years whose working days may have changed. It runs after the change is
committed (``transaction.on_commit``), at most once per committed transaction however many rows changed,
and also from the ``recompute_deadlines`` command. It may receive a year more than once, or a year that
did not really change (after a rolled-back edit), so it must be idempotent.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable

from django.db import transaction

from daiban.workcal.schedule import clear_cache

logger = logging.getLogger(__name__)

ScheduleChangeCallback = Callable[[frozenset[int]], None]

_callbacks: list[ScheduleChangeCallback] = []
_pending = threading.local()


def on_schedule_change(callback: ScheduleChangeCallback) -> ScheduleChangeCallback:
    """Register ``callback(years)``; registering the same callable twice has no further effect.

    Returns the callback, so it can be used as a decorator.
    """
    if callback not in _callbacks:
        _callbacks.append(callback)
    return callback


def remove_schedule_change_callback(callback: ScheduleChangeCallback) -> None:
    """Unregister ``callback`` (no error if it was not registered)."""
    if callback in _callbacks:
        _callbacks.remove(callback)


def registered_callbacks() -> tuple[ScheduleChangeCallback, ...]:
    return tuple(_callbacks)


def notify_schedule_change(years: Iterable[int]) -> list[tuple[ScheduleChangeCallback, Exception]]:
    """Call every registered callback now with ``years``.

    A failing callback does not stop the others: its exception is logged and returned with it.
    """
    affected = frozenset(years)
    failures: list[tuple[ScheduleChangeCallback, Exception]] = []
    if not affected:
        return failures
    for callback in list(_callbacks):
        try:
            callback(affected)
        except Exception as exc:
            logger.exception("schedule-change callback %r failed for years %s", callback, sorted(affected))
            failures.append((callback, exc))
    return failures


def _pending_years(using: str) -> set[int]:
    by_alias: dict[str, set[int]] | None = getattr(_pending, "by_alias", None)
    if by_alias is None:
        by_alias = {}
        _pending.by_alias = by_alias
    return by_alias.setdefault(using, set())


def discard_pending() -> None:
    """Forget years recorded but not yet notified in this thread (for tests that roll back)."""
    _pending.by_alias = {}


def _flush(using: str) -> None:
    years = _pending_years(using)
    affected = frozenset(years)
    years.clear()
    clear_cache()
    notify_schedule_change(affected)


def schedule_changed(years: Iterable[int], using: str) -> None:
    """Record that ``years`` changed in the current transaction on ``using``.

    The cache is dropped at once (this process must see its own edits); callbacks run after commit. Every
    change registers a flush, and the first flush after a commit takes all pending years, so a transaction
    that saved a year and its thirty days notifies once. Years left pending by a rolled-back transaction are
    notified with the next commit: a harmless superset.
    """
    clear_cache()
    _pending_years(using).update(years)
    transaction.on_commit(lambda: _flush(using), using=using)
