"""Keyset pagination of a prevention register, newest first on (date, id): no OFFSET, no COUNT over the
table; with the level's scope column in front (``models.base.scoped_indexes``) each page is one ordered
index range scan from the cursor, at every level, however large the register grows."""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db import models
from django.db.models import Model, Q, QuerySet

PAGE_SIZE = 25
M = TypeVar("M", bound=Model)


@dataclass
class Page(Generic[M]):
    rows: list[M]
    next_cursor: str | None
    has_previous: bool


def encode(value: datetime.date | datetime.datetime, pk: int) -> str:
    raw = f"{value.isoformat()}|{pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str) -> tuple[str, int] | None:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value, _, pk = base64.urlsafe_b64decode(padded.encode()).decode().partition("|")
    except (ValueError, UnicodeDecodeError):
        return None
    if not (pk.isascii() and pk.isdigit()) or len(pk) > 18:
        return None
    return value, int(pk)


def _parse(value: str, is_datetime: bool) -> datetime.date | datetime.datetime | None:
    try:
        if is_datetime:
            at = datetime.datetime.fromisoformat(value)
            if at.tzinfo is None or not (
                datetime.datetime(1900, 1, 2, tzinfo=datetime.UTC)
                < at
                < datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC)
            ):
                return None
            return at
        return datetime.date.fromisoformat(value)
    except (ValueError, OverflowError):
        return None


def paginate(qs: QuerySet[M], field: str, cursor: str | None, *, page_size: int = PAGE_SIZE) -> Page[M]:
    """One page of ``qs`` ordered by ``-field, -id`` after ``cursor`` (a bad cursor means the first page)."""
    is_datetime = isinstance(qs.model._meta.get_field(field), models.DateTimeField)
    qs = qs.order_by(f"-{field}", "-id")
    decoded = decode(cursor) if cursor else None
    if decoded is not None:
        value = _parse(decoded[0], is_datetime)
        if value is not None:
            qs = qs.filter(Q(**{f"{field}__lt": value}) | Q(**{field: value, "id__lt": decoded[1]}))
    rows = list(qs[: page_size + 1])
    more = len(rows) > page_size
    rows = rows[:page_size]
    next_cursor = encode(getattr(rows[-1], field), rows[-1].pk) if more and rows else None
    return Page(rows=rows, next_cursor=next_cursor, has_previous=bool(cursor))
