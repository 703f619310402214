"""Shared builders for the errand tests: errands made through the actions, on a frozen clock."""

from __future__ import annotations

import datetime
from typing import Any

from django.test import Client

from conftest import PASSWORD
from daiban.accounts.models import User
from daiban.matters.tests.factories import frozen
from daiban.prevention.actions.errands import errand_record
from daiban.prevention.models import Errand

DAY = (2026, 11, 2)
TODAY = datetime.date(*DAY)


def record(actor: User, **overrides: Any) -> Errand:
    kwargs: dict[str, Any] = {
        "person": "王大爷",
        "service": "pension_cert",
        "description": "代办 2026 年度养老保险资格认证",
        "office": "区社保中心",
        "promised_on": TODAY + datetime.timedelta(days=7),
    }
    kwargs.update(overrides)
    with frozen(*DAY):
        return errand_record(actor=actor, **kwargs)


def client_for(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client
