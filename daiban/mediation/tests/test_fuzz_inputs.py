"""The mediation pages in the fuzz test: hostile values in every form field (the agreement's repeated rows
and their management form included), query and path parameter, as those who record and those who only
read; never a 500."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from daiban.matters.actions import PetitionerInput
from daiban.matters.tests.factories import Flow, id_with_check
from daiban.mediation.models import Agreement, Obligation
from daiban.mediation.tests.helpers import draft, session, sign
from daiban.prevention.tests.test_fuzz_inputs import fuzz_route
from daiban.supervision.tests.consultations.helpers import OTHER_PERSON
from tests.test_fuzz_inputs import Route, World, world  # noqa: F401  (the fixture)


@dataclass
class Dossier:
    matter_id: int  # a matter held at 苏雅拉社区 (local handling) with a session
    draft: Agreement  # an unsigned agreement on it
    signed_matter_id: int  # a second matter whose agreement is signed (no draft: a change may be drafted)
    signed: Agreement
    obligation: Obligation


def _dossier(w: World) -> Dossier:
    """Made once per world (each fuzzed request is rolled back)."""
    found: Dossier | None = getattr(w, "_mediation", None)
    if found is None:
        flow = Flow(w.tree, w.personas, start=w.flow.now)
        agent = w.personas.village_agent
        m = flow.local(**OTHER_PERSON)
        session(flow, agent, m)
        unsigned = draft(flow, agent, m)
        other = flow.local(
            title="相邻通道纠纷",
            content="邻居堆放杂物堵塞通道。",
            request="请清理通道。",
            petitioners=[PetitionerInput(name="张桂兰", id_number=id_with_check("15010219700101002"))],
        )
        signed = sign(flow, agent, draft(flow, agent, other))
        found = Dossier(m.pk, unsigned, other.pk, signed, signed.obligations.get(position=0))
        w._mediation = found  # type: ignore[attr-defined]
    return found


def _m(w: World, p: dict[str, str]) -> str:
    return p.get("pk", str(_dossier(w).matter_id))


ROUTES: dict[str, Route] = {
    "mediation:dossier": Route(
        lambda w, p: f"/mediation/matter/{_m(w, p)}/",
        personas=("village_agent", "supervisor", "unit_handler"),
        path_params={"pk": "int"},
        filled_status=200,
    ),
    "mediation:session_new": Route(
        lambda w, p: f"/mediation/matter/{_m(w, p)}/sessions/new/",
        "post",
        personas=("village_agent", "county_staff", "supervisor"),
        path_params={"pk": "int"},
        filled_status=302,
    ),
    "mediation:agreement_new": Route(
        lambda w, p: f"/mediation/matter/{p.get('pk', str(_dossier(w).signed_matter_id))}/agreements/new/",
        "post",
        personas=("village_agent", "township_staff", "leader"),
        path_params={"pk": "int"},
        filled_status=302,
    ),
    "mediation:agreement_edit": Route(
        lambda w, p: f"/mediation/agreements/{p.get('pk', str(_dossier(w).draft.pk))}/edit/",
        "post",
        personas=("village_agent", "county_staff", "supervisor"),
        path_params={"pk": "int"},
        filled_status=302,
    ),
    "mediation:agreement_revise": Route(
        lambda w, p: f"/mediation/agreements/{p.get('pk', str(_dossier(w).signed.pk))}/revise/",
        "post",
        personas=("village_agent", "leader"),
        path_params={"pk": "int"},
        filled_status=302,
    ),
    # Filled as a person would (the first choice, 已申请, and every date), it says the court decided on
    # a day while choosing "applied": refused (400) — the action tests cover each choice.
    "mediation:judicial": Route(
        lambda w, p: f"/mediation/agreements/{p.get('pk', str(_dossier(w).signed.pk))}/judicial/",
        "post",
        personas=("village_agent", "county_staff", "outsider"),
        path_params={"pk": "int"},
        filled_status=400,
    ),
    "mediation:perform": Route(
        lambda w, p: f"/mediation/obligations/{p.get('pk', str(_dossier(w).obligation.pk))}/perform/",
        "post",
        personas=("village_agent", "township_staff", "supervisor"),
        path_params={"pk": "int"},
        filled_status=302,
    ),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    fuzz_route(ROUTES, route, world)
