"""Control characters in a request are answered with the 400 page in Chinese, never a 500 (a NUL byte
reaches PostgreSQL as an error) — in the path, in a query parameter, in a form field or its name."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from conftest import PASSWORD, Personas, Tree
from daiban.core.middleware import has_control_characters
from daiban.matters.models import Matter
from daiban.matters.tests.factories import intake

MESSAGE = "控制字符"


@pytest.fixture
def client(personas: Personas) -> Client:
    c = Client(raise_request_exception=False)
    assert c.login(username=personas.county_staff.username, password=PASSWORD)
    return c


def _is_400_page(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 400 and MESSAGE in response.content.decode()


def test_nul_in_the_path_is_a_400(client: Client, tree: Tree) -> None:
    assert _is_400_page(client.get("/network/region/150102%00/"))
    assert _is_400_page(client.get("/matters/%00/"))


def test_nul_in_a_query_parameter_is_a_400(client: Client) -> None:
    assert _is_400_page(client.get("/matters/", {"q": "漏水\x00"}))
    assert _is_400_page(client.get("/matters/export.csv", {"region\x00": "150102"}))


def test_nul_in_a_form_field_is_a_400_and_nothing_is_written(
    client: Client, tree: Tree, personas: Personas
) -> None:
    m = intake(personas.village_agent, tree.village_a1x)
    response = client.post(f"/matters/{m.pk}/act/press/", {"version": m.version, "note": "请尽快\x00办理"})
    assert _is_400_page(response)
    assert Matter.objects.get(pk=m.pk).version == m.version
    assert _is_400_page(client.post("/petitioners/", {"name": "王\x00"}))
    assert _is_400_page(client.post("/matters/lookup/", {"term": "139\x0004711234"}))


def test_other_control_characters_are_refused_but_line_breaks_and_tabs_are_text(
    client: Client, tree: Tree, personas: Personas
) -> None:
    m = intake(personas.village_agent, tree.village_a1x)
    assert _is_400_page(client.post(f"/matters/{m.pk}/act/press/", {"version": m.version, "note": "a\x1bb"}))
    response = client.post(
        f"/matters/{m.pk}/act/press/", {"version": m.version, "note": "第一段\r\n第二段\t完"}
    )
    assert response.status_code == 302
    assert Matter.objects.get(pk=m.pk).version == m.version + 1


def test_anonymous_requests_are_checked_too(tree: Tree) -> None:
    response = Client().post("/login/", {"username": "x\x00", "password": "y"})
    assert _is_400_page(response)


@pytest.mark.parametrize(
    ("path", "query", "expected"),
    [
        ("/matters/", "", False),
        ("/matters/", "q=%E2%91%A0%C2%B2", False),  # ① and ²: unusual but printable
        ("/matters/", "q=a%0Ab%09c%0D", False),
        ("/matters/", "q=%7F", False),  # DEL is not a C0 control
        ("/matters/", "q%0A=1", True),  # a line break in a parameter's name
        ("/matters/", "q=%01", True),
        ("/matters/%0A/", "", True),
        ("/matters/%09/", "", True),
    ],
)
def test_what_counts_as_a_control_character(path: str, query: str, expected: bool) -> None:
    request = RequestFactory().get(f"{path}?{query}" if query else path)
    assert has_control_characters(request) is expected
