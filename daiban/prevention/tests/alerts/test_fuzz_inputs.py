"""The alert pages in the fuzz test: hostile values in every field, query and path parameter, as agents
of two levels, a leader and a unit handler; never a 500."""

from __future__ import annotations

import pytest

from daiban.prevention.models import Alert
from daiban.prevention.tests.alerts.helpers import make_alert, screening
from daiban.prevention.tests.test_fuzz_inputs import fuzz_route
from tests.test_fuzz_inputs import Route, World, world  # noqa: F401  (the fixture)


def _alert(w: World) -> Alert:
    """One alert per world, at the village of the world's matter, about it (made once, outside the
    rollback of each request), with a screening in the act form's list."""
    found = getattr(w, "_alert", None)
    if found is None:
        screening(w.tree.village_a1x, w.personas.village_agent)
        found = make_alert(
            w.tree.village_a1x, rule="group", matter=w.matter, subject_region=w.tree.village_a1x
        )
        w._alert = found  # type: ignore[attr-defined]
    return found


def _page(suffix: str) -> object:
    return lambda w, p: f"/alerts/{p.get('pk', _alert(w).pk)}/{suffix}"


ACTORS = ("village_agent", "county_staff", "leader", "unit_handler")

ROUTES: dict[str, Route] = {
    "alert_list": Route(
        lambda w, p: (_alert(w), "/alerts/")[1], personas=("county_staff", "village_agent", "unit_handler")
    ),
    "alert_detail": Route(_page(""), personas=ACTORS, path_params={"pk": "int"}),  # type: ignore[arg-type]
    "alert_act": Route(_page("act/"), "post", personas=ACTORS, path_params={"pk": "int"}),  # type: ignore[arg-type]
    # Filled in as a person would (a reason typed), the first persona succeeds.
    "alert_dismiss": Route(
        _page("dismiss/"),  # type: ignore[arg-type]
        "post",
        personas=ACTORS,
        path_params={"pk": "int"},
        filled_status=302,
    ),
    "alert_acknowledge": Route(
        _page("acknowledge/"),  # type: ignore[arg-type]
        "post",
        personas=ACTORS,
        fields=("version",),
        path_params={"pk": "int"},
    ),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    fuzz_route(ROUTES, route, world)
