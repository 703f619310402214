"""The one source of "now" for domain actions.

Production uses the real clock. The demo generator and tests replay history by freezing the clock
(``with frozen(dt): ...``), so that backdated matters have true timelines and deadlines.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_frozen: ContextVar[datetime.datetime | None] = ContextVar("daiban_frozen_now", default=None)


def now() -> datetime.datetime:
    value = _frozen.get()
    return value if value is not None else timezone.now()


def today() -> datetime.date:
    return timezone.localdate(now())


@contextmanager
def frozen(at: datetime.datetime) -> Iterator[None]:
    if timezone.is_naive(at):
        raise ValueError("frozen() needs an aware datetime")
    token = _frozen.set(at)
    try:
        yield
    finally:
        _frozen.reset(token)
