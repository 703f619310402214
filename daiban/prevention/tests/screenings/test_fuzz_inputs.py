"""The register's pages in the fuzz test (tests/test_fuzz_inputs.py counts these ROUTES): generated hostile
values in every field, query and path parameter of the list, the record page and each step's page."""

from __future__ import annotations

import pytest

from daiban.core import clock
from daiban.prevention.actions import screenings as act
from daiban.prevention.models import Screening
from daiban.prevention.tests.screenings.factories import fields
from daiban.prevention.tests.test_fuzz_inputs import fuzz_route
from tests.test_fuzz_inputs import Route, World, world  # noqa: F401  (the fixture)


def _s(w: World) -> Screening:
    """One open 较大-risk screening at 苏雅拉社区, made once per world on the world's clock."""
    found = getattr(w, "_screening", None)
    if found is None:
        with clock.frozen(w.flow.now):
            found = act.screening_record(
                actor=w.personas.village_agent, **fields(w.tree.village_a1x, found_on=w.today, risk="serious")
            )
        w._screening = found  # type: ignore[attr-defined]
    return found


def _step(key: str) -> Route:
    return Route(
        lambda w, p: f"/screenings/{p.get('pk', _s(w).pk)}/act/{key}/",
        "post",
        personas=("village_agent", "township_staff", "leader"),
        path_params={"pk": "int"},
        filled_status=302,
    )


ROUTES: dict[str, Route] = {
    "screening_list": Route(
        lambda w, p: "/screenings/",
        personas=("county_staff", "village_agent", "unit_handler", "city_admin"),
        filled_status=200,
    ),
    "screening_detail": Route(
        lambda w, p: f"/screenings/{p.get('pk', _s(w).pk)}/",
        personas=("village_agent", "county_staff", "unit_handler"),
        path_params={"pk": "int"},
    ),
    "screening_new": Route(
        lambda w, p: "/screenings/new/",
        "post",
        personas=("village_agent", "county_staff", "leader"),
        filled_status=302,
    ),
    # Any step name in the path (unknown ones are 404; to_matter sends to the intake page).
    "screening_action": Route(
        lambda w, p: f"/screenings/{p.get('pk', _s(w).pk)}/act/{p.get('action', 'to_matter')}/",
        personas=("village_agent", "leader"),
        path_params={"pk": "int", "action": "str"},
    ),
    **{
        f"screening_action:{key}": _step(key)
        for key in ("follow_up", "start", "resolve", "stabilise", "transfer", "reassess")
    },
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    fuzz_route(ROUTES, route, world)
