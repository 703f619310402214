"""Exports in the fuzz test: hostile filters carried to a ledger's export, hostile ledger kinds and job
tokens; never a server error, never a page made to order."""

from __future__ import annotations

import pytest

from daiban.exchange.exports import jobs
from daiban.exchange.exports.ledgers import LEDGERS
from daiban.exchange.models.exports import ExportJob
from daiban.prevention.tests.test_fuzz_inputs import fuzz_route
from tests.test_fuzz_inputs import Route, World, world  # noqa: F401  (the fixture)

MATTER_FILTERS = (
    "q=%E6%BC%8F%E6%B0%B4&status=registered&step=accept&category=labour&channel=window&region=150102"
    "&due=overdue&date_from=2026-01-01&date_to=2026-12-31&order=due&queue=mine&unit=1&leader=1"
)


def _job(w: World) -> ExportJob:
    owner = w.people["village_agent"]
    job = ExportJob.objects.filter(user=owner).first()
    return job or jobs.start(owner, LEDGERS["matters"], {})


ROUTES: dict[str, Route] = {
    "exchange:export_list": Route(lambda w, p: "/exports/", personas=("village_agent", "unit_handler")),
    "exchange:ledger_export": Route(
        lambda w, p: f"/exports/ledger/{p.get('kind', 'matters')}/?{MATTER_FILTERS}",
        "post",
        personas=("village_agent", "county_staff", "unit_handler"),
        path_params={"kind": "str"},
    ),
    "exchange:export_job": Route(
        lambda w, p: f"/exports/jobs/{p.get('token', _job(w).token)}/",
        personas=("village_agent", "county_staff"),
        path_params={"token": "str"},
    ),
    "exchange:export_download": Route(
        lambda w, p: f"/exports/jobs/{p.get('token', _job(w).token)}/download/",
        personas=("village_agent", "county_staff"),
        path_params={"token": "str"},
    ),
    "exchange:monthly_report": Route(
        lambda w, p: "/exports/monthly/", personas=("county_staff", "village_agent", "city_admin")
    ),
}

SCREENING_FILTERS = "q=x&status=open&risk=serious&kind=neighbour&region=150102&date_from=2026-01-01&date_to=x"
EXTRA: dict[str, Route] = {
    "screenings ledger": Route(
        lambda w, p: f"/exports/ledger/screenings/?{SCREENING_FILTERS}",
        "post",
        personas=("village_agent", "county_staff"),
    ),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    fuzz_route(ROUTES, route, world)


@pytest.mark.parametrize("route", sorted(EXTRA))
def test_hostile_filters_of_the_screening_ledger(route: str, world: World) -> None:  # noqa: F811
    fuzz_route(EXTRA, route, world)
