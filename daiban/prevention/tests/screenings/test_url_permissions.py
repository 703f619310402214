"""The register's pages in the permission matrix (tests/test_url_permissions.py counts these CASES).

The world: one open screening at 苏雅拉社区 (新城区 › 呼伦路街道), recorded by its village agent. Agents record
and act within their jurisdiction; leaders, supervisors and the city administrator read; responsible units
do not use the register (403); 托克托县 personas get 404 for the screening.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from conftest import Personas, Tree
from daiban.core import clock
from daiban.prevention.models import Screening
from daiban.prevention.tests.screenings.factories import screening
from daiban.prevention.tests.test_url_permissions import check_case
from tests.test_url_permissions import Case


@dataclass
class World:
    screening: Screening


NO_PREVENTION = {"unit_handler": 403, "outsider_unit_handler": 403}
READERS_ONLY = {"leader": 403, "supervisor": 403, "city_admin": 403}
OUTSIDE = {"outsider": 404, "outsider_village_agent": 404}
# Agents anywhere may open the record page (for their own jurisdiction).
NOT_AGENTS = {**NO_PREVENTION, **READERS_ONLY}


def _s(w: World) -> int:
    return w.screening.pk


CASES: dict[str, Case] = {
    "screening_list": Case(lambda w: "/screenings/", NO_PREVENTION),
    "screening_detail": Case(lambda w: f"/screenings/{_s(w)}/", {**NO_PREVENTION, **OUTSIDE}),
    "screening_new": Case(lambda w: "/screenings/new/", NOT_AGENTS),
    "screening_action": Case(lambda w: f"/screenings/{_s(w)}/act/follow_up/", {**NOT_AGENTS, **OUTSIDE}),
}

# POSTs that change nothing (the input is refused: 400), so that each persona meets the same state.
POSTS: dict[str, Case] = {
    "screening_new:post": Case(lambda w: "/screenings/new/", NOT_AGENTS, 400, method="post", data={}),
    "screening_action:post": Case(
        lambda w: f"/screenings/{_s(w)}/act/resolve/",
        {**NOT_AGENTS, **OUTSIDE},
        400,
        method="post",
        data={"version": "1", "outcome": ""},
    ),
    # The intake page's origin: only an agent who can see the open screening gets the prefilled form.
    "matter_intake:origin": Case(
        lambda w: f"/matters/new/?origin=screening:{_s(w)}",
        {**NO_PREVENTION, **READERS_ONLY, **OUTSIDE, "leader": 404},
    ),
}


@pytest.fixture
def world(tree: Tree, personas: Personas) -> World:
    return World(screening=screening(personas.village_agent, tree.village_a1x, clock.today()))


@pytest.mark.parametrize("route", sorted({**CASES, **POSTS}))
def test_route_for_every_persona(route: str, world: World, personas: Personas) -> None:
    check_case(route, {**CASES, **POSTS}[route], world, personas)
    s = Screening.objects.get()
    assert (s.version, s.status) == (1, "watching")  # nobody changed anything
