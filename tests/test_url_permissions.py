"""Every URL pattern, every persona: who gets what.

Each named route in the project must appear in CASES (the last test fails for a new URL without one).
Django admin routes are covered by the scoped-admin tests in daiban/*/tests/test_admin*.py.

The world: a matter taken in at 苏雅拉社区 (新城区 › 呼伦路街道) and routed to 新城区住建局, with one
attachment. 托克托县 personas ("outsider*") must get 404 for everything about it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import PASSWORD, Personas, Tree
from daiban.matters import actions
from daiban.matters.actions import attachments_add
from daiban.matters.models import Matter
from daiban.matters.tests.factories import intake
from tests.app_cases import case_names

ALL = (
    "village_agent",
    "township_staff",
    "county_staff",
    "unit_handler",
    "leader",
    "supervisor",
    "city_admin",
    "outsider",
    "outsider_village_agent",
    "outsider_unit_handler",
)
OUTSIDERS = {"outsider": 404, "outsider_village_agent": 404, "outsider_unit_handler": 404}


@dataclass
class World:
    tree: Tree
    personas: Personas
    matter: Matter


UrlFn = Callable[[World], str]


@dataclass
class Case:
    url: UrlFn
    expected: dict[str, int]
    default: int = 200
    method: str = "get"
    data: dict[str, str] | None = None
    anonymous: int | None = None  # None: redirected to the login page


CASES: dict[str, Case] = {
    "home": Case(lambda w: "/", {}),
    "healthz": Case(lambda w: "/healthz", {}, anonymous=200),
    "login": Case(lambda w: "/login/", {}, 302, anonymous=200),  # signed-in users are sent home
    "logout": Case(lambda w: "/logout/", {}, 302, method="post", anonymous=302),
    "network_overview": Case(lambda w: "/network/", {}),
    # 迎新路街道 is inside 新城区: the village agent's and township's grants are elsewhere in 新城区.
    "network_region": Case(
        lambda w: f"/network/region/{w.tree.town_a2.code}/",
        {"village_agent": 404, "township_staff": 404, **OUTSIDERS},
    ),
    "matter_list": Case(lambda w: "/matters/", {}),
    "matter_export": Case(lambda w: "/matters/export.csv", {}),
    "matter_intake": Case(
        lambda w: "/matters/new/",
        {"unit_handler": 403, "supervisor": 403, "city_admin": 403, "outsider_unit_handler": 403},
    ),
    "petitioner_lookup": Case(lambda w: "/matters/lookup/", {}, method="post", data={"term": "13904711234"}),
    "matter_detail": Case(lambda w: f"/matters/{w.matter.pk}/", OUTSIDERS),
    # press (催办/督办): everyone in scope except the unit itself.
    "matter_action": Case(lambda w: f"/matters/{w.matter.pk}/act/press/", {"unit_handler": 403, **OUTSIDERS}),
    # Full numbers: the network's agents; the phone also for the handler of the open lead task (新城区住建局).
    "matter_reveal": Case(
        lambda w: f"/matters/{w.matter.pk}/petitioners/{w.matter.petitioner_links.get().pk}/reveal/phone/",
        {"leader": 403, "supervisor": 403, "city_admin": 403, **OUTSIDERS},
        method="post",
        data={"reason": "notify"},
    ),
    "matter_attachment": Case(
        lambda w: f"/matters/{w.matter.pk}/attachments/{w.matter.attachments.get().pk}/", OUTSIDERS
    ),
    "petitioner_search": Case(lambda w: "/petitioners/", {}),
    "petitioner_detail": Case(lambda w: f"/petitioners/{w.matter.petitioners.get().pk}/", OUTSIDERS),
}


@pytest.fixture
def world(tree: Tree, personas: Personas) -> World:
    m = intake(personas.village_agent, tree.village_a1x)
    attachments_add(
        actor=personas.village_agent,
        matter_id=m.pk,
        files=[SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")],
    )
    for actor in (personas.village_agent, personas.township_staff):
        m = Matter.objects.get(pk=m.pk)
        m = actions.matter_escalate(actor=actor, matter_id=m.pk, expected_version=m.version, note="上报")
    m = actions.matter_route(
        actor=personas.county_staff, matter_id=m.pk, expected_version=m.version, lead_unit=tree.unit_housing_a
    )
    return World(tree=tree, personas=personas, matter=m)


def _call(client: Client, case: Case, url: str):  # type: ignore[no-untyped-def]
    return getattr(client, case.method)(url, case.data or {})


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, world: World) -> None:
    case = CASES[route]
    url = case.url(world)
    for name in ALL:
        client = Client()
        assert client.login(username=getattr(world.personas, name).username, password=PASSWORD)
        before = Matter.objects.values_list("version", flat=True).get(pk=world.matter.pk)
        response = _call(client, case, url)
        assert response.status_code == case.expected.get(name, case.default), (
            route,
            name,
            response.status_code,
        )
        if response.status_code in (403, 404):
            assert Matter.objects.values_list("version", flat=True).get(pk=world.matter.pk) == before


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_anonymous(route: str, world: World) -> None:
    case = CASES[route]
    response = _call(Client(), case, case.url(world))
    if case.anonymous is None:
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    else:
        assert response.status_code == case.anonymous


def _route_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= _route_names(entry, inner)
        elif isinstance(entry, URLPattern):
            assert entry.name, f"URL pattern {entry.pattern} has no name, so no permission test can name it"
            names.add(namespace + entry.name)
    return names


def test_every_route_has_a_permission_case() -> None:
    missing = _route_names() - set(CASES) - case_names("test_url_permissions", "CASES")
    assert not missing, f"routes without a permission test in CASES: {sorted(missing)}"
