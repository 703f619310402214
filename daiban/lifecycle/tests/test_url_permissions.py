"""个人信息查阅 in the permission matrix (tests/test_url_permissions.py counts these CASES).

Only the network's agents (village, township, county; also 托克托县's, over their own jurisdiction) may use
the page; everyone else gets 403. A POSTed number is looked up inside the agent's jurisdiction only."""

from __future__ import annotations

import pytest

from conftest import Personas, Tree
from daiban.matters.tests.factories import WANG_ID
from daiban.prevention.tests.test_url_permissions import check_case
from tests.test_url_permissions import Case

NOT_AN_AGENT = {
    "unit_handler": 403,
    "leader": 403,
    "supervisor": 403,
    "city_admin": 403,
    "outsider_unit_handler": 403,
}

CASES: dict[str, Case] = {
    "lifecycle:access_report": Case(
        lambda w: "/privacy/held/", NOT_AN_AGENT, method="post", data={"id_number": WANG_ID}
    ),
}


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, tree: Tree, personas: Personas) -> None:
    check_case(route, CASES[route], None, personas)


def test_get_for_every_persona(tree: Tree, personas: Personas) -> None:
    check_case("lifecycle:access_report", Case(lambda w: "/privacy/held/", NOT_AN_AGENT), None, personas)
