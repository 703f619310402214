"""After-commit notifications of matter events, for the apps built around ``matters``.

``matters`` never imports the apps around it (supervision, documents, notify, stats …). Instead every
action's event is announced here once its transaction has committed, and those apps subscribe::

    from daiban.matters import hooks

    @hooks.on(EventKind.REPLY, EventKind.DECIDE_REVIEW)
    def _queue_opinion_document(happened: hooks.MatterEvent) -> None:
        ...

A subscriber runs after commit, so it sees the committed state and can never undo the action; a failing
subscriber is logged and does not stop the others (``robust`` on-commit callbacks). A subscriber that
sends something must itself be idempotent (the task queue may run it twice).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction

from daiban.matters.choices import EventKind

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MatterEvent:
    """What a subscriber learns: ids, never model instances (they may be stale after commit)."""

    event_id: int
    matter_id: int
    seq: int
    kind: EventKind
    actor_id: int
    status_before: str
    status_after: str


Subscriber = Callable[[MatterEvent], None]

# kind -> subscribers; None holds the subscribers to every kind.
_subscribers: dict[EventKind | None, list[Subscriber]] = {}


def subscribe(fn: Subscriber, kinds: Iterable[EventKind] | None = None) -> Subscriber:
    """Call ``fn`` after commit for each event of ``kinds`` (all kinds when None). Subscribing the same
    function twice to a kind has no further effect."""
    keys: list[EventKind | None] = list(kinds) if kinds is not None else [None]
    for kind in keys:
        bucket = _subscribers.setdefault(kind, [])
        if fn not in bucket:
            bucket.append(fn)
    return fn


def unsubscribe(fn: Subscriber) -> None:
    for bucket in _subscribers.values():
        if fn in bucket:
            bucket.remove(fn)


def on(*kinds: EventKind) -> Callable[[Subscriber], Subscriber]:
    """Decorator form of ``subscribe``; no kinds means every kind."""

    def register(fn: Subscriber) -> Subscriber:
        return subscribe(fn, kinds or None)

    return register


def subscribers_for(kind: EventKind) -> list[Subscriber]:
    return [*_subscribers.get(None, []), *_subscribers.get(kind, [])]


def announce(happened: MatterEvent) -> None:
    """Schedule the subscribers of ``happened.kind`` to run when the current transaction commits."""
    for fn in subscribers_for(happened.kind):
        transaction.on_commit(_runner(fn, happened), robust=True)


def _runner(fn: Subscriber, happened: MatterEvent) -> Callable[[], None]:
    def run() -> None:
        fn(happened)

    return run
