"""The online request's pages in the fuzz test: hostile values in every field, query and path parameter,
for the public (anonymous, and a staff session) and the agents; never a 500."""

from __future__ import annotations

import pytest

from daiban.portal.models import OnlineRequest
from daiban.portal.tests.requests.helpers import make_request
from daiban.prevention.tests.test_fuzz_inputs import fuzz_route
from tests.test_fuzz_inputs import Route, World, world  # noqa: F401  (the fixture)

APPLY_FIELDS = (
    "name",
    "phone",
    "code",
    "county",
    "township",
    "village",
    "happened",
    "wanted",
    "website",
    "ts",
)


def _request(w: World) -> OnlineRequest:
    """Made once per world (each fuzzed request is rolled back)."""
    found: OnlineRequest | None = getattr(w, "_online_request", None)
    if found is None:
        found = make_request(w.tree.village_a1x, photo=True)
        w._online_request = found  # type: ignore[attr-defined]
    return found


def _pk(w: World, p: dict[str, str]) -> str:
    return p.get("pk", str(_request(w).pk))


ROUTES: dict[str, Route] = {
    # Filled in straight from the page: too fast, and no code (400).
    "portal:apply": Route(
        lambda w, p: "/apply/", "post", personas=("anonymous", "village_agent"), filled_status=400
    ),
    "portal:apply_code": Route(
        lambda w, p: "/apply/code/", "post", personas=("anonymous",), fields=APPLY_FIELDS
    ),
    "portal:apply_regions": Route(
        lambda w, p: "/apply/regions/", personas=("anonymous",), fields=("county", "township", "village")
    ),
    "portal:apply_done": Route(lambda w, p: "/apply/done/", personas=("anonymous", "county_staff")),
    "portal:request_list": Route(
        lambda w, p: "/online-requests/", personas=("village_agent", "county_staff", "unit_handler")
    ),
    "portal:request_detail": Route(
        lambda w, p: f"/online-requests/{_pk(w, p)}/",
        personas=("village_agent", "township_staff", "outsider"),
        path_params={"pk": "int"},
    ),
    "portal:request_phone": Route(
        lambda w, p: f"/online-requests/{_pk(w, p)}/phone/",
        "post",
        personas=("village_agent", "unit_handler"),
        path_params={"pk": "int"},
        filled_status=200,
    ),
    "portal:request_decline": Route(
        lambda w, p: f"/online-requests/{_pk(w, p)}/decline/",
        "post",
        personas=("village_agent", "county_staff", "outsider"),
        fields=("version", "reason"),
        path_params={"pk": "int"},
    ),
    "portal:request_photo": Route(
        lambda w, p: f"/online-requests/photos/{p.get('pk', str(_request(w).photos.get().pk))}/",
        personas=("village_agent", "outsider_village_agent"),
        path_params={"pk": "int"},
    ),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    fuzz_route(ROUTES, route, world)
