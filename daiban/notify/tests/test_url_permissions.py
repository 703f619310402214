"""Notify's pages in the permission matrix (tests/test_url_permissions.py counts these CASES).

Every signed-in user with a role has messages and settings of their own; a message is its recipient's
alone (anyone else: 404, and it stays unread)."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import PASSWORD, Personas, Tree
from daiban.accounts.models import User
from daiban.notify import services
from daiban.notify.models import Message
from tests.test_url_permissions import ALL, Case

EVERYONE_ELSE_404 = {name: 404 for name in ALL if name != "county_staff"}


def county_staff_message() -> Message:
    """A message of the county staff persona (made once per test)."""
    user = User.objects.get(username="county_staff")
    services.notify(recipients=[user], kind="escalated", key="matrix", text="事项 X 已上报至本级。")
    return Message.objects.get(recipient=user, key="matrix")


CASES: dict[str, Case] = {
    "message_list": Case(lambda w: "/messages/", {}),
    "message_settings": Case(lambda w: "/messages/settings/", {}),
    "message_read_all": Case(lambda w: "/messages/read-all/", {}, 302, method="post"),
    # Opening marks it read and goes back to the list (no link): 302 for its recipient only.
    "message_open": Case(
        lambda w: f"/messages/{county_staff_message().pk}/", {**EVERYONE_ELSE_404, "county_staff": 302}
    ),
    "message_read": Case(
        lambda w: f"/messages/{county_staff_message().pk}/read/",
        {**EVERYONE_ELSE_404, "county_staff": 302},
        method="post",
    ),
}


def check_case(route: str, case: Case, personas: Personas) -> None:
    url = case.url(None)  # type: ignore[arg-type]
    for name in ALL:
        client = Client()
        assert client.login(username=getattr(personas, name).username, password=PASSWORD)
        unread_before = Message.objects.filter(read_at__isnull=True).count()
        response = getattr(client, case.method)(url, case.data or {})
        assert response.status_code == case.expected.get(name, case.default), (
            route,
            name,
            response.status_code,
        )
        if response.status_code in (403, 404):
            assert Message.objects.filter(read_at__isnull=True).count() == unread_before  # nothing changed
    response = getattr(Client(), case.method)(url, case.data or {})
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, tree: Tree, personas: Personas) -> None:
    check_case(route, CASES[route], personas)
