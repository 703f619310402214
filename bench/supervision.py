"""Benchmark: the supervision scan (reminders and the 督办 ladder) over the 1,000,000-matter database.

Reuses the matters of ``bench/run.py`` (var/bench.sqlite3, or DATABASE_URL; filled by its code when
missing). Its matters
carry ``due_date`` but no clocks, so this gives each open matter one open clock (``Deadline``, bulk SQL, once)
with that date, and marks the clocks that passed more than a day before the bench day as already reminded —
a database where the scan has been running all along. Then it prints the SQL of each range the scan reads
and the database's plan for it (a range of the ``deadline_open_due`` index, the reminders/orders looked up
by their unique indexes, never a scan of the matters), and times whole scans: the first does the day's
work (remind the clocks that became due soon or overdue), the next ones find nothing left to do.

Run with ``make bench BENCH=supervision`` or ``python bench/supervision.py`` (SQLite), or with
DATABASE_URL for PostgreSQL. It must finish in seconds, not minutes.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

TODAY = date(2026, 11, 26)  # the day bench/run.py measures on


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{root / 'var' / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daiban.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from daiban.matters.models import Matter

    call_command("migrate", verbosity=0)
    if Matter.objects.count() < args.rows:
        # The matters of bench/run.py (its own fill, the same rows it measures the lists on).
        from bench.run import _fill as fill_matters

        call_command("load_demo_network", verbosity=0)
        fill_matters(args.rows)
    _fill()
    _measure(args.repeat)


def _fill() -> None:
    """One open clock per open matter, and the old overdue ones already reminded (bulk SQL, once)."""
    from django.db import connection, transaction

    from daiban.matters.models import Deadline
    from daiban.supervision.models import Reminder

    if Deadline.objects.exists():
        print(f"{Deadline.objects.count():,} clocks already present")
        return
    t0 = time.perf_counter()
    true = "true" if connection.vendor == "postgresql" else "1"
    false = "false" if connection.vendor == "postgresql" else "0"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {Deadline._meta.db_table}
                (matter_id, task_id, step, started_on, extra_days, excluded_days, due_date, provisional,
                 explanation, is_open, met_at)
                SELECT id, NULL, 'handling', due_date, 0, 0, due_date, {false}, '基准', {true}, NULL
                FROM matters_matter WHERE due_date IS NOT NULL"""
        )
        clocks = cursor.rowcount
        cursor.execute(
            f"""INSERT INTO {Reminder._meta.db_table} (deadline_id, matter_id, stage, due_date, sent_at)
                SELECT id, matter_id, 'overdue', due_date, %s FROM {Deadline._meta.db_table}
                WHERE is_open = {true} AND due_date < %s""",
            [datetime(2026, 11, 25, 8, tzinfo=ZoneInfo("Asia/Shanghai")), date(2026, 11, 24)],
        )
        reminded = cursor.rowcount
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"added {clocks:,} open clocks ({reminded:,} already reminded) in {time.perf_counter() - t0:.0f} s")


def _plan(sql: str, params: Any) -> str:
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return "\n".join("    " + " ".join(str(c) for c in row) for row in cursor.fetchall())


def _measure(repeat: int) -> None:
    from django.db import connection

    from daiban.core import clock
    from daiban.matters.models import Deadline, Matter
    from daiban.supervision import scan
    from daiban.supervision.models import Reminder

    print(
        f"database: {connection.vendor}, matters: {Matter.objects.count():,}, "
        f"open clocks: {Deadline.objects.filter(is_open=True).count():,}, reminders: {Reminder.objects.count():,}"
    )
    ranges = {
        "due soon (not yet reminded)": scan.due_soon_range(TODAY),
        "overdue (not yet reminded)": scan.overdue_range(TODAY),
        "overdue unit clocks without a 督办单": scan.unsupervised_range(TODAY),
        "督办单 past their feedback date": scan.escalation_range(TODAY),
    }
    for name, qs in ranges.items():
        sql, params = qs.values_list("pk", flat=True).query.sql_with_params()
        t = time.perf_counter()
        found = len(list(qs.values_list("pk", flat=True)))
        ms = (time.perf_counter() - t) * 1000
        shown = sql % tuple(f"'{p}'" for p in params)
        print(f"\n{name}: {found:,} rows in {ms:.0f} ms\n  SQL: {shown}")
        print("  plan:\n" + _plan(sql, params))

    at = datetime(TODAY.year, TODAY.month, TODAY.day, 8, tzinfo=ZoneInfo("Asia/Shanghai"))
    print(f"\n{'whole scan':40} {'ms':>10}  made")
    for i in range(repeat):
        t = time.perf_counter()
        with clock.frozen(at):
            made = scan.scan()
        ms = (time.perf_counter() - t) * 1000
        label = "first (the day's work)" if i == 0 else f"again #{i} (nothing left)"
        print(f"{label:40} {ms:10.0f}  {made}")


if __name__ == "__main__":
    main()
