"""The register list is one ordered index scan at every level: the scope column's ``scr_*_found`` index
delivers the order, with no sort. Checked on SQLite without statistics — the situation in which a
scope-first status index once won and the city's first page sorted a million rows (bench/screenings.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from conftest import Personas, Tree
from daiban.core import clock
from daiban.prevention.actions.screenings import screening_record

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="EXPLAIN QUERY PLAN is SQLite's")


class _Recorder:
    def __init__(self) -> None:
        self.statements: list[tuple[str, object]] = []

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.statements.append((sql, params))
        return execute(sql, params, many, context)


@pytest.mark.parametrize(
    ("persona", "index"),
    [
        ("city_admin", "scr_city_found"),
        ("county_staff", "scr_county_found"),
        ("township_staff", "scr_town_found"),
        ("village_agent", "scr_vill_found"),
    ],
)
def test_the_register_page_is_one_ordered_index_scan(
    tree: Tree, personas: Personas, persona: str, index: str
) -> None:
    screening_record(
        actor=personas.village_agent,
        region=tree.village_a1x,
        kind="neighbour",
        title="排水沟纠纷",
        description="两户因排水沟改道争执。",
        risk="general",
        risk_reason="小矛盾。",
        source="visit",
        found_on=clock.today(),
    )
    client = Client()
    client.force_login(getattr(personas, persona))
    recorder = _Recorder()
    with connection.execute_wrapper(recorder):
        assert client.get("/screenings/").status_code == 200
    sql, params = next(
        (s, p) for s, p in recorder.statements if '"prevention_screening"' in s and "ORDER BY" in s
    )
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
    assert f"USING INDEX {index}" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
