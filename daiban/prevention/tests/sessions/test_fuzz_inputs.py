"""The session pages in the fuzz test: hostile values in every field, query and path parameter, as an
organiser, a leader and a unit handler; never a 500."""

from __future__ import annotations

import datetime

import pytest

from daiban.core import clock
from daiban.prevention.actions.sessions import SessionInput, session_schedule
from daiban.prevention.models.sessions import ReceptionSession
from daiban.prevention.tests.test_fuzz_inputs import fuzz_route
from tests.test_fuzz_inputs import Route, World, world  # noqa: F401  (the fixture)


def _session(w: World) -> ReceptionSession:
    """One session per world, started an hour before the world's clock (made once, outside the rollback
    of each request)."""
    found = getattr(w, "_session", None)
    if found is None:
        with clock.frozen(w.flow.now):
            found = session_schedule(
                actor=w.personas.county_staff,
                data=SessionInput(
                    kind="joint",
                    title="联合接访",
                    starts_at=w.flow.now - datetime.timedelta(hours=1),
                    ends_at=w.flow.now + datetime.timedelta(hours=2),
                    place="苏雅拉社区",
                    region=w.tree.village_a1x,
                    leaders=[w.personas.leader],
                    bodies=["npc", "court"],
                ),
            )
        w._session = found  # type: ignore[attr-defined]
    return found


def _page(suffix: str) -> object:
    return lambda w, p: f"/sessions/{p.get('pk', _session(w).pk)}/{suffix}"


ORGANISERS = ("county_staff", "village_agent", "unit_handler")

ROUTES: dict[str, Route] = {
    "session_list": Route(lambda w, p: "/sessions/", personas=("county_staff", "leader", "unit_handler")),
    "session_new": Route(lambda w, p: "/sessions/new/", "post", personas=ORGANISERS),
    "session_detail": Route(_page(""), personas=("village_agent", "leader"), path_params={"pk": "int"}),  # type: ignore[arg-type]
    "session_edit": Route(_page("edit/"), "post", personas=ORGANISERS, path_params={"pk": "int"}),  # type: ignore[arg-type]
    "session_cancel": Route(_page("cancel/"), "post", personas=ORGANISERS, path_params={"pk": "int"}),  # type: ignore[arg-type]
    "session_close": Route(_page("close/"), "post", personas=ORGANISERS, path_params={"pk": "int"}),  # type: ignore[arg-type]
    "session_answer": Route(
        _page("answer/"),  # type: ignore[arg-type]
        "post",
        personas=("county_staff", "leader", "unit_handler"),
        path_params={"pk": "int"},
    ),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    fuzz_route(ROUTES, route, world)
