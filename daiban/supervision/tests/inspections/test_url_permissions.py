"""The 督查件 pages in the permission matrix: every persona, every URL (outside scope 404; roles that do not
use inspections 403; readers who may not act 403 on the forms); a refused post changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from conftest import Personas, Tree
from daiban.core import clock
from daiban.matters.tests.factories import Flow, frozen
from daiban.prevention.tests.test_url_permissions import check_case
from daiban.supervision.actions import inspections as insp
from daiban.supervision.models import Inspection
from daiban.supervision.tests.inspections.helpers import client_for, dissatisfied
from tests.test_url_permissions import Case

# Agents below the county and units do not use inspections (whatever their county).
NOT_READERS = {
    "village_agent": 403,
    "township_staff": 403,
    "unit_handler": 403,
    "outsider_village_agent": 403,
    "outsider_unit_handler": 403,
}
NOT_ACTORS = {"leader": 403, "city_admin": 403}


@dataclass
class World:
    inspection: Inspection  # open, on a matter of 苏雅拉社区 handled by 新城区住建局


CASES: dict[str, Case] = {
    "inspection_list": Case(lambda w: "/inspections/", NOT_READERS),
    "inspection_detail": Case(lambda w: f"/inspections/{w.inspection.pk}/", {**NOT_READERS, "outsider": 404}),
    "inspection_finding": Case(
        lambda w: f"/inspections/{w.inspection.pk}/finding/", {**NOT_READERS, **NOT_ACTORS, "outsider": 404}
    ),
    "inspection_close": Case(
        lambda w: f"/inspections/{w.inspection.pk}/close/", {**NOT_READERS, **NOT_ACTORS, "outsider": 404}
    ),
}


@pytest.fixture
def world(tree: Tree, personas: Personas) -> World:
    flow = Flow(tree, personas)
    _, event = dissatisfied(flow)
    with clock.frozen(flow.now):
        opened = insp.inspection_open(event_id=event.pk)
    assert opened is not None
    return World(inspection=opened)


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, world: World, personas: Personas) -> None:
    with frozen(2026, 6, 10):
        check_case(route, CASES[route], world, personas)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("leader", 403),
        ("city_admin", 403),
        ("village_agent", 403),
        ("unit_handler", 403),
        ("outsider", 404),
        ("outsider_unit_handler", 403),
    ],
)
def test_a_refused_post_changes_nothing(world: World, personas: Personas, who: str, status: int) -> None:
    client = client_for(getattr(personas, who))
    pk = world.inspection.pk
    for step in ("finding", "close"):
        response = client.post(f"/inspections/{pk}/{step}/", {"finding": "写入", "version": "1"})
        assert response.status_code == status, step
    world.inspection.refresh_from_db()
    assert (world.inspection.version, world.inspection.status, world.inspection.finding) == (1, "open", "")
    assert world.inspection.events.count() == 1
