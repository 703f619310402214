"""The assistance ledger in the fuzz test: hostile values in its query, as those who read it and a unit's
handler; never a 500. The two actions are fuzzed through the site-wide ACTION_CASES."""

from __future__ import annotations

import pytest

from daiban.prevention.tests.test_fuzz_inputs import fuzz_route
from tests.test_fuzz_inputs import Route, World, world  # noqa: F401  (the fixture)

ROUTES: dict[str, Route] = {
    "assistance:assistance_referrals": Route(
        lambda w, p: "/assistance/",
        personas=("village_agent", "county_staff", "unit_handler"),
        fields=("outcome",),
    ),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    fuzz_route(ROUTES, route, world)
