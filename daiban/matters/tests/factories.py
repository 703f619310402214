"""Helpers that drive matters through the real actions (never by writing rows)."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters import actions
from daiban.matters.actions import PetitionerInput
from daiban.matters.models import Matter
from daiban.regions.models import Region

TZ = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(y, m, d, hour, tzinfo=TZ)


def id_with_check(first17: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


WANG_ID = id_with_check("15010219680315123")
WANG_PHONE = "13904711234"


def intake(actor: User, region: Region, **overrides: Any) -> Matter:
    kwargs: dict[str, Any] = {
        "actor": actor,
        "petitioners": [PetitionerInput(name="王建国", id_number=WANG_ID, phone=WANG_PHONE, group="resident")],
        "channel": "window",
        "consent": True,
        "region": region,
        "title": "老旧小区改造遗留问题",
        "content": "小区改造后楼道管线未恢复，雨天漏水。",
        "request": "请尽快修复并明确责任单位。",
        "category": "urban_construction",
        "purpose": "appeal",
    }
    kwargs.update(overrides)
    return actions.matter_intake(**kwargs).matter


def frozen(y: int, m: int, d: int, hour: int = 10) -> Any:
    return clock.frozen(at(y, m, d, hour))
