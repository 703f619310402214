"""Prevention's pages in the fuzz test (tests/test_fuzz_inputs.py counts these ROUTES).

Each area keeps its routes in ``tests/<area>/test_fuzz_inputs.py`` in this shape and runs them with
``fuzz_route`` (the site-wide machinery: the page's own form, filled as a person would, then hostile values).
"""

from __future__ import annotations

import pytest

from tests.test_fuzz_inputs import Route, World, world  # noqa: F401  (the fixture)
from tests.test_fuzz_inputs import test_hostile_input_to_every_route_is_never_a_server_error as _run

ROUTES: dict[str, Route] = {
    "prevention_hub": Route(
        lambda w, p: "/prevention/", personas=("village_agent", "county_staff", "unit_handler")
    ),
}


def fuzz_route(routes: dict[str, Route], route: str, w: World) -> None:
    """Run the site-wide fuzz test body on one of ``routes``."""
    import tests.test_fuzz_inputs as site

    saved = site.ROUTES
    site.ROUTES = {**saved, route: routes[route]}
    try:
        _run(route, w)
    finally:
        site.ROUTES = saved


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    fuzz_route(ROUTES, route, world)
