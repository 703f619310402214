"""What the imports area plugs into the staff site: its navigation entry (导入) for those who may import,
and the count of imported files for the daily upload quota (daiban.core.uploads)."""

from __future__ import annotations

import datetime
from typing import Any

from daiban.core import nav
from daiban.core.uploads import Usage, register_usage


def _visible(user: Any) -> bool:
    from daiban.exchange.imports.service import kinds_for

    return bool(getattr(user, "is_authenticated", False)) and bool(kinds_for(user))


def connect() -> None:
    nav.register(
        nav.Item(
            "exchange.imports",
            order=80,
            label="导入",
            url_name="exchange:import_home",
            visible=_visible,
            active=("import_",),
        )
    )
    register_usage(imports_stored)


def imports_stored(user_id: Any, start: datetime.datetime, end: datetime.datetime) -> Usage:
    """The spreadsheets ``user_id`` imported in [start, end): one run each (their size is not kept; each is
    at most 5 MB, checked on upload)."""
    from daiban.exchange.models import ImportRun

    return Usage(ImportRun.objects.filter(user_id=user_id, at__gte=start, at__lt=end).count(), 0)
