"""Running the plans and the entry point, ``load_demo_matters()``.

The steps of all matters are merged and run in time order, each inside ``clock.frozen(at)``, so matter
numbers follow intake order and the repeat-visit rule (art. 19) sees the world as it was.
"""

from __future__ import annotations

import datetime
import heapq
import time
from collections import Counter
from dataclasses import dataclass

from django.db import transaction

from daiban.core import clock
from daiban.demo.matters.cast import Cast
from daiban.demo.matters.config import DEFAULT_COUNT, DEFAULT_SEED
from daiban.demo.matters.perform import DemoStepFailed, Run, perform
from daiban.demo.matters.planner import Planner
from daiban.demo.matters.steps import Plan
from daiban.matters import actions
from daiban.matters.choices import ClosureKind, Status
from daiban.matters.models import Matter
from daiban.regions import geometry


def run_all(plans: list[Plan]) -> list[Run]:
    """Run every step of every plan in time order (ties: plan order), each on its own frozen clock."""
    runs = [Run(p) for p in plans]
    heap: list[tuple[datetime.datetime, int, int]] = []
    for i, run in enumerate(runs):
        at = run.plan.steps[0].at
        assert at is not None
        heap.append((at, i, 0))
    heapq.heapify(heap)
    while heap:
        at, i, pos = heapq.heappop(heap)
        run = runs[i]
        step = run.plan.steps[pos]
        try:
            with clock.frozen(at):
                perform(run, step)
        except Exception as exc:
            spec = run.plan.spec
            raise DemoStepFailed(
                f"演示事项 #{i}（{spec.scenario}，{spec.county}）第 {pos + 1} 步 {step.kind} 于 {at:%Y-%m-%d %H:%M} 失败：{exc}"
            ) from exc
        if pos + 1 < len(run.plan.steps):
            nxt = run.plan.steps[pos + 1].at
            assert nxt is not None
            heapq.heappush(heap, (nxt, i, pos + 1))
    return runs


@dataclass(frozen=True)
class LoadResult:
    matters: int
    by_status: dict[str, int]
    by_scenario: dict[str, int]
    by_district: dict[str, tuple[int, int]]  # county name → (open, closed)
    closures: dict[str, int]
    accounts_created: tuple[str, ...]
    seconds: float
    today: datetime.date


def load_demo_matters(
    *, today: datetime.date | None = None, count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED
) -> LoadResult | None:
    """Make the demo matters; return ``None`` (and change nothing) if any matter exists already.

    ``count`` is the number of matters (at least the essential ones are always made); every step happens
    on a day before ``today`` (default: the real today)."""
    if Matter.objects.exists():
        return None
    started = time.monotonic()
    today = today or clock.today()
    with transaction.atomic(), actions.seeded_lookup_codes(seed):
        cast = Cast()
        planner = Planner(cast, today, seed)
        plans = planner.plans(count)
        runs = run_all(plans)
    return _summary(runs, cast, today, time.monotonic() - started)


def _summary(runs: list[Run], cast: Cast, today: datetime.date, seconds: float) -> LoadResult:
    ids = [pk for run in runs for pk in run.created]
    rows = list(
        Matter.objects.filter(pk__in=ids).values_list("status", "region_path", "closure_kind", "resolved")
    )
    by_status = Counter(status for status, _, _, _ in rows)
    counties = {f"{d.region.path}": d.region.name for d in cast.districts.values()}
    by_district: dict[str, list[int]] = {name: [0, 0] for name in counties.values()}
    closures: Counter[str] = Counter()
    for status, path, closure, resolved in rows:
        county = next((name for p, name in counties.items() if geometry.contains(p, path)), "")
        by_district.setdefault(county, [0, 0])[status == Status.CLOSED] += 1
        if status == Status.CLOSED:
            label = ClosureKind(closure).label
            if closure == ClosureKind.HANDLED:
                label += "（已化解）" if resolved else "（未化解）"
            closures[label] += 1
    return LoadResult(
        matters=len(ids),
        by_status={s.value: by_status.get(s.value, 0) for s in Status},
        by_scenario=dict(Counter(run.plan.spec.scenario for run in runs)),
        by_district={k: (v[0], v[1]) for k, v in by_district.items()},
        closures=dict(closures),
        accounts_created=tuple(cast.created),
        seconds=seconds,
        today=today,
    )
