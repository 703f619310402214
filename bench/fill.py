"""The bench's matters, made fast: set-based SQL on PostgreSQL, ``bulk_create`` on SQLite (``bench/run.py``).

Both paths draw the same distributions as ``bench/run.py`` always did — a village uniformly at random, a
status from registered / local / routed / handling / replied / closed ×4, received uniformly in the five
years from 2022-01-01 (Asia/Shanghai), open matters due 15 days after — with one change: each matter is
received by, and answered for by, **an agent of its own village** (a bench account ``bench_v<code>`` per
village that has no demo agent), not by one agent for the whole city, so a village agent's queues hold
her village's share (1/1,414 of the table) as in reality.

PostgreSQL: ``INSERT … SELECT … FROM generate_series`` in chunks of ``CHUNK`` rows, each committed on its
own, with the table's foreign-key triggers off for the session (``session_replication_role = replica``:
the values are right by construction). When a fill more than doubles the table its secondary indexes are
dropped first and built again afterwards (much faster than keeping 30-odd indexes up to date row by row);
the primary key and the unique constraints stay.
"""

from __future__ import annotations

import time
from typing import Any

CHUNK = 1_000_000
STATUSES = ["registered", "local", "routed", "handling", "replied", "closed", "closed", "closed", "closed"]
MINUTES = 5 * 365 * 24 * 60  # received_at: uniform over five years of minutes from 2022-01-01 00:00 +08


def default_rows() -> int:
    """``--rows`` when not given: 1,000,000 on PostgreSQL, 100,000 on SQLite (bulk_create: minutes)."""
    from django.db import connection

    return 1_000_000 if connection.vendor == "postgresql" else 100_000


def village_agents() -> list[tuple[int, str, str, int]]:
    """(village id, path, code, agent user id) for every village, ordered by id; a village without a
    village agent account gets a bench one (no usable password: nobody signs in as it)."""
    from django.db import transaction

    from daiban.accounts.models import Role, User
    from daiban.regions.models import Level, Region

    villages = list(
        Region.objects.filter(level=Level.VILLAGE).order_by("id").values_list("id", "path", "code")
    )
    have: dict[int, int] = {}
    for region_id, user_id in (
        User.objects.filter(role=Role.VILLAGE_AGENT).order_by("id").values_list("region_id", "id")
    ):
        have.setdefault(region_id, user_id)
    missing = [
        User(
            username=f"bench_v{code}",
            password="!",  # unusable
            display_name=f"基准代办员{code[-6:]}",
            role=Role.VILLAGE_AGENT,
            region_id=vid,
            region_path=path,
        )
        for vid, path, code in villages
        if vid not in have
    ]
    if missing:
        with transaction.atomic():
            User.objects.bulk_create(missing, batch_size=1000)
        print(f"made {len(missing):,} bench village agents (bench_v<village code>)")
        for region_id, user_id in (
            User.objects.filter(role=Role.VILLAGE_AGENT).order_by("id").values_list("region_id", "id")
        ):
            have.setdefault(region_id, user_id)
    return [(vid, path, code, have[vid]) for vid, path, code in villages]


def fill_postgres(have: int, rows: int) -> None:
    """Matters ``have``..``rows - 1`` (numbers and lookup codes from the index ``i``) by set-based SQL."""
    from django.db import connection

    agents = village_agents()
    drop = rows - have > have
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS bench_village "
            "(idx int PRIMARY KEY, vid bigint, path text, code6 text, agent bigint)"
        )
        cursor.execute("TRUNCATE bench_village")
        cursor.executemany(
            "INSERT INTO bench_village VALUES (%s, %s, %s, %s, %s)",
            [(i, vid, path, code[:6], agent) for i, (vid, path, code, agent) in enumerate(agents)],
        )
        indexes = _drop_indexes(cursor) if drop else []
        try:
            _insert(cursor, have, rows, len(agents))
        finally:  # an interrupted fill still leaves the table its indexes
            if indexes:
                _build_indexes(cursor, indexes)
        cursor.execute("SET session_replication_role = DEFAULT")
    print(f"inserted {rows - have:,} matters in {time.perf_counter() - t0:.0f} s", flush=True)


def _insert(cursor: Any, have: int, rows: int, villages: int) -> None:
    statuses = "ARRAY[" + ",".join(f"'{s}'" for s in STATUSES) + "]"
    for lo in range(have, rows, CHUNK):
        hi = min(rows, lo + CHUNK)
        t = time.perf_counter()
        cursor.execute("SELECT setseed(%s)", [(lo % 1_000_003) / 1_000_003])  # repeatable, per first row
        cursor.execute(
            f"""
                WITH d AS MATERIALIZED (
                    SELECT i, floor(random() * %s)::int AS v, ({statuses})[1 + floor(random() * 9)::int] AS s,
                        timestamptz '2022-01-01 00:00+08' + make_interval(mins => floor(random() * {MINUTES})::int)
                            AS received
                    FROM generate_series(%s, %s) AS i
                )
                INSERT INTO matters_matter (number, lookup_code, channel, consent, region_id, region_path,
                    scope_city, scope_county, scope_township, title, content, request, category, purpose,
                    headcount, is_group, is_accusation, received_at, received_by_id, responsible_agent_id,
                    status, holder_region_id, holder_path, due_date, due_step, due_provisional, extended_days,
                    simple_procedure, service_satisfaction, unit_satisfaction, closure_kind, is_final,
                    repeat_visits, version, updated_at)
                SELECT b.code6 || '-B-' || lpad(d.i::text, 8, '0'), 'B' || lpad(d.i::text, 9, '0'), 'window',
                    true, b.vid, b.path, split_part(b.path, '/', 1), split_part(b.path, '/', 2),
                    split_part(b.path, '/', 3), '基准事项 ' || d.i, '基准测试数据', '—', 'other', 'appeal',
                    1, false, false, d.received, b.agent, b.agent, d.s, b.vid, b.path,
                    CASE WHEN d.s = 'closed' THEN NULL
                         ELSE ((d.received AT TIME ZONE 'Asia/Shanghai') + interval '15 days')::date END,
                    '', false, 0, false, '', '', '', false, 0, 0, now()
                FROM d JOIN bench_village b ON b.idx = d.v
                ORDER BY d.i
                """,
            [villages, lo, hi - 1],
        )  # autocommit: each chunk is its own transaction
        print(f"  matters {lo:,}–{hi - 1:,}: {time.perf_counter() - t:.0f} s", flush=True)


def _drop_indexes(cursor: Any) -> list[tuple[str, str]]:
    """Drop matters_matter's indexes that back no constraint; return (name, definition) to build again."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = 'matters_matter'
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        ORDER BY i.indexname
        """
    )
    indexes = cursor.fetchall()
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    print(f"  dropped {len(indexes)} secondary indexes for the fill", flush=True)
    return indexes


def _build_indexes(cursor: Any, indexes: list[tuple[str, str]]) -> None:
    t = time.perf_counter()
    for _, definition in indexes:
        cursor.execute(definition)
    print(f"  built {len(indexes)} secondary indexes again in {time.perf_counter() - t:.0f} s", flush=True)
