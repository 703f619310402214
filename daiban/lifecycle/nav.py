"""The "个人信息查阅" entry in the staff navigation, for the network's agents (not units' handlers)."""

from __future__ import annotations

from daiban.core import nav
from daiban.lifecycle.access import can_report


def connect() -> None:
    nav.register(
        nav.Item(
            "lifecycle",
            order=85,
            label="个人信息查阅",
            url_name="lifecycle:access_report",
            visible=can_report,
            active=("access_report",),
        )
    )
