"""What the ladder tests share: a routed matter with a leader and a city 纪检, the scan on a given day, and
a record of every ``notify()`` call (recipients, kind, key) beside whatever the notify app stores."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import pytest

from conftest import Personas, Tree, make_user
from daiban.accounts.models import Role, User
from daiban.core import clock
from daiban.matters import actions
from daiban.matters.models import Deadline, Matter
from daiban.matters.tests.factories import Flow, at
from daiban.notify import services
from daiban.supervision import scan


@dataclass
class Sent:
    kind: str
    key: str
    text: str
    matter_id: int | None
    url: str
    urgent: bool
    recipients: list[str]


@dataclass
class Outbox:
    calls: list[Sent] = field(default_factory=list)

    def to(self, username: str) -> list[Sent]:
        return [c for c in self.calls if username in c.recipients]

    def kinds_for(self, username: str) -> list[str]:
        return [c.kind for c in self.to(username)]

    def keys(self) -> list[tuple[str, str]]:
        return [(c.key, r) for c in self.calls for r in c.recipients]


@pytest.fixture
def outbox(monkeypatch: pytest.MonkeyPatch) -> Outbox:
    """Every notify() call the ladder makes (the real one still runs after it)."""
    box = Outbox()
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
                urgent=kwargs.get("urgent", False),
                recipients=[u.username for u in people],
            )
        )
        kwargs["recipients"] = people
        return real(**kwargs)

    monkeypatch.setattr(services, "notify", recording)
    return box


@dataclass
class Ladder:
    flow: Flow
    matter: Matter
    city_supervisor: User
    city_leader: User
    handler_2: User  # a second handler of 新城区住建局


def routed_with_leaders(tree: Tree, personas: Personas) -> Ladder:
    """Routed on Monday 2026-06-01 by 新城区 to 新城区住建局, 双包案 (the county leader and a city
    leader); the unit never accepts, so its acceptance-notice clock (15 days) passes on 2026-06-16."""
    city_supervisor = make_user("city_supervisor", Role.SUPERVISOR, tree.city)
    city_leader = make_user("city_leader", Role.LEADER, tree.city)
    handler_2 = make_user("unit_handler_2", Role.UNIT_HANDLER, tree.county_a, unit=tree.unit_housing_a)
    flow = Flow(tree, personas)
    matter = flow.routed()
    flow.act(
        actions.matter_assign_leaders,
        personas.county_staff,
        matter,
        leaders=[personas.leader, city_leader],
    )
    return Ladder(flow, Flow.fresh(matter), city_supervisor, city_leader, handler_2)


def scan_on(day: datetime.date, hour: int = 8) -> dict[str, int]:
    with clock.frozen(at(day.year, day.month, day.day, hour)):
        return scan.scan()


def accept_notice(matter: Matter) -> Deadline:
    return Deadline.objects.get(matter=matter, step="accept_notice")
