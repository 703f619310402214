"""Screenings made through the real actions, on a frozen clock (2026-06-01 unless told)."""

from __future__ import annotations

import datetime
from typing import Any

from daiban.accounts.models import User
from daiban.matters.tests.factories import frozen
from daiban.prevention.actions import screenings as act
from daiban.prevention.models import Screening
from daiban.regions.models import Region

TODAY = datetime.date(2026, 6, 1)


def on_day(day: datetime.date = TODAY) -> Any:
    return frozen(day.year, day.month, day.day)


def fields(region: Region, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "region": region,
        "place": "三组",
        "kind": "neighbour",
        "title": "两户宅基地界址纠纷",
        "description": "张家与李家因院墙界址发生争执，双方多次口角。",
        "parties": "张某、李某户",
        "headcount": 2,
        "is_group": False,
        "risk": "general",
        "risk_reason": "双方情绪较稳定，暂无过激言行。",
        "source": "visit",
        "found_on": TODAY,
    }
    data.update(overrides)
    return data


def screening(actor: User, region: Region, day: datetime.date = TODAY, **overrides: Any) -> Screening:
    with on_day(day):
        return act.screening_record(actor=actor, **fields(region, found_on=day, **overrides))


def fresh(s: Screening) -> Screening:
    return Screening.objects.get(pk=s.pk)


def step(name: str, actor: User, s: Screening, day: datetime.date = TODAY, **kwargs: Any) -> Screening:
    """Run a life-cycle service with the screening's current version."""
    service = getattr(act, f"screening_{name}")
    with on_day(day):
        service(actor=actor, screening_id=s.pk, expected_version=fresh(s).version, **kwargs)
    return fresh(s)
