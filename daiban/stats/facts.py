"""Facts and rollups: what each matter and screening contributes to the statistics, kept summed per region,
day, measure and dimension so that a dashboard reads a few hundred rows instead of counting matters.

A record's *items* are (measure, dimension, day) triples — "taken_up" on the day it was registered,
"taken_up"/"channel:phone" the same day, "timely_acceptance.num" on the day its routing clock was met, … —
computed here in Python by exactly the rules of ``daiban.stats.definitions`` (the tests hold the two
equal). Each item counts once in every region of the record's path (village, township, county, city),
so a region's figure is a sum over its own rollup rows only.

Refreshing a record (``refresh_matters``/``refresh_screenings``): in one transaction, lock its fact row
(``select_for_update``; the row is created first if missing, without a race), compute its items from the
committed rows *after* taking the lock, and apply the difference between the old and the new items to the
rollups with additive upserts, in a fixed key order (no deadlock between two refreshes). Running it twice
changes nothing the second time, and two consumers refreshing the same matter serialise on the lock.

``rebuild`` recomputes everything in bulk (``manage.py rebuild_stats``).
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

from django.db import connection, transaction
from django.utils import timezone

from daiban.core import clock
from daiban.execution.selectors import unexecuted_matter_ids
from daiban.matters.models import Deadline, Matter
from daiban.portal.models import OnlineRating
from daiban.prevention.models import Screening, ScreeningStatus
from daiban.prevention.models.screenings import OPEN_SCREENING_STATUSES
from daiban.regions import geometry
from daiban.regions.models import Region
from daiban.stats import definitions as defs
from daiban.stats.models import Fact, Rollup, RollupMonth, Source

logger = logging.getLogger(__name__)

Item = tuple[str, str, str]  # (measure, dim, "YYYY-MM-DD")
Key = tuple[int, str, str, str]  # (region_id, day, measure, dim)

BATCH = 500
MATTER_FIELDS = (
    "id",
    "region_path",
    "received_at",
    "channel",
    "category",
    "purpose",
    "closed_at",
    "closure_kind",
    "resolved",
    "replied_at",
    "service_satisfaction",
    "unit_satisfaction",
    "repeat_visits",
    "due_date",
    "holder_unit_id",
    "holder_region_id",
)


def _local_day(value: datetime.datetime) -> datetime.date:
    return timezone.localtime(value).date()


def _chunks(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


# ------------------------------------------------------------------------------------------ regions


class RegionIds:
    """Region code -> id, loaded on demand (codes never change hands: ``Region.code`` is unique)."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}

    def preload(self) -> None:
        self._ids.update(Region.objects.values_list("code", "id"))

    def of_path(self, path: str) -> list[int]:
        codes = geometry.codes(path)
        missing = [c for c in codes if c not in self._ids]
        if missing:
            self._ids.update(Region.objects.filter(code__in=missing).values_list("code", "id"))
        return [self._ids[c] for c in codes if c in self._ids]


# ------------------------------------------------------------------------------------------ items


def _settle(
    due: datetime.date | None, met: datetime.datetime | None, today: datetime.date
) -> tuple[str, bool] | None:
    """When a clock counts and whether it was met in time (definitions._clock_forms): met in time on the
    day it was met; otherwise on its due date once that day has passed; still running: not yet."""
    if due is None:
        return None
    met_day = _local_day(met) if met is not None else None
    if met_day is not None and met_day <= due:
        return met_day.isoformat(), True
    if due < today:
        return due.isoformat(), False
    return None


def matter_items(ids: Sequence[int], today: datetime.date) -> dict[int, tuple[str, list[Item]]]:
    """matter id -> (region path, sorted items) for the matters of ``ids`` that exist and are counted (a
    matter merged into another, 并案, contributes nothing: ``definitions.counted_q``)."""
    matters = list(Matter.objects.filter(pk__in=ids).filter(defs.counted_q()).values(*MATTER_FIELDS))
    if not matters:
        return {}
    found = [m["id"] for m in matters]
    accept: dict[int, tuple[datetime.date, datetime.datetime | None]] = {}
    complete: dict[int, tuple[datetime.date, datetime.datetime | None]] = {}
    clocks = (
        Deadline.objects.filter(matter_id__in=found, step__in=[*defs.ACCEPT_STEPS, *defs.COMPLETE_STEPS])
        .order_by("id")
        .values_list("matter_id", "step", "due_date", "met_at")
    )
    for matter_id, step, due, met in clocks:
        if step in defs.ACCEPT_STEPS:
            accept.setdefault(matter_id, (due, met))  # the first
        else:
            complete[matter_id] = (due, met)  # the last
    online: dict[tuple[int, datetime.datetime], tuple[str, str]] = {}
    for matter_id, reply_at, service, unit in (
        OnlineRating.objects.filter(matter_id__in=found)
        .order_by("rated_at", "id")  # the latest per reply wins
        .values_list("matter_id", "reply_at", "service", "unit")
    ):
        online[(matter_id, reply_at)] = (service, unit)
    bypass = set(Matter.objects.filter(pk__in=found).filter(defs.bypass_q()).values_list("pk", flat=True))
    unexecuted = unexecuted_matter_ids(found)  # a supported request not yet carried out is not resolved

    out: dict[int, tuple[str, list[Item]]] = {}
    for m in matters:
        items: list[Item] = []
        received = _local_day(m["received_at"]).isoformat()
        items.append(("taken_up", "", received))
        for prefix, (field, _choices) in defs.BREAKDOWNS.items():
            items.append(("taken_up", f"{prefix}:{m[field]}", received))
        resolved = m["resolved"] is True and m["id"] not in unexecuted
        closed = _local_day(m["closed_at"]).isoformat() if m["closed_at"] else None
        if closed:
            items.append(("closed", "", closed))
            items.append(("resolved" if resolved else "closed_unresolved", "", closed))
        replied_at = m["replied_at"]
        replied = _local_day(replied_at).isoformat() if replied_at else None
        if replied:
            items.append(("replied", "", replied))
        elif m["closure_kind"] in defs.ANSWER_CLOSURES and closed:
            items.append(("replied", "", closed))
        if replied_at or m["closure_kind"] in defs.ANSWER_CLOSURES:
            items.append(("reply.num", "", received))
        for name, limit in (
            ("timely_acceptance", accept.get(m["id"])),
            ("on_time_completion", complete.get(m["id"])),
        ):
            settled = _settle(limit[0], limit[1], today) if limit else None
            if settled:
                items.append((f"{name}.den", "", settled[0]))
                if settled[1]:
                    items.append((f"{name}.num", "", settled[0]))
        if replied:
            svc_online, unit_online = online.get((m["id"], replied_at), ("", ""))
            svc = m["service_satisfaction"] or svc_online
            unit = m["unit_satisfaction"] or unit_online
            items.append(("participation.den", "", replied))
            if svc or unit:
                items.append(("participation.num", "", replied))
            for name, rating in (("service_satisfaction", svc), ("unit_satisfaction", unit)):
                if rating:
                    items.append((f"{name}.den", "", replied))
                    if rating in defs.CONTENT_RATINGS:
                        items.append((f"{name}.num", "", replied))
        if m["repeat_visits"] > 0:
            items.append(("repeat.num", "", received))
        if resolved:
            items.append(("resolution.num", "", received))
        if m["id"] in bypass:
            items.append(("skip_level.num", "", received))
        if m["due_date"] is not None:  # open (only open matters carry one): overdue once today passes it
            due = m["due_date"].isoformat()
            holder = f"u:{m['holder_unit_id']}" if m["holder_unit_id"] else f"r:{m['holder_region_id']}"
            items.append(("open_due", "", due))
            items.append(("open_due", holder, due))
        out[m["id"]] = (m["region_path"], sorted(items))
    return out


SCREENING_BUCKETS: dict[str, str] = {
    ScreeningStatus.RESOLVED: "screened_resolved",
    ScreeningStatus.PETITION: "screened_petition",
    ScreeningStatus.TRANSFERRED: "screened_transferred",
    **{s: "screened_open" for s in OPEN_SCREENING_STATUSES},
}


def screening_items(ids: Sequence[int], today: datetime.date) -> dict[int, tuple[str, list[Item]]]:
    out: dict[int, tuple[str, list[Item]]] = {}
    for pk, path, found_on, status in Screening.objects.filter(pk__in=ids).values_list(
        "id", "region_path", "found_on", "status"
    ):
        day = found_on.isoformat()
        items: list[Item] = [("screened", "", day)]
        if status in SCREENING_BUCKETS:
            items.append((SCREENING_BUCKETS[status], "", day))
        out[pk] = (path, sorted(items))
    return out


COMPUTE = {Source.MATTER: matter_items, Source.SCREENING: screening_items}


# ------------------------------------------------------------------------------------------ refresh


def _keys(regions: Iterable[int], items: Iterable[Sequence[str]]) -> Counter[Key]:
    out: Counter[Key] = Counter()
    for measure, dim, day in items:
        for region_id in regions:
            out[(region_id, day, measure, dim)] += 1
    return out


_UPSERT = {
    "stats_rollup": (
        "INSERT INTO stats_rollup (region_id, day, measure, dim, count) VALUES (%s, %s, %s, %s, %s) "
        "ON CONFLICT (region_id, day, measure, dim) DO UPDATE SET count = stats_rollup.count + excluded.count"
    ),
    "stats_rollupmonth": (
        "INSERT INTO stats_rollupmonth (region_id, month, measure, dim, count) VALUES (%s, %s, %s, %s, %s) "
        "ON CONFLICT (region_id, month, measure, dim) "
        "DO UPDATE SET count = stats_rollupmonth.count + excluded.count"
    ),
}


def apply_delta(delta: Counter[Key] | dict[Key, int]) -> None:
    """Add ``delta`` to the rollups, per day and per month: one additive upsert per key, in key order
    (PostgreSQL and SQLite both speak ``ON CONFLICT … DO UPDATE``)."""
    months: Counter[Key] = Counter()
    for (r, d, m, dim), n in delta.items():
        months[(r, d[:8] + "01", m, dim)] += n
    with connection.cursor() as cursor:
        for table, keys in (("stats_rollup", delta), ("stats_rollupmonth", months)):
            rows = [(r, d, m, dim, n) for (r, d, m, dim), n in sorted(keys.items()) if n]
            if rows:
                cursor.executemany(_UPSERT[table], rows)


def _refresh(source: Source, ids: Iterable[int], today: datetime.date | None = None) -> None:
    today = today or clock.today()
    regions = RegionIds()
    wanted = sorted({int(i) for i in ids})
    for chunk in _chunks(wanted, BATCH):
        with transaction.atomic():
            Fact.objects.bulk_create([Fact(source=source, object_id=i) for i in chunk], ignore_conflicts=True)
            facts = {
                f.object_id: f
                for f in Fact.objects.select_for_update()
                .filter(source=source, object_id__in=chunk)
                .order_by("object_id")
            }
            # Read the records only now, under the lock: a refresh that waited sees what the one before
            # it committed.
            current = COMPUTE[source](chunk, today)
            delta: Counter[Key] = Counter()
            changed: list[Fact] = []
            gone: list[int] = []
            for object_id in chunk:
                fact = facts[object_id]
                old = _keys(fact.regions, fact.items)
                if object_id in current:
                    path, items = current[object_id]
                    new_regions = regions.of_path(path)
                    new_items = [list(i) for i in items]
                else:
                    new_regions, new_items = [], []
                if new_regions == fact.regions and new_items == fact.items:
                    if object_id not in current:
                        gone.append(object_id)
                    continue
                delta.update(_keys(new_regions, new_items))
                delta.subtract(old)
                if object_id in current:
                    fact.regions, fact.items = new_regions, new_items
                    changed.append(fact)
                else:
                    gone.append(object_id)
            apply_delta(delta)
            if changed:
                Fact.objects.bulk_update(changed, ["regions", "items", "refreshed_at"])
            if gone:
                Fact.objects.filter(source=source, object_id__in=gone).delete()


def refresh_matters(matter_ids: Iterable[int], today: datetime.date | None = None) -> None:
    """Recompute these matters' facts and rollups now (idempotent). Callers: the hooks' task, the
    periodic tasks, imports. A matter that no longer exists is taken out of the rollups."""
    _refresh(Source.MATTER, matter_ids, today)


def refresh_screenings(screening_ids: Iterable[int], today: datetime.date | None = None) -> None:
    _refresh(Source.SCREENING, screening_ids, today)


# ------------------------------------------------------------------------------------------ rebuild


def rebuild(today: datetime.date | None = None, batch: int = 5000) -> dict[str, int]:
    """Recompute every fact and every rollup row from scratch, in bulk: the facts in Python, batch by
    batch (the same ``matter_items`` as a refresh), then the rollups in one SQL aggregate over the facts'
    items × regions. One transaction: readers see the old rollups until it commits. Meant for a quiet
    moment; the periodic reconciliation catches what refreshes changed meanwhile."""
    today = today or clock.today()
    regions = RegionIds()
    regions.preload()
    totals = {"matters": 0, "screenings": 0, "rollups": 0}
    with transaction.atomic():
        Rollup.objects.all().delete()
        RollupMonth.objects.all().delete()
        Fact.objects.all().delete()
        for source, model, key in (
            (Source.MATTER, Matter, "matters"),
            (Source.SCREENING, Screening, "screenings"),
        ):
            ids = list(model.objects.order_by("id").values_list("id", flat=True))
            for chunk in _chunks(ids, batch):
                rows = [
                    Fact(
                        source=source,
                        object_id=pk,
                        regions=regions.of_path(path),
                        items=[list(i) for i in items],
                    )
                    for pk, (path, items) in COMPUTE[source](chunk, today).items()
                ]
                Fact.objects.bulk_create(rows, batch_size=2000)
                totals[key] += len(rows)
        with connection.cursor() as cursor:
            cursor.execute(_AGGREGATE[connection.vendor])
            totals["rollups"] = cursor.rowcount
        rebuild_months()
    return totals


def rebuild_months() -> int:
    """The monthly sums from the daily rollups (one SQL aggregate)."""
    RollupMonth.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(_MONTHS[connection.vendor])
        return cursor.rowcount


_MONTHS = {
    "postgresql": """
        INSERT INTO stats_rollupmonth (region_id, month, measure, dim, count)
        SELECT region_id, date_trunc('month', day)::date, measure, dim, SUM(count)
        FROM stats_rollup GROUP BY 1, 2, 3, 4""",
    "sqlite": """
        INSERT INTO stats_rollupmonth (region_id, month, measure, dim, count)
        SELECT region_id, date(day, 'start of month'), measure, dim, SUM(count)
        FROM stats_rollup GROUP BY 1, 2, 3, 4""",
}

# Every (region, day, measure, dim) of every fact, counted: the facts' regions × items, expanded in SQL.
_AGGREGATE = {
    "postgresql": """
        INSERT INTO stats_rollup (region_id, day, measure, dim, count)
        SELECT r.value::bigint, (i.value->>2)::date, i.value->>0, i.value->>1, COUNT(*)
        FROM stats_fact f
        CROSS JOIN LATERAL jsonb_array_elements_text(f.regions) AS r(value)
        CROSS JOIN LATERAL jsonb_array_elements(f.items) AS i(value)
        GROUP BY 1, 2, 3, 4""",
    "sqlite": """
        INSERT INTO stats_rollup (region_id, day, measure, dim, count)
        SELECT CAST(r.value AS INTEGER), i.value ->> 2, i.value ->> 0, i.value ->> 1, COUNT(*)
        FROM stats_fact f, json_each(f.regions) AS r, json_each(f.items) AS i
        GROUP BY 1, 2, 3, 4""",
}


# ------------------------------------------------------------------------------------------ checks


def rollup_snapshot() -> dict[tuple[str, int, str, str, str], int]:
    """Every non-zero rollup row, daily ("d") and monthly ("m") (for the tests: rebuild equals
    incremental)."""
    days = Rollup.objects.exclude(count=0).values_list("region_id", "day", "measure", "dim", "count")
    months = RollupMonth.objects.exclude(count=0).values_list("region_id", "month", "measure", "dim", "count")
    out = {("d", r, d.isoformat(), m, dim): n for r, d, m, dim, n in days}
    out.update({("m", r, d.isoformat(), m, dim): n for r, d, m, dim, n in months})
    return out


def open_matters() -> list[int]:
    """Matters with an open clock (what a holiday-schedule change can move)."""
    return list(Matter.objects.filter(due_date__isnull=False).values_list("id", flat=True))


def stale_matters(today: datetime.date | None = None, days: int = 7) -> list[int]:
    """Matters whose clock rules can have changed since their last refresh without any action: a routing
    or handling clock whose due date passed within the last ``days`` days while it was still unmet (it now
    counts, late, on its due date)."""
    today = today or clock.today()
    return list(
        Deadline.objects.filter(
            step__in=[*defs.ACCEPT_STEPS, *defs.COMPLETE_STEPS],
            due_date__lt=today,
            due_date__gte=today - datetime.timedelta(days=days),
            met_at__isnull=True,
        )
        .values_list("matter_id", flat=True)
        .distinct()
    )
