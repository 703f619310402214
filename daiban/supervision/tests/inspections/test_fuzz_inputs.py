"""The 督查件 pages in the fuzz test: hostile values in every form field, query and path parameter, as the
county centre, 纪检 and a role that may not use them; never a 500."""

from __future__ import annotations

import pytest

from daiban.core import clock
from daiban.matters.tests.factories import Flow
from daiban.prevention.tests.test_fuzz_inputs import fuzz_route
from daiban.supervision.actions import inspections as insp
from daiban.supervision.models import Inspection
from daiban.supervision.tests.inspections.helpers import dissatisfied
from tests.test_fuzz_inputs import Route, World, world  # noqa: F401  (the fixture)


def _inspection(w: World) -> Inspection:
    """One open inspection, made once per world (each fuzzed request is rolled back)."""
    found: Inspection | None = getattr(w, "_inspection", None)
    if found is None:
        flow = Flow(w.tree, w.personas, start=w.flow.now)
        _, event = dissatisfied(flow, new_matter=True)
        with clock.frozen(flow.now):
            found = insp.inspection_open(event_id=event.pk)
        assert found is not None
        w._inspection = found  # type: ignore[attr-defined]
    return found


def _pk(w: World, p: dict[str, str]) -> str:
    return p.get("pk", str(_inspection(w).pk))


ROUTES: dict[str, Route] = {
    "inspection_list": Route(
        lambda w, p: "/inspections/",
        personas=("county_staff", "supervisor", "village_agent"),
        fields=("status", "after"),
        filled_status=200,
    ),
    "inspection_detail": Route(
        lambda w, p: f"/inspections/{_pk(w, p)}/",
        personas=("county_staff", "leader", "unit_handler"),
        path_params={"pk": "int"},
    ),
    "inspection_finding": Route(
        lambda w, p: f"/inspections/{_pk(w, p)}/finding/",
        "post",
        personas=("county_staff", "supervisor", "leader"),
        path_params={"pk": "int"},
        filled_status=302,
    ),
    "inspection_close": Route(
        lambda w, p: f"/inspections/{_pk(w, p)}/close/",
        "post",
        personas=("supervisor", "county_staff", "city_admin"),
        path_params={"pk": "int"},
        filled_status=302,
    ),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    fuzz_route(ROUTES, route, world)
