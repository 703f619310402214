"""The security matrix: every URL of the URL conf × every persona (anonymous and the three separated
administrator duties included) × GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS × own and foreign objects,
with 0 leaks.

Generated from the URL conf: the routes are found by walking ``get_resolver()``; a route's URLs come from
its permission case (tests/matrix_world.py builds each case's world once in 新城区, "A", and once mirrored
in 托克托县, "B"), so a new route is in the matrix as soon as it has its permission case, and one with path
arguments but no URL builder fails here, naming what is missing.

Who sends what: every persona sends GET and POST to every route's URL on 新城区's objects (foreign to the
托克托县 personas) and every 新城区 persona to the same URL on 托克托县's objects; HEAD, PUT, PATCH,
DELETE and OPTIONS are sent by the method sweep (``ALL_METHODS_BY``: county staff, unit handler, village
agent, anonymous) on both. Each request runs in a savepoint that is rolled back, so no request changes the
world of the next; the world is built once per module. CSRF is not enforced, so that a refusal can only
be the view's own. A POST carries the permission case's form data where its case posts, else none.

What counts as a leak (each request is checked against every rule that applies to it):

- foreign: a persona whose jurisdiction does not hold the object (a 托克托县 persona on 新城区's objects,
  a 新城区 persona on 托克托县's, anyone but the owner on a user's own object such as a session, a message,
  an export or an import run — ``OWNER_SCOPED``) gets 403, 404 or 405: never a 2xx, a redirect, a form
  error (400) or a conflict (409), any of which would tell that the object exists or act on it;
- reading: no response to a persona outside a county (nor to an anonymous visitor) carries the names of
  that county's petitioners or its matters' content, on any page, lists and CSV exports included;
- writing: a request that is refused (4xx, or sent to the login page), any request on a foreign object,
  and any request by a method that changes nothing (GET, HEAD, OPTIONS) or that no view takes (PUT,
  PATCH, DELETE) writes no row — the tables in ``BOOKKEEPING`` (sessions, audit records, throttles) and
  the routes in ``SAFE_WRITES`` aside;
- methods: PUT, PATCH and DELETE never get a 2xx or a redirect other than to the login page;
- own objects: where the permission case refuses a persona (403 or 404), no method succeeds;
- anonymous: every non-public route sends every method to the login page.

Django's admin (/admin/…) is in the matrix by its index and every registered model's list: a persona who
is not staff (and an anonymous visitor) never gets a 2xx there, by GET or POST, and writes nothing. What
staff see inside the admin is the scoped-admin tests' (daiban/*/tests/test_admin*.py).

Not covered: jurisdictions inside one county (a village agent and another township's objects — the
permission cases do that), and POSTs with valid forms on every route (the fuzz test and the apps' tests
post real data).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import connection, transaction
from django.http import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import Personas, Tree
from conftest import personas as personas_fixture
from conftest import tree as tree_fixture
from tests.matrix_world import OWNER_SCOPED, SIDE, Matrix, Side, all_cases, build, url_for
from tests.test_url_permissions import ALL as CASE_PERSONAS

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
READS = {"GET", "HEAD", "OPTIONS"}
NO_VIEW_TAKES = {"PUT", "PATCH", "DELETE"}
REFUSED = {403, 404, 405}
# GET and POST (the methods views take) are sent by every persona; the others, whose handling (405, or a
# view's method dispatch) does not depend on who asks, by the method sweep: the widest grant in 新城区 (its
# county staff), a unit's handler, the narrowest grant (a village agent) and anonymous visitors — on every
# URL, own and foreign. (Budget: this module runs in CI on two cores, on SQLite and on PostgreSQL.)
ALL_METHODS_BY = {"county_staff", "unit_handler", "village_agent", None}
# 托克托县's county staff, village agent and unit handler meet 新城区's objects; the mirror's other
# personas (its township station, leader and supervisor) only build the 托克托县 world — 新城区's meet
# 托克托县's objects for their roles.
MIRROR_ONLY = {"township_staff_b", "leader_b", "supervisor_b"}
LOGIN_PAGES = ("/login/", "/account/mfa/")

# Tables any request may write: the session and its register, audit records (a refusal may be logged),
# login throttling.
BOOKKEEPING = re.compile(r"^(django_session|accounts_usersession|audit_|axes_|portal_throttlehit)")
# Routes whose GET changes something by design: opening a message marks it read (its recipient only); the
# enrolment page keeps an unconfirmed device for the code it shows.
SAFE_WRITES = {"message_open", "accounts:mfa_enrol"}
# Routes with path arguments that name a kind of thing, not an object (the same URL in both worlds).
NOT_OBJECTS = {"exchange:import_template", "exchange:import_upload", "exchange:ledger_export"}
# Routes where PUT/PATCH/DELETE may answer: Django's LoginView (a FormView) takes PUT as a POST — with an
# empty form, as Django reads no form data from a PUT — and sends a signed-in user home.
OTHER_METHODS_ANSWER = {"login"}
# Where a persona may be sent instead of the page: the audit administrator's home is the audit log.
HOME_OF = {"audit_admin": "/audit/"}

_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w]+)"?', re.IGNORECASE)
_TEXT = ("text/", "application/json", "application/javascript")


@dataclass
class RouteInfo:
    name: str
    pattern: str
    has_args: bool


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[RouteInfo]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # by the admin's registry (test_admin_for_everyone_but_staff)
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            assert entry.name, f"URL pattern {prefix}{entry.pattern} has no name"
            yield RouteInfo(
                namespace + entry.name, prefix + str(entry.pattern), bool(entry.pattern.converters)
            )


ROUTES = {r.name: r for r in _walk(get_resolver())}

# Asks pytest-django for the test database (the world itself is built once, by the module's fixture).
pytestmark = pytest.mark.django_db


# -------------------------------------------------------------------------------------------- the world


@dataclass
class Env:
    matrix: Matrix
    sessions: dict[str, str]  # persona → session key
    requests: list[int] = field(default_factory=lambda: [0])


@pytest.fixture(scope="module")
def env(django_db_setup: None, django_db_blocker: Any) -> Iterator[Env]:
    with django_db_blocker.unblock(), transaction.atomic():
        tree: Tree = tree_fixture.__wrapped__(None)  # type: ignore[attr-defined]
        personas: Personas = personas_fixture.__wrapped__(tree)  # type: ignore[attr-defined]
        matrix = build(tree, personas)
        sessions = {}
        for name, user in matrix.users.items():
            client = Client()
            client.force_login(user)
            sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
        # Thousands of refusals: Django would log each one (and pytest keep every record).
        loggers = [logging.getLogger(name) for name in ("django.request", "axes")]
        levels = [logger.level for logger in loggers]
        for logger in loggers:
            logger.setLevel(logging.ERROR)
        try:
            yield Env(matrix, sessions)
        finally:
            for logger, level in zip(loggers, levels, strict=True):
                logger.setLevel(level)
            transaction.set_rollback(True)


@pytest.fixture
def db_open(env: Env) -> Env:
    return env


# ------------------------------------------------------------------------------------------ one request


@dataclass
class Result:
    status: int
    location: str
    body: str
    writes: list[str]


def _body(response: HttpResponseBase) -> str:
    kind = response.get("Content-Type", "")
    streaming = getattr(response, "streaming", False)
    raw: bytes = b"".join(response.streaming_content) if streaming else response.content  # type: ignore[attr-defined]
    # (no response.close(): the test client has closed it; closing again would close the connection)
    return raw.decode("utf-8", "replace") if kind.startswith(_TEXT) else ""


def send(env: Env, persona: str | None, method: str, url: str, data: dict[str, str] | None) -> Result:
    client = Client(enforce_csrf_checks=False, raise_request_exception=False)
    if persona is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = env.sessions[persona]
    writes: list[str] = []

    def spy(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        match = _WRITE.match(sql)
        if match and not BOOKKEEPING.match(match.group(1)):
            writes.append(match.group(1))
        return execute(sql, params, many, context)

    env.requests[0] += 1
    with transaction.atomic():
        with connection.execute_wrapper(spy):
            call = getattr(client, method.lower())
            response = call(url, data or {}) if method in ("GET", "POST") else call(url)
        result = Result(response.status_code, response.get("Location", ""), _body(response), writes)
        transaction.set_rollback(True)
    return result


# ------------------------------------------------------------------------------------------ the checks


def _to_login(r: Result, pages: tuple[str, ...] = LOGIN_PAGES) -> bool:
    return r.status in (301, 302, 303) and r.location.startswith(pages)


def _check(
    failures: list[str],
    what: str,
    r: Result,
    *,
    method: str,
    foreign: bool,
    refused_by_case: bool,
    anonymous_to_login: bool,
    may_write: bool,
    other_methods_answer: bool,
    hidden: tuple[str, ...],
    pages: tuple[str, ...] = LOGIN_PAGES,
) -> None:
    def fail(why: str) -> None:
        failures.append(f"{what}: {r.status} {r.location} — {why}")

    if r.status >= 500:
        fail("server error")
    if foreign and r.status not in REFUSED:
        fail("a foreign object answered (expected 403/404/405)")
    succeeded = 200 <= r.status < 300 or (300 <= r.status < 400 and not _to_login(r, pages))
    if refused_by_case and succeeded:
        fail("the permission case refuses this persona, but this method was not refused")
    if anonymous_to_login and not _to_login(r):
        fail("anonymous, not sent to the login page")
    if method in NO_VIEW_TAKES and succeeded and not other_methods_answer:
        fail(f"{method} succeeded")
    for marker in hidden:
        if marker in r.body:
            fail(f"the page shows {marker!r}, from another jurisdiction")
    refused = r.status >= 400 or _to_login(r, pages)
    if r.writes and (foreign or refused or method in NO_VIEW_TAKES or (method in READS and not may_write)):
        fail(f"wrote {sorted(set(r.writes))}")


def _hidden(env: Env, persona: str | None) -> tuple[str, ...]:
    side = SIDE[persona] if persona else "anonymous"
    markers = env.matrix.markers
    return {"A": markers["B"], "B": markers["A"], "city": (), "anonymous": markers["A"] + markers["B"]}[side]


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_route(route: str, db_open: Env) -> None:
    env = db_open
    info = ROUTES[route]
    cases = all_cases()
    case = cases[route][0] if route in cases else None
    own_side, other_side = env.matrix.a, env.matrix.b

    def url(side: Side) -> str | None:
        try:
            return url_for(route, side)
        except LookupError:
            return None if info.has_args else reverse(route)

    own, foreign_url = url(own_side), url(other_side)
    assert own is not None and foreign_url is not None, (
        f"{route} ({info.pattern}) has path arguments but no URL builder: give it a permission case "
        "(tests/test_url_permissions.py or its app's tests/**/test_url_permissions.py) whose world "
        "tests/matrix_world.py SOURCES builds, or an entry in OVERRIDES"
    )
    public = case is not None and case.anonymous is not None
    scoped = not public and route not in NOT_OBJECTS and (info.has_args or own != foreign_url)
    if scoped:
        assert own != foreign_url, f"{route}: the 托克托县 world gives the same URL as 新城区's ({own})"
    data = case.data if case is not None and case.method == "post" else None
    # An owner-scoped object is its owner's alone: 新城区's county staff's, or in the mirror 托克托县's.
    owner = {"own": "county_staff", "foreign": "outsider"}

    failures: list[str] = []
    personas: list[str | None] = [*(p for p in env.matrix.users if p not in MIRROR_ONLY), None]
    for persona in personas:
        expected = case.expected.get(persona, case.default) if case and persona in CASE_PERSONAS else None
        variants = [(own, "own")]
        if scoped and persona is not None and (SIDE[persona] == "A" or route in OWNER_SCOPED):
            variants.append((foreign_url, "foreign"))
        for target, variant in variants:
            if route in OWNER_SCOPED:
                foreign = persona is not None and persona != owner[variant]
            else:
                foreign = (
                    scoped
                    and persona is not None
                    and (
                        (variant == "own" and SIDE[persona] == "B")
                        or (variant == "foreign" and SIDE[persona] == "A")
                    )
                )
            for method in METHODS if persona in ALL_METHODS_BY else ("GET", "POST"):
                r = send(env, persona, method, target, data)
                _check(
                    failures,
                    f"{persona or 'anonymous'} {method} {target} ({variant})",
                    r,
                    method=method,
                    foreign=foreign,
                    refused_by_case=variant == "own" and expected in (403, 404),
                    anonymous_to_login=persona is None and not public,
                    may_write=route in SAFE_WRITES,
                    other_methods_answer=route in OTHER_METHODS_ANSWER,
                    hidden=_hidden(env, persona),
                    pages=(*LOGIN_PAGES, HOME_OF[persona]) if persona in HOME_OF else LOGIN_PAGES,
                )
    assert not failures, f"{len(failures)} leak(s) on {route}:\n" + "\n".join(failures)


def _admin_urls() -> list[str]:
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    return urls


def test_admin_for_everyone_but_staff(db_open: Env) -> None:
    env = db_open
    failures: list[str] = []
    outsiders = [name for name, user in env.matrix.users.items() if not user.is_staff]
    for persona in [*outsiders, None]:
        for target in _admin_urls():
            for method in ("GET", "POST"):
                r = send(env, persona, method, target, None)
                ok = r.status in REFUSED or _to_login(r, ("/admin/login/", *LOGIN_PAGES))
                if not ok or r.writes:
                    failures.append(
                        f"{persona or 'anonymous'} {method} {target}: {r.status} {r.location} {r.writes}"
                    )
    assert not failures, f"{len(failures)} leak(s) in the admin:\n" + "\n".join(failures)


def test_zz_count(db_open: Env) -> None:
    """Not a check: the number of requests the matrix sent (pytest -s shows it)."""
    print(f"\nsecurity matrix: {len(ROUTES)} routes, {db_open.requests[0]} requests")


def test_every_route_is_in_the_matrix() -> None:
    """The matrix walks the URL conf itself; this only guards the walk (a route list that came out empty
    or lost an app would test nothing)."""
    assert len(ROUTES) > 100
    assert {"matter_detail", "documents:pdf", "portal:request_detail", "audit:log"} <= set(ROUTES)
