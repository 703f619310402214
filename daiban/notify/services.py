"""The one way other apps tell people something: ``notify(...)``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    key: str,
    text: str,
    matter_id: int | None = None,
    url: str = "",
    urgent: bool = False,
) -> int:
    """Create at most one in-app message per (recipient, key) and the outbound SMS/e-mail per each
    recipient's preferences, delivered after commit through the queue. Returns how many messages were
    created (0 when every recipient already had one with this key)."""
    from daiban.notify import delivery

    return delivery.create_messages(
        recipients=recipients,
        kind=kind,
        key=key,
        text=text,
        matter_id=matter_id,
        url=url,
        urgent=urgent,
    )
