"""Shared builders for the visit tests: visits made through the action, on a frozen clock."""

from __future__ import annotations

from typing import Any

from django.test import Client

from conftest import PASSWORD
from daiban.accounts.models import User
from daiban.matters.tests.factories import frozen
from daiban.prevention.actions.visits import visit_record
from daiban.prevention.models import Visit

DAY = (2026, 11, 2)


def record(actor: User, **overrides: Any) -> Visit:
    kwargs: dict[str, Any] = {"kind": "door", "households": 12, "findings": "三组两户因宅基地边界争吵"}
    kwargs.update(overrides)
    with frozen(*DAY):
        return visit_record(actor=actor, **kwargs)


def client_for(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client
