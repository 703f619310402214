"""The account's own security pages in the fuzz test (tests/test_fuzz_inputs.py counts these ROUTES):
hostile values in the password and code fields and the session id; never a 500."""

from __future__ import annotations

import pytest

from daiban.prevention.tests.test_fuzz_inputs import fuzz_route
from tests.test_fuzz_inputs import Route, World, world  # noqa: F401  (the fixture)

PEOPLE = ("village_agent", "city_admin")

ROUTES: dict[str, Route] = {
    "accounts:password_change": Route(lambda w, p: "/account/password/", "post", personas=PEOPLE),
    "accounts:sessions": Route(lambda w, p: "/account/sessions/", personas=PEOPLE),
    "accounts:session_end": Route(
        lambda w, p: f"/account/sessions/{p.get('pk', '1')}/end/",
        "post",
        personas=PEOPLE,
        path_params={"pk": "int"},
    ),
    "accounts:sessions_end_others": Route(
        lambda w, p: "/account/sessions/end-others/", "post", personas=PEOPLE
    ),
    "accounts:mfa_enrol": Route(
        lambda w, p: "/account/mfa/", "post", personas=PEOPLE, fields=("code", "next")
    ),
    "accounts:mfa_verify": Route(
        lambda w, p: "/account/mfa/verify/", "post", personas=PEOPLE, fields=("code", "next")
    ),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    fuzz_route(ROUTES, route, world)
