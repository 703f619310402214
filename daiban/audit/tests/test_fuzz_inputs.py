"""The audit log pages in the fuzz test (tests/test_fuzz_inputs.py counts these ROUTES): hostile filter
values never make a 500 (the audit administrator's own hostile-input test is in test_duties.py)."""

from __future__ import annotations

import pytest

from daiban.prevention.tests.test_fuzz_inputs import fuzz_route
from tests.test_fuzz_inputs import Route, World, world  # noqa: F401  (the fixture)

FIELDS = ("action", "outcome", "date_from", "date_to", "user", "before")

ROUTES: dict[str, Route] = {
    "audit:log": Route(lambda w, p: "/audit/", personas=("city_admin",), fields=FIELDS),
    "audit:export": Route(lambda w, p: "/audit/export.csv", personas=("city_admin",), fields=FIELDS),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    fuzz_route(ROUTES, route, world)
