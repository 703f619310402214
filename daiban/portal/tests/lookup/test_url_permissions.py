"""The lookup's pages in the permission matrix: public, and the same for everyone signed in or not — a
staff session opens nothing more. Without a lookup in the session the result and rating send to the form
and a written reply does not exist (404), even for staff who may open it on the staff side."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from conftest import PASSWORD, Personas, Tree
from daiban.documents.models import Document
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow
from daiban.portal.tests.lookup.helpers import served_reply, without_csrf
from daiban.prevention.tests.test_url_permissions import check_case
from tests.test_url_permissions import ALL, Case


@dataclass
class World:
    matter: Matter  # replied by 新城区住建局, its 处理意见书 served
    document: Document


CASES: dict[str, Case] = {
    "portal:lookup": Case(lambda w: "/lookup/", {}, anonymous=200),
    "portal:lookup_result": Case(lambda w: "/lookup/matter/", {}, 302, anonymous=302),
    "portal:lookup_leave": Case(lambda w: "/lookup/leave/", {}, 303, method="post", anonymous=303),
    "portal:lookup_document": Case(lambda w: f"/lookup/documents/{w.document.pk}/", {}, 404, anonymous=404),
    "portal:rate": Case(
        lambda w: "/lookup/rate/",
        {},
        303,
        method="post",
        data={"service": "satisfied", "unit": "satisfied"},
        anonymous=303,
    ),
}


@pytest.fixture
def world(tree: Tree, personas: Personas) -> World:
    m, doc = served_reply(Flow(tree, personas))
    return World(matter=m, document=doc)


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, world: World, personas: Personas) -> None:
    check_case(route, CASES[route], world, personas)


def test_with_the_number_and_code_everyone_sees_the_same_and_nothing_else(
    world: World, personas: Personas, settings: Any
) -> None:
    """Each persona (and nobody) looks the matter up: the same result page, the same PDF; a wrong code
    gets the same refusal for everyone. (The throttle is widened: 22 attempts on one number.)"""
    settings.PORTAL_THROTTLE = {**settings.PORTAL_THROTTLE, "lookup": (100, 600, 100)}
    m = world.matter
    pages = set()
    for name in (*ALL, None):
        client = Client()
        if name is not None:
            assert client.login(username=getattr(personas, name).username, password=PASSWORD)
        wrong = client.post("/lookup/", {"number": m.number, "code": "WRONG234"})
        assert wrong.status_code == 400, name
        right = client.post("/lookup/", {"number": m.number, "code": m.lookup_code})
        assert right.status_code == 303 and right["Location"] == "/lookup/matter/", name
        page = client.get("/lookup/matter/")
        assert page.status_code == 200, name
        pages.add(without_csrf(page.content))
        pdf = client.get(f"/lookup/documents/{world.document.pk}/")
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf", name
    assert len(pages) == 1
