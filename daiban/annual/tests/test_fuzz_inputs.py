"""The annual report pages in the fuzz test: hostile values in every field, query parameter and path
parameter, as the level's staff, a reader who may not write and a unit's handler; never a 500."""

from __future__ import annotations

import pytest

from daiban.annual import actions
from daiban.annual.models import Proposal
from daiban.prevention.tests.test_fuzz_inputs import fuzz_route
from tests.test_fuzz_inputs import Route, World, world  # noqa: F401  (the fixture)

READERS = ("county_staff", "leader", "unit_handler")


def _proposal(w: World) -> int:
    found = Proposal.objects.filter(region=w.tree.county_a).values_list("pk", flat=True).first()
    if found is not None:
        return found
    return actions.proposal_make(
        actor=w.personas.county_staff,
        region=w.tree.county_a,
        year=w.today.year,
        kind="improve",
        text="完善交办单位受理告知流程。",
        unit=w.tree.unit_housing_a,
    ).pk


ROUTES: dict[str, Route] = {
    "annual:report": Route(lambda w, p: "/annual/", personas=READERS),
    "annual:docx": Route(
        lambda w, p: "/annual/report.docx", personas=("county_staff",), fields=("region", "year")
    ),
    "annual:pdf": Route(
        lambda w, p: "/annual/report.pdf", personas=("county_staff",), fields=("region", "year")
    ),
    "annual:proposals": Route(lambda w, p: "/annual/proposals/", personas=READERS),
    "annual:foreword": Route(
        lambda w, p: f"/annual/{p.get('code', w.tree.county_a.code)}/{p.get('year', w.today.year)}/foreword/",
        "post",
        personas=READERS,
        path_params={"code": "str", "year": "int"},
    ),
    "annual:proposal_new": Route(
        lambda w, p: (
            f"/annual/{p.get('code', w.tree.county_a.code)}/{p.get('year', w.today.year)}/proposals/new/"
        ),
        "post",
        personas=READERS,
        path_params={"code": "str", "year": "int"},
    ),
    "annual:proposal_answer": Route(
        lambda w, p: f"/annual/proposals/{p.get('pk', _proposal(w))}/answer/",
        "post",
        personas=READERS,
        path_params={"pk": "int"},
    ),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    fuzz_route(ROUTES, route, world)
