"""The documents pages in the permission matrix: every persona, every URL. Outside the matter's scope a
document does not exist (404); a unit sees only the kinds it is party to on its own matters (the receipt
and the 委托书 are 404 to it); who reads but does not act on the matter (a supervisor, a leader not on it)
may read and download but not sign, serve, correct or cancel (403)."""

from __future__ import annotations

import pytest

from conftest import Personas, Tree
from daiban.documents.tests.world import Docs, make_docs
from daiban.matters.tests.factories import Flow, frozen
from daiban.prevention.tests.test_url_permissions import check_case
from tests.test_url_permissions import Case

OUTSIDE = {"outsider": 404, "outsider_village_agent": 404, "outsider_unit_handler": 404}
NETWORK_ONLY = {**OUTSIDE, "unit_handler": 404}
READERS = {"supervisor": 403, "leader": 403}
# The receipt carries the lookup code: the network's own staff only (supervisors and leaders neither).
STAFF_ONLY = {**NETWORK_ONLY, "supervisor": 404, "leader": 404}


def _new(w: Docs, kind: str, source: str = "") -> str:
    return f"/documents/matter/{w.matter.pk}/new/?kind={kind}&source={source}"


CASES: dict[str, Case] = {
    "documents:matter": Case(lambda w: f"/documents/matter/{w.matter.pk}/", OUTSIDE),
    "documents:new": Case(lambda w: _new(w, "receipt"), STAFF_ONLY),
    "documents:detail": Case(lambda w: f"/documents/{w.receipt.pk}/", STAFF_ONLY),
    "documents:pdf": Case(lambda w: f"/documents/{w.receipt.pk}/pdf/", STAFF_ONLY),
    "documents:docx": Case(lambda w: f"/documents/{w.notice.pk}/docx/", OUTSIDE),
    "documents:scan_file": Case(lambda w: f"/documents/{w.scanned.pk}/scan/file/", NETWORK_ONLY),
    "documents:sign": Case(lambda w: f"/documents/{w.unsigned.pk}/sign/", {**NETWORK_ONLY, **READERS}),
    "documents:scan": Case(lambda w: f"/documents/{w.unsigned.pk}/scan/", {**NETWORK_ONLY, **READERS}),
    "documents:serve": Case(lambda w: f"/documents/{w.notice.pk}/serve/", {**OUTSIDE, **READERS}),
    # Only the issuer corrects or cancels: the unit its 受理告知书, the office that took the matter in (and
    # the offices above it) its receipt; a village point or station that did not issue it may not.
    "documents:correct": Case(
        lambda w: f"/documents/{w.notice.pk}/correct/",
        {
            **OUTSIDE,
            **READERS,
            "village_agent": 403,
            "township_staff": 403,
            "county_staff": 403,
            "city_admin": 403,
        },
    ),
    "documents:cancel": Case(
        lambda w: f"/documents/{w.receipt.pk}/cancel/",
        {**STAFF_ONLY, "village_agent": 403, "township_staff": 403},
    ),
}


@pytest.fixture
def world(tree: Tree, personas: Personas) -> Docs:
    return make_docs(Flow(tree, personas), personas)


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, world: Docs, personas: Personas) -> None:
    with frozen(2026, 6, 10):
        check_case(route, CASES[route], world, personas)
