"""Prevention's pages in the permission matrix (tests/test_url_permissions.py counts these CASES).

Each area keeps its cases in ``tests/<area>/test_url_permissions.py`` in this shape; ``check_case`` runs one
case for every persona and for an anonymous visitor.
"""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import PASSWORD, Personas, Tree
from tests.test_url_permissions import ALL, Case

NO_PREVENTION = {"unit_handler": 403, "outsider_unit_handler": 403}

CASES: dict[str, Case] = {
    "prevention_hub": Case(lambda w: "/prevention/", NO_PREVENTION),
}


def check_case(route: str, case: Case, world: object, personas: Personas) -> None:
    url = case.url(world)  # type: ignore[arg-type]
    for name in ALL:
        client = Client()
        assert client.login(username=getattr(personas, name).username, password=PASSWORD)
        response = getattr(client, case.method)(url, case.data or {})
        assert response.status_code == case.expected.get(name, case.default), (
            route,
            name,
            response.status_code,
        )
    response = getattr(Client(), case.method)(url, case.data or {})
    if case.anonymous is None:
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    else:
        assert response.status_code == case.anonymous


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, tree: Tree, personas: Personas) -> None:
    check_case(route, CASES[route], None, personas)
