"""The periodic scan: reminders (临期/超期) and the supervision ladder (督办 → 挂牌督办).

It reads only indexed ranges, never the matters table as a whole:

* open clocks due between today and SUPERVISION_DUE_SOON_WORKDAYS working days ahead, and open clocks
  whose date has passed — two ranges of the ``(is_open, due_date)`` index of ``Deadline``, each without the
  clocks already reminded at that stage (an anti-join on the reminder's unique ``(deadline, stage)`` index);
* overdue unit clocks whose task has no 督办单 yet (an anti-join on the order's ``(task, rung)`` index);
* 督办单 still open or answered whose feedback date has passed (the ``(status, feedback_due)`` index).

Safe to run twice and on several consumers at once: a reminder is one row per (deadline, stage), an order
one row per (task, rung), each inserted in a savepoint under its unique constraint, and whoever loses
the insert sends nothing. Objection windows (异议期) give a right, not a duty: they are never reminded.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet

from daiban.core import clock
from daiban.matters.deadlines import WINDOW_STEPS
from daiban.matters.models import Deadline, Matter
from daiban.notify import services
from daiban.supervision.actions import ladder
from daiban.supervision.models import OrderStatus, Reminder, ReminderStage, Rung, SupervisionOrder

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------- the ranges


def _open_duties() -> QuerySet[Deadline]:
    return Deadline.objects.filter(is_open=True).exclude(step__in=WINDOW_STEPS).order_by()


def _not_reminded(qs: QuerySet[Deadline], stage: str) -> QuerySet[Deadline]:
    return qs.exclude(Exists(Reminder.objects.filter(deadline_id=OuterRef("pk"), stage=stage)))


def due_soon_range(today: datetime.date) -> QuerySet[Deadline]:
    """Open clocks due from today to SUPERVISION_DUE_SOON_WORKDAYS working days ahead, not yet reminded."""
    until = ladder.workdays_ahead(today, settings.SUPERVISION_DUE_SOON_WORKDAYS)
    return _not_reminded(
        _open_duties().filter(due_date__gte=today, due_date__lte=until), ReminderStage.DUE_SOON
    )


def overdue_range(today: datetime.date) -> QuerySet[Deadline]:
    """Open clocks whose date has passed, not yet reminded as overdue."""
    return _not_reminded(_open_duties().filter(due_date__lt=today), ReminderStage.OVERDUE)


def unsupervised_range(today: datetime.date) -> QuerySet[Deadline]:
    """Overdue unit clocks whose task has no 督办单 yet (a unit that takes over a matter from one whose
    objection was upheld is supervised on its own)."""
    has_order = SupervisionOrder.objects.filter(task_id=OuterRef("task_id"), rung=Rung.ORDER)
    return _open_duties().filter(due_date__lt=today, task__isnull=False).exclude(Exists(has_order))


def escalation_range(today: datetime.date) -> QuerySet[SupervisionOrder]:
    """督办单 whose feedback date has passed, still open (no feedback) or answered (maybe still overdue)."""
    return SupervisionOrder.objects.filter(
        rung=Rung.ORDER,
        status__in=[OrderStatus.OPEN, OrderStatus.ANSWERED],
        feedback_due__lt=today,
    ).order_by()


def _ids(qs: QuerySet[Any]) -> list[int]:
    """The ids of a range, read at once (one index range scan), before anything is written: each id is
    then handled in its own transaction."""
    return list(qs.values_list("pk", flat=True))


# ------------------------------------------------------------------------------------------ reminders


def holders(deadline: Deadline, matter: Matter) -> list[Any]:
    """Who holds a clock: the unit's handlers for a unit's clock; otherwise the agents of the level holding
    the matter and its responsible agent. 包案即代办: the matter's leaders (both of a 双包案) too."""
    if deadline.task_id is not None:
        assert deadline.task is not None
        people = ladder.unit_handlers(deadline.task.unit_id)
    else:
        people = [*ladder.level_agents(matter.holder_region_id), matter.responsible_agent]
    return ladder.who_may_see(matter.pk, [*people, *ladder.leaders_of(matter)])


def _text(stage: str, deadline: Deadline, matter: Matter) -> str:
    step = deadline.get_step_display()
    if stage == ReminderStage.DUE_SOON:
        return f"事项 {matter.number} 的“{step}”期限将于 {deadline.due_date:%m月%d日} 届满，请抓紧办理。"
    return f"事项 {matter.number} 的“{step}”期限已于 {deadline.due_date:%m月%d日} 届满，已超期，请尽快办结。"


def remind(deadline_id: int, stage: str) -> bool:
    """One reminder of one clock at one stage: the row (unique per deadline and stage, inserted in a
    savepoint) and the messages, in one transaction. False when it was reminded already (or is no longer
    open)."""
    with transaction.atomic():
        deadline = Deadline.objects.select_related("task").filter(pk=deadline_id, is_open=True).first()
        if deadline is None:
            return False
        reminder = Reminder(
            deadline=deadline,
            matter_id=deadline.matter_id,
            stage=stage,
            due_date=deadline.due_date,
            sent_at=clock.now(),
        )
        try:
            with transaction.atomic():
                reminder.save(force_insert=True)
        except IntegrityError:
            if not Reminder.objects.filter(deadline_id=deadline_id, stage=stage).exists():
                raise
            return False
        matter = Matter.objects.select_related("responsible_agent").get(pk=deadline.matter_id)
        services.notify(
            recipients=holders(deadline, matter),
            kind=str(stage),
            key=f"reminder:{deadline.pk}:{stage}",
            text=_text(stage, deadline, matter),
            matter_id=matter.pk,
            url=f"/matters/{matter.pk}/",
            urgent=stage == ReminderStage.OVERDUE,
        )
    return True


# --------------------------------------------------------------------------------------------- the scan


def _each(name: str, ids: list[int], handle: Any, counts: dict[str, int]) -> None:
    """Handle each id on its own: one that fails is logged (type only, never data) and the others run."""
    for pk in ids:
        try:
            done = handle(pk)
        except Exception as exc:  # one broken row must not stop the scan
            logger.error("supervision scan: %s %s failed: %s", name, pk, type(exc).__name__)
            continue
        if done:
            counts[name] += 1


def scan(today: datetime.date | None = None) -> dict[str, int]:
    """One pass of reminders and the ladder; how many of each were newly made."""
    today = today or clock.today()
    counts = {"due_soon": 0, "overdue": 0, "orders": 0, "listed": 0}
    _each(
        "due_soon",
        _ids(due_soon_range(today)),
        lambda pk: remind(pk, ReminderStage.DUE_SOON),
        counts,
    )
    _each("overdue", _ids(overdue_range(today)), lambda pk: remind(pk, ReminderStage.OVERDUE), counts)
    _each(
        "orders",
        _ids(unsupervised_range(today)),
        lambda pk: ladder.order_issue(deadline_id=pk) is not None,
        counts,
    )
    _each(
        "listed",
        _ids(escalation_range(today)),
        lambda pk: ladder.order_escalate(order_id=pk) is not None,
        counts,
    )
    if any(counts.values()):
        logger.info("supervision scan: %s", counts)
    return counts
