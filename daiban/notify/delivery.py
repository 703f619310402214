"""Message creation and the outbox (work in progress)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def create_messages(
    *,
    recipients: Iterable[Any],
    kind: str,
    key: str,
    text: str,
    matter_id: int | None,
    url: str,
    urgent: bool,
) -> int:
    return 0
