"""The audit log pages in the permission matrix (tests/test_url_permissions.py counts these CASES): no
persona of the matrix is an audit administrator, so every one of them is refused (403). The audit
administrator's own access is tested in test_duties.py."""

from __future__ import annotations

import pytest

from conftest import Personas, Tree
from daiban.prevention.tests.test_url_permissions import check_case
from tests.test_url_permissions import Case

CASES: dict[str, Case] = {
    "audit:log": Case(lambda w: "/audit/", {}, 403),
    "audit:export": Case(lambda w: "/audit/export.csv", {}, 403),
}


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, tree: Tree, personas: Personas) -> None:
    check_case(route, CASES[route], None, personas)
