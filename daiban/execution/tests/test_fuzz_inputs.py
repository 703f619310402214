"""The execution pages in the fuzz test: hostile values in the filter and the path parameter, as readers
of every kind; never a 500."""

from __future__ import annotations

import pytest

from daiban.prevention.tests.test_fuzz_inputs import fuzz_route
from tests.test_fuzz_inputs import Route, World, world  # noqa: F401  (the fixture)

ROUTES: dict[str, Route] = {
    "execution:execution_list": Route(
        lambda w, p: "/execution/",
        "get",
        personas=("village_agent", "county_staff", "unit_handler", "supervisor"),
        fields=("show",),
    ),
    "execution:execution_evidence": Route(
        lambda w, p: f"/execution/evidence/{p.get('pk', 1)}/",
        "get",
        personas=("county_staff", "unit_handler"),
        path_params={"pk": "int"},
    ),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    fuzz_route(ROUTES, route, world)
