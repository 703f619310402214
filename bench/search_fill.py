"""The search bench's fill on PostgreSQL, set-based: 1,000,000 matters and their search index in minutes.

``bench/search.py`` made its matters with ``bulk_create`` (10,000 a transaction, the matters table's 31
secondary indexes kept up row by row) and the index with ``manage.py reindex_search`` (per batch: the
texts, then ``Gram`` model instances, ``bulk_create`` into a table with its primary key and two indexes).
Here, with the same vocabulary and distributions:

- the matters' texts are drawn in Python and COPYed into a staging table; the matters, petitioners, their
  links and the lead tasks (two matters in five, a unit of the matter's county) are then ``INSERT …
  SELECT`` from it, with ids given explicitly (the identity sequences moved past them afterwards), the
  matters table's secondary indexes dropped and built again when the fill more than doubles it, and the
  foreign-key triggers off (``session_replication_role = replica``: the values are right by construction);
- the index rows are computed by the app's own code: ``daiban.search.index.texts_for`` (the texts as the
  indexer reads them) and ``daiban.search.grams.grams`` with ``CONTENT_GRAMS`` (as ``rows_for``), as plain
  tuples rather than model instances, and COPYed into ``search_gram`` with its primary key and indexes
  dropped, built again at the end. ``check_sample`` proves the rows equal ``reindex()``'s on a sample.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

COPY_GRAMS = "COPY search_gram (matter_id, kind, gram, scope_city, scope_county, scope_township, received_at) FROM STDIN"
CHUNK = 100_000  # matters drawn and COPYed per round
INDEX_BATCH = 5_000  # matters per texts_for() call


def fill_postgres(rows: int) -> bool:
    from django.db import connection

    from bench.fill import _build_indexes, _drop_indexes
    from bench.search import ISSUES, PLACES, _content, _name
    from daiban.accounts.models import Role, User
    from daiban.matters.models import Matter, Petitioner
    from daiban.network.models import ResponsibleUnit
    from daiban.regions.models import Level, Region

    have = Matter.objects.count()
    if have >= rows:
        print(f"{have:,} matters already present")
        return False
    rng = random.Random(15)
    villages = list(Region.objects.filter(level=Level.VILLAGE).values_list("id", "path", "code"))
    units_by_county: dict[str, list[int]] = {}
    for pk, path in ResponsibleUnit.objects.values_list("pk", "region_path"):
        parts = path.split("/")
        units_by_county.setdefault(parts[1] if len(parts) > 2 and parts[1] else "", []).append(pk)
    agent = User.objects.filter(role=Role.VILLAGE_AGENT).order_by("id").first()
    assert agent is not None
    # The petitioner's columns the bench leaves at their defaults (no ID or phone number), as the ORM
    # would write them.
    blank = Petitioner(name="x", name_initials="", county_code="")
    defaults = {
        f.column: f.get_db_prep_save(getattr(blank, f.attname), connection)
        for f in Petitioner._meta.concrete_fields
        if f.column in ("id_number_enc", "id_number_hash", "phone_enc", "phone_hash", "address", "group")
    }
    tz = ZoneInfo("Asia/Shanghai")
    start = datetime(2022, 1, 1, tzinfo=tz)
    raw = connection.connection
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM matters_matter")
        matter_base = cursor.fetchone()[0] - have
        cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM matters_petitioner")
        person_base = cursor.fetchone()[0] - have
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS bench_search (i int, vid bigint, path text, code6 text, "
            "title text, content text, received timestamptz, name text, county text, unit bigint)"
        )
        indexes = _drop_indexes(cursor) if rows - have > have else []
        try:
            for lo in range(have, rows, CHUNK):
                hi = min(rows, lo + CHUNK)
                t = time.perf_counter()
                cursor.execute("TRUNCATE bench_search")
                with raw.cursor() as copy_cursor, copy_cursor.copy("COPY bench_search FROM STDIN") as copy:
                    for i in range(lo, hi):
                        vid, path, code = rng.choice(villages)
                        issue = rng.choice(ISSUES)
                        received = start + timedelta(minutes=rng.randrange(0, 5 * 365 * 24 * 60))
                        county = path.split("/")[1]
                        units = units_by_county.get(county)
                        unit = rng.choice(units) if units and rng.random() < 0.4 else None
                        title = f"{rng.choice(PLACES)}{issue}问题"
                        content = _content(rng, issue)
                        copy.write_row(
                            (i, vid, path, code[:6], title, content, received, _name(rng), county, unit)
                        )
                _insert(cursor, matter_base, person_base, agent.pk, defaults)
                print(f"  matters {lo:,}–{hi - 1:,}: {time.perf_counter() - t:.0f} s", flush=True)
        finally:
            if indexes:
                _build_indexes(cursor, indexes)
        for table in ("matters_matter", "matters_petitioner", "matters_matterpetitioner", "matters_unittask"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        cursor.execute("SET session_replication_role = DEFAULT")
    print(f"inserted {rows - have:,} matters in {time.perf_counter() - t0:.0f} s", flush=True)
    return True


def _insert(cursor: Any, matter_base: int, person_base: int, agent: int, defaults: dict[str, Any]) -> None:
    cursor.execute(
        """
        INSERT INTO matters_matter (id, number, lookup_code, channel, consent, region_id, region_path,
            scope_city, scope_county, scope_township, title, content, request, category, purpose,
            headcount, is_group, is_accusation, received_at, received_by_id, responsible_agent_id,
            status, holder_region_id, holder_path, due_date, due_step, due_provisional, extended_days,
            simple_procedure, service_satisfaction, unit_satisfaction, closure_kind, is_final,
            repeat_visits, version, updated_at)
        SELECT %s + b.i, b.code6 || '-S-' || lpad(b.i::text, 8, '0'), 'S' || lpad(b.i::text, 9, '0'),
            'window', true, b.vid, b.path, split_part(b.path, '/', 1), split_part(b.path, '/', 2),
            split_part(b.path, '/', 3), b.title, b.content, '请求依法处理', 'other', 'appeal',
            1, false, false, b.received, %s, %s, 'closed', b.vid, b.path, NULL,
            '', false, 0, false, '', '', '', false, 0, 0, now()
        FROM bench_search b ORDER BY b.i
        """,
        [matter_base, agent, agent],
    )
    cursor.execute(
        """
        INSERT INTO matters_petitioner (id, id_number_enc, id_number_hash, phone_enc, phone_hash, name,
            name_initials, address, "group", created_at, county_code)
        SELECT %s + b.i, %s, %s, %s, %s, b.name, '', %s, %s, b.received, b.county
        FROM bench_search b ORDER BY b.i
        """,
        [
            person_base,
            defaults["id_number_enc"],
            defaults["id_number_hash"],
            defaults["phone_enc"],
            defaults["phone_hash"],
            defaults["address"],
            defaults["group"],
        ],
    )
    cursor.execute(
        """
        INSERT INTO matters_matterpetitioner (is_representative, matter_id, petitioner_id)
        SELECT true, %s + b.i, %s + b.i FROM bench_search b ORDER BY b.i
        """,
        [matter_base, person_base],
    )
    cursor.execute(
        """
        INSERT INTO matters_unittask (matter_id, unit_id, role, instructions, status, assigned_at,
            assigned_by_id, sent_from_id, notice_method, objection_reason, objection_refusal, part_content)
        SELECT %s + b.i, b.unit, 'lead', '', 'done', b.received, %s, b.vid, '', '', '', ''
        FROM bench_search b WHERE b.unit IS NOT NULL ORDER BY b.i
        """,
        [matter_base, agent],
    )


def gram_rows(matter_ids: list[int]) -> Iterator[tuple[int, int, int, str, str, str, datetime]]:
    """The index rows of the matters as ``daiban.search.index.rows_for`` makes them, as tuples."""
    from daiban.search.grams import grams
    from daiban.search.index import CONTENT_GRAMS, texts_for
    from daiban.search.models import Kind

    for pk, (texts, scope, at) in texts_for(matter_ids).items():
        for kind in Kind:
            limit = CONTENT_GRAMS if kind == Kind.CONTENT else None
            seen: set[int] = set()
            for text in texts.of(kind):
                for gram in grams(text, limit):
                    if gram not in seen:
                        seen.add(gram)
                        yield (pk, int(kind), gram, scope.city, scope.county, scope.township, at)


def index_postgres() -> None:
    """Rebuild ``search_gram`` whole: empty it, drop its key and indexes, COPY, build them again."""
    from django.db import connection

    from daiban.matters.models import Matter
    from daiban.search.models import Gram

    raw = connection.connection
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE search_gram")
        # The model's indexes and key (not pg_indexes: an interrupted run may have left them dropped).
        for index in Gram._meta.indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{index.name}"')
        cursor.execute("ALTER TABLE search_gram DROP CONSTRAINT IF EXISTS search_gram_pkey")
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        ids = list(Matter.objects.order_by("pk").values_list("pk", flat=True))
        made = 0
        try:
            for lo in range(0, len(ids), INDEX_BATCH):
                # The texts are read first: the connection cannot run a query while it is in COPY.
                batch = list(gram_rows(ids[lo : lo + INDEX_BATCH]))
                with raw.cursor() as copy_cursor, copy_cursor.copy(COPY_GRAMS) as copy:
                    for row in batch:
                        copy.write_row(row)
                made += len(batch)
                if (lo // INDEX_BATCH) % 20 == 19:
                    print(
                        f"  {made:,} index rows, {min(len(ids), lo + INDEX_BATCH):,} matters, {time.perf_counter() - t0:.0f} s"
                    )
        finally:
            t = time.perf_counter()
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("ALTER TABLE search_gram ADD PRIMARY KEY (matter_id, kind, gram)")
            with connection.schema_editor() as editor:
                for index in Gram._meta.indexes:
                    editor.add_index(Gram, index)
            print(
                f"  key and {len(Gram._meta.indexes)} indexes built in {time.perf_counter() - t:.0f} s",
                flush=True,
            )
    print(f"index: {made:,} rows for {len(ids):,} matters in {time.perf_counter() - t0:.0f} s", flush=True)


def check_sample(n: int) -> None:
    """The bulk-built rows of ``n`` matters spread over the table, compared with what ``reindex()`` (the
    app's own indexer) writes for them; raises if any row differs."""
    from django.db import transaction

    from daiban.matters.models import Matter
    from daiban.search.index import reindex
    from daiban.search.models import Gram

    every = list(Matter.objects.order_by("pk").values_list("pk", flat=True))
    ids = every[:: max(1, len(every) // n)][:n]
    fields = ("matter_id", "kind", "gram", "scope_city", "scope_county", "scope_township", "received_at")
    before = set(Gram.objects.filter(matter_id__in=ids).values_list(*fields))
    with transaction.atomic():
        reindex(ids)
        after = set(Gram.objects.filter(matter_id__in=ids).values_list(*fields))
    if before != after:
        raise SystemExit(
            f"index rows differ from reindex(): {len(before - after)} only bulk, {len(after - before)} only app"
        )
    print(f"check: {len(ids)} matters, {len(after):,} index rows, identical to reindex()'s")
