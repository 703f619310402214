"""The annual report URLs in the permission matrix: every persona, every URL, on 新城区's report of 2026 and
a proposal 新城区 made to its 住建局.

Readers are the statistics' readers whose grant is a county or the city (新城区's staff, leader and
supervisor; the city administrator); a village agent, a township station and a unit's handler have no
annual report (403); 托克托县's county staff, a reader elsewhere, gets 404. Writing (the foreword, a
proposal, an answer) is for the level's own office: 新城区's staff (302 after a valid post); the other
readers in scope get 403. A refused post changes nothing (test_proposals)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from conftest import Personas, Tree
from daiban.annual import actions
from daiban.prevention.tests.test_url_permissions import check_case
from tests.test_url_permissions import Case

NOT_A_READER = {
    "village_agent": 403,
    "township_staff": 403,
    "unit_handler": 403,
    "outsider_village_agent": 403,
    "outsider_unit_handler": 403,
}
READ = {**NOT_A_READER, "outsider": 404}
WRITE = {**READ, "leader": 403, "supervisor": 403, "city_admin": 403}
YEAR = 2026


@dataclass
class World:
    code: str
    proposal_id: int


def _q(w: World) -> str:
    return f"region={w.code}&year={YEAR}"


CASES: dict[str, Case] = {
    "annual:report": Case(lambda w: f"/annual/?{_q(w)}", READ),
    "annual:docx": Case(lambda w: f"/annual/report.docx?{_q(w)}", READ),
    "annual:pdf": Case(lambda w: f"/annual/report.pdf?{_q(w)}", READ),
    "annual:proposals": Case(lambda w: f"/annual/proposals/?{_q(w)}", READ),
    "annual:foreword": Case(
        lambda w: f"/annual/{w.code}/{YEAR}/foreword/",
        WRITE,
        default=302,
        method="post",
        data={"foreword": "本年度工作概况。", "version": "0"},
    ),
    "annual:proposal_new": Case(
        lambda w: f"/annual/{w.code}/{YEAR}/proposals/new/",
        WRITE,
        default=302,
        method="post",
        data={"kind": "improve", "organ": "某街道办事处", "text": "建立物业矛盾月度会商机制。"},
    ),
    "annual:proposal_answer": Case(
        lambda w: f"/annual/proposals/{w.proposal_id}/answer/",
        WRITE,
        default=302,
        method="post",
        data={"outcome": "adopted", "answered_on": "2026-06-02", "answer_text": "已采纳。", "version": "0"},
    ),
}


@pytest.fixture
def world(tree: Tree, personas: Personas) -> World:
    from daiban.core import clock
    from daiban.matters.tests.factories import at

    with clock.frozen(at(2026, 6, 1, 10)):
        proposal = actions.proposal_make(
            actor=personas.county_staff,
            region=tree.county_a,
            year=YEAR,
            kind="accountability",
            text="对超期未受理交办事项的责任人追责。",
            unit=tree.unit_housing_a,
        )
    return World(tree.county_a.code, proposal.pk)


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, world: World, personas: Personas) -> None:
    check_case(route, CASES[route], world, personas)


def test_the_city_writes_its_own_report_and_reads_a_countys(tree: Tree, personas: Personas) -> None:
    from django.test import Client

    from conftest import PASSWORD

    client = Client()
    assert client.login(username=personas.city_admin.username, password=PASSWORD)
    assert client.get(f"/annual/{tree.city.code}/{YEAR}/foreword/").status_code == 200
    assert client.get(f"/annual/?region={tree.county_b.code}&year={YEAR}").status_code == 200
    assert client.get(f"/annual/?region={tree.town_a1.code}&year={YEAR}").status_code == 404  # not a level
    assert client.get("/annual/?region=999999&year=2026").status_code == 404
    assert client.get("/annual/?region=../../x").status_code == 404
