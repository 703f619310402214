"""Benchmark: the screening register (矛盾纠纷排查台账) at 1,000,000 screenings.

Builds (once) ``--rows`` screenings spread over the Hohhot demo villages in a separate database, then asks
for the register page — the whole page, through Django's full request stack (middleware, session, view,
template), as the browser would get it — for a user at each level: city, county, township and village,
plus a filtered page, a page 40 cursors deep, and the agent's home page (its "to follow up" panel). Beside
each timing it prints the SQL the page ran for the register rows and the database's plan for it, which must
be one ordered index scan of the level's ``scr_*_found`` index (no sort, no scan of the table).

Run with ``make bench BENCH=screenings`` (SQLite, var/bench.sqlite3) or with DATABASE_URL for PostgreSQL.
Rows are bulk-inserted (only the shape of the data matters here); the demo, which people read, is made
through the actions.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{root / 'var' / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daiban.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # Pages are rendered in-process: static files by name, without collectstatic's manifest.
    settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    call_command("migrate", verbosity=0)
    _ensure_indexes()
    # As in Django's own test runs: the test client keeps each page's context, and the connection stays
    # open across requests (so the SQL a page ran can be captured and explained).
    from django.core.signals import request_finished
    from django.db import close_old_connections
    from django.test.utils import setup_test_environment

    setup_test_environment()
    request_finished.disconnect(close_old_connections)
    call_command("load_demo_network", verbosity=0)
    _fill(args.rows)
    _measure(args.repeat)


def _ensure_indexes() -> None:
    """A bench database built before an index was added to the (not yet released) initial migration gets
    it here, so that a rebuild of a million rows is not needed."""
    from django.db import connection

    from daiban.prevention.models import Screening

    with connection.schema_editor() as editor:
        existing = connection.introspection.get_constraints(connection.cursor(), Screening._meta.db_table)
        for index in Screening._meta.indexes:
            if index.name not in existing:
                editor.add_index(Screening, index)


def _fill(rows: int) -> None:
    from django.db import connection, transaction

    from daiban.accounts.models import Role, User
    from daiban.prevention.models import Screening
    from daiban.prevention.models.screenings import (
        REVIEW_DAYS,
        ConflictKind,
        RiskLevel,
        ScreeningStatus,
        Source,
    )
    from daiban.regions.models import Level, Region

    have = Screening.objects.count()
    if have >= rows:
        print(f"{have:,} screenings already present")
        return
    rng = random.Random(9)
    villages = list(Region.objects.filter(level=Level.VILLAGE).values_list("id", "path"))
    agent = User.objects.filter(role=Role.VILLAGE_AGENT).first()
    assert agent is not None
    start = date(2022, 1, 1)
    # Most conflicts are settled before anyone petitions; a few stay under watch.
    statuses = [ScreeningStatus.RESOLVED] * 14 + [
        ScreeningStatus.WATCHING,
        ScreeningStatus.RESOLVING,
        ScreeningStatus.STABILISED,
        ScreeningStatus.TRANSFERRED,
        ScreeningStatus.TRANSFERRED,
    ]
    kinds = list(ConflictKind.values)
    risks = [RiskLevel.GENERAL] * 7 + [RiskLevel.SERIOUS] * 2 + [RiskLevel.GRAVE]
    t0 = time.perf_counter()
    batch: list[Screening] = []
    for i in range(have, rows):
        vid, path = rng.choice(villages)
        codes = path.strip("/").split("/")
        found = start + timedelta(days=rng.randrange(0, 5 * 365))
        status = rng.choice(statuses)
        risk = rng.choice(risks)
        is_open = status in (ScreeningStatus.WATCHING, ScreeningStatus.RESOLVING, ScreeningStatus.STABILISED)
        batch.append(
            Screening(
                number=f"PC{codes[1]}-B-{i:08d}",
                region_id=vid,
                region_path=path,
                scope_city=codes[0],
                scope_county=codes[1],
                scope_township=codes[2],
                kind=rng.choice(kinds),
                title=f"基准纠纷 {i}",
                description="基准测试数据",
                risk=risk,
                risk_reason="基准",
                source=Source.VISIT,
                found_on=found,
                found_by=agent,
                responsible=agent,
                status=status,
                review_on=found + timedelta(days=REVIEW_DAYS[risk]) if is_open else None,
                closed_on=None if is_open else found + timedelta(days=rng.randrange(1, 40)),
            )
        )
        if len(batch) == 20_000:
            with transaction.atomic():
                Screening.objects.bulk_create(batch)
            batch.clear()
    if batch:
        with transaction.atomic():
            Screening.objects.bulk_create(batch)
    print(f"inserted {rows - have:,} screenings in {time.perf_counter() - t0:.0f} s")
    with connection.cursor() as cursor:  # fresh statistics, as a maintained database would have
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


class _Recorder:
    """Every statement a page runs, with its parameters (a database execute wrapper)."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.statements.append((sql, params))
        return execute(sql, params, many, context)


def _register_sql(statements: list[tuple[str, Any]]) -> tuple[str, Any] | None:
    """The query that fetched the register's rows (the one ordered by found_on)."""
    for sql, params in statements:
        if '"prevention_screening"' in sql and "ORDER BY" in sql and "found_on" in sql:
            return sql, params
    return None


def _plan(sql: str, params: Any) -> str:
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return "\n".join("    " + " ".join(str(c) for c in row) for row in cursor.fetchall())


def _measure(repeat: int) -> None:
    from django.db import connection
    from django.test import Client

    from daiban.accounts.models import Role, User
    from daiban.prevention.models import Screening

    users = {
        "city": User.objects.get(username="shi_admin"),
        "county": User.objects.get(username="xinchengqu_zhongxin"),
        "township": User.objects.get(username="hulunlu_zhan"),
        "village": User.objects.filter(role=Role.VILLAGE_AGENT, username="suyala_daiban").first(),
    }
    print(f"database: {connection.vendor}, screenings: {Screening.objects.count():,}")
    clients = {}
    for level, user in users.items():
        assert user is not None
        client = Client()
        client.force_login(user)
        clients[level] = client

    def page(level: str, url: str) -> Callable[[], object]:
        def get() -> object:
            response = clients[level].get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return get

    def deep(level: str) -> Callable[[], object]:
        def walk() -> object:
            url = "/screenings/"
            for _ in range(40):
                response = clients[level].get(url)
                assert response.status_code == 200
                cursor = response.context["page"].next_cursor
                url = f"/screenings/?after={cursor}"
            return response

        return walk

    cases: list[tuple[str, Callable[[], object], bool]] = [
        ("city: register, first page", page("city", "/screenings/"), True),
        ("county: register, first page", page("county", "/screenings/"), True),
        ("township: register, first page", page("township", "/screenings/"), True),
        ("village agent: register, first page", page("village", "/screenings/"), True),
        (
            "county: 重大 risk, open (filtered)",
            page("county", "/screenings/?risk=grave&status=watching"),
            True,
        ),
        ("city: 40 pages deep (keyset)", deep("city"), False),
        ("village agent: home page", page("village", "/"), False),
    ]
    print(f"{'case':42} {'median ms':>10} {'max ms':>10}")
    for name, fn, explain in cases:
        recorder = _Recorder()
        with connection.execute_wrapper(recorder):
            fn()  # warm, and the SQL it runs
        samples = []
        for _ in range(repeat):
            t = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - t) * 1000)
        print(f"{name:42} {statistics.median(samples):10.1f} {max(samples):10.1f}")
        if explain:
            found = _register_sql(recorder.statements)
            if found is None:
                print(f"  (no register query among {len(recorder.statements)} statements)")
                continue
            print(f"  SQL: {found[0]}\n  params: {found[1]}")
            print("  plan:\n" + _plan(*found))


if __name__ == "__main__":
    main()
