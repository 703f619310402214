"""The workload summary's counts and the home panel: each count is a bounded index search on the level's
scope column and the status (the (scope, status, promised_on) and (scope, status, finished_on) indexes),
never a walk of the subtree's register; the home panel reads through the scope selector."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Personas, Tree
from daiban.accounts.models import User
from daiban.matters.tests.factories import frozen
from daiban.prevention.actions.errands import errand_finish
from daiban.prevention.models import Errand
from daiban.prevention.tests.errands.helpers import TODAY, client_for, record
from daiban.prevention.views.errands import home_panel, workload, workload_counts

LEVELS = [
    ("city_admin", "scope_city"),
    ("county_staff", "scope_county"),
    ("township_staff", "scope_township"),
    ("village_agent", "region_id"),
]


def _status_indexes(column: str) -> set[str]:
    """The errand indexes that hold the status and the level's column (the bounded-count indexes)."""
    field = "region" if column == "region_id" else column
    return {i.name for i in Errand._meta.indexes if i.name and {"status", field} <= set(i.fields)}


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.parametrize(("who", "column"), LEVELS)
def test_each_count_is_an_index_search_on_the_level_column_and_status(
    tree: Tree, personas: Personas, who: str, column: str
) -> None:
    record(personas.village_agent)
    user: User = getattr(personas, who)
    counts = workload_counts(user, TODAY)
    assert set(counts) == {"open", "overdue", "done_month"}
    allowed = _status_indexes(column)
    assert len(allowed) == 2, allowed  # by promised date and by finished date
    if who == "village_agent":
        # A village agent's workload is their own: (agent, status, promised_on) bounds it as tightly.
        allowed.add("err_agent_open")
    with CaptureQueriesContext(connection) as captured:
        workload(user, TODAY)
    assert len(captured.captured_queries) == 3
    for query in captured.captured_queries:
        sql = query["sql"]
        assert f'"prevention_errand"."{column}" =' in sql and '"status" =' in sql, sql
        assert "ORDER BY" not in sql, sql  # an ordered subquery walks the register's date index instead
        # SQLite's planner picks by the schema alone, so its plan on a few test rows is the plan at scale;
        # PostgreSQL's depends on the statistics of a large table (see bench/).
        if connection.vendor != "sqlite":
            continue
        plan = _plan(sql)
        assert "SEARCH prevention_errand USING" in plan and "SCAN prevention_errand" not in plan, plan
        used = plan.split(" INDEX ", 1)[1].split(" ", 1)[0]
        assert used in allowed, plan
        assert used == "err_agent_open" or f"{column}=?" in plan, plan


def test_done_this_month_counts_only_this_months_done(tree: Tree, personas: Personas) -> None:
    agent = personas.village_agent
    early = record(agent, person="上月办成户", requested_on=TODAY - datetime.timedelta(days=20))
    late = record(agent, person="本月办成户")
    failed = record(agent, person="本月未办成户")
    finishes = ((early, (2026, 10, 30), True), (late, (2026, 11, 2), True), (failed, (2026, 11, 3), False))
    for errand, day, done in finishes:
        with frozen(*day):
            errand_finish(
                actor=agent,
                errand_id=errand.pk,
                expected_version=1,
                done=done,
                result="已告知",
                notice_method="phone",
            )
    with frozen(2026, 11, 6):
        summary = client_for(agent).get("/errands/").context["summary"]
    assert (summary["open"], summary["done_month"]) == ("0", "1")


def test_the_home_panel_reads_through_the_scope(tree: Tree, personas: Personas) -> None:
    """An errand the agent once ran in a place now outside their grant is not on their home."""
    agent = personas.township_staff
    inside = record(agent, person="辖区内户", region=tree.village_a1x)
    moved = record(agent, person="辖区外户", region=tree.village_a1y)
    elsewhere = personas.outsider_village_agent.region
    moved.region, moved.region_path = elsewhere, elsewhere.path
    moved.save()
    with frozen(2026, 11, 4):
        panel = home_panel(agent)
    assert panel is not None
    assert [e.pk for e in panel["errands"]] == [inside.pk]
