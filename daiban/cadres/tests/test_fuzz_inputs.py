"""The notices list in the fuzz test: hostile query values, as the supervisor and as those refused; never
a 500. The action is fuzzed through the site-wide ACTION_CASES (cadre_notice)."""

from __future__ import annotations

import pytest

from daiban.prevention.tests.test_fuzz_inputs import fuzz_route
from tests.test_fuzz_inputs import Route, World, world  # noqa: F401  (the fixture)

ROUTES: dict[str, Route] = {
    "cadres:cadre_notices": Route(
        lambda w, p: "/cadres/",
        personas=("supervisor", "county_staff", "unit_handler"),
        fields=("page",),
    ),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    fuzz_route(ROUTES, route, world)
