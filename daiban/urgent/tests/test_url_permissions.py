"""The urgent URLs in the permission matrix: every persona, every URL. A matter of 苏雅拉社区 (新城区) marked
重大紧急 by its village agent. The list answers the levels' staff, leaders, 纪检 and the city (托克托县's see
an empty list of their own), a unit is refused; the marking's detail is 404 to anyone who may not open the
matter. Marking and downgrading go through the matter's action page (tests/test_url_permissions.py's
matter_action, daiban/matters/tests/views/test_actions.py and test_views here)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from conftest import Personas, Tree
from daiban.matters.tests.factories import Flow, frozen
from daiban.prevention.tests.test_url_permissions import check_case
from daiban.urgent.models import UrgentMarking
from daiban.urgent.tests.helpers import mark
from tests.test_url_permissions import Case

OUTSIDE = {"outsider": 404, "outsider_village_agent": 404, "outsider_unit_handler": 404}


@dataclass
class World:
    matter_id: int
    marking_id: int


CASES: dict[str, Case] = {
    "urgent:urgent_list": Case(lambda w: "/urgent/", {"unit_handler": 403, "outsider_unit_handler": 403}),
    "urgent:urgent_detail": Case(lambda w: f"/urgent/{w.marking_id}/", {**OUTSIDE, "unit_handler": 404}),
}


@pytest.fixture
def world(tree: Tree, personas: Personas) -> World:
    flow = Flow(tree, personas)
    m = mark(flow, personas.village_agent, flow.at_village())
    return World(m.pk, UrgentMarking.objects.get(matter_id=m.pk).pk)


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, world: World, personas: Personas) -> None:
    with frozen(2026, 6, 3):
        check_case(route, CASES[route], world, personas)
