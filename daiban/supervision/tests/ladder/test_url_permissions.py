"""The ladder's pages in the permission matrix: every persona, every URL (outside scope 404; a role that
does not use a page 403); a refused action changes nothing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.test import Client

from conftest import PASSWORD, Personas, Tree
from daiban.supervision.models import DisciplineRecord, OrderEvent, Rung, SupervisionOrder
from daiban.supervision.tests.ladder.helpers import routed_with_leaders, scan_on
from tests.test_url_permissions import ALL, Case

OUTSIDE = {"outsider": 404, "outsider_village_agent": 404, "outsider_unit_handler": 404}
UNITS = {"unit_handler": 403, "outsider_unit_handler": 403}
NOT_UNITS = {p: 403 for p in ALL if p not in ("unit_handler", "outsider_unit_handler")}
READERS_NOT_UNIT = {
    p: 403 for p in ("village_agent", "township_staff", "county_staff", "leader", "supervisor", "city_admin")
}
ONLY_SUPERVISOR = {**READERS_NOT_UNIT, "unit_handler": 403, "supervisor": 200, **OUTSIDE}


@dataclass
class World:
    order: SupervisionOrder  # the 督办单 (escalated)
    listed: SupervisionOrder  # the 挂牌督办 by the city, open


CASES: dict[str, Case] = {
    "supervision_list": Case(lambda w: "/supervision/", UNITS),
    "supervision_unit_list": Case(
        lambda w: "/supervision/unit/", {**NOT_UNITS, "outsider_unit_handler": 200}
    ),
    "order_detail": Case(lambda w: f"/supervision/orders/{w.listed.pk}/", OUTSIDE),
    "order_feedback": Case(
        lambda w: f"/supervision/orders/{w.listed.pk}/feedback/", {**READERS_NOT_UNIT, **OUTSIDE}
    ),
    "order_discipline": Case(lambda w: f"/supervision/orders/{w.listed.pk}/discipline/", ONLY_SUPERVISOR),
    # A POST without a version is refused as a form error (400) by the one who may act; nothing changes.
    "order_close": Case(
        lambda w: f"/supervision/orders/{w.listed.pk}/close/",
        {**ONLY_SUPERVISOR, "supervisor": 400},
        method="post",
        data={"version": "", "note": "已整改"},
    ),
}


@pytest.fixture
def world(tree: Tree, personas: Personas) -> World:
    ladder = routed_with_leaders(tree, personas)
    scan_on(datetime.date(2026, 6, 17))
    scan_on(datetime.date(2026, 6, 26))
    return World(
        order=SupervisionOrder.objects.get(matter=ladder.matter, rung=Rung.ORDER),
        listed=SupervisionOrder.objects.get(matter=ladder.matter, rung=Rung.LISTED),
    )


def check_case(route: str, case: Case, world: object, personas: Personas) -> None:
    url = case.url(world)  # type: ignore[arg-type]
    for name in ALL:
        client = Client()
        assert client.login(username=getattr(personas, name).username, password=PASSWORD)
        response = getattr(client, case.method)(url, case.data or {})
        assert response.status_code == case.expected.get(name, case.default), (
            route,
            name,
            response.status_code,
        )
    response = getattr(Client(), case.method)(url, case.data or {})
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def _state(w: World) -> tuple[object, ...]:
    w.listed.refresh_from_db()
    return (
        w.listed.status,
        w.listed.version,
        w.listed.feedback,
        OrderEvent.objects.count(),
        DisciplineRecord.objects.count(),
    )


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, world: World, personas: Personas) -> None:
    before = _state(world)
    check_case(route, CASES[route], world, personas)
    assert _state(world) == before


@pytest.mark.parametrize(
    ("suffix", "data", "allowed"),
    [
        ("feedback/", {"version": "1", "feedback": "已整改"}, "unit_handler"),
        (
            "discipline/",
            {"version": "1", "kind": "talk", "person": "张三，科长", "finding": "逾期", "outcome": "约谈"},
            "supervisor",
        ),
        ("close/", {"version": "1", "note": "已整改"}, "supervisor"),
    ],
)
def test_a_refused_action_changes_nothing(
    world: World, personas: Personas, suffix: str, data: dict[str, str], allowed: str
) -> None:
    before = _state(world)
    for who in ALL:
        if who == allowed:
            continue
        client = Client()
        assert client.login(username=getattr(personas, who).username, password=PASSWORD)
        status = client.post(f"/supervision/orders/{world.listed.pk}/{suffix}", data).status_code
        assert status in (403, 404), (who, status)
    assert _state(world) == before
