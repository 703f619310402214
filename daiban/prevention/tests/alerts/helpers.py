"""What the alert tests share: people, screenings written as rows (the register's actions are another
area's), and a scan on a given day."""

from __future__ import annotations

import datetime
from itertools import count
from typing import Any

from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters.actions import PetitionerInput
from daiban.matters.models import Matter
from daiban.matters.tests.factories import at, intake
from daiban.prevention import warnings
from daiban.prevention.models import Alert, Screening
from daiban.prevention.models.screenings import RiskLevel, ScreeningStatus
from daiban.regions.models import Region

_numbers = count(1)


def person(i: int) -> list[PetitionerInput]:
    """Someone other than the factories' 王建国 (a distinct phone each)."""
    return [PetitionerInput(name=f"村民{i}", phone=f"1390471{i:04d}", group="resident")]


def intake_on(day: datetime.datetime, actor: User, region: Region, **overrides: Any) -> Matter:
    with clock.frozen(day):
        return intake(actor, region, **overrides)


def screening(region: Region, by: User, **overrides: Any) -> Screening:
    n = next(_numbers)
    fields: dict[str, Any] = {
        "region": region,
        "number": f"PC{region.path.split('/')[1]}-2026-{n:05d}",
        "kind": "land",
        "title": f"承包地边界纠纷{n}",
        "description": "两户因承包地边界发生争执。",
        "risk": RiskLevel.GENERAL,
        "risk_reason": "双方情绪激动，曾发生推搡。",
        "source": "visit",
        "found_on": datetime.date(2026, 6, 10),
        "found_by": by,
        "responsible": by,
        "status": ScreeningStatus.WATCHING,
        "review_on": datetime.date(2026, 6, 25),
    }
    fields.update(overrides)
    return Screening.objects.create(**fields)


def scan_on(y: int, m: int, d: int, hour: int = 12) -> dict[str, int]:
    when = at(y, m, d, hour)
    with clock.frozen(when):
        return warnings.scan()


def alerts(rule: str) -> list[Alert]:
    return list(Alert.objects.filter(rule=rule).order_by("cause"))


_causes = count(1)


def make_alert(region: Region, rule: str = "surge", **fields: Any) -> Alert:
    """An alert as the scan would raise it (the rules are tested on their own)."""
    n = next(_causes)
    values: dict[str, Any] = {
        "rule": rule,
        "cause": f"test:{n}",
        "reason": f"测试预警理由 {n}：苏雅拉社区本月事项明显增多。",
        "raised_at": at(2026, 6, 20, 12) + datetime.timedelta(minutes=n),
        "region": region,
    }
    values.update(fields)
    return Alert.objects.create(**values)
