"""Benchmark: the statistics (issue 13 §5) at 1,000,000 matters.

Makes the matters bench data of ``bench/run.py`` in its own database (var/bench_stats.sqlite3, or
DATABASE_URL: give it a database of its own, since it changes those rows), gives the matters the
variety statistics need — channels, categories, purposes, replies, closures (most resolved), ratings,
repeat visits — and a routing and a handling clock each (bulk SQL, once), adds screenings, and rebuilds the
rollups (``manage.py rebuild_stats``'s ``facts.rebuild``, timed). Then it times, as the city administrator
and as a county centre:

* the figures API (``figures_for``, ``subregion_figures``, ``monthly_trend``, ``overdue_by_unit``) — what a
  dashboard asks for — and the whole bundle;
* the whole dashboard page through Django's request stack, once the page exists (URL ``stats:dashboard``);
* beside them, the raw SQL lower bound: the month's rollup rows of the region and its children, run on a
  bare cursor.

Run with ``make bench BENCH=stats`` (SQLite, var/bench_stats.sqlite3) or with DATABASE_URL for PostgreSQL.
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
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--screenings", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the rollups even when present")
    args = parser.parse_args()

    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    if "DATABASE_URL" not in os.environ:
        # Its own copy: the enrichment below closes old matters, which would change run.py's numbers.
        os.environ["DATABASE_URL"] = f"sqlite:///{root / 'var' / 'bench_stats.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daiban.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    call_command("migrate", verbosity=0)
    from django.core.signals import request_finished
    from django.db import close_old_connections
    from django.test.utils import setup_test_environment

    setup_test_environment()
    request_finished.disconnect(close_old_connections)
    call_command("load_demo_network", verbosity=0)

    from bench import run, screenings

    run._fill(args.rows)
    _enrich()
    screenings._fill(args.screenings)
    _rollups(args.rebuild)
    _measure(args.repeat)


OPEN_SINCE = "2026-09-01"


def _enrich() -> None:
    """Variety for the statistics, derived from the id (deterministic, one UPDATE), and the clocks."""
    from django.db import connection, transaction

    from daiban.matters.models import Deadline, Matter

    if Matter.objects.exclude(channel="window").exists():
        print("matters already enriched")
        return
    t0 = time.perf_counter()
    pg = connection.vendor == "postgresql"

    def pick(values: list[str], expr: str) -> str:
        whens = " ".join(f"WHEN {i} THEN '{v}'" for i, v in enumerate(values))
        return f"(CASE ({expr}) % {len(values)} {whens} END)"

    def plus_days(column: str, days: str) -> str:
        return (
            f"{column} + ({days}) * interval '1 day'"
            if pg
            else f"datetime({column}, '+' || ({days}) || ' days')"
        )

    def local_date(column: str) -> str:
        return f"({column} AT TIME ZONE 'Asia/Shanghai')::date" if pg else f"date({column}, '+8 hours')"

    def date_plus(column: str, days: str) -> str:
        return f"({column} + ({days}))" if pg else f"date({column}, '+' || ({days}) || ' days')"

    true, false = ("true", "false") if pg else ("1", "0")
    channels = [
        "window",
        "door",
        "mobile",
        "phone",
        "letter",
        "online",
        "leader_day",
        "livestream",
        "screening",
    ]
    categories = [
        "urban_construction", "land", "labour", "agriculture", "politics_law", "discipline", "education",
        "health", "civil_affairs", "environment", "economy", "transport", "neighbour", "other",
    ]  # fmt: skip
    purposes = ["appeal", "suggestion", "help", "consultation", "appeal", "appeal"]
    ratings = ["satisfied", "satisfied", "satisfied", "basically", "dissatisfied"]
    with transaction.atomic(), connection.cursor() as cursor:
        # As in a real five-year history, what was received before the last quarter has been closed; only
        # recent matters are open (run.py leaves five in nine open whatever their age, all overdue).
        cursor.execute(
            "UPDATE matters_matter SET status = 'closed', due_date = NULL WHERE received_at < %s",
            [OPEN_SINCE],
        )
        cursor.execute(
            f"""UPDATE matters_matter SET
                channel = {pick(channels, "id")},
                category = {pick(categories, "id / 9")},
                purpose = {pick(purposes, "id / 7")},
                replied_at = CASE WHEN status IN ('replied', 'closed') THEN {plus_days("received_at", "id % 50")} END,
                closed_at = CASE WHEN status = 'closed' THEN {plus_days("received_at", "55 + id % 30")} END,
                closure_kind = CASE WHEN status = 'closed' THEN 'handled' ELSE '' END,
                resolved = CASE WHEN status = 'closed' THEN (id % 11 <> 0) END,
                service_satisfaction = CASE WHEN status = 'closed' AND id % 4 <> 0 THEN {pick(ratings, "id / 3")}
                    ELSE '' END,
                unit_satisfaction = CASE WHEN status = 'closed' AND id % 4 <> 0 THEN {pick(ratings, "id / 5")}
                    ELSE '' END,
                repeat_visits = CASE WHEN id % 23 = 0 THEN 1 ELSE 0 END"""
        )
        if not Deadline.objects.exists():
            cursor.execute(
                f"""INSERT INTO matters_deadline
                    (matter_id, task_id, step, started_on, extra_days, excluded_days, due_date, provisional,
                     explanation, is_open, met_at)
                    SELECT id, NULL, 'route', {local_date("received_at")}, 0, 0,
                        {date_plus(local_date("received_at"), "15")}, {false}, '基准',
                        CASE WHEN status = 'registered' THEN {true} ELSE {false} END,
                        CASE WHEN status = 'registered' THEN NULL ELSE {plus_days("received_at", "id % 19")} END
                    FROM matters_matter"""
            )
            cursor.execute(
                f"""INSERT INTO matters_deadline
                    (matter_id, task_id, step, started_on, extra_days, excluded_days, due_date, provisional,
                     explanation, is_open, met_at)
                    SELECT id, NULL, 'handling', {local_date("received_at")}, 0, 0,
                        {date_plus(local_date("received_at"), "60")}, {false}, '基准',
                        CASE WHEN replied_at IS NULL THEN {true} ELSE {false} END, replied_at
                    FROM matters_matter WHERE status IN ('local', 'handling', 'replied', 'closed')"""
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if pg else "ANALYZE")
    print(f"enriched the matters and added their clocks in {time.perf_counter() - t0:.0f} s")


def _rollups(force: bool) -> None:
    from django.db import connection

    from daiban.stats import facts
    from daiban.stats.models import Fact, Rollup

    if Fact.objects.exists() and not force:
        print(f"{Fact.objects.count():,} facts, {Rollup.objects.count():,} rollup rows already present")
        return
    t0 = time.perf_counter()
    totals = facts.rebuild()
    print(
        f"rebuilt the rollups: {totals['matters']:,} matters, {totals['screenings']:,} screenings, "
        f"{totals['rollups']:,} rollup rows in {time.perf_counter() - t0:.0f} s"
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _raw(region_ids: list[int], month: Any) -> Callable[[], object]:
    """The lower bound: the month's rollup rows of the region and its children (what figures_for and
    subregion_figures read for a month), on a bare cursor, plus the region's overdue count."""
    from django.db import connection

    marks = ", ".join(["%s"] * len(region_ids))
    sql = (
        "SELECT region_id, measure, dim, SUM(count) FROM stats_rollupmonth "
        f"WHERE region_id IN ({marks}) AND month = %s GROUP BY region_id, measure, dim"
    )

    def run() -> object:
        with connection.cursor() as cursor:
            cursor.execute(sql, [*region_ids, month])
            return cursor.fetchall()

    return run


def _measure(repeat: int) -> None:
    import datetime

    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from daiban.accounts.models import User
    from daiban.core import clock
    from daiban.matters.models import Matter
    from daiban.regions.models import Region
    from daiban.stats import figures
    from daiban.stats.figures import Period

    users = {
        "city": User.objects.get(username="shi_admin"),
        "county": User.objects.get(username="xinchengqu_zhongxin"),
    }
    today = datetime.date(2026, 11, 30)
    month = Period.month(2026, 11)
    year = Period.year(2026)
    print(f"database: {connection.vendor}, matters: {Matter.objects.count():,}")
    try:
        page_url: str | None = reverse("stats:dashboard")
    except NoReverseMatch:
        page_url = None
    cases: list[tuple[str, Callable[[], object]]] = []
    for level, user in users.items():
        region = Region.objects.get(pk=user.region_id)
        children = list(Region.objects.filter(parent=region).values_list("id", flat=True))

        def bundle(u: User = user, r: Region = region) -> object:
            return (
                figures.figures_for(u, r, month),
                figures.subregion_figures(u, r, month),
                figures.monthly_trend(u, r, 12, today),
                figures.overdue_by_unit(u, r),
            )

        cases += [
            (f"{level}: figures_for (month)", lambda u=user, r=region: figures.figures_for(u, r, month)),
            (f"{level}: figures_for (year)", lambda u=user, r=region: figures.figures_for(u, r, year)),
            (
                f"{level}: subregion_figures (month)",
                lambda u=user, r=region: figures.subregion_figures(u, r, month),
            ),
            (
                f"{level}: monthly_trend (12 months)",
                lambda u=user, r=region: figures.monthly_trend(u, r, 12, today),
            ),
            (f"{level}: overdue_by_unit", lambda u=user, r=region: figures.overdue_by_unit(u, r)),
            (f"{level}: the dashboard's API calls together", bundle),
            (
                f"{level}: raw SQL, own + children rollups (month)",
                _raw([region.pk, *children], month.start),
            ),
        ]
        if page_url:
            client = Client()
            client.force_login(user)

            def page(c: Client = client) -> object:
                response = c.get(page_url)
                assert response.status_code == 200, response.status_code
                return response

            cases.append((f"{level}: whole dashboard page (HTTP)", page))
    if page_url is None:
        print("(the dashboard page stats:dashboard does not exist yet: page cases skipped)")
    print(f"{'case':52} {'median ms':>10} {'p95 ms':>10} {'max ms':>10}")
    with clock.frozen(datetime.datetime(2026, 11, 30, 10, tzinfo=datetime.UTC)):
        for name, fn in cases:
            fn()  # warm
            samples = []
            for _ in range(repeat):
                t = time.perf_counter()
                fn()
                samples.append((time.perf_counter() - t) * 1000)
            samples.sort()
            p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
            print(f"{name:52} {statistics.median(samples):10.1f} {p95:10.1f} {samples[-1]:10.1f}")


if __name__ == "__main__":
    main()
