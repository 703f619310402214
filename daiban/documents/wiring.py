"""What documents plugs in at start-up: the kinds that come from the matter itself, the matter page's
文书 section, the mirror of a service recorded on the matter page onto the opinion's document, and the
count of uploaded scans for the daily upload quota (daiban.core.uploads)."""

from __future__ import annotations

import datetime
from typing import Any

from daiban.core.uploads import Usage, register_usage


def connect() -> None:
    from daiban.documents import matter_kinds
    from daiban.documents.views import connect as connect_views

    matter_kinds.register_all()
    connect_views()
    register_usage(scans_stored)


def scans_stored(user_id: Any, start: datetime.datetime, end: datetime.datetime) -> Usage:
    """The signed-copy scans ``user_id`` uploaded in [start, end): one "scan" event each, with its size."""
    from daiban.documents.models import DocumentEvent

    details = DocumentEvent.objects.filter(
        actor_id=user_id, kind="scan", at__gte=start, at__lt=end
    ).values_list("details", flat=True)
    return Usage(len(details), sum(int(d.get("size") or 0) for d in details))
