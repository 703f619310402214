"""The directory's pages in the fuzz test: hostile search terms and region codes, hostile photo ids,
anonymous and signed in; never a 500 (a search refused by the throttle is a 429)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from daiban.network.models import Agent
from daiban.portal.tests.directory.helpers import image_bytes
from daiban.prevention.tests.test_fuzz_inputs import fuzz_route
from tests.test_fuzz_inputs import Route, World, world  # noqa: F401  (the fixture)


def _photo(w: World) -> int:
    """The village agent's published photo, made once per world."""
    agent = Agent.objects.get(user=w.personas.village_agent)
    if not agent.photo:
        agent.photo.save("p.jpg", ContentFile(image_bytes()), save=True)
    return agent.pk


PUBLIC = ("anonymous", "village_agent")

ROUTES: dict[str, Route] = {
    "portal:agents": Route(lambda w, p: "/agents/", personas=PUBLIC),
    "portal:agents_region": Route(
        lambda w, p: f"/agents/{p.get('code', w.tree.village_a1x.code)}/",
        personas=PUBLIC,
        path_params={"code": "str"},
    ),
    "portal:agents_poster": Route(
        lambda w, p: f"/agents/{p.get('code', w.tree.village_a1x.code)}/poster/",
        personas=PUBLIC,
        path_params={"code": "str"},
    ),
    "portal:agent_photo": Route(
        lambda w, p: f"/agents/photo/{p.get('pk', _photo(w))}/",
        personas=PUBLIC,
        path_params={"pk": "int"},
    ),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    fuzz_route(ROUTES, route, world)
