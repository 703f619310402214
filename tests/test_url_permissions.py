"""Every URL pattern, every persona: who gets what.

Each named route in the project must appear in CASES (the last test fails for a new URL without one).
Django admin routes are covered by the scoped-admin tests in daiban/*/tests/test_admin*.py.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import PASSWORD, Personas, Tree

UrlFn = Callable[[Tree], str]

ALL = (
    "village_agent",
    "township_staff",
    "county_staff",
    "unit_handler",
    "leader",
    "supervisor",
    "city_admin",
    "outsider",
    "outsider_village_agent",
    "outsider_unit_handler",
)

# route name -> (url builder, {persona: expected status}; personas not listed expect `default`)
CASES: dict[str, tuple[UrlFn, dict[str, int], int]] = {
    "home": (lambda t: "/", {}, 200),
    "healthz": (lambda t: "/healthz", {}, 200),
    "login": (lambda t: "/login/", {}, 302),  # signed-in users are sent home
    "logout": (lambda t: "/logout/", {}, 405),  # logout is POST only
    "network_overview": (lambda t: "/network/", {}, 200),
    # 迎新路街道 is inside 新城区: its own people and the city see it; the village agent's grant is a
    # village in another township, 托克托县 people are outside.
    "network_region": (
        lambda t: f"/network/region/{t.town_a2.code}/",
        {
            "village_agent": 404,
            "township_staff": 404,
            "outsider": 404,
            "outsider_village_agent": 404,
            "outsider_unit_handler": 404,
        },
        200,
    ),
}

ANONYMOUS: dict[str, int] = {"healthz": 200, "login": 200, "logout": 405}


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, tree: Tree, personas: Personas) -> None:
    build, expected, default = CASES[route]
    url = build(tree)
    for name in ALL:
        client = Client()
        assert client.login(username=getattr(personas, name).username, password=PASSWORD)
        response = client.get(url)
        assert response.status_code == expected.get(name, default), (route, name, response.status_code)


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_anonymous(route: str, tree: Tree) -> None:
    build, _, _ = CASES[route]
    response = Client().get(build(tree))
    expected = ANONYMOUS.get(route)
    if expected is None:
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    else:
        assert response.status_code == expected


def _route_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= _route_names(entry, inner)
        elif isinstance(entry, URLPattern):
            assert entry.name, f"URL pattern {entry.pattern} has no name, so no permission test can name it"
            names.add(namespace + entry.name)
    return names


def test_every_route_has_a_permission_case() -> None:
    missing = _route_names() - set(CASES)
    assert not missing, f"routes without a permission test in CASES: {sorted(missing)}"
