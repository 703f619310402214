"""The account's own security pages in the permission matrix (tests/test_url_permissions.py counts these
CASES). Every signed-in user reaches their own pages; a session row is its owner's alone (anyone else:
404, and it stays)."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import PASSWORD, Personas, Tree
from daiban.accounts.models import User, UserSession
from daiban.core import clock
from daiban.prevention.tests.test_url_permissions import check_case
from tests.test_url_permissions import ALL, Case

EVERYONE_ELSE_404 = {name: 404 for name in ALL if name != "county_staff"}


def county_staff_session() -> UserSession:
    """Another signed-in session of the county staff persona (made once per test)."""
    user = User.objects.get(username="county_staff")
    row, _ = UserSession.objects.get_or_create(
        user=user, key_hash="0" * 64, defaults={"created_at": clock.now(), "last_seen": clock.now()}
    )
    return row


CASES: dict[str, Case] = {
    "accounts:password_change": Case(lambda w: "/account/password/", {}),
    "accounts:sessions": Case(lambda w: "/account/sessions/", {}),
    "accounts:session_end": Case(
        lambda w: f"/account/sessions/{county_staff_session().pk}/end/",
        {**EVERYONE_ELSE_404, "county_staff": 302},
        method="post",
    ),
    "accounts:sessions_end_others": Case(lambda w: "/account/sessions/end-others/", {}, 302, method="post"),
    "accounts:mfa_enrol": Case(lambda w: "/account/mfa/", {}),
    # Nobody owes a code (no device, DAIBAN_MFA_REQUIRED none in the tests): sent on to the home page.
    "accounts:mfa_verify": Case(lambda w: "/account/mfa/verify/", {}, 302),
}


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, tree: Tree, personas: Personas) -> None:
    check_case(route, CASES[route], None, personas)


def test_a_foreign_session_stays(tree: Tree, personas: Personas) -> None:
    row = county_staff_session()
    for name in ALL:
        if name != "county_staff":
            client = Client()
            assert client.login(username=getattr(personas, name).username, password=PASSWORD)
            assert client.post(f"/account/sessions/{row.pk}/end/").status_code == 404, name
    assert UserSession.objects.filter(pk=row.pk).exists()
