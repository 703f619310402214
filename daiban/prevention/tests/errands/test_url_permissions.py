"""The errand pages in the permission matrix: every persona, every URL (outside scope 404; roles that do
not use a page 403); a refused finish or correction changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from conftest import Personas, Tree
from daiban.matters.tests.factories import frozen
from daiban.prevention.models import Errand
from daiban.prevention.tests.errands.helpers import client_for, record
from daiban.prevention.tests.test_url_permissions import NO_PREVENTION, check_case
from tests.test_url_permissions import Case

OUTSIDE = {"outsider": 404, "outsider_village_agent": 404}
NOT_AGENTS = {"leader": 403, "supervisor": 403, "city_admin": 403}


@dataclass
class World:
    errand: Errand  # open, at 苏雅拉社区 (新城区 › 呼伦路街道)


CASES: dict[str, Case] = {
    "errand_list": Case(lambda w: "/errands/", NO_PREVENTION),
    "errand_new": Case(lambda w: "/errands/new/", {**NO_PREVENTION, **NOT_AGENTS}),
    "errand_detail": Case(lambda w: f"/errands/{w.errand.pk}/", {**NO_PREVENTION, **OUTSIDE}),
    "errand_finish": Case(
        lambda w: f"/errands/{w.errand.pk}/finish/", {**NO_PREVENTION, **OUTSIDE, **NOT_AGENTS}
    ),
    "errand_edit": Case(
        lambda w: f"/errands/{w.errand.pk}/edit/", {**NO_PREVENTION, **OUTSIDE, **NOT_AGENTS}
    ),
}


@pytest.fixture
def world(tree: Tree, personas: Personas) -> World:
    return World(errand=record(personas.village_agent))


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, world: World, personas: Personas) -> None:
    with frozen(2026, 11, 2):
        check_case(route, CASES[route], world, personas)


REFUSED = [
    ("leader", 403),
    ("supervisor", 403),
    ("unit_handler", 403),
    ("outsider", 404),
    ("outsider_village_agent", 404),
]


@pytest.mark.parametrize(("who", "status"), REFUSED)
def test_a_refused_finish_or_correction_changes_nothing(
    world: World, personas: Personas, who: str, status: int
) -> None:
    client = client_for(getattr(personas, who))
    pk = world.errand.pk
    with frozen(2026, 11, 3):
        finish = {
            "done": "yes",
            "result": "办好了",
            "notice_method": "phone",
            "finished_on": "2026-11-03",
            "version": "1",
        }
        assert client.post(f"/errands/{pk}/finish/", finish).status_code == status
        edit = {"promised_on": "2026-11-30", "office": "别处", "description": "别的", "version": "1"}
        assert client.post(f"/errands/{pk}/edit/", edit).status_code == status
    world.errand.refresh_from_db()
    assert (world.errand.status, world.errand.office, world.errand.version) == ("open", "区社保中心", 1)
    assert world.errand.events.count() == 1


def test_a_refused_record_creates_nothing(world: World, personas: Personas, tree: Tree) -> None:
    data = {
        "person": "王大爷",
        "service": "other",
        "description": "x",
        "office": "y",
        "promised_on": "2026-11-09",
    }
    with frozen(2026, 11, 2):
        for who in ("leader", "supervisor", "city_admin", "unit_handler"):
            assert client_for(getattr(personas, who)).post("/errands/new/", data).status_code == 403
    assert Errand.objects.count() == 1
