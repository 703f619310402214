"""Notify's pages in the fuzz test (tests/test_fuzz_inputs.py counts these ROUTES)."""

from __future__ import annotations

import pytest

from daiban.notify import services
from daiban.notify.models import Message
from tests.test_fuzz_inputs import Route, World, world  # noqa: F401  (the fixture)
from tests.test_fuzz_inputs import test_hostile_input_to_every_route_is_never_a_server_error as _run

PEOPLE = ("village_agent", "county_staff", "unit_handler")


def _message(w: World) -> int:
    """A message of the village agent about the world's matter (made once; notify is idempotent)."""
    user = w.people["village_agent"]
    services.notify(
        recipients=[user], kind="escalated", key="fuzz", text="事项已上报至本级。", matter_id=w.matter.pk
    )
    return Message.objects.get(recipient=user, key="fuzz").pk


ROUTES: dict[str, Route] = {
    "message_list": Route(lambda w, p: "/messages/", personas=PEOPLE, fields=("show", "after")),
    "message_settings": Route(lambda w, p: "/messages/settings/", "post", personas=PEOPLE),
    "message_read_all": Route(lambda w, p: "/messages/read-all/", "post", personas=PEOPLE, fields=("next",)),
    "message_open": Route(
        lambda w, p: f"/messages/{p.get('pk', _message(w))}/", personas=PEOPLE, path_params={"pk": "int"}
    ),
    "message_read": Route(
        lambda w, p: f"/messages/{p.get('pk', _message(w))}/read/",
        "post",
        personas=PEOPLE,
        fields=("next",),
        path_params={"pk": "int"},
    ),
}


def fuzz_route(routes: dict[str, Route], route: str, w: World) -> None:
    import tests.test_fuzz_inputs as site

    saved = site.ROUTES
    site.ROUTES = {**saved, route: routes[route]}
    try:
        _run(route, w)
    finally:
        site.ROUTES = saved


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    fuzz_route(ROUTES, route, world)
