"""Statutory clocks of a matter, computed by daiban.workcal (the one calendar module).

Each open clock is a ``Deadline`` row; ``Matter.due_date``/``due_step``/``due_provisional`` mirror the
earliest open one so lists can sort and filter on an indexed column and show 暂定 without reading clocks.
When the holiday schedule changes, open clocks are recomputed (``recompute_open``), safe to run twice.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.db import transaction

from daiban.core import clock
from daiban.matters.choices import Step
from daiban.matters.errors import WrongState
from daiban.matters.models import Deadline, Matter, UnitTask
from daiban.workcal import calendar as workcal
from daiban.workcal.hooks import on_schedule_change

logger = logging.getLogger(__name__)


def _compute(step: str, start: datetime.date, extra_days: int, excluded_days: int) -> workcal.Deadline:
    try:
        return workcal.deadline_for(step, start, extra_days=extra_days, excluded_days=excluded_days)
    except workcal.TimeLimitError as exc:
        raise WrongState(
            f"时限“{Step(step).label}”已停用或未配置，请管理员在“法定时限”中启用后再办理。"
        ) from exc


def compute(step: Step, start: datetime.date) -> workcal.Deadline:
    """A new clock's due date as ``open_clock`` would set it (for a matter inserted with it mirrored)."""
    return _compute(step, start, 0, 0)


def open_clock(
    matter: Matter,
    step: Step,
    start: datetime.date,
    *,
    task: UnitTask | None = None,
    computed: workcal.Deadline | None = None,
) -> Deadline:
    result = computed if computed is not None else _compute(step, start, 0, 0)
    return Deadline.objects.create(
        matter=matter,
        task=task,
        step=step,
        started_on=start,
        due_date=result.due,
        provisional=result.provisional,
        explanation=result.explanation,
    )


def close_clocks(matter: Matter, *, steps: Iterable[Step] | None = None, task: UnitTask | None = None) -> int:
    qs = Deadline.objects.filter(matter=matter, is_open=True)
    if steps is not None:
        qs = qs.filter(step__in=list(steps))
    if task is not None:
        qs = qs.filter(task=task)
    return qs.update(is_open=False, met_at=clock.now())


def adjust_clock(
    deadline: Deadline, *, extra_days: int | None = None, excluded_days: int | None = None
) -> None:
    """Set a clock's approved extension (``extra_days``, the total so far) or its uncounted days
    (``excluded_days``, e.g. hearing time) and recompute it. The calendar counts an extension from the
    original due date (原办理期限届满之日, art. 34), not from the start, and explains both counts."""
    if extra_days is not None:
        deadline.extra_days = extra_days
    if excluded_days is not None:
        deadline.excluded_days = excluded_days
    _recompute(deadline)
    deadline.save(update_fields=["extra_days", "excluded_days", "due_date", "provisional", "explanation"])


def _recompute(deadline: Deadline) -> bool:
    result = _compute(deadline.step, deadline.started_on, deadline.extra_days, deadline.excluded_days)
    changed = (result.due, result.provisional, result.explanation) != (
        deadline.due_date,
        deadline.provisional,
        deadline.explanation,
    )
    deadline.due_date, deadline.provisional, deadline.explanation = (
        result.due,
        result.provisional,
        result.explanation,
    )
    return changed


def review_window_end(limit: str, start: datetime.date) -> datetime.date:
    """The last day to ask for the next instance (``review_request`` after a handling opinion,
    ``reexam_request`` after a review opinion), counted by the calendar from ``start``."""
    try:
        return workcal.deadline_for(limit, start).due
    except workcal.TimeLimitError as exc:
        raise WrongState(
            "申请复查（复核）的时限已停用或未配置，请管理员在“法定时限”中启用后再办理。"
        ) from exc


def extension_cap() -> int:
    """The configured cap on extensions (workcal "extension"; art. 34 and the default: 30 days). The
    calendar refuses an extension above it, so the action and its button use this same number, and a
    switched-off limit means no extension can be granted."""
    try:
        return workcal.time_limit(workcal.EXTENSION_LIMITS["handling"]).length
    except workcal.TimeLimitError as exc:
        raise WrongState(f"{exc}，不能办理延期。") from exc


def limit_length(step: Step) -> str | None:
    """The configured length of the limit ``step`` counts by, e.g. "10 个工作日" (None when that limit is
    switched off or missing), for forms that offer a choice of clock (简易办理)."""
    try:
        spec = workcal.time_limit(step)
    except workcal.TimeLimitError:
        return None
    return f"{spec.length} 个{workcal.TimeUnit(spec.unit).label}"


def simple_procedure_label() -> str:
    """The 简易办理 checkbox's label, with the configured length: 适用简易办理（10 个工作日）."""
    length = limit_length(Step.SIMPLIFIED)
    return f"适用简易办理（{length}）" if length else "适用简易办理（简易办理期限已停用）"


# Windows that give a right rather than impose a duty: a unit *may* object within 5 working days, and
# letting the window pass is not a failure. They are shown on the matter page but never make the matter
# due soon or overdue.
WINDOW_STEPS = (Step.OBJECTION,)


def refresh_due(matter: Matter) -> None:
    """Mirror the earliest open duty clock (date, step, provisional flag) onto the matter (the caller saves
    the matter)."""
    first = (
        Deadline.objects.filter(matter=matter, is_open=True)
        .exclude(step__in=WINDOW_STEPS)
        .order_by("due_date", "id")
        .first()
    )
    matter.due_date = first.due_date if first else None
    matter.due_step = first.step if first else ""
    matter.due_provisional = first.provisional if first else False


def recompute_open(years: Iterable[int] | None = None) -> int:
    """Recompute every open clock (optionally only those whose window touches ``years``).

    Returns the number of clocks whose date or explanation changed. Idempotent.
    """
    qs = Deadline.objects.filter(is_open=True)
    if years is not None:
        year_list = sorted(set(years))
        if not year_list:
            return 0
        # A clock can only move if its window reaches into a changed year.
        qs = qs.filter(started_on__year__lte=max(year_list), due_date__year__gte=min(year_list) - 1)
    changed_matters: set[int] = set()
    changed = 0
    for deadline in qs.iterator(chunk_size=500):
        try:
            moved = _recompute(deadline)
        except WrongState:
            # Its limit was switched off: keep the date it had rather than stop every other recompute.
            logger.warning("deadline %s kept: time limit %s is inactive", deadline.pk, deadline.step)
            continue
        if moved:
            deadline.save(update_fields=["due_date", "provisional", "explanation"])
            changed_matters.add(deadline.matter_id)
            changed += 1
    for matter_id in changed_matters:
        with transaction.atomic():
            matter = Matter.objects.select_for_update().get(pk=matter_id)
            refresh_due(matter)
            matter.save(update_fields=["due_date", "due_step", "due_provisional"])
    return changed


def _on_schedule_change(years: frozenset[int]) -> None:
    recompute_open(years)


def register_schedule_hook() -> None:
    on_schedule_change(_on_schedule_change)
