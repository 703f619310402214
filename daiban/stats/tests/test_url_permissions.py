"""The statistics pages in the permission matrix (tests/test_url_permissions.py counts these CASES).

新城区's dashboard and the rows behind one of its figures: its county, its leader and supervisor and the
city see them; the village agent and the township station (grants inside 新城区, but below it) and every
托克托县 persona get 404, exactly as for a region that does not exist; a unit's handler, who reads no
statistics, 403. Everyone who may read statistics opens their own region's dashboard."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import PASSWORD, Personas, Tree
from daiban.prevention.tests.test_url_permissions import check_case
from tests.test_url_permissions import ALL, Case

NOT_A_READER = {"unit_handler": 403, "outsider_unit_handler": 403}
BELOW_OR_ELSEWHERE = {
    "village_agent": 404,
    "township_staff": 404,
    "outsider": 404,
    "outsider_village_agent": 404,
}
COUNTY_A = {**NOT_A_READER, **BELOW_OR_ELSEWHERE}

CASES: dict[str, Case] = {
    "stats:dashboard": Case(lambda w: f"/stats/?region={w.tree.county_a.code}", COUNTY_A),
    "stats:dashboard_rows": Case(
        lambda w: f"/stats/rows/?region={w.tree.county_a.code}&key=taken_up&part=count", COUNTY_A
    ),
}


class _World:
    def __init__(self, tree: Tree) -> None:
        self.tree = tree


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, tree: Tree, personas: Personas) -> None:
    check_case(route, CASES[route], _World(tree), personas)


@pytest.mark.parametrize("url", ["/stats/", "/stats/rows/?key=closed&part=count"])
def test_every_reader_opens_their_own_region(url: str, tree: Tree, personas: Personas) -> None:
    for name in ALL:
        client = Client()
        assert client.login(username=getattr(personas, name).username, password=PASSWORD)
        expected = NOT_A_READER.get(name, 200)
        assert client.get(url).status_code == expected, (url, name)
