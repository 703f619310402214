"""The execution URLs in the permission matrix: every persona, every URL. One matter of 苏雅拉社区 (新城区)
replied 支持 by 新城区住建局, two items, one recorded 已落实 with a photo. The list answers every reader
(outsiders see their own, empty, scope); the evidence file is served only to those who see the item —
the other county (its centre, village agent and unit) sees nothing: 404."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from conftest import Personas, Tree
from daiban.execution.models import Evidence
from daiban.execution.tests.helpers import record, supported
from daiban.matters.tests.factories import Flow, frozen
from daiban.prevention.tests.test_url_permissions import check_case
from tests.test_url_permissions import Case

OUTSIDE = {"outsider": 404, "outsider_village_agent": 404, "outsider_unit_handler": 404}


@dataclass
class World:
    matter_id: int
    evidence_id: int


CASES: dict[str, Case] = {
    "execution:execution_list": Case(lambda w: "/execution/?show=overdue", {}),
    "execution:execution_evidence": Case(lambda w: f"/execution/evidence/{w.evidence_id}/", OUTSIDE),
}


@pytest.fixture
def world(tree: Tree, personas: Personas) -> World:
    flow = Flow(tree, personas)
    m, items = supported(flow)
    record(flow, m, items[0], "done")
    return World(m.pk, Evidence.objects.get(record__item__matter_id=m.pk).pk)


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, world: World, personas: Personas) -> None:
    with frozen(2026, 6, 10):
        check_case(route, CASES[route], world, personas)
