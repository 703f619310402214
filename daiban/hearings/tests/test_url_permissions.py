"""The hearing URLs in the permission matrix: every persona, every URL. One 申诉求决 matter of 苏雅拉社区
(新城区) in handling at 新城区住建局, with the hearing that unit recorded. Whoever may open the matter may
read its hearing record; outside 新城区 the record does not exist (404). The list answers everyone with
what their jurisdiction holds (an outsider's is empty). Recording goes through the matter's action page
(daiban/matters/tests/views/test_actions.py covers it for every persona); a refusal changes nothing
(test_actions)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from conftest import Personas, Tree
from daiban.hearings.models import HearingRecord
from daiban.hearings.tests.helpers import record
from daiban.matters.tests.factories import Flow, frozen
from daiban.prevention.tests.test_url_permissions import check_case
from tests.test_url_permissions import Case

OUTSIDE = {"outsider": 404, "outsider_village_agent": 404, "outsider_unit_handler": 404}


@dataclass
class World:
    record_id: int
    matter_id: int


CASES: dict[str, Case] = {
    "hearings:list": Case(lambda w: "/hearings/", {}),
    "hearings:detail": Case(lambda w: f"/hearings/{w.record_id}/", OUTSIDE),
}


@pytest.fixture
def world(tree: Tree, personas: Personas) -> World:
    flow = Flow(tree, personas)
    m = flow.handling()
    flow.later(days=1)
    record(flow, personas.unit_handler, m, flow.today - datetime.timedelta(days=1), flow.today)
    return World(HearingRecord.objects.get(matter=m).pk, m.pk)


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, world: World, personas: Personas) -> None:
    with frozen(2026, 6, 3):
        check_case(route, CASES[route], world, personas)
