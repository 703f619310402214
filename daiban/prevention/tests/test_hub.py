"""The 排查预防 entry page: each area, what waits in it (bounded figures), and the buttons by role."""

from __future__ import annotations

import datetime
import re

from django.test import Client

from conftest import Personas, Tree
from daiban.core import clock
from daiban.prevention.actions.screenings import screening_record
from daiban.prevention.views import hub


def _record(personas: Personas, tree: Tree, risk: str) -> None:
    screening_record(
        actor=personas.village_agent,
        region=tree.village_a1x,
        kind="neighbour",
        title="排水沟纠纷",
        description="两户因排水沟改道争执。",
        risk=risk,
        risk_reason="双方已发生推搡。",
        source="visit",
        found_on=clock.today(),
    )


def _page(user: object) -> str:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    response = client.get("/prevention/")
    assert response.status_code == 200
    return response.content.decode()


def test_figures_count_within_scope_and_link_to_the_filtered_register(tree: Tree, personas: Personas) -> None:
    _record(personas, tree, "grave")
    _record(personas, tree, "general")
    areas = {a.title: a for a in hub.areas_for(personas.county_staff, clock.today())}
    screenings = areas["矛盾纠纷排查台账"]
    assert [f.count for f in screenings.figures] == ["1", "1"]  # the grave one is due within 3 days
    assert screenings.figures[1].url == "/screenings/?risk=grave&status=open"
    outside = {a.title: a for a in hub.areas_for(personas.outsider, clock.today())}
    assert [f.count for f in outside["矛盾纠纷排查台账"].figures] == ["0", "0"]
    page = _page(personas.village_agent)
    for title in ("矛盾纠纷排查台账", "走访", "接访活动", "政务服务代办", "预警"):
        assert title in page
    assert "登记矛盾纠纷" in page and "/screenings/new/" in page


def test_readers_get_no_buttons_to_record(tree: Tree, personas: Personas) -> None:
    page = _page(personas.supervisor)
    assert "矛盾纠纷排查台账" in page
    assert "/screenings/new/" not in page and "/visits/new/" not in page


def test_figures_are_bounded(tree: Tree, personas: Personas, monkeypatch: object) -> None:
    monkeypatch.setattr(hub, "CAP", 1)  # type: ignore[attr-defined]
    _record(personas, tree, "grave")
    _record(personas, tree, "grave")
    today = clock.today() + datetime.timedelta(days=0)
    screenings = hub.areas_for(personas.county_staff, today)[0]
    assert screenings.figures[1].count == "1+"


def test_nav_entry_only_for_those_who_use_it(tree: Tree, personas: Personas) -> None:
    assert "排查预防" in _page(personas.village_agent)
    client = Client()
    client.force_login(personas.unit_handler)
    assert "排查预防" not in client.get("/").content.decode()


def test_each_figure_is_an_index_search_not_a_walk_of_the_register(tree: Tree, personas: Personas) -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        return  # EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans on a few rows say nothing
    statements: list[tuple[str, object]] = []

    def record(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        hub.areas_for(personas.county_staff, clock.today())
    assert len(statements) == 7
    for sql, params in statements:
        assert "ORDER BY" not in sql, sql
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
        assert "SEARCH" in plan and "SCAN" not in plan, (sql, plan)
        # A (status, scope, …) index, or — visits, sessions — a date range within the scope.
        assert "_st_" in plan or re.search(r"scope_county=\? AND \w+>", plan), (sql, plan)
