"""检索 in the permission matrix (tests/test_url_permissions.py counts these CASES): everyone with matters
to see may search them (the results are scoped, see test_search.py); nobody else has the page. The posted
term is a word of the matrix world's content, not a marker: the page shows the term back in its box."""

from __future__ import annotations

import pytest

from conftest import Personas, Tree
from daiban.prevention.tests.test_url_permissions import check_case
from tests.test_url_permissions import Case

CASES: dict[str, Case] = {
    "search:search": Case(lambda w: "/search/", {}, method="post", data={"q": "管线"}),
}


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, tree: Tree, personas: Personas) -> None:
    check_case(route, CASES[route], None, personas)


def test_get_for_every_persona(tree: Tree, personas: Personas) -> None:
    check_case("search:search", Case(lambda w: "/search/", {}), None, personas)
