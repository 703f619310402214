"""Exports' pages in the permission matrix (tests/test_url_permissions.py counts these CASES).

A job belongs to the user who asked (新城区's county staff here): everyone else gets 404 for its page and
its file, as for a job that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from conftest import Personas, Tree
from daiban.exchange.exports import jobs
from daiban.exchange.exports.ledgers import LEDGERS
from daiban.exchange.models.exports import ExportJob
from daiban.matters.tests.factories import intake
from daiban.prevention.tests.test_url_permissions import check_case
from tests.test_url_permissions import ALL, Case

NOT_OWNER = {name: 404 for name in ALL if name != "county_staff"}
NO_SCREENINGS = {"unit_handler": 403, "outsider_unit_handler": 403}


@dataclass
class ExportWorld:
    tree: Tree
    personas: Personas
    job: ExportJob


CASES: dict[str, Case] = {
    "exchange:export_list": Case(lambda w: "/exports/", {}),
    "exchange:ledger_export": Case(lambda w: "/exports/ledger/screenings/?risk=serious", NO_SCREENINGS),
    "exchange:export_job": Case(lambda w: f"/exports/jobs/{w.job.token}/", NOT_OWNER),
    "exchange:export_download": Case(lambda w: f"/exports/jobs/{w.job.token}/download/", NOT_OWNER),
    "exchange:monthly_report": Case(lambda w: "/exports/monthly/", NO_SCREENINGS),
}

# Beyond the matrix: the matters ledger's page is open to every role that has the matter list.
EXTRA: dict[str, Case] = {
    "matters ledger": Case(lambda w: "/exports/ledger/matters/?category=labour", {}),
    "unknown ledger": Case(lambda w: "/exports/ledger/people/", {}, 404),
    # 新城区's report: its county's people; a village or township outside 新城区's top is refused (400, the
    # form names the region), units have no statistics, 托克托县 is outside.
    "monthly report of 新城区": Case(
        lambda w: f"/exports/monthly/?region={w.tree.county_a.code}&month=2026-06&format=xlsx",
        {
            **NO_SCREENINGS,
            "village_agent": 400,
            "township_staff": 400,
            "outsider": 400,
            "outsider_village_agent": 400,
        },
    ),
    "monthly report of a village": Case(
        lambda w: f"/exports/monthly/?region={w.tree.village_a1x.code}&month=2026-06&format=docx",
        # Offered down to the townships, and to a village's own agents their village.
        {name: 400 for name in ALL if name != "village_agent"} | NO_SCREENINGS,
    ),
}


@pytest.fixture
def export_world(tree: Tree, personas: Personas) -> ExportWorld:
    intake(personas.village_agent, tree.village_a1x)
    job = jobs.start(personas.county_staff, LEDGERS["matters"], {})
    assert jobs.downloadable(job)
    return ExportWorld(tree=tree, personas=personas, job=job)


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, export_world: ExportWorld) -> None:
    check_case(route, CASES[route], export_world, export_world.personas)


@pytest.mark.parametrize("route", sorted(EXTRA))
def test_more_cases_for_every_persona(route: str, export_world: ExportWorld) -> None:
    check_case(route, EXTRA[route], export_world, export_world.personas)
