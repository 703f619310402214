"""The visit pages in the fuzz test: hostile values in every form field, query and path parameter, as an
agent, a county, and a role that may not use them; never a 500."""

from __future__ import annotations

import pytest

from daiban.core import clock
from daiban.prevention.actions.visits import visit_record
from daiban.prevention.models import Visit
from daiban.prevention.tests.test_fuzz_inputs import fuzz_route
from tests.test_fuzz_inputs import Route, World, world  # noqa: F401  (the fixture)


def _visit(w: World) -> Visit:
    """One visit at 苏雅拉社区, made once per world (before the first request, outside its rollback)."""
    found: Visit | None = getattr(w, "_visit", None)
    if found is None:
        with clock.frozen(w.flow.now):
            found = visit_record(
                actor=w.personas.village_agent, kind="door", households=5, findings="走访发现漏水"
            )
        w._visit = found  # type: ignore[attr-defined]
    return found


PERSONAS = ("village_agent", "county_staff", "unit_handler")

ROUTES: dict[str, Route] = {
    "visit_list": Route(lambda w, p: "/visits/", personas=("township_staff", "leader", "unit_handler")),
    "visit_new": Route(lambda w, p: "/visits/new/", "post", personas=PERSONAS),
    "visit_detail": Route(lambda w, p: f"/visits/{p.get('pk', _visit(w).pk)}/", path_params={"pk": "int"}),
    "visit_edit": Route(
        lambda w, p: f"/visits/{p.get('pk', _visit(w).pk)}/edit/",
        "post",
        personas=("village_agent", "township_staff", "leader"),
        path_params={"pk": "int"},
    ),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    fuzz_route(ROUTES, route, world)
