"""What the search plugs into the site at start-up (``apps.SearchConfig.ready`` calls ``connect``): the
index follows every matter event after its commit (an intake, a repeat visit that adds people, a routing
that adds a unit …), and the page's entry in the staff navigation."""

from __future__ import annotations

from django.db import IntegrityError

from daiban.core import nav
from daiban.matters import hooks
from daiban.search.access import can_search

_connected = False


def _on_matter_event(happened: hooks.MatterEvent) -> None:
    from daiban.search.index import reindex

    # Already after commit, and idempotent: a repeated event changes nothing. Two events of one matter
    # committed at once may both insert its rows; the loser reads again after the winner's commit.
    try:
        reindex([happened.matter_id])
    except IntegrityError:
        reindex([happened.matter_id])


def connect() -> None:
    global _connected
    if _connected:
        return
    _connected = True
    hooks.subscribe(_on_matter_event)
    nav.register(
        nav.Item(
            "search", order=15, label="检索", url_name="search:search", visible=can_search, active=("search",)
        )
    )
