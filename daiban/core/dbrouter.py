"""Which reads may go to a read replica (docs/adr/0027-read-replica.md, docs/deploy.md).

With ``DATABASE_REPLICA_URL`` set (a PostgreSQL streaming replica), the alias ``replica`` exists beside
``default`` (the primary). Only work that says so reads it: list pages and statistics, run inside
``replica_reads()`` or decorated with ``@reads_from_replica``. Everything else is exactly as without a
replica: every write, every read outside such a block, and every read inside a transaction of our own go to
the primary, so a transaction never mixes the two and an action always reads what it locks.

Read your writes: a replica is a moment behind. After a signed-in person sends a write (any POST, PUT, PATCH
or DELETE: whether it changed anything is not asked, which errs on the primary's side), ``RecentWriteMiddleware``
stamps their session, and for the next ``READ_REPLICA_STICKY_SECONDS`` their pages read the primary: the list
they come back to after an action shows it. Other people may see the change that much later.

Without a replica (the local demo, the test suite), or with one that is the primary itself (the test
suite's ``MIRROR``), nothing here changes where a query goes.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

# The session key of the moment (seconds since the epoch) of the person's last write.
WROTE_AT = "daiban_wrote_at"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Reads that must never be a moment old, whatever block they run in: a session ended a second ago must not
# be found again on the replica.
_PRIMARY_ONLY_APPS = frozenset({"sessions"})

_replica_wanted: ContextVar[bool] = ContextVar("daiban_replica_reads", default=False)

P = ParamSpec("P")
R = TypeVar("R")


def replica_alias() -> str | None:
    """The replica's alias, or None when there is none to read: not configured, or one that is the primary
    itself (the test suite's ``MIRROR``, or a URL naming the same database)."""
    alias: str = settings.READ_REPLICA_ALIAS
    if not alias:
        return None
    replica = connections[alias].settings_dict
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    if replica is primary or all(
        replica.get(k) == primary.get(k) for k in ("ENGINE", "NAME", "HOST", "PORT")
    ):
        return None
    return alias


def wrote_recently(request: HttpRequest) -> bool:
    """Whether this person sent a write within the last ``READ_REPLICA_STICKY_SECONDS``."""
    session = getattr(request, "session", None)
    stamp = session.get(WROTE_AT) if session is not None else None
    if not isinstance(stamp, int | float):
        return False
    return time.time() - stamp < settings.READ_REPLICA_STICKY_SECONDS


@contextmanager
def replica_reads(request: HttpRequest | None = None) -> Iterator[None]:
    """Let the reads inside go to the replica (when there is one), unless ``request``'s person wrote
    within the last few seconds. Writes, and reads inside a transaction, still go to the primary."""
    token = _replica_wanted.set(not (request is not None and wrote_recently(request)))
    try:
        yield
    finally:
        _replica_wanted.reset(token)


def reads_from_replica(view: Callable[P, R]) -> Callable[P, R]:
    """A view whose reads (its queries and its template's) may go to the replica: ``replica_reads(request)``
    around the whole view. Only for views that write nothing."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        request = args[0]
        with replica_reads(request if isinstance(request, HttpRequest) else None):
            return view(*args, **kwargs)

    return wrapped


def _in_own_transaction() -> bool:
    """Whether the primary's connection is inside a transaction of the code's own. A test case's wrapping
    transaction is not one: it stands in for the autocommit a request has in production."""
    blocks = connections[DEFAULT_DB_ALIAS].atomic_blocks
    return any(not getattr(block, "_from_testcase", False) for block in blocks)


class ReplicaRouter:
    """``DATABASE_ROUTERS``: reads in a ``replica_reads`` block to the replica, everything else untouched."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if not _replica_wanted.get():
            return None  # Django's own choice: the primary (or the alias the instance came from)
        alias = replica_alias()
        if alias is None:
            return None
        if model._meta.app_label in _PRIMARY_ONLY_APPS or _in_own_transaction():
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        # An object read from the replica is saved to the primary, never to the replica.
        instance = hints.get("instance")
        alias = settings.READ_REPLICA_ALIAS
        if alias and instance is not None and getattr(instance._state, "db", None) == alias:
            return DEFAULT_DB_ALIAS
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # The replica is the primary's copy: an object from either may point to one from the other.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # Migrations run on the primary; the replica receives them through replication.
        if db == settings.READ_REPLICA_ALIAS and db:
            return False
        return None


class RecentWriteMiddleware:
    """Stamps the session of a signed-in person who sent a write, for ``wrote_recently`` (only when a replica
    is configured: without one the session is left as it was)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        if request.method not in _SAFE_METHODS and signed_in and settings.READ_REPLICA_ALIAS:
            request.session[WROTE_AT] = time.time()
        return response
