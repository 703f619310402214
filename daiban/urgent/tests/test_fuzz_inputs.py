"""The urgent pages in the fuzz test: hostile values in every path and query parameter, as readers and a
unit; never a 500. (The two actions' forms are fuzzed with every other action's, in tests/test_fuzz_inputs.py
ACTION_CASES.)"""

from __future__ import annotations

import pytest

from daiban.prevention.tests.test_fuzz_inputs import fuzz_route
from daiban.urgent.models import UrgentMarking
from tests.test_fuzz_inputs import Route, World, world  # noqa: F401  (the fixture)


def _marking_pk() -> int:
    return UrgentMarking.objects.values_list("pk", flat=True).first() or 1


ROUTES: dict[str, Route] = {
    "urgent:urgent_list": Route(
        lambda w, p: "/urgent/", personas=("village_agent", "county_staff", "unit_handler")
    ),
    "urgent:urgent_detail": Route(
        lambda w, p: f"/urgent/{p.get('pk', _marking_pk())}/",
        personas=("village_agent", "county_staff", "unit_handler"),
        path_params={"pk": "int"},
    ),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    fuzz_route(ROUTES, route, world)
