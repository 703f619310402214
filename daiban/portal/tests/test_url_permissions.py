"""The portal shell's pages in the permission matrix: public, the same for everyone signed in or not."""

from __future__ import annotations

import pytest

from conftest import Personas, Tree
from daiban.prevention.tests.test_url_permissions import check_case
from tests.test_url_permissions import Case

CASES: dict[str, Case] = {
    "portal:index": Case(lambda w: "/public/", {}, anonymous=200),
    "portal:set_view": Case(
        lambda w: "/public/view/", {}, 302, method="post", data={"toggle": "large"}, anonymous=302
    ),
}


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, tree: Tree, personas: Personas) -> None:
    check_case(route, CASES[route], None, personas)
