"""责令改正 and its 整改 report: the two writes of accountability, each one transaction with its event on
the matter's timeline (``EventKind.CORRECTION_ORDER``; the report's event says so in its details)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse

from daiban.accountability import failures
from daiban.accountability.models import CorrectionOrder, FailureKind, OrderStatus
from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.core import clock
from daiban.matters.actions.base import choice, fail, locked, record, require_text
from daiban.matters.choices import EventKind
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope, WrongState
from daiban.matters.models import Matter, office_label
from daiban.notify.delivery import create_messages

__all__ = ["correction_order", "correction_report", "rule_order"]

MAX_TEXT = 1000
MAX_DAYS = 180


def rule_order(user: User, matter: Matter) -> None:
    """Who may order a correction on ``matter`` now (the button and the action agree): the network's
    staff, superior to the party responsible for a failure of the matter not already under correction."""
    if user.role not in failures.ORDER_ROLES:
        raise NotAllowed("只有上级代办中心（站）、信访部门工作人员可以责令改正。")
    found = failures.findings(user, matter, clock.today())
    if not found:
        raise WrongState("该事项没有《信访工作条例》第四十二条至第四十五条所列的失职情形。")
    superior = [f for f in found if failures.is_superior(user, f)]
    if not superior:
        parties = "、".join(dict.fromkeys(f.party for f in found))
        raise NotAllowed(f"您不是责任方（{parties}）的上级，不能责令其改正。")
    pending = failures.pending_kinds(matter)
    if all(f.kind in pending for f in superior):
        raise WrongState("已就该事项的失职情形责令改正，待整改。")


def _recipients(order: CorrectionOrder) -> list[User]:
    if order.to_unit_id is not None:
        people = User.objects.filter(role=Role.UNIT_HANDLER, unit_id=order.to_unit_id, is_active=True)
    elif order.to_region_id is not None:
        people = User.objects.filter(role__in=AGENT_ROLES, region_id=order.to_region_id, is_active=True)
    else:
        return []
    return list(people[:50])


def correction_order(
    *,
    actor: User,
    matter_id: int,
    expected_version: int | None,
    failure: str,
    instructions: str,
    due_date: datetime.date | None,
) -> Matter:
    """责令改正 (arts. 42–45): a superior level orders the level or unit responsible for one failure of the
    matter (``failure``, a ``FailureKind``) to correct it (``instructions``) by ``due_date``. Refused when
    the matter shows no such failure, when the actor is not a superior of the responsible party, or while a
    correction of the same failure is pending. The responsible party is told (notify)."""
    choice("failure", failure, FailureKind, "失职情形")
    instructions = require_text("instructions", instructions, "整改要求", MAX_TEXT)
    today = clock.today()
    if due_date is None:
        raise fail("due_date", "请填写整改期限。")
    if not today <= due_date <= today + datetime.timedelta(days=MAX_DAYS):
        raise fail("due_date", f"整改期限应在今天至 {MAX_DAYS} 天内（今天即“即日整改”）。")
    with locked(actor, matter_id, expected_version) as m:
        rule_order(actor, m)
        found = next((f for f in failures.findings(actor, m, today) if f.kind == failure), None)
        if found is None:
            raise WrongState(f"该事项没有“{FailureKind(failure).label}”的情形，不能就此责令改正。")
        if not failures.is_superior(actor, found):
            raise NotAllowed(f"您不是责任方（{found.party}）的上级，不能责令其改正。")
        if failure in failures.pending_kinds(m):
            raise WrongState(f"已就“{found.label}”责令改正，待整改。")
        assert actor.region is not None
        order = CorrectionOrder(
            matter=m,
            failure=failure,
            instructions=instructions,
            due_date=due_date,
            ordered_by=actor,
            ordered_by_region=actor.region,
            ordered_at=clock.now(),
            to_unit=found.unit,
            to_region=found.region if found.unit is None else None,
        )
        order.save()
        orderer = office_label(actor.region)
        record(
            m,
            actor,
            EventKind.CORRECTION_ORDER,
            f"{orderer}责令{found.party}改正：{found.label}，限 {due_date:%Y年%m月%d日} 前整改"[:200],
            {
                "order": order.pk,
                "stage": "order",
                "failure": failure,
                "article": failures.ARTICLES[failure],
                "instructions": instructions,
                "due_date": due_date.isoformat(),
            },
            refresh_due=False,
        )
        create_messages(
            recipients=_recipients(order),
            kind="correction_order",
            key=f"correction:{order.pk}",
            text=(
                f"责令改正：事项 {m.number}（{found.label}），{orderer}要求于 {due_date:%m月%d日} 前整改并报告。"
            ),
            matter_id=m.pk,
            url=reverse("accountability:correction_order", args=[order.pk]),
            urgent=False,
        )
    return m


def correction_report(
    *, actor: User, order_id: int, expected_version: int | None, report: str
) -> CorrectionOrder:
    """整改报告: the ordered party (the unit's handlers, or the staff of the level) records how it corrected
    the failure; the order becomes 已整改 and the orderer is told. ``expected_version`` is the order's."""
    report = require_text("report", report, "整改情况", MAX_TEXT)
    with transaction.atomic():
        if not failures.orders_for(actor).filter(pk=order_id).exists():
            raise OutOfScope
        order = CorrectionOrder.objects.select_for_update().get(pk=order_id)
        if expected_version is not None and order.version != expected_version:
            raise Conflict
        if not failures.may_report(actor, order):
            raise NotAllowed("只有被责令改正的单位（层级）可以报告整改情况。")
        if order.status != OrderStatus.PENDING:
            raise WrongState("该责令改正已报告整改情况。")
        with locked(actor, order.matter_id, None) as m:
            order.status = OrderStatus.DONE
            order.report = report
            order.reported_by = actor
            order.reported_at = clock.now()
            order.version += 1
            order.save(update_fields=["status", "report", "reported_by", "reported_at", "version"])
            record(
                m,
                actor,
                EventKind.CORRECTION_ORDER,
                f"{order.addressee_label}报告整改情况：{order.get_failure_display()}"[:200],
                {"order": order.pk, "stage": "report", "failure": order.failure, "report": report},
                refresh_due=False,
            )
            create_messages(
                recipients=[order.ordered_by_id],
                kind="correction_order",
                key=f"correction:{order.pk}:report",
                text=f"事项 {m.number} 的责令改正（{order.get_failure_display()}）已报告整改情况。",
                matter_id=m.pk,
                url=reverse("accountability:correction_order", args=[order.pk]),
                urgent=False,
            )
    return order
