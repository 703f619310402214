"""Benchmark: the matter list and queues at province scale.

Builds (once) a database with ``--rows`` matters spread over the Hohhot demo network, then times the
pages' queries: a county's first list page, a page deep into the list via the keyset cursor, a village
agent's to-do queue, a supervisor's overdue count, and a search by number. Run with ``make bench``
(SQLite, var/bench.sqlite3) or with DATABASE_URL set for PostgreSQL.

Bench rows are written by set-based SQL on PostgreSQL and bulk_create on SQLite (``bench/fill.py``; not
through the actions) because only the shape of the data matters here; the demo data, which people read, is
made through the actions.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--rows", type=int, default=0, help="default: 1,000,000 on PostgreSQL, 100,000 on SQLite"
    )
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    from _django import start

    start("bench.sqlite3")
    from bench.fill import default_rows

    _fill(args.rows or default_rows())
    _measure(args.repeat)


def _fill(rows: int) -> None:
    """Matters up to ``rows`` (kept between runs): set-based SQL on PostgreSQL, bulk_create on SQLite
    (``bench/fill.py``); each matter's agent is an agent of its own village."""
    from django.db import connection, transaction

    from bench.fill import MINUTES, STATUSES, fill_postgres, village_agents
    from daiban.matters.models import Matter

    have = Matter.objects.count()
    if have >= rows:
        print(f"{have:,} matters already present")
        return
    t0 = time.perf_counter()
    if connection.vendor == "postgresql":
        fill_postgres(have, rows)
    else:
        rng = random.Random(7)
        villages = village_agents()
        start = datetime(2022, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
        batch: list[Matter] = []
        for i in range(have, rows):
            vid, path, code, agent = rng.choice(villages)
            status = rng.choice(STATUSES)
            received = start + timedelta(minutes=rng.randrange(0, MINUTES))
            batch.append(
                Matter(
                    number=f"{code[:6]}-B-{i:08d}",
                    lookup_code=f"B{i:09d}",
                    channel="window",
                    consent=True,
                    region_id=vid,
                    region_path=path,
                    scope_city=path.split("/")[0],
                    scope_county=path.split("/")[1],
                    scope_township=path.split("/")[2],
                    title=f"基准事项 {i}",
                    content="基准测试数据",
                    request="—",
                    category="other",
                    purpose="appeal",
                    received_at=received,
                    received_by_id=agent,
                    responsible_agent_id=agent,
                    status=status,
                    holder_region_id=vid,
                    holder_path=path,
                    due_date=None if status == "closed" else (received + timedelta(days=15)).date(),
                )
            )
            if len(batch) == 20_000:
                with transaction.atomic():
                    Matter.objects.bulk_create(batch)
                batch.clear()
        if batch:
            with transaction.atomic():
                Matter.objects.bulk_create(batch)
        print(f"inserted {rows - have:,} matters in {time.perf_counter() - t0:.0f} s")
    with connection.cursor() as cursor:  # fresh statistics, as a maintained database would have
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _measure(repeat: int) -> None:
    from django.db import connection, reset_queries

    from daiban.accounts.models import User
    from daiban.matters.listing import apply_filters, paginate
    from daiban.matters.queues import queue_matters
    from daiban.matters.selectors import matters_for

    county = User.objects.get(username="xinchengqu_zhongxin")
    city = User.objects.get(username="shi_admin")
    village = User.objects.get(username="suyala_daiban")
    supervisor = User.objects.get(username="shi_jijian")
    assert village is not None
    today = date(2026, 11, 26)
    print(f"database: {connection.vendor}, matters: {matters_for(city).count():,}")

    def first_page(user: User) -> Callable[[], object]:
        return lambda: paginate(apply_filters(matters_for(user), {}, user, today), "received", None).rows

    def deep_page() -> object:
        cursor = None
        for _ in range(40):  # 40 pages in = 1,000 rows deep
            page = paginate(matters_for(city), "received", cursor)
            cursor = page.next_cursor
        return page.rows

    def due_page() -> object:
        return paginate(matters_for(county), "due", None).rows

    cases: list[tuple[str, Callable[[], object]]] = [
        ("city: first list page", first_page(city)),
        ("county: first list page", first_page(county)),
        ("village agent: first list page", first_page(village)),
        ("county: open matters by deadline", due_page),
        ("city: 40 pages deep (keyset)", deep_page),
        ("village agent: to-do count", lambda: queue_matters(village, "todo", today).count()),
        ("city supervisor: overdue count", lambda: queue_matters(supervisor, "overdue", today).count()),
        (
            "county: search by number",
            lambda: list(apply_filters(matters_for(county), {"q": "150102-B-0000"}, county, today)[:25]),
        ),
    ]
    print(f"{'case':40} {'median ms':>10} {'max ms':>10}")
    for name, fn in cases:
        fn()  # warm
        samples = []
        for _ in range(repeat):
            reset_queries()
            t = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - t) * 1000)
        print(f"{name:40} {statistics.median(samples):10.1f} {max(samples):10.1f}")


if __name__ == "__main__":
    main()
