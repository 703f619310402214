"""The accountability URLs in the permission matrix: every persona, every URL. One matter of 苏雅拉社区
(新城区), accepted by 新城区住建局 on 6 月 2 日 and never answered (its 60 days ran out in August); the
新城区 centre ordered the bureau to correct it. The failures page is for the centres and stations (托克托县's
sees its own county, empty; a township cannot open the county); the orders for the network and the
units; only the bureau reports its correction. A refused post changes nothing (test_actions, test_views)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from conftest import Personas, Tree
from daiban.accountability.actions import correction_order
from daiban.accountability.models import CorrectionOrder, FailureKind
from daiban.accountability.tests import helpers
from daiban.matters.tests.factories import Flow, frozen
from daiban.prevention.tests.test_url_permissions import check_case
from tests.test_url_permissions import Case

NOT_READERS = {
    "village_agent": 403,
    "unit_handler": 403,
    "leader": 403,
    "supervisor": 403,
    "outsider_village_agent": 403,
    "outsider_unit_handler": 403,
}
OUTSIDE = {"outsider": 404, "outsider_village_agent": 404, "outsider_unit_handler": 404}
NOT_ORDER_READERS = {"leader": 403, "supervisor": 403}


@dataclass
class World:
    matter_id: int
    order_id: int
    county_id: int


CASES: dict[str, Case] = {
    "accountability:accountability": Case(lambda w: "/accountability/", NOT_READERS),
    "accountability:failure_list": Case(
        lambda w: f"/accountability/failures/handling_late/?region={w.county_id}&year=2026",
        {**NOT_READERS, "township_staff": 404, "outsider": 404},
    ),
    "accountability:correction_orders": Case(lambda w: "/accountability/orders/", NOT_ORDER_READERS),
    "accountability:correction_order": Case(
        lambda w: f"/accountability/orders/{w.order_id}/", {**NOT_ORDER_READERS, **OUTSIDE}
    ),
    "accountability:correction_report": Case(
        lambda w: f"/accountability/orders/{w.order_id}/report/",
        {**NOT_ORDER_READERS, **OUTSIDE, "unit_handler": 302},
        default=403,
        method="post",
        data={"version": "0", "report": "已办结并送达处理意见书"},
    ),
}


@pytest.fixture
def world(tree: Tree, personas: Personas) -> World:
    flow = Flow(tree, personas)
    m = helpers.handling_late(flow)
    flow.on(2026, 9, 1)
    flow.act(
        correction_order,
        personas.county_staff,
        m,
        failure=FailureKind.HANDLING_LATE,
        instructions="即日办结并书面答复信访人",
        due_date=datetime.date(2026, 9, 15),
    )
    order = CorrectionOrder.objects.get(matter_id=m.pk)
    return World(m.pk, order.pk, tree.county_a.pk)


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, world: World, personas: Personas) -> None:
    with frozen(2026, 9, 2):
        check_case(route, CASES[route], world, personas)
