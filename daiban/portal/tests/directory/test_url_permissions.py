"""The directory's pages in the permission matrix: public, the same answer for every persona signed in or
not (a staff session changes nothing)."""

from __future__ import annotations

import pytest

from conftest import Personas, Tree
from daiban.portal.tests.directory.helpers import build
from daiban.prevention.tests.test_url_permissions import check_case
from tests.test_url_permissions import Case

CASES: dict[str, Case] = {
    "portal:agents": Case(lambda d: "/agents/?q=苏雅拉", {}, anonymous=200),
    "portal:agents_region": Case(lambda d: f"/agents/{d.tree.village_a1x.code}/", {}, anonymous=200),
    "portal:agents_poster": Case(lambda d: f"/agents/{d.tree.village_a1x.code}/poster/", {}, anonymous=200),
    "portal:agent_photo": Case(lambda d: f"/agents/photo/{d.published.pk}/", {}, anonymous=200),
}

# The same for a region outside every staff persona's grant, and a retired agent's photo: 404 for all.
ELSEWHERE: dict[str, Case] = {
    "portal:agents_region": Case(lambda d: f"/agents/{d.tree.village_b1x.code}/", {}, anonymous=200),
    "portal:agent_photo": Case(lambda d: f"/agents/photo/{d.retired.pk}/", {}, 404, anonymous=404),
}


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, tree: Tree, personas: Personas) -> None:
    check_case(route, CASES[route], build(tree, personas), personas)


@pytest.mark.parametrize("route", sorted(ELSEWHERE))
def test_route_elsewhere_for_every_persona(route: str, tree: Tree, personas: Personas) -> None:
    check_case(route, ELSEWHERE[route], build(tree, personas), personas)
