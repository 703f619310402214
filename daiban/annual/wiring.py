"""The annual report in the staff navigation (年度报告), for those who read it (``selectors.can_read``: the
statistics' readers whose grant is a county or the city)."""

from __future__ import annotations

from daiban.annual.selectors import can_read
from daiban.core import nav


def connect() -> None:
    nav.register(
        nav.Item(
            "annual",
            order=62,
            label="年度报告",
            url_name="annual:report",
            visible=can_read,
            active=("report", "proposal", "foreword"),
        )
    )
