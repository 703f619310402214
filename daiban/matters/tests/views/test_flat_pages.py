"""Issue 15: pages whose cost must not grow with the matters table — the shape of their queries.

The timings are in bench/README.md (``bench/pages.py``); these tests hold the shapes that make them flat:
an exact number or lookup code is an index probe (no pattern match), a unit's scope and queue are index
ranges on the unit (no join of the matters to their tasks), counts stop at a cap, and the CSV export reads
a batch of rows per query, never a row.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import PASSWORD, Personas, Tree
from daiban.accounts.models import User
from daiban.matters import queues
from daiban.matters.actions import PetitionerInput
from daiban.matters.models import Matter
from daiban.matters.queues import queue_matters
from daiban.matters.selectors import matters_for
from daiban.matters.tests.factories import Flow, frozen, intake
from daiban.matters.views import exports


def _client(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _make(personas: Personas, tree: Tree, n: int, hour: int | None = None) -> list[Matter]:
    made = []
    for i in range(n):
        with frozen(2026, 11, 1 + (i % 20), hour=8 + i % 9 if hour is None else hour):
            made.append(
                intake(
                    personas.village_agent,
                    tree.village_a1x,
                    petitioners=[PetitionerInput(name=f"李{i}", phone=f"139047{i:05d}", group="resident")],
                    title=f"事项{i}",
                    new_matter_reason="新问题",
                )
            )
    return made


def _matter_sql(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if 'FROM "matters_matter"' in q["sql"]]


def test_search_by_number_or_lookup_code_is_an_exact_probe(tree: Tree, personas: Personas) -> None:
    made = _make(personas, tree, 3)
    client = _client(personas.county_staff)
    for term in (made[1].number, made[1].lookup_code, made[1].lookup_code.lower()):
        with CaptureQueriesContext(connection) as ctx:
            rows = client.get("/matters/", {"q": term}).context["rows"]
        assert [r.matter.pk for r in rows] == [made[1].pk]
        sql = _matter_sql(ctx)
        assert sql and not any("LIKE" in s.upper() for s in sql), sql
        if connection.vendor == "sqlite":  # without statistics, SQLite's plan follows the indexes alone
            for statement in sql:
                if '"number" =' not in statement:
                    continue
                with connection.cursor() as cursor:
                    probe = next(q for q in ctx.captured_queries if q["sql"] == statement)
                    cursor.execute("EXPLAIN QUERY PLAN " + probe["sql"])  # parameters inlined
                    plan = " ".join(str(r[-1]) for r in cursor.fetchall())
                assert "SCAN matters_matter" not in plan, plan
    # A term that is no number or code still finds by title (the pattern search, only then).
    assert [r.matter.pk for r in client.get("/matters/", {"q": "事项2"}).context["rows"]] == [made[2].pk]


def test_a_number_outside_scope_is_not_found(tree: Tree, personas: Personas) -> None:
    ours = _make(personas, tree, 1)[0]
    rows = _client(personas.outsider).get("/matters/", {"q": ours.number}).context["rows"]
    assert rows == []


def test_unit_scope_and_queue_are_ranges_on_the_unit(flow: Flow, personas: Personas) -> None:
    routed = flow.routed()
    handling = flow.handling(new_matter_reason="另一问题")
    flow.at_county(new_matter_reason="又一问题")  # not the unit's
    unit = personas.unit_handler
    with CaptureQueriesContext(connection) as ctx:
        seen = set(matters_for(unit).values_list("pk", flat=True))
        queue = set(queue_matters(unit, "tasks", flow.today).values_list("pk", flat=True))
    assert seen == queue == {routed.pk, handling.pk}
    for sql in ctx.captured_queries:
        # No join of the matters to their tasks (which made the database filter every matter), but
        # the unit's task rows selected by unit and status, united with its reviews.
        assert not re.search(r'JOIN "matters_unittask"', sql["sql"]), sql["sql"]
        assert "UNION" in sql["sql"]


def test_counts_stop_at_the_cap(tree: Tree, personas: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    _make(personas, tree, 4)
    monkeypatch.setattr(queues, "COUNT_CAP", 2)
    client = _client(personas.village_agent)
    home = client.get("/").content.decode()
    assert re.search(r'data-testid="count-todo">2\+</span>', home)
    listing = client.get("/matters/", {"queue": "todo"}).content.decode()
    assert "超过 2 件" in listing
    monkeypatch.setattr(queues, "COUNT_CAP", 999)
    assert "共 4 件" in client.get("/matters/", {"queue": "todo"}).content.decode()


def _export(client: Client, **params: str) -> list[str]:
    response = client.get("/matters/export.csv", params)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    return [line.split(",")[0] for line in text.splitlines()[1:]]


def test_export_reads_a_batch_per_query(
    tree: Tree, personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "COPY_ON_POSTGRESQL", False)  # the Python path, on either database
    made = _make(personas, tree, 7)
    newest_first = [m.number for m in sorted(made, key=lambda m: (m.received_at, m.pk), reverse=True)]
    client = _client(personas.county_staff)
    with CaptureQueriesContext(connection) as one_batch:
        assert _export(client) == newest_first
    monkeypatch.setattr(exports, "BATCH", 2)  # four batches of at most two rows
    with CaptureQueriesContext(connection) as four_batches:
        assert _export(client) == newest_first  # nothing lost or repeated at the batch edges
    # Each batch costs its rows and its petitioners' names: two queries, whatever its size.
    assert len(four_batches.captured_queries) - len(one_batch.captured_queries) == 2 * 3
    assert len(_matter_sql(four_batches)) == 4


def test_export_date_filter_keeps_whole_local_days(tree: Tree, personas: Personas) -> None:
    made = _make(personas, tree, 5, hour=0)  # 2026-11-01 .. 2026-11-05 at 00:00 Beijing time (16:00 UTC)
    client = _client(personas.county_staff)
    shown = _export(client, date_from="2026-11-02", date_to="2026-11-04")
    assert sorted(shown) == sorted(m.number for m in made[1:4])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY … TO STDOUT is PostgreSQL's")
def test_export_copy_on_postgresql_gives_the_python_paths_cells(
    tree: Tree, personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL streams the export with COPY, formatting each cell in SQL: the same cells as the Python
    path — labels, local time, names joined in order, the holder's office, provisional dates, 化解, formula
    guards, empty cells — and one statement however many rows."""
    made = _make(personas, tree, 4)
    Matter.objects.filter(pk=made[0].pk).update(title="=SUM(A1)", resolved=True, due_provisional=True)
    Matter.objects.filter(pk=made[1].pk).update(title="-1 元", resolved=False)
    Matter.objects.filter(pk=made[2].pk).update(title='说"明",另附', holder_unit=tree.unit_housing_a)
    with frozen(2026, 11, 25, hour=9):
        intake(
            personas.village_agent,
            tree.village_a1x,
            petitioners=[
                PetitionerInput(name="张一", phone="13904711111", group="resident"),
                PetitionerInput(name="张二", phone="13904722222", group="resident"),
            ],
            title="两人同来\n第二行",
            new_matter_reason="新问题",
        )
    client = _client(personas.county_staff)

    def cells() -> list[list[str]]:
        response = client.get("/matters/export.csv")
        text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
        return list(csv.reader(io.StringIO(text)))

    with CaptureQueriesContext(connection) as ctx:
        by_copy = cells()
    assert not _matter_sql(ctx)  # the rows came by COPY, not by a batch query
    monkeypatch.setattr(exports, "COPY_ON_POSTGRESQL", False)
    by_python = cells()
    assert by_copy == by_python
    assert len(by_copy) == 6
    assert by_copy[1][2] == "两人同来\n第二行" and by_copy[1][3] == "张一、张二"
    assert {r[2] for r in by_copy} >= {"'=SUM(A1)", "'-1 元", '说"明",另附'}
