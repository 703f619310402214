"""The visit pages in the permission matrix: every persona, every URL (outside scope 404; roles that do
not use a page 403); a refused correction changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from conftest import Personas, Tree
from daiban.matters.tests.factories import frozen
from daiban.prevention.actions.visits import visit_record
from daiban.prevention.models import Visit
from daiban.prevention.tests.test_url_permissions import NO_PREVENTION, check_case
from daiban.prevention.tests.visits.helpers import client_for
from tests.test_url_permissions import Case

OUTSIDE = {"outsider": 404, "outsider_village_agent": 404}
NOT_AGENTS = {"leader": 403, "supervisor": 403, "city_admin": 403}


@dataclass
class World:
    visit: Visit  # at 苏雅拉社区 (新城区 › 呼伦路街道)


CASES: dict[str, Case] = {
    "visit_list": Case(lambda w: "/visits/", NO_PREVENTION),
    "visit_new": Case(lambda w: "/visits/new/", {**NO_PREVENTION, **NOT_AGENTS}),
    "visit_detail": Case(lambda w: f"/visits/{w.visit.pk}/", {**NO_PREVENTION, **OUTSIDE}),
    "visit_edit": Case(lambda w: f"/visits/{w.visit.pk}/edit/", {**NO_PREVENTION, **OUTSIDE, **NOT_AGENTS}),
}


@pytest.fixture
def world(tree: Tree, personas: Personas) -> World:
    with frozen(2026, 11, 2):
        visit = visit_record(actor=personas.village_agent, kind="door", households=3)
    return World(visit=visit)


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, world: World, personas: Personas) -> None:
    with frozen(2026, 11, 2):
        check_case(route, CASES[route], world, personas)


@pytest.mark.parametrize(
    ("who", "status"),
    [("leader", 403), ("unit_handler", 403), ("outsider", 404), ("outsider_village_agent", 404)],
)
def test_a_refused_correction_changes_nothing(
    world: World, personas: Personas, who: str, status: int
) -> None:
    data = {"kind": "online", "visited_on": "2026-11-02", "households": "99", "version": "1"}
    with frozen(2026, 11, 2):
        response = client_for(getattr(personas, who)).post(f"/visits/{world.visit.pk}/edit/", data)
    assert response.status_code == status
    world.visit.refresh_from_db()
    assert (world.visit.kind, world.visit.households, world.visit.version) == ("door", 3, 1)
    assert world.visit.events.count() == 1


def test_a_refused_record_creates_nothing(world: World, personas: Personas, tree: Tree) -> None:
    data = {"kind": "door", "visited_on": "2026-11-02", "region": str(tree.village_a1x.pk)}
    with frozen(2026, 11, 2):
        for who in ("leader", "supervisor", "city_admin", "unit_handler"):
            assert client_for(getattr(personas, who)).post("/visits/new/", data).status_code == 403
    assert Visit.objects.count() == 1
