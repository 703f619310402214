"""Matters for the repeat tests, driven through the real intake, and their signatures."""

from __future__ import annotations

from typing import Any

from django.test import Client

from conftest import PASSWORD
from daiban.accounts.models import User
from daiban.matters.actions import PetitionerInput
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow, id_with_check
from daiban.repeats import signatures

LEAK = "小区改造后楼道管线未恢复，雨天楼道严重漏水，多次反映物业未处理。"
LEAK_AGAIN = "小区改造后楼道管线一直未恢复，雨天楼道严重漏水，多次找物业没有处理。"
WAGES = "在建筑工地务工三个月，包工头拖欠工资两万元至今未付，请求帮助讨薪。"
LI_ID = id_with_check("15010219750620002")
LI = {"petitioners": [PetitionerInput(name="李秀英", id_number=LI_ID, group="resident")]}
ZHAO = {"petitioners": [PetitionerInput(name="赵红梅", phone="13704719876", group="resident")]}


def signed(m: Matter) -> Matter:
    """What the intake hook does after commit (tests run inside one transaction)."""
    signatures.refresh(m.pk)
    return m


def matter(flow: Flow, content: str, *, person: dict[str, Any] | None = None, **kw: Any) -> Matter:
    kw.setdefault("new_matter", True)
    m = flow.intake(content=content, title="漏水" if content != WAGES else "讨薪", **(person or LI), **kw)
    flow.later(hours=1)
    return signed(m)


def client_for(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def linked(flow: Flow, actor: User | None = None) -> Matter:
    """A later matter (李秀英's retelling, registered by ``actor``, the village agent by default) confirmed
    as a repeat of 赵红梅's earlier leak held by the village point: the state in which 并入原事项 is
    offered to whoever holds the later matter. Returns the later matter."""
    from daiban.repeats import actions

    earlier = matter(flow, LEAK, person=ZHAO)
    who = actor or flow.p.village_agent
    later = matter(flow, LEAK_AGAIN, actor=who)
    flow.call(actions.repeat_link, actor=who, matter_id=later.pk, candidate_id=earlier.pk)
    return Flow.fresh(later)
