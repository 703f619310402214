"""The supervision ladder (督办 → 挂牌督办 with 纪检) as actions.

Two rungs are taken by the system (the periodic scan, ``actor`` None in the event):

* ``order_issue`` — a unit's clock has passed: a 督办单 from the level that routed the task
  (``task.sent_from``) to the unit, wanting written feedback within SUPERVISION_FEEDBACK_WORKDAYS working
  days; the unit's handlers and the matter's 包案 leaders are told.
* ``order_escalate`` — the feedback is missing after its deadline, or the clock is still overdue: 挂牌督办
  from the next level up (county → city; never above the city), copied to that level's 纪检 (信访+纪检联合
  督办); the 督办单 is marked escalated.

One row per unit task and rung (a unique constraint, inserted in a savepoint) is what keeps two scans, or two
consumers at once, from issuing anything twice. The people's actions: the unit's written feedback
(``order_feedback``), and the 纪检's 约谈/通报/问责 (``order_record_discipline``) and closing
(``order_close``) of a 挂牌督办. Each is keyword-only, atomic, locks the order, checks scope (→ 404) and
the version (→ 409), names the field of bad input in Chinese and writes one ``OrderEvent``.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.core import clock
from daiban.matters.actions.base import choice, require_text
from daiban.matters.choices import ACTIVE_TASK_STATUSES
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope, WrongState
from daiban.matters.models import Deadline, Matter, UnitTask, office_label
from daiban.matters.selectors import matters_for
from daiban.notify import services
from daiban.regions import geometry
from daiban.regions.models import Level, Region
from daiban.supervision import selectors
from daiban.supervision.models import (
    DisciplineKind,
    DisciplineRecord,
    OrderEvent,
    OrderStatus,
    Rung,
    Sequence,
    SupervisionOrder,
)
from daiban.workcal import calendar as workcal

logger = logging.getLogger(__name__)

__all__ = [
    "order_close",
    "order_escalate",
    "order_feedback",
    "order_issue",
    "order_issue_for",
    "order_record_discipline",
]

NUMBER_KINDS = {Rung.ORDER: "DB", Rung.LISTED: "GP"}


# ----------------------------------------------------------------------------------------- who is told


def workdays_ahead(today: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``today`` (the one calendar module counts them)."""
    return workcal.add_period(today, days, workcal.TimeUnit.WORKING_DAYS).due


def unit_handlers(unit_id: int | None) -> list[User]:
    if unit_id is None:
        return []
    return list(User.objects.filter(role=Role.UNIT_HANDLER, unit_id=unit_id, is_active=True))


def level_agents(region_id: int | None) -> list[User]:
    """The agents of a network level (the station or centre holding a matter)."""
    if region_id is None:
        return []
    return list(User.objects.filter(role__in=AGENT_ROLES, region_id=region_id, is_active=True))


def leaders_of(matter: Matter) -> list[User]:
    """包案即代办: the matter's leaders (both of a 双包案) are told whatever its holder is told."""
    return list(matter.leaders.filter(is_active=True))


def discipline_of(region: Region | None) -> list[User]:
    """The 纪检 of a jurisdiction: supervisors whose grant is that region."""
    if region is None:
        return []
    return list(User.objects.filter(role=Role.SUPERVISOR, region_id=region.pk, is_active=True))


def who_may_see(matter_id: int, people: Iterable[User]) -> list[User]:
    """``people`` without repeats and without anyone who may not open the matter: a message never
    reaches someone outside the matter's scope (one scope query per person; a handful at most)."""
    found: dict[int, User] = {}
    for person in people:
        if person.pk in found or not person.is_active:
            continue
        if matters_for(person).filter(pk=matter_id).exists():
            found[person.pk] = person
    return list(found.values())


def order_url(order: SupervisionOrder) -> str:
    return f"/supervision/orders/{order.pk}/"


# ------------------------------------------------------------------------------------------- helpers


def next_number(rung: str, region_path: str, year: int) -> str:
    """``DB150102-2026-00012`` (督办单) or ``GP…`` (挂牌督办), per county and year, under a row lock."""
    kind = NUMBER_KINDS[Rung(rung)]
    county = geometry.county_code(region_path) or geometry.codes(region_path)[0]
    seq, _ = Sequence.objects.select_for_update().get_or_create(kind=kind, county_code=county, year=year)
    Sequence.objects.filter(pk=seq.pk).update(last=F("last") + 1)
    seq.refresh_from_db()
    return f"{kind}{county}-{year}-{seq.last:05d}"


def record(
    order: SupervisionOrder,
    actor: User | None,
    kind: str,
    summary: str,
    details: dict[str, Any] | None = None,
) -> OrderEvent:
    """Bump the version, save, and write the event (same transaction). ``actor`` None: the system."""
    order.version += 1
    order.save()
    return OrderEvent.objects.create(
        order=order,
        seq=order.version,
        at=clock.now(),
        actor=actor,
        kind=kind,
        summary=summary[:200],
        details=details or {},
    )


@contextmanager
def locked(actor: User, order_id: int, expected_version: int | None) -> Iterator[SupervisionOrder]:
    """Open the transaction, check scope (→ 404), lock the order and compare versions (→ 409)."""
    with transaction.atomic():
        if not selectors.orders_for(actor).filter(pk=order_id).exists():
            raise OutOfScope
        order = SupervisionOrder.objects.select_for_update().get(pk=order_id)
        if expected_version is not None and order.version != expected_version:
            raise Conflict
        yield order


def _insert(order: SupervisionOrder) -> bool:
    """Insert ``order`` with its number unless its task already has this rung: the unique constraint
    decides, in a savepoint (the number drawn is rolled back with it)."""
    try:
        with transaction.atomic():
            order.number = next_number(order.rung, order.region_path, order.issued_at.year)
            order.save(force_insert=True)
    except IntegrityError:
        if not SupervisionOrder.objects.filter(task_id=order.task_id, rung=order.rung).exists():
            raise  # some other constraint: a bug, not a duplicate
        return False
    return True


def _is_overdue(deadline: Deadline | None, today: datetime.date) -> bool:
    return deadline is not None and deadline.is_open and deadline.due_date < today


# ---------------------------------------------------------------------------------- the system's rungs


def order_issue(*, deadline_id: int) -> SupervisionOrder | None:
    """督办: a unit's passed clock brings a 督办单 from the routing level to the unit (None when the
    matter already has one, or the clock is no longer overdue or no unit's)."""
    today, now = clock.today(), clock.now()
    with transaction.atomic():
        deadline = Deadline.objects.select_related("task", "task__unit", "task__sent_from").get(
            pk=deadline_id
        )
        task: UnitTask | None = deadline.task
        if task is None or not _is_overdue(deadline, today):
            return None
        matter = Matter.objects.get(pk=deadline.matter_id)
        order = SupervisionOrder(
            matter=matter,
            region_path=matter.region_path,
            rung=Rung.ORDER,
            deadline=deadline,
            task=task,
            unit=task.unit,
            issued_by=task.sent_from,
            issued_at=now,
            reason=(
                f"事项 {matter.number} 的“{deadline.get_step_display()}”期限已于 "
                f"{deadline.due_date:%Y年%m月%d日} 届满，{task.unit}逾期未办结。"
            ),
            feedback_due=workdays_ahead(today, settings.SUPERVISION_FEEDBACK_WORKDAYS),
        )
        if not _insert(order):
            return None
        record(
            order,
            None,
            "issue",
            f"{office_label(task.sent_from)}向{task.unit}下发督办单，限期书面反馈",
            {"deadline": deadline.pk, "step": deadline.step, "feedback_due": order.feedback_due.isoformat()},
        )
        people = who_may_see(matter.pk, [*unit_handlers(task.unit_id), *leaders_of(matter)])
        services.notify(
            recipients=people,
            kind="supervision_order",
            key=f"supervision:{order.number}",
            text=(
                f"督办单 {order.number}：事项 {matter.number} 已超期，{office_label(task.sent_from)}督办，"
                f"请于 {order.feedback_due:%m月%d日} 前书面反馈。"
            ),
            matter_id=matter.pk,
            url=order_url(order),
            urgent=True,
        )
    return order


def order_issue_for(
    *,
    matter: Matter,
    unit_id: int | None,
    issued_by: Region,
    reason: str,
    summary: str,
    details: dict[str, Any] | None = None,
    also_tell: Iterable[User] = (),
) -> SupervisionOrder:
    """督办 of a duty that is not a unit's clock (a 支持 opinion not carried out by its date, art. 32):
    a 督办单 from ``issued_by`` to the unit ``unit_id`` (or to no unit), wanting written feedback within
    SUPERVISION_FEEDBACK_WORKDAYS working days, and climbing the same ladder (``order_escalate``) when it is
    not answered. Call it inside the caller's transaction, under the caller's own claim of the duty (a row
    lock or a unique row): no unit task makes this order unique, so the caller decides "once"."""
    today, now = clock.today(), clock.now()
    order = SupervisionOrder(
        matter=matter,
        region_path=matter.region_path,
        rung=Rung.ORDER,
        unit_id=unit_id,
        issued_by=issued_by,
        issued_at=now,
        reason=reason,
        feedback_due=workdays_ahead(today, settings.SUPERVISION_FEEDBACK_WORKDAYS),
    )
    order.number = next_number(order.rung, order.region_path, now.year)
    order.save(force_insert=True)
    record(
        order,
        None,
        "issue",
        summary[:200],
        {**(details or {}), "feedback_due": order.feedback_due.isoformat()},
    )
    people = who_may_see(matter.pk, [*unit_handlers(unit_id), *leaders_of(matter), *also_tell])
    services.notify(
        recipients=people,
        kind="supervision_order",
        key=f"supervision:{order.number}",
        text=f"督办单 {order.number}：{reason} 请于 {order.feedback_due:%m月%d日} 前书面反馈。",
        matter_id=matter.pk,
        url=order_url(order),
        urgent=True,
    )
    return order


def next_level_up(region: Region) -> Region:
    """The level above ``region`` for 挂牌督办 (county → city); the city lists its own orders."""
    if region.level <= Level.CITY or region.parent_id is None:
        return region
    parent = Region.objects.get(pk=region.parent_id)
    return parent


def order_escalate(*, order_id: int) -> SupervisionOrder | None:
    """挂牌督办: a 督办单 whose feedback is missing after its deadline, or whose clock is still overdue,
    is listed by the next level up with its 纪检 copied; the 督办单 is marked escalated. None when it is
    not (or no longer) due for it, or the matter is already listed."""
    today, now = clock.today(), clock.now()
    with transaction.atomic():
        order = (
            SupervisionOrder.objects.select_for_update(of=("self",))
            .select_related("issued_by", "unit")
            .filter(pk=order_id, rung=Rung.ORDER)
            .first()
        )
        if order is None or order.feedback_due >= today:
            return None
        task = UnitTask.objects.filter(pk=order.task_id).first() if order.task_id else None
        if task is not None and task.status not in ACTIVE_TASK_STATUSES:
            # The unit is no longer responsible (its objection was upheld, or the task was withdrawn): the
            # order ends here instead of being listed against it, and leaves the scan's range.
            order.status = OrderStatus.CLOSED
            record(
                order,
                None,
                "close",
                "交办任务已撤回（异议成立或改交他单位），督办结束",
                {"task_status": task.status},
            )
            return None
        deadline = Deadline.objects.filter(pk=order.deadline_id).first() if order.deadline_id else None
        missing = order.status == OrderStatus.OPEN
        still_overdue = order.status == OrderStatus.ANSWERED and _is_overdue(deadline, today)
        if not (missing or still_overdue):
            if order.status == OrderStatus.ANSWERED:
                # Answered and the clock met: the order is done, and leaves the scan's range for good.
                order.status = OrderStatus.CLOSED
                record(order, None, "close", "已书面反馈且期限已满足，督办结束")
            return None
        matter = Matter.objects.get(pk=order.matter_id)
        up = next_level_up(order.issued_by)
        why = "逾期未书面反馈" if missing else "书面反馈后仍逾期未办结"
        listed = SupervisionOrder(
            matter=matter,
            region_path=order.region_path,
            rung=Rung.LISTED,
            deadline=deadline,
            task_id=order.task_id,
            unit=order.unit,
            issued_by=up,
            discipline_region=up,
            issued_at=now,
            reason=f"督办单 {order.number} {why}，{office_label(up)}挂牌督办，{up.name}纪检监察机关联合督办。",
            feedback_due=workdays_ahead(today, settings.SUPERVISION_FEEDBACK_WORKDAYS),
        )
        if not _insert(listed):
            return None
        record(
            listed,
            None,
            "list",
            f"{office_label(up)}挂牌督办，抄送{up.name}纪检监察机关",
            {"from_order": order.pk, "missing_feedback": missing},
        )
        order.status = OrderStatus.ESCALATED
        order.escalated_to = listed
        record(order, None, "escalate", f"{why}，升级为挂牌督办 {listed.number}", {"listed": listed.pk})
        people = who_may_see(
            matter.pk, [*unit_handlers(order.unit_id), *leaders_of(matter), *discipline_of(up)]
        )
        services.notify(
            recipients=people,
            kind="listed_supervision",
            key=f"supervision:{listed.number}",
            text=(
                f"挂牌督办 {listed.number}：事项 {matter.number} {why}，由{office_label(up)}挂牌督办并抄送"
                f"纪检监察机关，请于 {listed.feedback_due:%m月%d日} 前书面反馈。"
            ),
            matter_id=matter.pk,
            url=order_url(listed),
            urgent=True,
        )
    return listed


# --------------------------------------------------------------------------------- the people's actions


def order_feedback(
    *, actor: User, order_id: int, expected_version: int | None, feedback: str
) -> SupervisionOrder:
    """书面反馈: the supervised unit's handler answers a 督办单 or a 挂牌督办 in writing."""
    feedback = require_text("feedback", feedback, "书面反馈", max_length=2000)
    with locked(actor, order_id, expected_version) as order:
        if not selectors.may_answer(actor, order):
            raise NotAllowed("只有被督办单位的经办人可以书面反馈。")
        if order.status != OrderStatus.OPEN:
            raise WrongState(f"该督办{order.get_status_display()}，不能再反馈。")
        order.feedback = feedback
        order.feedback_at = clock.now()
        order.feedback_by = actor
        order.status = OrderStatus.ANSWERED
        record(order, actor, "feedback", f"{order.unit}书面反馈", {"length": len(feedback)})
    return order


def order_record_discipline(
    *,
    actor: User,
    order_id: int,
    expected_version: int | None,
    kind: str,
    person: str,
    finding: str,
    outcome: str,
) -> DisciplineRecord:
    """约谈 / 通报 / 问责: what the 纪检 did about a 挂牌督办 (the person, the finding, the outcome)."""
    choice("kind", kind, DisciplineKind, "处理方式")
    person = require_text("person", person, "对象（姓名、职务）", max_length=80)
    finding = require_text("finding", finding, "认定事实", max_length=2000)
    outcome = require_text("outcome", outcome, "处理结果", max_length=2000)
    with locked(actor, order_id, expected_version) as order:
        if not selectors.may_discipline(actor, order):
            raise NotAllowed("只有本辖区纪检监督员可以对挂牌督办登记约谈、通报或问责。")
        if order.status == OrderStatus.CLOSED:
            raise WrongState("该挂牌督办已结束，不能再登记。")
        entry = DisciplineRecord.objects.create(
            order=order,
            kind=kind,
            person=person,
            finding=finding,
            outcome=outcome,
            recorded_by=actor,
            recorded_at=clock.now(),
        )
        label = DisciplineKind(kind).label
        record(order, actor, f"discipline_{kind}", f"纪检登记{label}", {"record": entry.pk, "kind": kind})
    return entry


def order_close(*, actor: User, order_id: int, expected_version: int | None, note: str) -> SupervisionOrder:
    """结束挂牌督办: the 纪检 closes a 挂牌督办 (with a note on why)."""
    note = require_text("note", note, "结束说明", max_length=500)
    with locked(actor, order_id, expected_version) as order:
        if not selectors.may_discipline(actor, order):
            raise NotAllowed("只有本辖区纪检监督员可以结束挂牌督办。")
        if order.status == OrderStatus.CLOSED:
            raise WrongState("该挂牌督办已结束。")
        order.status = OrderStatus.CLOSED
        record(order, actor, "close", "纪检结束挂牌督办", {"note": note})
    return order
