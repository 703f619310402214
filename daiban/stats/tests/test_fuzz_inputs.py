"""The statistics pages in the fuzz test: hostile values in the period form, the region, the sort order,
the figure's key and part and the page cursor never end in a server error."""

from __future__ import annotations

import pytest

from daiban.prevention.tests.test_fuzz_inputs import fuzz_route
from tests.test_fuzz_inputs import Route, World, world  # noqa: F401  (the fixture)

PERIOD = ("period", "year", "month", "quarter", "start", "end", "region")

ROUTES: dict[str, Route] = {
    "stats:dashboard": Route(
        lambda w, p: "/stats/",
        personas=("county_staff", "village_agent", "city_admin", "unit_handler"),
        filled_status=200,
    ),
    "stats:dashboard_rows": Route(
        lambda w, p: "/stats/rows/",
        personas=("county_staff", "city_admin", "village_agent"),
        fields=(*PERIOD, "key", "part", "after", "sort"),
    ),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    fuzz_route(ROUTES, route, world)
