"""Benchmark (issue 15): the pages that grew with the matters table, as whole pages.

Uses the matters of ``bench/run.py`` (``--rows``, made if missing) and gives every routed, handling or
replied matter a lead task of one of the demo units (bulk SQL, once), so a unit's handler has a queue of
its share. It then asks, through Django's full request stack (session, middleware, view, template), for:
the unit handler's home page and list, the county centre's and the city administrator's home pages, the
city's overdue queue with its count, a search by number and by lookup code at county and city scope, and
one county's year as CSV. For each: median / p95 ms, the time spent in SQL, the number of statements and
(``--explain``) the plan of the slowest statement. Run with ``make bench BENCH=pages`` or with
DATABASE_URL set for PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--rows", type=int, default=0, help="default: 1,000,000 on PostgreSQL, 100,000 on SQLite"
    )
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--only", default="", help="run only the cases whose name contains this")
    parser.add_argument("--http", action="store_true", help="also time each page over HTTP through gunicorn")
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
    from django.core.signals import request_finished
    from django.db import close_old_connections

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    call_command("migrate", verbosity=0)
    # No setup_test_environment(): its instrumented template rendering (a signal per template, so per
    # <option> of a select box) doubled the list pages' time. The connection stays open across requests.
    request_finished.disconnect(close_old_connections)
    call_command("load_demo_network", verbosity=0)
    from bench.fill import default_rows
    from bench.run import _fill

    _fill(args.rows or default_rows())
    _tasks()
    _measure(args.repeat, args.explain, args.only, args.http)


def _tasks() -> None:
    """A lead task for every routed (assigned), handling (accepted) and replied (done) matter, the units
    taken in turn by matter id; by SQL in ranges of a million ids, each committed on its own (PostgreSQL:
    with the foreign-key triggers off, the values being right by construction)."""
    from django.db import connection
    from django.db.models import Max, Min

    from daiban.accounts.models import User
    from daiban.matters.models import Matter, UnitTask
    from daiban.network.models import ResponsibleUnit

    units = list(ResponsibleUnit.objects.order_by("id").values_list("id", flat=True))
    admin = User.objects.get(username="shi_admin")
    # The unit of matter m: units[m.id % len(units)] (PostgreSQL: an array subscript; a 621-way CASE took
    # 24 s for 33,000 rows).
    if connection.vendor == "postgresql":
        unit = "(ARRAY[" + ",".join(map(str, units)) + f"])[1 + m.id %% {len(units)}]"
    else:
        unit = (
            f"CASE m.id %% {len(units)} "
            + " ".join(f"WHEN {i} THEN {u}" for i, u in enumerate(units))
            + " END"
        )
    # Tasks are made here only, in matter id order: continue after the last matter that has one. (A NOT
    # EXISTS on the tasks table, planned while it was empty, re-read the rows the same statement had just
    # inserted for every matter: minutes at 1M.)
    done = UnitTask.objects.aggregate(last=Max("matter_id"))["last"] or 0
    first = Matter.objects.filter(id__gt=done).aggregate(first=Min("id"))["first"]
    last = Matter.objects.aggregate(last=Max("id"))["last"]
    if first is None or last is None:
        return
    t0 = time.perf_counter()
    made = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        for lo in range(first, last + 1, 1_000_000):
            cursor.execute(
                f"""
                INSERT INTO matters_unittask (matter_id, unit_id, role, instructions, status, assigned_at,
                    assigned_by_id, sent_from_id, notice_method, objection_reason, objection_refusal,
                    part_content)
                SELECT m.id, {unit}, 'lead', '',
                    CASE m.status WHEN 'routed' THEN 'assigned' WHEN 'handling' THEN 'accepted' ELSE 'done' END,
                    m.received_at, %s, m.region_id, '', '', '', ''
                FROM matters_matter m
                WHERE m.id >= %s AND m.id < %s AND m.status IN ('routed', 'handling', 'replied')
                """,
                [admin.pk, lo, lo + 1_000_000],
            )
            made += cursor.rowcount
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")
    if made:
        print(f"made {made:,} unit tasks over {len(units)} units in {time.perf_counter() - t0:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


class _Timer:
    """Every statement a page runs, with its parameters and time (a database execute wrapper)."""

    def __init__(self) -> None:
        self.statements: list[tuple[float, str, Any]] = []

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append(((time.perf_counter() - t) * 1000, sql, params))


def _plan(sql: str, params: Any) -> str:
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return "\n".join("    " + " ".join(str(c) for c in row) for row in cursor.fetchall())


def _measure(repeat: int, explain: bool, only: str, http: bool) -> None:
    from django.db import connection
    from django.test import Client

    from daiban.accounts.models import User
    from daiban.matters.models import Matter, UnitTask

    users = {
        "village": User.objects.get(username="suyala_daiban"),
        "unit": User.objects.get(username="xinchengqu_zhujian"),
        "county": User.objects.get(username="xinchengqu_zhongxin"),
        "city": User.objects.get(username="shi_admin"),
    }
    clients = {}
    for key, user in users.items():
        client = Client()
        client.force_login(user)
        clients[key] = client
    sample = Matter.objects.filter(scope_county="150102").order_by("id").values("number", "lookup_code")[1000]
    unit_tasks = UnitTask.objects.filter(unit_id=users["unit"].unit_id).count()
    print(
        f"database: {connection.vendor}, matters: {Matter.objects.count():,}, "
        f"tasks: {UnitTask.objects.count():,} (the unit's: {unit_tasks:,})"
    )
    year = "region=150102&date_from=2025-01-01&date_to=2025-12-31"
    matter_id = Matter.objects.filter(scope_county="150102").order_by("id").values_list("id", flat=True)[1000]
    cases = [
        ("village agent: home", "village", "/"),
        ("village agent: list", "village", "/matters/"),
        ("unit handler: home", "unit", "/"),
        ("unit handler: list", "unit", "/matters/"),
        ("county centre: home", "county", "/"),
        ("county centre: list", "county", "/matters/"),
        ("county centre: matter page", "county", f"/matters/{matter_id}/"),
        ("county centre: statistics", "county", "/stats/"),
        ("county centre: screening register", "county", "/screenings/"),
        ("city admin: home", "city", "/"),
        ("city admin: list", "city", "/matters/"),
        ("city admin: statistics", "city", "/stats/"),
        ("city: overdue queue with count", "city", "/matters/?queue=overdue"),
        ("county: search by number", "county", f"/matters/?q={sample['number']}"),
        ("county: search by lookup code", "county", f"/matters/?q={sample['lookup_code']}"),
        ("city: search by number", "city", f"/matters/?q={sample['number']}"),
        ("city: search by lookup code", "city", f"/matters/?q={sample['lookup_code']}"),
        ("city: CSV, one county's year", "city", f"/matters/export.csv?{year}"),
    ]
    cases = [c for c in cases if not only or only in c[0]]
    print(f"{'page (in process)':34} {'p50 ms':>8} {'p95 ms':>8} {'SQL ms':>8} {'raw SQL':>8} {'stmts':>6}")
    replayed: dict[str, float] = {}
    for name, who, url in cases:
        client = clients[who]

        def get(client: Client = client, url: str = url) -> bytes:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            if response.streaming:
                return b"".join(response.streaming_content)  # type: ignore[attr-defined]
            return response.content

        body = get()  # warm
        times, sql = [], []
        timer = _Timer()
        n = repeat if "CSV" not in name else max(3, repeat // 5)
        for _ in range(n):
            timer = _Timer()
            with connection.execute_wrapper(timer):
                t = time.perf_counter()
                body = get()
                times.append((time.perf_counter() - t) * 1000)
            sql.append(sum(s[0] for s in timer.statements))
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        replayed[name] = _replay(timer.statements)
        print(
            f"{name:34} {statistics.median(times):8.1f} {p95:8.1f} {statistics.median(sql):8.1f} "
            f"{replayed[name]:8.1f} {len(timer.statements):6d}"
        )
        if "CSV" in name:
            lines = body.count(b"\n") - 1
            print(f"  {lines:,} rows, {lines / (statistics.median(times) / 1000):,.0f} rows/s")
        if explain:
            slowest = max(timer.statements, key=lambda s: s[0])
            print(f"  slowest statement ({slowest[0]:.1f} ms): {slowest[1][:600]}\n  params: {slowest[2]}")
            print("  plan:\n" + _plan(slowest[1], slowest[2]))
    if http:
        _over_http(cases, {k: u.username for k, u in users.items()}, repeat, replayed)


def _replay(statements: list[tuple[float, str, Any]], times: int = 5) -> float:
    """The page's statements run again straight through the driver (no ORM, no view): median total ms."""
    from django.db import connection

    raw = connection.connection
    totals = []
    for _ in range(times):
        t = time.perf_counter()
        with raw.cursor() as cursor:
            for _, sql, params in statements:
                if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue  # reads only: the audit record and the session save are not replayed
                cursor.execute(sql, params)
                if cursor.description is not None:
                    cursor.fetchall()
        totals.append((time.perf_counter() - t) * 1000)
    return statistics.median(totals)


def _over_http(
    cases: list[tuple[str, str, str]], usernames: dict[str, str], repeat: int, replayed: dict[str, float]
) -> None:
    """Each page as a user feels it: gunicorn (the project's config, two workers) on the same database, a
    logged-in keep-alive client per persona, warm-up, then ``repeat`` requests (CSV: a fifth)."""
    import subprocess
    import tempfile

    from bench.soak import Session, Stats, _environment, _free_port, _start_server, _stop

    root = Path(__file__).resolve().parent.parent
    var_dir = Path(tempfile.mkdtemp(prefix="daiban-pages-"))
    env = _environment(os.environ["DATABASE_URL"], var_dir)
    subprocess.run(
        [str(root / ".venv" / "bin" / "python"), "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=root,
        env=env,
        check=True,
    )
    port = _free_port()
    procs = _start_server(env, port, 2, var_dir / "server.log", consumer=False)
    try:
        stats = Stats()
        sessions = {}
        for who, username in usernames.items():
            sessions[who] = Session("127.0.0.1", port, stats)
            sessions[who].login(username)
        print(f"\n{'page (HTTP, gunicorn)':34} {'p50 ms':>8} {'p95 ms':>8} {'raw SQL':>8} {'page/SQL':>8}")
        for name, who, url in cases:
            session = sessions[who]
            for _ in range(3):
                status, _, _ = session.request(name, "GET", url)
                assert status == 200, (url, status)
            times = []
            for _ in range(repeat if "CSV" not in name else max(3, repeat // 5)):
                t = time.perf_counter()
                status, _, body = session.request(name, "GET", url)
                times.append((time.perf_counter() - t) * 1000)
                assert status == 200, (url, status)
            times.sort()
            p50 = statistics.median(times)
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            sql = replayed.get(name, 0.0)
            ratio = f"{p50 / sql:8.1f}" if sql else f"{'—':>8}"
            print(f"{name:34} {p50:8.1f} {p95:8.1f} {sql:8.1f} {ratio}")
            if "CSV" in name:
                lines = body.count(b"\n") - 1
                print(f"  {lines:,} rows, {lines / (p50 / 1000):,.0f} rows/s")
    finally:
        _stop(procs)


if __name__ == "__main__":
    main()
