"""Data derived from a matter's stored state (the search index, the repeat-visit signature …), refreshed on
the task queue after an action commits instead of inside the person's request (docs/adr/0039).

An app built around matters registers a *refresher* at start-up (its ``wiring.connect``)::

    derived.register("search.index", reindex)                              # every event
    derived.register("repeats.signature", refresh_many, kinds=(EventKind.INTAKE, EventKind.IMPORT))

Every event ``actions.base.record`` writes marks its matter (inside the action's transaction). When that
transaction commits, the matters it marked go to the queue in **one** task (however many events and
refreshers), which calls each refresher once with the ids of the matters whose events it asked for.

A refresher reads the matter's *current* state, so it must be idempotent: a task run twice, late, on
several consumers at once, after a later task of the same matter, or on a matter deleted since must leave
the same result. A marked transaction that rolls back leaves nothing to do (its callback is dropped with
its marks); the marks of a savepoint rolled back inside a transaction that commits go out with the rest,
which is harmless for the same reason. In tests the queue runs tasks at once (``DAIBAN_QUEUE_IMMEDIATE``), i.e.
when the transaction commits, as the refreshers did before they were queued.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from huey.contrib.djhuey import HUEY, close_db

from daiban.matters.choices import EventKind

logger = logging.getLogger(__name__)

TASK_NAME = "matters.refresh_derived"

Refresher = Callable[[list[int]], Any]

# name -> (refresher, the event kinds it follows; None: every kind)
_refreshers: dict[str, tuple[Refresher, frozenset[str] | None]] = {}


def register(name: str, fn: Refresher, kinds: Iterable[EventKind] | None = None) -> None:
    """Refresh ``fn(matter_ids)`` on the queue after each commit with events of ``kinds`` (every kind when
    None). Registering a name again replaces it."""
    _refreshers[name] = (fn, frozenset(kinds) if kinds is not None else None)


def unregister(name: str) -> None:
    _refreshers.pop(name, None)


def wanted(kind: str) -> bool:
    return any(kinds is None or kind in kinds for _, kinds in _refreshers.values())


def mark(matter_id: int, kind: str) -> None:
    """Called by ``record`` inside the action's transaction: the matter changed by an event of ``kind``."""
    if not wanted(kind):
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:  # autocommit: the change is already committed
        _Batch({matter_id: {kind}})()
        return
    # One batch per transaction: the one already waiting for this commit, else a new one. A batch whose
    # transaction (or the savepoint it was made in) rolled back has left the list with its marks: what
    # they marked was undone.
    batch = next(
        (fn for _, fn, _ in reversed(connection.run_on_commit) if isinstance(fn, _Batch) and not fn.sent),
        None,
    )
    if batch is None:
        batch = _Batch({})
        transaction.on_commit(batch, robust=True)
    batch.pending.setdefault(matter_id, set()).add(kind)


class _Batch:
    """The matters one transaction marked; called once after its commit, it queues the one task."""

    def __init__(self, pending: dict[int, set[str]]) -> None:
        self.pending = pending
        self.sent = False
        self.__qualname__ = "daiban.matters.derived.batch"  # Django's on_commit logs a failure by it

    def __call__(self) -> None:
        if self.sent:
            return
        self.sent = True
        work = work_for(self.pending)
        if work:
            refresh_derived(work)


def work_for(pending: dict[int, set[str]]) -> dict[str, list[int]]:
    """The refreshers' names and the matters each is to refresh (sorted ids)."""
    work: dict[str, list[int]] = {}
    for name, (_, kinds) in _refreshers.items():
        ids = sorted(pk for pk, seen in pending.items() if kinds is None or seen & kinds)
        if ids:
            work[name] = ids
    return work


def run_refresh(work: dict[str, list[int]]) -> None:
    """The task: every refresher on its matters; one that fails does not stop the others, and the task
    fails afterwards so that the queue retries it (the others then run again: harmless)."""
    failed = []
    for name, ids in work.items():
        entry = _refreshers.get(name)
        if entry is None:
            logger.warning("no refresher named %s (matters %s)", name, ids[:20])
            continue
        try:
            entry[0](ids)
        except Exception:
            logger.exception("refresher %s failed on matters %s", name, ids[:20])
            failed.append(name)
    if failed:
        raise RuntimeError(f"refreshers failed: {', '.join(failed)}")


refresh_derived = HUEY.task(name=TASK_NAME, retries=3, retry_delay=30)(close_db(run_refresh))
