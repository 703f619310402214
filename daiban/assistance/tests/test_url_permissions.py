"""The assistance ledger in the permission matrix: every persona. The network's agents, leaders, supervisors
and the city read their scope's referrals (托克托县's see an empty list of their own); a unit's handlers get
403. Referring and recording the outcome are matter actions: their pages are the workflow's action page,
covered by daiban/matters/tests/views/test_actions.py (outside scope 404, refused 403, nothing changes)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from conftest import Personas, Tree
from daiban.assistance.tests.helpers import referred
from daiban.matters.tests.factories import Flow, frozen
from daiban.prevention.tests.test_url_permissions import check_case
from tests.test_url_permissions import Case

NO_LEDGER = {"unit_handler": 403, "outsider_unit_handler": 403}


@dataclass
class World:
    matter_id: int


CASES: dict[str, Case] = {
    "assistance:assistance_referrals": Case(lambda w: "/assistance/", NO_LEDGER),
}


@pytest.fixture
def world(tree: Tree, personas: Personas) -> World:
    return World(referred(Flow(tree, personas)).pk)


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, world: World, personas: Personas) -> None:
    with frozen(2026, 6, 3):
        check_case(route, CASES[route], world, personas)
