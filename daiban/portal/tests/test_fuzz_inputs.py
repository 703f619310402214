"""The portal shell in the fuzz test: hostile values in the view toggle and its return address."""

from __future__ import annotations

import pytest

from daiban.prevention.tests.test_fuzz_inputs import fuzz_route
from tests.test_fuzz_inputs import Route, World, world  # noqa: F401  (the fixture)

ROUTES: dict[str, Route] = {
    "portal:index": Route(lambda w, p: "/public/", personas=("anonymous", "village_agent")),
    "portal:set_view": Route(
        lambda w, p: "/public/view/", "post", personas=("anonymous",), fields=("toggle", "next")
    ),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    fuzz_route(ROUTES, route, world)
