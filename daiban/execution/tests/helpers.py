"""Matters with a 支持 opinion and support items, driven through the real actions."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import PASSWORD
from daiban.accounts.models import User
from daiban.execution.actions import execution_list_items, execution_record
from daiban.execution.models import SupportItem
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def png(name: str = "回执.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def row(what: str, *, unit: Any = None, who: str = "", due: datetime.date) -> dict[str, Any]:
    return {"what": what, "unit_id": unit.pk if unit is not None else None, "who": who, "due_date": due}


def list_items(flow: Flow, m: Matter, actor: User | None = None, days: int = 10) -> list[SupportItem]:
    """Two items of the 支持 opinion: one for 新城区住建局, one for a party named in words."""
    due = flow.today + datetime.timedelta(days=days)
    flow.act(
        execution_list_items,
        actor or flow.p.unit_handler,
        m,
        items=[
            row("补发维修资金 2.3 万元", unit=flow.t.unit_housing_a, due=due),
            row("恢复楼道管线", who="某物业公司", due=due + datetime.timedelta(days=5)),
        ],
    )
    return list(SupportItem.objects.filter(matter_id=m.pk).order_by("due_date", "id"))


def supported(flow: Flow, days: int = 10, **overrides: Any) -> tuple[Matter, list[SupportItem]]:
    """Replied with 支持 by 新城区住建局, and two items listed."""
    m = flow.replied(**overrides)
    items = list_items(flow, m, days=days)
    return Flow.fresh(m), items


def record(
    flow: Flow, m: Matter, item: SupportItem, status: str, actor: User | None = None, files: Any = None
) -> Matter:
    return flow.act(
        execution_record,
        actor or flow.p.unit_handler,
        m,
        item_id=item.pk,
        status=status,
        note="已按意见书办理",
        evidence=files if files is not None else ([png()] if status == "done" else []),
    )


def client_for(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client
