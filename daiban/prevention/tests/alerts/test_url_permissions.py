"""The alert pages in the permission matrix: every persona, every URL (outside scope 404; roles that do
not use a page 403); a refused action changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from conftest import PASSWORD, Personas, Tree
from daiban.prevention.models import Alert, AlertEvent
from daiban.prevention.tests.alerts.helpers import make_alert
from daiban.prevention.tests.test_url_permissions import NO_PREVENTION, check_case
from tests.test_url_permissions import Case

OUTSIDE = {"outsider": 404, "outsider_village_agent": 404}
NOT_AGENTS = {"leader": 403, "supervisor": 403, "city_admin": 403}
ACTING = {**NO_PREVENTION, **OUTSIDE, **NOT_AGENTS}


@dataclass
class World:
    alert: Alert  # an overdue screening at 苏雅拉社区 (新城区 › 呼伦路街道), told to its point


CASES: dict[str, Case] = {
    "alert_list": Case(lambda w: "/alerts/", NO_PREVENTION),
    "alert_detail": Case(lambda w: f"/alerts/{w.alert.pk}/", {**NO_PREVENTION, **OUTSIDE}),
    "alert_act": Case(lambda w: f"/alerts/{w.alert.pk}/act/", ACTING),
    "alert_dismiss": Case(lambda w: f"/alerts/{w.alert.pk}/dismiss/", ACTING),
    # A POST without a version is refused as a form error (400) by those who may act; nothing changes.
    "alert_acknowledge": Case(
        lambda w: f"/alerts/{w.alert.pk}/acknowledge/", ACTING, 400, method="post", data={"version": ""}
    ),
}


@pytest.fixture
def world(tree: Tree, personas: Personas) -> World:
    return World(alert=make_alert(tree.village_a1x, rule="overdue"))


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, world: World, personas: Personas) -> None:
    check_case(route, CASES[route], world, personas)
    assert Alert.objects.get(pk=world.alert.pk).version == 0


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("leader", 403),
        ("supervisor", 403),
        ("unit_handler", 403),
        ("outsider", 404),
        ("outsider_village_agent", 404),
    ],
)
@pytest.mark.parametrize(
    ("suffix", "data"),
    [
        ("acknowledge/", {"version": "0"}),
        ("act/", {"version": "0", "number": "", "target": "", "note": "已处置"}),
        ("dismiss/", {"version": "0", "reason": "误报"}),
    ],
)
def test_a_refused_action_changes_nothing(
    world: World, personas: Personas, who: str, status: int, suffix: str, data: dict[str, str]
) -> None:
    client = Client()
    assert client.login(username=getattr(personas, who).username, password=PASSWORD)
    assert client.post(f"/alerts/{world.alert.pk}/{suffix}", data).status_code == status
    fresh = Alert.objects.get(pk=world.alert.pk)
    assert (fresh.status, fresh.version) == ("open", 0)
    assert not AlertEvent.objects.exists()


def test_the_level_above_may_act_on_its_subtree(world: World, personas: Personas) -> None:
    for who in ("village_agent", "township_staff", "county_staff"):
        client = Client()
        assert client.login(username=getattr(personas, who).username, password=PASSWORD)
        assert client.get(f"/alerts/{world.alert.pk}/act/").status_code == 200
