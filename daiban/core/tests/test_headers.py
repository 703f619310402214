"""Headers every response carries (issue 14 §5): a strict Content-Security-Policy, no caching of generated
pages (Cache-Control: private, no-store) while static files keep theirs, and HSTS when HTTPS is on."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from conftest import PASSWORD, Personas
from daiban.core.middleware import NoStoreMiddleware

PUBLIC_PAGES = ["login", "portal:index", "portal:lookup", "portal:apply", "portal:agents"]


def directives(response: HttpResponse) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def assert_strict_csp(response: HttpResponse) -> None:
    policy = directives(response)
    assert policy, "no Content-Security-Policy header"
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["form-action"] == ["'self'"]
    for values in policy.values():
        assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values and "*" not in values


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_and_login_have_a_strict_csp_and_are_not_stored(name: str) -> None:
    path = reverse(name)
    response = Client().get(path)
    assert response.status_code == 200, path
    assert_strict_csp(response)
    cache = response.headers["Cache-Control"]
    assert "no-store" in cache


def test_a_signed_in_page_has_the_csp_and_is_private_no_store(personas: Personas) -> None:
    client = Client()
    assert client.login(username=personas.village_agent.username, password=PASSWORD)
    for path in ("/", "/matters/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_strict_csp(response)
        cache = {part.strip() for part in response.headers["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache, path


def test_a_page_with_personal_data_is_not_stored(personas: Personas) -> None:
    client = Client()
    assert client.login(username=personas.village_agent.username, password=PASSWORD)
    response = client.get("/petitioners/")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]


def test_static_files_keep_their_cache_and_get_no_policy() -> None:
    # WhiteNoise answers before the middleware: write a file where it serves from, then start a client
    # (WhiteNoise reads STATIC_ROOT when the handler is built).
    name = f"probe-{uuid.uuid4().hex}.txt"
    target = Path(settings.STATIC_ROOT) / name
    target.write_text("probe")
    try:
        response = Client().get(f"{settings.STATIC_URL}{name}")
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", "")
        assert "Content-Security-Policy" not in response.headers
    finally:
        target.unlink()


def test_a_views_own_cache_control_and_policy_are_kept() -> None:
    request = RequestFactory().get("/portal/agents/photo/1/")

    def view(_: HttpRequest) -> HttpResponse:
        response = HttpResponse(b"x")
        response["Cache-Control"] = "public, max-age=3600"
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        return response

    from csp.middleware import CSPMiddleware

    response = CSPMiddleware(NoStoreMiddleware(view))(request)  # type: ignore[arg-type]
    assert response["Cache-Control"] == "public, max-age=3600"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_a_signed_in_users_cached_answer_is_made_no_store(personas: Personas) -> None:
    request = RequestFactory().get("/stats/")
    request.user = personas.village_agent

    def view(_: HttpRequest) -> HttpResponse:
        response = HttpResponse(b"x")
        response["Cache-Control"] = "max-age=60"
        return response

    assert NoStoreMiddleware(view)(request)["Cache-Control"] == "max-age=60, private, no-store"


def test_the_500_pages_inline_style_is_allowed_by_its_hash() -> None:
    template = Path(settings.BASE_DIR, "daiban/core/templates/500.html").read_text()
    style = re.search(r"<style>(.*?)</style>", template, re.S)
    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert f"'sha256-{digest}'" in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["style-src"]
    # ...and no other template carries inline script, style or event handlers.
    inline = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>|<style|\sstyle=\"|\son[a-z]+=\"|hx-on|hx-vals=\"js:")
    offenders = [
        str(path)
        for path in Path(settings.BASE_DIR, "daiban").rglob("templates/**/*.html")
        if path.name != "500.html" and inline.search(path.read_text())
    ]
    assert offenders == []


@pytest.mark.django_db
@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_SSL_REDIRECT=False)
def test_hsts_over_https() -> None:
    response = Client().get("/login/", secure=True)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in Client().get("/login/").headers


def test_daiban_https_turns_hsts_on() -> None:
    code = "from django.conf import settings; print(settings.SECURE_HSTS_SECONDS, settings.SESSION_COOKIE_SECURE)"
    env = {**os.environ, "DAIBAN_HTTPS": "1", "DJANGO_SETTINGS_MODULE": "daiban.settings_test"}
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    assert out.stdout.split() == ["31536000", "True"]
