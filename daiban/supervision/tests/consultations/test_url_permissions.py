"""The 专家研判 pages in the permission matrix: every persona, every URL (outside scope 404; units 403;
readers who may not convene, record or conclude 403); a refused post changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from conftest import Personas, Tree
from daiban.matters.tests.factories import Flow, frozen
from daiban.prevention.tests.test_url_permissions import check_case
from daiban.supervision.models import Consultation
from daiban.supervision.tests.consultations.helpers import convene, experts, group_matter
from daiban.supervision.tests.inspections.helpers import client_for
from tests.test_url_permissions import Case

UNITS = {"unit_handler": 403, "outsider_unit_handler": 403}
OUTSIDE = {"outsider": 404, "outsider_village_agent": 404}
NOT_MANAGERS = {
    "village_agent": 403,
    "township_staff": 403,
    "leader": 403,
    "supervisor": 403,
    "city_admin": 403,
}


@dataclass
class World:
    consultation: Consultation  # open, on a group matter of 苏雅拉社区 routed to 新城区住建局


CASES: dict[str, Case] = {
    "consultation_list": Case(lambda w: "/consultations/", UNITS),
    "consultation_detail": Case(lambda w: f"/consultations/{w.consultation.pk}/", {**UNITS, **OUTSIDE}),
    # The matter first (404 to whoever cannot open it), then the role: its unit sees it, may not convene.
    "consultation_new": Case(
        lambda w: f"/matters/{w.consultation.matter_id}/consultations/new/",
        {**NOT_MANAGERS, **OUTSIDE, "unit_handler": 403, "outsider_unit_handler": 404},
    ),
    "consultation_opinion": Case(
        lambda w: f"/consultations/{w.consultation.pk}/opinion/", {**UNITS, **OUTSIDE, **NOT_MANAGERS}
    ),
    "consultation_conclude": Case(
        lambda w: f"/consultations/{w.consultation.pk}/conclude/", {**UNITS, **OUTSIDE, **NOT_MANAGERS}
    ),
}


@pytest.fixture
def world(tree: Tree, personas: Personas) -> World:
    flow = Flow(tree, personas)
    return World(consultation=convene(flow, personas, group_matter(flow), experts(tree)))


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, world: World, personas: Personas) -> None:
    with frozen(2026, 6, 10):
        check_case(route, CASES[route], world, personas)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("leader", 403),
        ("supervisor", 403),
        ("township_staff", 403),
        ("unit_handler", 403),
        ("outsider", 404),
        ("outsider_village_agent", 404),
    ],
)
def test_a_refused_post_changes_nothing(world: World, personas: Personas, who: str, status: int) -> None:
    client = client_for(getattr(personas, who))
    c = world.consultation
    with frozen(2026, 6, 10):
        posts = [
            (f"/consultations/{c.pk}/opinion/", {"member": "outside-0", "text": "意见", "version": "1"}),
            (f"/consultations/{c.pk}/conclude/", {"conclusion": "结论", "version": "1"}),
            (f"/matters/{c.matter_id}/consultations/new/", {"question": "问题", "outside_members": "王教授"}),
        ]
        for url, data in posts:
            assert client.post(url, data).status_code == status, url
    c.refresh_from_db()
    assert (c.version, c.status, c.conclusion, c.opinions.count()) == (1, "open", "", 0)
    assert Consultation.objects.count() == 1
