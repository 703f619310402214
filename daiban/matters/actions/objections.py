"""The routing level decides a unit's objection (异议, 信访工作条例 art. 23: an objection takes effect only
once the sending office has verified and agreed). Staff of the level that routed the task (its
``sent_from``) agree — the task is withdrawn and, for the lead unit, the matter comes back to them to be
routed again with a new routing clock — or refuse with reasons, and the unit must handle the matter
within the time it had (its acceptance-notice clock never stopped)."""

from __future__ import annotations

from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters import deadlines, rules
from daiban.matters.actions.base import locked, record, require_text
from daiban.matters.choices import EventKind, Status, Step, TaskRole, TaskStatus
from daiban.matters.errors import OutOfScope
from daiban.matters.models import Matter, UnitTask

__all__ = ["task_objection_agree", "task_objection_refuse"]

# A lead unit's objection upheld withdraws everything routed with it: the matter is routed afresh.
_WITHDRAWN_WITH_THE_LEAD = [
    TaskStatus.ASSIGNED,
    TaskStatus.OBJECTION_PENDING,
    TaskStatus.ACCEPTED,
    TaskStatus.PART_SUBMITTED,
]


def _task(task_id: int) -> UnitTask:
    """The task; a missing one does not exist (404). Scope is checked by ``locked`` on its matter."""
    task = UnitTask.objects.select_related("unit", "sent_from").filter(pk=task_id).first()
    if task is None:
        raise OutOfScope
    return task


def task_objection_agree(
    *, actor: User, task_id: int, expected_version: int | None, note: str = ""
) -> Matter:
    """同意异议: the objection is upheld and the task withdrawn. A lead unit's: the matter (and any co-unit
    task) goes back to the routing level, registered there with a new 15-day routing clock from today
    (art. 22); a co-unit's: only that task ends."""
    task = _task(task_id)
    with locked(actor, task.matter_id, expected_version) as m:
        task.refresh_from_db()
        rules.decide_objection(actor, m, task)
        before = m.status
        task.status = TaskStatus.OBJECTED
        task.save(update_fields=["status"])
        deadlines.close_clocks(m, task=task)
        if task.role == TaskRole.LEAD:
            for other in m.tasks.exclude(pk=task.pk).filter(status__in=_WITHDRAWN_WITH_THE_LEAD):
                other.status = TaskStatus.WITHDRAWN
                other.save(update_fields=["status"])
                deadlines.close_clocks(m, task=other)
            m.status = Status.REGISTERED
            m.holder_unit = None
            m.holder_region = task.sent_from
            m.holder_path = task.sent_from.path
            m.simple_procedure = False  # the next routing decides again
            deadlines.open_clock(m, Step.ROUTE, clock.today())
            summary = f"同意{task.unit}的异议，事项退回{m.holder_label}重新交办"
        else:
            summary = f"同意协办单位{task.unit}的异议，撤回其协办任务"
        record(
            m,
            actor,
            EventKind.OBJECTION_AGREE,
            summary,
            {"task": task.pk, "note": note.strip()},
            status_before=before,
        )
    return m


def task_objection_refuse(*, actor: User, task_id: int, expected_version: int | None, reasons: str) -> Matter:
    """不同意异议, with reasons: the task stays with the unit, which must accept and handle it; its clocks
    run on from the original routing (the objection never stopped them), and it may not object again."""
    reasons = require_text("reasons", reasons, "不同意异议的理由")
    task = _task(task_id)
    with locked(actor, task.matter_id, expected_version) as m:
        task.refresh_from_db()
        rules.decide_objection(actor, m, task)
        task.status = TaskStatus.ASSIGNED
        task.objection_refusal = reasons
        task.save(update_fields=["status", "objection_refusal"])
        who = task.unit if task.role == TaskRole.LEAD else f"协办单位{task.unit}"
        record(
            m,
            actor,
            EventKind.OBJECTION_REFUSE,
            f"不同意{who}的异议，仍由其按交办要求办理",
            {"task": task.pk, "reasons": reasons},
        )
    return m
