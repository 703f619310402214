"""What the inspection (and consultation) tests share: a record of every ``notify()`` call (the real one
still runs after it), a matter driven to a follow-up with a given rating, and a client for a persona."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from conftest import PASSWORD
from daiban.accounts.models import User
from daiban.matters import actions
from daiban.matters.choices import EventKind
from daiban.matters.models import Event, Matter
from daiban.matters.tests.factories import Flow
from daiban.notify import services


@dataclass
class Sent:
    kind: str
    key: str
    text: str
    matter_id: int | None
    url: str
    recipients: list[str]


@dataclass
class Told:
    calls: list[Sent] = field(default_factory=list)

    def to(self, username: str) -> list[Sent]:
        return [c for c in self.calls if username in c.recipients]

    def everyone(self) -> set[str]:
        return {r for c in self.calls for r in c.recipients}


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> Told:
    box = Told()
    real = services.notify

    def recording(**kwargs: Any) -> int:
        people = list(kwargs["recipients"])
        box.calls.append(
            Sent(
                kind=kwargs["kind"],
                key=kwargs["key"],
                text=kwargs["text"],
                matter_id=kwargs.get("matter_id"),
                url=kwargs.get("url", ""),
                recipients=sorted(u.username for u in people),
            )
        )
        return real(**{**kwargs, "recipients": people})

    monkeypatch.setattr(services, "notify", recording)
    return box


Capture = Callable[..., Any]  # pytest-django's django_capture_on_commit_callbacks


def follow_up(flow: Flow, matter: Matter, unit: str, capture: Capture | None = None) -> Event:
    """回访 by the county centre with the unit rated ``unit``; with ``capture`` the after-commit hooks run
    (as they do in production), without it they do not. Returns the follow-up event."""
    flow.later(days=1)

    def act() -> None:
        flow.act(
            actions.matter_follow_up,
            flow.p.county_staff,
            matter,
            service_satisfaction="satisfied",
            unit_satisfaction=unit,
            method="visit",
        )

    if capture is None:
        act()
    else:
        with capture(execute=True):
            act()
    return Event.objects.filter(matter=matter, kind=EventKind.FOLLOW_UP).latest("seq")


def dissatisfied(flow: Flow, capture: Capture | None = None, **overrides: Any) -> tuple[Matter, Event]:
    """A matter handled by 新城区住建局, replied, fed back, and followed up: the unit rated 不满意."""
    m = flow.fed_back(**overrides)
    event = follow_up(flow, m, "dissatisfied", capture)
    return Flow.fresh(m), event


def client_for(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client
