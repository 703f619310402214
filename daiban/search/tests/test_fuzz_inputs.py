"""检索 in the fuzz test: hostile terms and cursors never end in a server error."""

from __future__ import annotations

import pytest

from daiban.prevention.tests.test_fuzz_inputs import fuzz_route
from tests.test_fuzz_inputs import Route, World, world  # noqa: F401  (the fixture)

ROUTES: dict[str, Route] = {
    "search:search": Route(
        lambda w, p: "/search/",
        "post",
        personas=("village_agent", "county_staff", "unit_handler"),
        fields=("q", "after"),
    ),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    fuzz_route(ROUTES, route, world)
