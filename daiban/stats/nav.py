"""The statistics in the staff navigation (统计) and on the home page (``apps.StatsConfig.ready`` calls
``connect``): for those who may read figures (``figures.can_view``: the network's agents, leaders,
supervisors and the city administrator, over their own region; not a unit's handler)."""

from __future__ import annotations

from typing import Any

from daiban.core import clock, home, nav
from daiban.stats.figures import Period, can_view, figures_for
from daiban.stats.views.common import dashboard_url

# The figures a home card shows for the user's own region this month (one rollup read and one indexed count).
HOME_RATES = ("resolution", "on_time_completion")


def home_card(user: Any) -> dict[str, Any] | None:
    if not can_view(user) or user.region_id is None:
        return None
    today = clock.today()
    period = Period.month(today.year, today.month)
    figures = figures_for(user, user.region, period)
    return {
        "url": dashboard_url(user.region, period),
        "period": period,
        "taken_up": figures.counts.get("taken_up", 0),
        "overdue": figures.counts.get("overdue_open", 0),
        "rates": [figures.rate(key) for key in HOME_RATES],
    }


def connect() -> None:
    nav.register(
        nav.Item(
            "stats",
            order=60,
            label="统计",
            url_name="stats:dashboard",
            visible=can_view,
            active=("dashboard",),
        )
    )
    home.register(home.Panel("stats.card", 60, "stats/_home_card.html", home_card, slot="cards"))
