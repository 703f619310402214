"""A hearing as the handling unit records it, and the states the tests start from."""

from __future__ import annotations

import datetime
from typing import Any

from django.test import Client

from conftest import PASSWORD
from daiban.accounts.models import User
from daiban.hearings.actions import hearing_record
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow

SAID: dict[str, Any] = {
    "place": "新城区信访局听证室",
    "presiding": "新城区住建局 张主任",
    "participants": "信访人王建国；新城区住建局 李科长；听证员 赵律师",
    "petitioner_statement": "楼道管线未恢复，雨天漏水，要求施工单位修复并赔偿损失。",
    "unit_statement": "改造工程已验收，管线恢复属保修范围，同意督促施工单位维修。",
    "other_statement": "听证员建议明确维修期限。",
    "conclusion": "施工单位于三十日内完成维修，住建局督促并验收。",
}


def inputs(first: datetime.date, last: datetime.date | None = None, **overrides: Any) -> dict[str, Any]:
    return {"first_day": first, "last_day": last or first, **SAID, **overrides}


def record(
    flow: Flow, actor: User, m: Matter, first: datetime.date, last: datetime.date | None = None
) -> Matter:
    return flow.fresh(flow.act(hearing_record, actor, m, **inputs(first, last)))


def form_data(m: Matter, first: datetime.date, last: datetime.date | None = None) -> dict[str, str]:
    data = {k: str(v) for k, v in inputs(first, last).items()}
    return {**data, "version": str(m.version)}


def client_for(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client
