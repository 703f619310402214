"""Shared set-up of the reception-session tests: a frozen "now" and a session made through the action."""

from __future__ import annotations

import datetime
from typing import Any

from django.test import Client

from conftest import PASSWORD
from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters.tests.factories import at
from daiban.prevention.actions.sessions import SessionInput, session_schedule
from daiban.prevention.models.sessions import ReceptionSession

NOW = at(2026, 6, 1, 10)  # a Monday, 10:00 in Hohhot


def frozen(moment: datetime.datetime = NOW) -> Any:
    return clock.frozen(moment)


def data(region: Any, leaders: list[User], /, **overrides: Any) -> SessionInput:
    fields: dict[str, Any] = {
        "kind": "leader_day",
        "title": "区级领导接待日",
        "starts_at": NOW + datetime.timedelta(hours=-1),
        "ends_at": NOW + datetime.timedelta(hours=2),
        "place": "苏雅拉社区党群服务中心",
        "region": region,
        "leaders": leaders,
        "bodies": [],
        "other_bodies": "",
        "notes": "",
    }
    fields.update(overrides)
    return SessionInput(**fields)


def schedule(actor: User, region: Any, leaders: list[User], /, **overrides: Any) -> ReceptionSession:
    with frozen():
        return session_schedule(actor=actor, data=data(region, leaders, **overrides))


def client(user: User) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def local(moment: datetime.datetime) -> str:
    """The ``datetime-local`` value of ``moment`` (Hohhot time)."""
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")
