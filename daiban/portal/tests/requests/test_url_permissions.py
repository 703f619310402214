"""The online request's pages in the permission matrix. The public pages answer everyone alike (a staff
session changes nothing); the queue is the network's agents' (others: 403), and a request, its photo and
its decline exist only inside the agent's subtree (outside: 404). A refused decline changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from conftest import Personas, Tree
from daiban.portal.models import OnlineRequest
from daiban.portal.tests.requests.helpers import make_request
from daiban.prevention.tests.test_url_permissions import check_case
from tests.test_url_permissions import Case

NOT_AGENTS = {
    "unit_handler": 403,
    "leader": 403,
    "supervisor": 403,
    "city_admin": 403,
    "outsider_unit_handler": 403,
}
OUTSIDE = {
    "unit_handler": 404,
    "leader": 404,
    "supervisor": 404,
    "city_admin": 404,
    "outsider": 404,
    "outsider_village_agent": 404,
    "outsider_unit_handler": 404,
}


@dataclass
class World:
    request: OnlineRequest


CASES: dict[str, Case] = {
    "portal:apply": Case(lambda w: "/apply/", {}, anonymous=200),
    # An invalid phone (a valid one would be throttled after three codes): the form again, 400, for all.
    "portal:apply_code": Case(
        lambda w: "/apply/code/", {}, 400, method="post", data={"phone": "1"}, anonymous=400
    ),
    "portal:apply_regions": Case(lambda w: "/apply/regions/", {}, anonymous=200),
    "portal:apply_done": Case(lambda w: "/apply/done/", {}, anonymous=200),
    "portal:request_list": Case(lambda w: "/online-requests/", NOT_AGENTS),
    "portal:request_detail": Case(lambda w: f"/online-requests/{w.request.pk}/", OUTSIDE),
    # 查看完整号码: the agents in scope (logged); nobody else learns the request exists.
    "portal:request_phone": Case(lambda w: f"/online-requests/{w.request.pk}/phone/", OUTSIDE, method="post"),
    # A stale version: 409 for those who may act, and nothing changes.
    "portal:request_decline": Case(
        lambda w: f"/online-requests/{w.request.pk}/decline/",
        OUTSIDE,
        409,
        method="post",
        data={"version": "99", "reason": "不属于代办范围"},
    ),
    "portal:request_photo": Case(lambda w: f"/online-requests/photos/{w.request.photos.get().pk}/", OUTSIDE),
}


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, tree: Tree, personas: Personas) -> None:
    world = World(make_request(tree.village_a1x, photo=True))
    check_case(route, CASES[route], world, personas)
    world.request.refresh_from_db()
    assert world.request.status == "pending" and world.request.version == 1
