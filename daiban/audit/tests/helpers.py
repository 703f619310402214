from __future__ import annotations

from typing import Any

from django.db import connection


def raw(sql: str, params: list[Any] | None = None) -> None:
    """A statement sent straight to the database, as a hostile database administrator would."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
