"""The 专家研判 pages in the fuzz test: hostile values in every form field, query and path parameter, as the
county centre and roles that may not use them; never a 500."""

from __future__ import annotations

import pytest

from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow
from daiban.prevention.tests.test_fuzz_inputs import fuzz_route
from daiban.supervision.models import Consultation
from daiban.supervision.tests.consultations.helpers import OTHER_PERSON, convene, experts, group_matter
from tests.test_fuzz_inputs import Route, World, world  # noqa: F401  (the fixture)


def _consultation(w: World) -> Consultation:
    """One open consultation on a group matter, made once per world (each fuzzed request is rolled back)."""
    found: Consultation | None = getattr(w, "_consultation", None)
    if found is None:
        flow = Flow(w.tree, w.personas, start=w.flow.now)
        found = convene(flow, w.personas, group_matter(flow, **OTHER_PERSON), experts(w.tree))
        w._consultation = found  # type: ignore[attr-defined]
    return found


def _matter(w: World, p: dict[str, str]) -> str:
    m: Matter = _consultation(w).matter
    return p.get("pk", str(m.pk))


def _pk(w: World, p: dict[str, str]) -> str:
    return p.get("pk", str(_consultation(w).pk))


ROUTES: dict[str, Route] = {
    "consultation_list": Route(
        lambda w, p: "/consultations/",
        personas=("county_staff", "village_agent", "unit_handler"),
        fields=("status", "after"),
        filled_status=200,
    ),
    "consultation_new": Route(
        lambda w, p: f"/matters/{_matter(w, p)}/consultations/new/",
        "post",
        personas=("county_staff", "township_staff", "unit_handler"),
        path_params={"pk": "int"},
        filled_status=302,
    ),
    "consultation_detail": Route(
        lambda w, p: f"/consultations/{_pk(w, p)}/",
        personas=("county_staff", "leader", "unit_handler"),
        path_params={"pk": "int"},
    ),
    "consultation_opinion": Route(
        lambda w, p: f"/consultations/{_pk(w, p)}/opinion/",
        "post",
        personas=("county_staff", "supervisor", "village_agent"),
        path_params={"pk": "int"},
        filled_status=302,
    ),
    "consultation_conclude": Route(
        lambda w, p: f"/consultations/{_pk(w, p)}/conclude/",
        "post",
        personas=("county_staff", "leader", "outsider"),
        path_params={"pk": "int"},
    ),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    fuzz_route(ROUTES, route, world)
