"""The repeat-petition URLs in the permission matrix: every persona, every URL. Two matters of 苏雅拉社区
(新城区): 赵红梅's leak, then 李秀英 retelling it. The panel answers those who take in (the network's
agents and leaders; 托克托县's see only their own county), the answer is for them too; readers in scope get
403, and outside the county the matter is 404. A refused post changes nothing (test_views)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from conftest import Personas, Tree
from daiban.matters.tests.factories import Flow, frozen
from daiban.prevention.tests.test_url_permissions import check_case
from daiban.repeats.tests.helpers import LEAK, LEAK_AGAIN, LI_ID, ZHAO, matter
from tests.test_url_permissions import Case

OUTSIDE = {"outsider": 404, "outsider_village_agent": 404, "outsider_unit_handler": 404}
NOT_INTAKE = {"unit_handler": 403, "supervisor": 403, "city_admin": 403, "outsider_unit_handler": 403}


@dataclass
class World:
    earlier_id: int
    later_id: int
    region_id: int


CASES: dict[str, Case] = {
    "repeats:candidates": Case(
        lambda w: "/repeats/candidates/",
        NOT_INTAKE,
        method="post",
        data={"title": "漏水", "content": LEAK_AGAIN, "p-0-id_number": LI_ID},
    ),
    # Every agent in scope may answer (after the first answer the others are told it was given: 302 to the
    # matter page); the unit sees neither matter; readers may not answer.
    "repeats:decide": Case(
        lambda w: f"/repeats/matter/{w.later_id}/of/{w.earlier_id}/decide/",
        {**OUTSIDE, "unit_handler": 404, "supervisor": 403, "city_admin": 403},
        default=302,
        method="post",
        data={"kind": "new"},
    ),
}


@pytest.fixture
def world(tree: Tree, personas: Personas) -> World:
    flow = Flow(tree, personas)
    earlier = matter(flow, LEAK, person=ZHAO)
    later = matter(flow, LEAK_AGAIN)
    return World(earlier.pk, later.pk, tree.village_a1x.pk)


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, world: World, personas: Personas) -> None:
    with frozen(2026, 6, 3):
        check_case(route, CASES[route], world, personas)
