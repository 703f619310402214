"""The errand pages in the fuzz test: hostile values in every form field, query and path parameter, as an
agent, a county, and a role that may not use them; never a 500."""

from __future__ import annotations

import datetime

import pytest

from daiban.core import clock
from daiban.prevention.actions.errands import errand_record
from daiban.prevention.models import Errand
from daiban.prevention.tests.test_fuzz_inputs import fuzz_route
from tests.test_fuzz_inputs import Route, World, world  # noqa: F401  (the fixture)


def _errand(w: World) -> Errand:
    """One open errand at 苏雅拉社区, made once per world (each fuzzed request is rolled back)."""
    found: Errand | None = getattr(w, "_errand", None)
    if found is None:
        with clock.frozen(w.flow.now):
            found = errand_record(
                actor=w.personas.village_agent,
                person="王大爷",
                service="pension_cert",
                description="养老保险资格认证",
                office="区社保中心",
                promised_on=clock.today() + datetime.timedelta(days=7),
            )
        w._errand = found  # type: ignore[attr-defined]
    return found


def _pk(w: World, p: dict[str, str]) -> str:
    return p.get("pk", str(_errand(w).pk))


ROUTES: dict[str, Route] = {
    "errand_list": Route(
        lambda w, p: "/errands/", personas=("village_agent", "township_staff", "unit_handler")
    ),
    "errand_new": Route(
        lambda w, p: "/errands/new/", "post", personas=("village_agent", "county_staff", "leader")
    ),
    "errand_detail": Route(lambda w, p: f"/errands/{_pk(w, p)}/", path_params={"pk": "int"}),
    "errand_finish": Route(
        lambda w, p: f"/errands/{_pk(w, p)}/finish/",
        "post",
        personas=("village_agent", "township_staff", "leader"),
        path_params={"pk": "int"},
    ),
    "errand_edit": Route(
        lambda w, p: f"/errands/{_pk(w, p)}/edit/",
        "post",
        personas=("village_agent", "county_staff", "unit_handler"),
        path_params={"pk": "int"},
    ),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    fuzz_route(ROUTES, route, world)
