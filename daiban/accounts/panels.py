"""The supervisors' (纪检) home panel: unusual bursts of full-number reveals in their jurisdiction.

The alerts are raised by ``daiban.pii.services.reveal``; each carries the region path of the person who
revealed, and a supervisor sees those inside their own region subtree (nobody else gets the panel).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from daiban.accounts.models import Role, User
from daiban.core import clock, home
from daiban.pii.models import RevealAlert
from daiban.regions.geometry import subtree_q

ALERT_DAYS = 30
SHOWN = 20


def reveal_alerts(user: Any) -> dict[str, Any] | None:
    if not isinstance(user, User) or not user.is_active or user.role != Role.SUPERVISOR:
        return None
    alerts = RevealAlert.objects.filter(
        subtree_q(user.region_path, "region_path"),
        last_at__gte=clock.now() - timedelta(days=ALERT_DAYS),
    ).select_related("actor", "actor__region", "actor__unit")
    shown = list(alerts[:SHOWN])
    return {"alerts": shown, "more": max(0, alerts.count() - len(shown)), "days": ALERT_DAYS}


def register() -> None:
    home.register(
        home.Panel("accounts.reveal_alerts", 15, "accounts/_home_reveal_alerts.html", reveal_alerts)
    )
