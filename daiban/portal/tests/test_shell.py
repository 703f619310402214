"""The public shell: no login, headers that keep what was shown out of caches, referrers and indexes, and
the 大字 / 高对比 view a person switches on once and keeps."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import PASSWORD, Personas
from daiban.portal.public import VIEW_COOKIE

pytestmark = pytest.mark.django_db


def test_front_page_needs_no_login_and_is_not_cached_or_indexed() -> None:
    response = Client().get("/public/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"
    assert "noindex" in response["X-Robots-Tag"]
    body = response.content.decode()
    assert "查询办理进度" in body and "网上申请代办" in body and "找代办员" in body
    assert 'lang="zh-Hans"' in body


def test_front_page_is_the_same_for_a_signed_in_agent(personas: Personas) -> None:
    """A staff session in the same browser changes nothing on a public page (no staff navigation)."""
    agent = Client()
    assert agent.login(username=personas.village_agent.username, password=PASSWORD)
    anonymous = Client().get("/public/").content.decode()
    signed_in = agent.get("/public/").content.decode()
    strip = lambda html: "".join(  # noqa: E731  (the CSRF token differs per session)
        line for line in html.splitlines() if "csrfmiddlewaretoken" not in line
    )
    assert strip(anonymous) == strip(signed_in)
    assert personas.village_agent.display_name not in signed_in


def test_a_staff_session_costs_a_public_page_no_navigation_queries(personas: Personas) -> None:
    """The staff navigation (its badges count pending work) is not worked out for a page that never shows it."""
    agent = Client()
    assert agent.login(username=personas.village_agent.username, password=PASSWORD)
    with CaptureQueriesContext(connection) as signed_in:
        response = agent.get("/public/")
    assert response.context["nav_items"] == [] and response.context["nav_user"] is None
    with CaptureQueriesContext(connection) as anonymous:
        Client().get("/public/")
    assert len(signed_in) <= len(anonymous) + 2  # the session and the user, nothing more


def test_large_text_and_high_contrast_toggle_and_are_kept() -> None:
    client = Client()
    response = client.post("/public/view/", {"toggle": "large", "next": "/public/"})
    assert response.status_code == 302 and response["Location"] == "/public/"
    assert client.cookies[VIEW_COOKIE].value == "large"
    page = client.get("/public/").content.decode()
    assert 'class="view-large"' in page
    assert 'value="large" aria-pressed="true"' in page

    client.post("/public/view/", {"toggle": "contrast", "next": "/public/"})
    assert client.cookies[VIEW_COOKIE].value == "contrast,large"
    assert 'class="view-large view-contrast"' in client.get("/public/").content.decode()

    client.post("/public/view/", {"toggle": "large", "next": "/public/"})
    client.post("/public/view/", {"toggle": "contrast", "next": "/public/"})
    assert 'class=""' in client.get("/public/").content.decode()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""])
def test_the_toggle_never_redirects_off_the_site(target: str) -> None:
    response = Client().post("/public/view/", {"toggle": "large", "next": target})
    assert response.status_code == 302 and response["Location"] == "/public/"


def test_an_unknown_cookie_value_is_ignored() -> None:
    client = Client()
    client.cookies[VIEW_COOKIE] = "large,<script>,contrast"
    page = client.get("/public/").content.decode()
    assert 'class="view-large view-contrast"' in page and "<script>" not in page


def test_the_toggle_on_a_page_answering_a_post_returns_to_a_page_a_get_can_show() -> None:
    """After 获取验证码 the page is the answer to a POST at /apply/code/; 大字 must not lead to a 405 there."""
    response = Client().post("/apply/code/", {"phone": "1"})
    assert response.status_code in (200, 400, 429)
    assert '<input type="hidden" name="next" value="/apply/">' in response.content.decode()
    client = Client()
    toggled = client.post("/public/view/", {"toggle": "large", "next": "/apply/"})
    assert client.get(toggled["Location"]).status_code == 200
