"""What the imports area plugs into the staff site: its navigation entry (导入) for those who may import."""

from __future__ import annotations

from typing import Any

from daiban.core import nav


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
