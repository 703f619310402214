"""The import pages in the permission matrix (tests/test_url_permissions.py counts these CASES).

Rosters are imported by the administrators of a region (city or county administrators); ledgers by
county-centre staff for their own county; a run's report is its importer's alone (404 for anyone else).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from conftest import PASSWORD, Personas, Tree
from daiban.exchange.models.imports import ImportKind, ImportRun, ImportStatus
from tests.test_url_permissions import ALL, Case

# Who may import rosters: the county administrators (新城区 and 托克托县) and the city administrator.
NOT_ADMIN = {name: 403 for name in ALL if name not in ("county_staff", "city_admin", "outsider")}
# Ledgers: county-centre staff only (each for their own county).
NOT_COUNTY = {**NOT_ADMIN, "city_admin": 403}


@dataclass
class RunWorld:
    run: ImportRun


CASES: dict[str, Case] = {
    "exchange:import_home": Case(lambda w: "/imports/", NOT_ADMIN),
    "exchange:import_upload": Case(lambda w: "/imports/matters/", NOT_COUNTY),
    "exchange:import_template": Case(lambda w: "/imports/units/template.xlsx", NOT_ADMIN),
    "exchange:import_run": Case(
        lambda w: f"/imports/runs/{w.run.pk}/", {name: 404 for name in ALL if name != "county_staff"}
    ),
}


def _run(personas: Personas) -> ImportRun:
    return ImportRun.objects.create(
        user=personas.county_staff,
        kind=ImportKind.MATTERS,
        filename="台账.xlsx",
        sha256="0" * 64,
        status=ImportStatus.REJECTED,
        report=[{"row": 2, "column": "登记日期", "reason": "不是有效的日期。"}],
    )


def check_case(route: str, case: Case, world: object, personas: Personas) -> None:
    url = case.url(world)  # type: ignore[arg-type]
    for name in ALL:
        client = Client()
        assert client.login(username=getattr(personas, name).username, password=PASSWORD)
        response = getattr(client, case.method)(url, case.data or {})
        assert response.status_code == case.expected.get(name, case.default), (
            route,
            name,
            response.status_code,
        )
    response = getattr(Client(), case.method)(url, case.data or {})
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_for_every_persona(route: str, tree: Tree, personas: Personas) -> None:
    check_case(route, CASES[route], RunWorld(_run(personas)), personas)


@pytest.mark.parametrize("kind", ["organizations", "agents", "units"])
def test_rosters_for_administrators_only(kind: str, tree: Tree, personas: Personas) -> None:
    for path in (f"/imports/{kind}/", f"/imports/{kind}/template.xlsx"):
        check_case(path, Case(lambda w, p=path: p, NOT_ADMIN), None, personas)


def test_unknown_kind_is_404(tree: Tree, personas: Personas) -> None:
    client = Client()
    assert client.login(username=personas.county_staff.username, password=PASSWORD)
    assert client.get("/imports/nothing/").status_code == 404
    assert client.get("/imports/nothing/template.xlsx").status_code == 404
