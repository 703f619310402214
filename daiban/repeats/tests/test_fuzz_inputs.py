"""The repeat-petition pages in the fuzz test: hostile values in every field and path parameter, as those
who take in and those who only read; never a 500."""

from __future__ import annotations

import pytest

from daiban.prevention.tests.test_fuzz_inputs import fuzz_route
from tests.test_fuzz_inputs import Route, World, world  # noqa: F401  (the fixture)

ROUTES: dict[str, Route] = {
    "repeats:candidates": Route(
        lambda w, p: "/repeats/candidates/",
        "post",
        personas=("village_agent", "county_staff", "unit_handler"),
        fields=("title", "content", "region", "p-0-id_number", "p-0-phone", "p-1-id_number"),
    ),
    "repeats:decide": Route(
        lambda w, p: (
            f"/repeats/matter/{p.get('pk', w.matter.pk)}/of/{p.get('candidate', w.matter.pk)}/decide/"
        ),
        "post",
        personas=("village_agent", "county_staff", "unit_handler"),
        fields=("kind", "reason"),
        path_params={"pk": "int", "candidate": "int"},
    ),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    fuzz_route(ROUTES, route, world)
