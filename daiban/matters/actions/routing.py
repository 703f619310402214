"""转送交办 and the units' answer to it: route to a lead unit and co-units; a unit objects (异议, decided
by the routing level: ``actions.objections``), accepts (受理, starting the handling clock — the simplified
one for 简易办理) or, as a co-unit, submits its part."""

from __future__ import annotations

from collections.abc import Sequence

from daiban.accounts.models import Role, User
from daiban.core import clock
from daiban.matters import deadlines, rules
from daiban.matters.actions.base import choice, fail, locked, record, require_text
from daiban.matters.choices import ContactMethod, EventKind, Status, Step, TaskRole, TaskStatus
from daiban.matters.errors import NotAllowed, OutOfScope
from daiban.matters.models import Matter, UnitTask
from daiban.matters.selectors import matters_for
from daiban.network import jurisdiction
from daiban.network.models import ResponsibleUnit, UnitDomain

__all__ = ["matter_route", "task_accept", "task_object", "task_submit_part"]


def matter_route(
    *,
    actor: User,
    matter_id: int,
    expected_version: int | None,
    lead_unit: ResponsibleUnit,
    lead_instructions: str = "",
    co_units: Sequence[tuple[ResponsibleUnit, str]] = (),
    simple: bool = False,
) -> Matter:
    """转送交办: the county (or city) centre names one lead unit (主办) and any co-units (协办); with
    ``simple`` the lead unit handles it by the simplified procedure (简易办理, 10 working days)."""
    with locked(actor, matter_id, expected_version) as m:
        rules.route(actor, m)
        if simple and deadlines.limit_length(Step.SIMPLIFIED) is None:
            raise fail("simple", "简易办理期限已停用，请管理员在“法定时限”中启用后再选择。")
        holder = m.holder_region
        assert holder is not None
        units = [lead_unit] + [u for u, _ in co_units]
        if len({u.pk for u in units}) != len(units):
            raise fail("co_units", "同一单位不能重复交办。")
        allowed = jurisdiction.routable_units(actor, holder.path, accusation=m.is_accusation)
        for field, unit in [("lead_unit", lead_unit)] + [("co_units", u) for u, _ in co_units]:
            if not allowed.filter(pk=unit.pk).exists():
                raise fail(field, f"“{unit}”不在可交办的单位范围内。")
            if m.is_accusation and unit.domain != UnitDomain.DISCIPLINE:
                raise fail(field, "检举控告类事项只能交纪检监察机关办理，不能交被检举单位。")
        now, today = clock.now(), clock.today()
        before = m.status
        # The routing clock is met; a level that had begun handling it locally hands its clock over too.
        deadlines.close_clocks(m, steps=[Step.ROUTE, Step.HANDLING, Step.SIMPLIFIED])
        lead = UnitTask.objects.create(
            matter=m,
            unit=lead_unit,
            role=TaskRole.LEAD,
            instructions=lead_instructions.strip(),
            assigned_at=now,
            assigned_by=actor,
            sent_from=holder,
        )
        deadlines.open_clock(m, Step.OBJECTION, today, task=lead)
        deadlines.open_clock(m, Step.ACCEPT_NOTICE, today, task=lead)
        for unit, instructions in co_units:
            task = UnitTask.objects.create(
                matter=m,
                unit=unit,
                role=TaskRole.CO,
                instructions=instructions.strip(),
                assigned_at=now,
                assigned_by=actor,
                sent_from=holder,
            )
            deadlines.open_clock(m, Step.OBJECTION, today, task=task)
        m.status = Status.ROUTED
        m.holder_unit = lead_unit
        m.simple_procedure = simple
        co_names = "、".join(str(u) for u, _ in co_units)
        record(
            m,
            actor,
            EventKind.ROUTE,
            f"交办：主办 {lead_unit}"
            + (f"，协办 {co_names}" if co_names else "")
            + ("，适用简易办理" if simple else ""),
            {
                "simple": simple,
                "lead": lead_unit.pk,
                "co": [u.pk for u, _ in co_units],
                "lead_instructions": lead_instructions.strip(),
                "co_instructions": "；".join(dict.fromkeys(i.strip() for _, i in co_units if i.strip())),
            },
            status_before=before,
        )
    return m


def _task_for(actor: User, task_id: int) -> UnitTask:
    """The task, if the actor may act on it; a task of a matter outside scope does not exist (404)."""
    task = UnitTask.objects.select_related("unit", "matter").filter(pk=task_id).first()
    if task is None:
        raise OutOfScope
    if actor.role != Role.UNIT_HANDLER or task.unit_id != actor.unit_id:
        if matters_for(actor).filter(pk=task.matter_id).exists():
            raise NotAllowed("只有被交办单位的经办人可以办理此操作。")
        raise OutOfScope
    return task


def task_object(*, actor: User, task_id: int, expected_version: int | None, reasons: str) -> Matter:
    """异议: within 5 working days a unit may say the matter is not its business, with reasons. The
    objection goes to the level that routed the task (``task.sent_from``), which agrees or refuses
    (``actions.objections``); until then the task stays the unit's. The objection window is used up (its
    clock is met); the acceptance-notice clock runs on, since an objection takes effect only once agreed
    (art. 23) and a refused one leaves the unit its original time."""
    reasons = require_text("reasons", reasons, "异议理由")
    task = _task_for(actor, task_id)
    with locked(actor, task.matter_id, expected_version) as m:
        task.refresh_from_db()
        rules.object_(actor, m, task)
        task.status = TaskStatus.OBJECTION_PENDING
        task.objection_reason = reasons
        task.save(update_fields=["status", "objection_reason"])
        deadlines.close_clocks(m, steps=[Step.OBJECTION], task=task)
        who = task.unit if task.role == TaskRole.LEAD else f"协办单位{task.unit}"
        record(
            m,
            actor,
            EventKind.OBJECT,
            f"{who}提出异议，待{task.sent_from_label}决定",
            {"task": task.pk, "reasons": reasons},
        )
    return m


def task_accept(
    *, actor: User, task_id: int, expected_version: int | None, notice_method: str = ""
) -> Matter:
    """受理: the lead unit accepts and tells the petitioner in writing (受理告知), starting the handling
    clock: 60 days (art. 34), or the simplified limit (10 working days) when routed for 简易办理. A unit
    whose objection is still undecided may accept after all, which withdraws the objection."""
    task = _task_for(actor, task_id)
    if task.role == TaskRole.LEAD:
        choice("notice_method", notice_method, ContactMethod, "受理告知方式")
    with locked(actor, task.matter_id, expected_version) as m:
        task.refresh_from_db()
        rules.accept(actor, m, task)
        before = m.status
        now, today = clock.now(), clock.today()
        withdrawn = task.status == TaskStatus.OBJECTION_PENDING
        task.status = TaskStatus.ACCEPTED
        task.accepted_at = now
        task.notice_method = notice_method if task.role == TaskRole.LEAD else ""
        if withdrawn:
            task.objection_reason = ""  # the objection's reasons stay in the timeline
        task.save(update_fields=["status", "accepted_at", "notice_method", "objection_reason"])
        deadlines.close_clocks(m, task=task)
        if task.role == TaskRole.LEAD:
            m.status = Status.HANDLING
            step = Step.SIMPLIFIED if m.simple_procedure else Step.HANDLING
            deadlines.open_clock(m, step, today, task=task)
            summary = f"{task.unit}受理并以{ContactMethod(notice_method).label}方式告知信访人"
            if m.simple_procedure:
                summary += "（简易办理）"
        else:
            summary = f"协办单位{task.unit}受理"
        if withdrawn:
            summary = f"{summary}，撤回异议"
        record(
            m,
            actor,
            EventKind.ACCEPT,
            summary,
            {
                "task": task.pk,
                "notice_method": notice_method,
                **({"withdrew_objection": True} if withdrawn else {}),
            },
            status_before=before,
        )
    return m


def task_submit_part(*, actor: User, task_id: int, expected_version: int | None, content: str) -> Matter:
    """协办意见: a co-unit reports its part to the lead unit."""
    content = require_text("content", content, "协办意见")
    task = _task_for(actor, task_id)
    with locked(actor, task.matter_id, expected_version) as m:
        task.refresh_from_db()
        rules.submit_part(actor, m, task)
        task.status = TaskStatus.PART_SUBMITTED
        task.part_content = content
        task.part_submitted_at = clock.now()
        task.save(update_fields=["status", "part_content", "part_submitted_at"])
        record(
            m,
            actor,
            EventKind.SUBMIT_PART,
            f"协办单位{task.unit}报送协办意见",
            {"task": task.pk, "content": content},
        )
    return m
