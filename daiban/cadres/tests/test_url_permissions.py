"""The notices list in the permission matrix: every persona. Only the discipline channel reads it (the
supervisor here; a discipline unit's handler in test_views); everyone else gets 403. The notice itself is
a matter action on the workflow's action page (daiban/matters/tests/views/test_actions.py)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from conftest import Personas, Tree
from daiban.cadres.tests.helpers import accusation, notify
from daiban.matters.tests.factories import Flow, frozen
from daiban.prevention.tests.test_url_permissions import check_case
from tests.test_url_permissions import Case


@dataclass
class World:
    matter_id: int


CASES: dict[str, Case] = {
    "cadres:cadre_notices": Case(lambda w: "/cadres/", {"supervisor": 200}, default=403),
}


@pytest.fixture
def world(tree: Tree, personas: Personas) -> World:
    flow = Flow(tree, personas)
    m = accusation(flow, tree)
    notify(flow, personas.supervisor, m)
    return World(m.pk)


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, world: World, personas: Personas) -> None:
    with frozen(2026, 6, 3):
        check_case(route, CASES[route], world, personas)
