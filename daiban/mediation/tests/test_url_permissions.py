"""The mediation pages in the permission matrix: every persona, every URL. The matter is routed to
新城区住建局 and handled there (taken in by the 新城区 centre at 苏雅拉社区); its dossier has a session, a
signed agreement and a draft change of it. Outside the county: 404. Readers in scope who do not act on the
matter (the supervisor, a leader not on it): 403 on every page that records. A refused post changes
nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from conftest import Personas, Tree
from daiban.matters.tests.factories import Flow, frozen
from daiban.mediation import actions
from daiban.mediation.models import Agreement, DossierEvent, MediationSession, Obligation
from daiban.mediation.tests.helpers import draft, session, sign
from daiban.prevention.tests.test_url_permissions import check_case
from daiban.supervision.tests.inspections.helpers import client_for
from tests.test_url_permissions import Case

OUTSIDE = {"outsider": 404, "outsider_village_agent": 404, "outsider_unit_handler": 404}
READ_ONLY = {"leader": 403, "supervisor": 403}


@dataclass
class World:
    matter_id: int
    signed: Agreement  # in force, with obligations
    change: Agreement  # a draft change of it (变更协议)
    obligation: Obligation


CASES: dict[str, Case] = {
    "mediation:dossier": Case(lambda w: f"/mediation/matter/{w.matter_id}/", OUTSIDE),
    "mediation:session_new": Case(
        lambda w: f"/mediation/matter/{w.matter_id}/sessions/new/", {**OUTSIDE, **READ_ONLY}
    ),
    # One unsigned agreement at a time: the draft change is it, so nobody may start another.
    "mediation:agreement_new": Case(
        lambda w: f"/mediation/matter/{w.matter_id}/agreements/new/", OUTSIDE, default=403
    ),
    "mediation:agreement_edit": Case(
        lambda w: f"/mediation/agreements/{w.change.pk}/edit/", {**OUTSIDE, **READ_ONLY}
    ),
    # The signed agreement already has its change in draft: a second change is refused to everyone.
    "mediation:agreement_revise": Case(
        lambda w: f"/mediation/agreements/{w.signed.pk}/revise/", OUTSIDE, default=403
    ),
    "mediation:judicial": Case(
        lambda w: f"/mediation/agreements/{w.signed.pk}/judicial/", {**OUTSIDE, **READ_ONLY}
    ),
    "mediation:perform": Case(
        lambda w: f"/mediation/obligations/{w.obligation.pk}/perform/", {**OUTSIDE, **READ_ONLY}
    ),
}


def build(flow: Flow, personas: Personas) -> World:
    m = flow.handling()
    session(flow, personas.county_staff, m)
    a = sign(flow, personas.county_staff, draft(flow, personas.county_staff, m))
    change = flow.call(
        actions.agreement_revise,
        actor=personas.county_staff,
        agreement_id=a.pk,
        expected_version=Agreement.objects.get(pk=a.pk).version,
        reason="双方同意变更付款期限",
    )
    return World(matter_id=m.pk, signed=a, change=change, obligation=a.obligations.get(position=0))


@pytest.fixture
def world(tree: Tree, personas: Personas) -> World:
    return build(Flow(tree, personas), personas)


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, world: World, personas: Personas) -> None:
    with frozen(2026, 6, 3):
        check_case(route, CASES[route], world, personas)


def test_the_revise_page_is_open_to_whoever_acts_while_no_change_is_drafted(
    tree: Tree, personas: Personas
) -> None:
    """Without the draft change, the revise page (and the new agreement page) open for those who act."""
    flow = Flow(tree, personas)
    m = flow.handling()
    a = sign(flow, personas.county_staff, draft(flow, personas.county_staff, m))
    with frozen(2026, 6, 3):
        for who in ("village_agent", "township_staff", "county_staff", "unit_handler", "city_admin"):
            client = client_for(getattr(personas, who))
            assert client.get(f"/mediation/agreements/{a.pk}/revise/").status_code == 200, who
            assert client.get(f"/mediation/matter/{m.pk}/agreements/new/").status_code == 200, who


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("leader", 403),
        ("supervisor", 403),
        ("outsider", 404),
        ("outsider_village_agent", 404),
        ("outsider_unit_handler", 404),
    ],
)
def test_a_refused_post_changes_nothing(world: World, personas: Personas, who: str, status: int) -> None:
    client = client_for(getattr(personas, who))
    before = (
        DossierEvent.objects.count(),
        MediationSession.objects.count(),
        list(Agreement.objects.order_by("pk").values_list("version", "status", "judicial_status")),
        list(Obligation.objects.order_by("pk").values_list("status", flat=True)),
    )
    v = str(world.signed.version)
    posts = [
        (
            f"/mediation/matter/{world.matter_id}/sessions/new/",
            {
                "held_on": "2026-06-03",
                "held_time": "09:00",
                "place": "调解室",
                "participants": "甲乙",
                "record_text": "记录",
                "outcome": "agreed",
                "mediator_names": "赵调解员",
            },
        ),
        (f"/mediation/agreements/{world.signed.pk}/judicial/", {"version": v, "status": "not_applied"}),
        (
            f"/mediation/obligations/{world.obligation.pk}/perform/",
            {"version": v, "outcome": "done", "on": "2026-06-03"},
        ),
        (f"/mediation/agreements/{world.signed.pk}/revise/", {"version": v, "reason": "变更"}),
        (
            f"/mediation/agreements/{world.change.pk}/edit/",
            {"version": str(world.change.version), "facts": "x"},
        ),
    ]
    with frozen(2026, 6, 3):
        for url, data in posts:
            assert client.post(url, data).status_code == status, url
    after = (
        DossierEvent.objects.count(),
        MediationSession.objects.count(),
        list(Agreement.objects.order_by("pk").values_list("version", "status", "judicial_status")),
        list(Obligation.objects.order_by("pk").values_list("status", flat=True)),
    )
    assert after == before
