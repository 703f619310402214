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
        "petitioners": [
            PetitionerInput(name="王建国", id_number=WANG_ID, phone=WANG_PHONE, group="resident")
        ],
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


# ------------------------------------------------------------------------------------------ state builders


class Flow:
    """Drives matters into a given state through the real actions, on a frozen clock that moves forward.

    ``flow.now`` is the moment the next action happens; ``flow.later(days=1)`` moves it on. Every builder
    returns a fresh copy of the matter from the database. The default timeline starts on Monday 2026-06-01,
    well inside chinesecalendar's 2026 data and clear of holidays for the first two weeks.
    """

    def __init__(self, tree: Any, personas: Any, start: datetime.datetime | None = None) -> None:
        self.t = tree
        self.p = personas
        self.now = start or at(2026, 6, 1)

    # -- clock

    def later(self, days: int = 0, hours: int = 0) -> Flow:
        self.now += datetime.timedelta(days=days, hours=hours)
        return self

    def on(self, y: int, m: int, d: int, hour: int = 10) -> Flow:
        self.now = at(y, m, d, hour)
        return self

    @property
    def today(self) -> datetime.date:
        return self.now.date()

    def call(self, fn: Any, **kwargs: Any) -> Any:
        with clock.frozen(self.now):
            return fn(**kwargs)

    def act(self, fn: Any, actor: User, matter: Matter, **kwargs: Any) -> Matter:
        """Call a matter action with the matter's current version."""
        matter.refresh_from_db()
        return self.call(fn, actor=actor, matter_id=matter.pk, expected_version=matter.version, **kwargs)

    def act_task(self, fn: Any, actor: User, task: Any, **kwargs: Any) -> Matter:
        version = Matter.objects.get(pk=task.matter_id).version
        return self.call(fn, actor=actor, task_id=task.pk, expected_version=version, **kwargs)

    def bound(
        self, fn: Any, actor: User, matter: Matter, *, version: int | None = None, **kwargs: Any
    ) -> Any:
        """The action as a zero-argument call (for refusal tests); ``version`` defaults to the current one."""
        v = Matter.objects.get(pk=matter.pk).version if version is None else version
        return lambda: self.call(fn, actor=actor, matter_id=matter.pk, expected_version=v, **kwargs)

    def bound_task(
        self, fn: Any, actor: User, task: Any, *, version: int | None = None, **kwargs: Any
    ) -> Any:
        v = Matter.objects.get(pk=task.matter_id).version if version is None else version
        return lambda: self.call(fn, actor=actor, task_id=task.pk, expected_version=v, **kwargs)

    @staticmethod
    def fresh(matter: Matter) -> Matter:
        return Matter.objects.get(pk=matter.pk)

    # -- states

    def intake(self, actor: User | None = None, region: Region | None = None, **overrides: Any) -> Matter:
        with clock.frozen(self.now):
            return intake(actor or self.p.village_agent, region or self.t.village_a1x, **overrides)

    def at_village(self, **overrides: Any) -> Matter:
        """Registered, held by 苏雅拉社区 (the village agent took it in)."""
        return self.fresh(self.intake(self.p.village_agent, self.t.village_a1x, **overrides))

    def at_county(self, region: Region | None = None, **overrides: Any) -> Matter:
        """Registered, held by the 新城区 centre (the county staff took it in; by default it arose in
        苏雅拉社区)."""
        return self.fresh(self.intake(self.p.county_staff, region or self.t.village_a1x, **overrides))

    def local(self, **overrides: Any) -> Matter:
        m = self.at_village(**overrides)
        return self.fresh(self.act(actions.matter_start_local, self.p.village_agent, m, note="就地化解"))

    def routed(self, co_units: Any = (), lead_unit: Any = None, **overrides: Any) -> Matter:
        m = self.at_county(**overrides)
        self.act(
            actions.matter_route,
            self.p.county_staff,
            m,
            lead_unit=lead_unit or self.t.unit_housing_a,
            lead_instructions="请依法办理",
            co_units=[(u, "请配合") for u in co_units],
        )
        return self.fresh(m)

    def lead_task(self, m: Matter) -> Any:
        return m.tasks.get(role="lead", status__in=["assigned", "accepted"])

    def handling(self, co_units: Any = (), **overrides: Any) -> Matter:
        m = self.routed(co_units=co_units, **overrides)
        self.later(days=1)
        self.act_task(actions.task_accept, self.p.unit_handler, self.lead_task(m), notice_method="written")
        return self.fresh(m)

    def reply(self, m: Matter, outcome: str = "support") -> Matter:
        self.act(
            actions.matter_reply,
            self.p.unit_handler,
            m,
            outcome=outcome,
            facts="反映情况属实",
            reasons="符合政策规定",
            basis="《信访工作条例》第三十二条",
        )
        return self.fresh(m)

    def replied(self, **overrides: Any) -> Matter:
        m = self.handling(**overrides)
        self.later(days=3)
        return self.reply(m)

    def fed_back(self, **overrides: Any) -> Matter:
        m = self.replied(**overrides)
        self.later(days=1)
        self.act(actions.matter_feedback, self.p.county_staff, m, method="phone", note="电话告知处理结果")
        return self.fresh(m)

    def followed_up(self, **overrides: Any) -> Matter:
        m = self.fed_back(**overrides)
        self.later(days=1)
        self.act(
            actions.matter_follow_up,
            self.p.county_staff,
            m,
            service_satisfaction="satisfied",
            unit_satisfaction="basically",
            method="visit",
        )
        return self.fresh(m)

    def closed(self, resolved: bool = True, **overrides: Any) -> Matter:
        m = self.followed_up(**overrides)
        self.act(actions.matter_close, self.p.county_staff, m, resolved=resolved)
        return self.fresh(m)

    def serve(self, m: Matter, on: datetime.date | None = None, manner: str = "direct") -> Matter:
        """送达: the written reply reached the petitioner ``on`` (default: today); the review window opens."""
        self.act(actions.matter_serve, self.p.county_staff, m, served_on=on or self.today, manner=manner)
        return self.fresh(m)

    def request_review(self, m: Matter, kind: str = "review") -> Matter:
        self.act(
            actions.matter_request_review,
            self.p.county_staff,
            m,
            kind=kind,
            requested_on=self.today,
            reason="对处理意见不服",
        )
        return self.fresh(m)

    def in_review(self, **overrides: Any) -> Matter:
        """复查中, at the superior of 新城区住建局 (呼和浩特市住建局); needs ``review_units``."""
        m = self.replied(**overrides)
        self.later(days=5)
        return self.request_review(self.serve(m), "review")

    def decide(self, m: Matter, actor: User, outcome: str = "explain") -> Matter:
        self.act(
            actions.matter_decide_review,
            actor,
            m,
            outcome=outcome,
            facts="经复查，原处理意见认定事实清楚",
            reasons="适用依据正确",
            basis="《信访工作条例》第三十五条",
        )
        return self.fresh(m)

    def in_reexam(self, review_handler: User, **overrides: Any) -> Matter:
        m = self.in_review(**overrides)
        self.later(days=10)
        m = self.decide(m, review_handler)
        self.later(days=5)
        return self.request_review(self.serve(m), "reexam")
