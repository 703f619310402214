"""What the search plugs into the site at start-up (``apps.SearchConfig.ready`` calls ``connect``): the
index follows every matter event, rewritten on the task queue after its commit (an intake, a repeat visit
that adds people, a routing that adds a unit …: ``daiban.matters.derived``, docs/adr/0039), and the page's
entry in the staff navigation."""

from __future__ import annotations

from django.db import IntegrityError

from daiban.core import nav
from daiban.matters import derived
from daiban.search.access import can_search

REFRESHER = "search.index"
_connected = False


def refresh(matter_ids: list[int]) -> int:
    """The queued refresher: after commit, idempotent (the matters' rows rewritten from what is stored
    now). Two consumers rewriting one matter at once may both insert its rows; the loser reads again after
    the winner's commit."""
    from daiban.search.index import reindex

    try:
        return reindex(matter_ids)
    except IntegrityError:
        return reindex(matter_ids)


def connect() -> None:
    global _connected
    if _connected:
        return
    _connected = True
    derived.register(REFRESHER, refresh)
    nav.register(
        nav.Item(
            "search", order=15, label="检索", url_name="search:search", visible=can_search, active=("search",)
        )
    )
