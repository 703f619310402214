"""The periodic reminders of mediation (ADR 0012: a unique row per thing done):

* 司法确认: a signed agreement whose 30-day window ends within ``JUDICIAL_REMIND_DAYS`` days and for which
  nobody has recorded whether the parties applied — the responsible agent and the mediators are reminded
  once (``agreement:<id>:judicial_due_soon``);
* 履行逾期: an obligation of an agreement in force still pending the day after its deadline — they are told
  once (``obligation:<id>:overdue``).

Each range is read through an index (``agreement_judicial_due``, ``obligation_status_deadline``) and bounded
(windows not yet over; deadlines at most ``OVERDUE_LOOKBACK_DAYS`` ago), without what was reminded already
(an anti-join on the reminder's unique key). A reminder row is inserted in a savepoint under its unique
constraint: a second scan or a second consumer at the same moment fails that insert and sends nothing.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet

from daiban.core import clock
from daiban.matters.models import Matter
from daiban.mediation.actions.base import record
from daiban.mediation.actions.signing import NOTIFY_KIND, dossier_url, recipients_of
from daiban.mediation.models import (
    Agreement,
    AgreementStatus,
    Dossier,
    JudicialStatus,
    Obligation,
    ObligationStatus,
    Reminder,
    ReminderStage,
)
from daiban.notify import services

logger = logging.getLogger(__name__)

JUDICIAL_REMIND_DAYS = 7  # the reminder goes out this many days before the window ends
OVERDUE_LOOKBACK_DAYS = 30  # the queue may be down this long without an overdue obligation being missed


def judicial_range(today: datetime.date) -> QuerySet[Agreement]:
    reminded = Reminder.objects.filter(agreement_id=OuterRef("pk"), stage=ReminderStage.JUDICIAL_DUE_SOON)
    return (
        Agreement.objects.filter(
            status=AgreementStatus.SIGNED,
            judicial_status=JudicialStatus.NONE,
            judicial_until__gte=today,
            judicial_until__lte=today + datetime.timedelta(days=JUDICIAL_REMIND_DAYS),
        )
        .exclude(Exists(reminded))
        .order_by()
    )


def overdue_range(today: datetime.date) -> QuerySet[Obligation]:
    reminded = Reminder.objects.filter(obligation_id=OuterRef("pk"), stage=ReminderStage.OBLIGATION_OVERDUE)
    return (
        Obligation.objects.filter(
            status=ObligationStatus.PENDING,
            deadline__lt=today,
            deadline__gte=today - datetime.timedelta(days=OVERDUE_LOOKBACK_DAYS),
            agreement__status=AgreementStatus.SIGNED,
        )
        .exclude(Exists(reminded))
        .order_by()
    )


def _claim(key: str, stage: str, agreement_id: int, obligation_id: int | None) -> bool:
    """Insert the reminder's row in a savepoint; False when another scan holds it already."""
    try:
        with transaction.atomic():
            Reminder.objects.create(
                key=key,
                stage=stage,
                agreement_id=agreement_id,
                obligation_id=obligation_id,
                sent_at=clock.now(),
            )
    except IntegrityError:
        if not Reminder.objects.filter(key=key).exists():
            raise
        return False
    return True


def remind_judicial(agreement_id: int, today: datetime.date) -> bool:
    with transaction.atomic():
        agreement = judicial_range(today).filter(pk=agreement_id).first()
        if agreement is None:
            return False
        key = f"agreement:{agreement.pk}:{ReminderStage.JUDICIAL_DUE_SOON}"
        if not _claim(key, ReminderStage.JUDICIAL_DUE_SOON, agreement.pk, None):
            return False
        matter = Matter.objects.select_related("responsible_agent").get(pk=agreement.matter_id)
        until = agreement.judicial_until
        assert until is not None
        dossier = Dossier.objects.select_for_update().get(pk=agreement.dossier_id)
        record(
            dossier,
            None,
            "remind",
            f"提醒：{agreement.label}申请司法确认的期限将于 {until:%Y年%m月%d日} 届满",
        )
        services.notify(
            recipients=recipients_of(agreement, matter),
            kind=NOTIFY_KIND,
            key=key,
            text=(
                f"事项 {matter.number} 的{agreement.label}申请司法确认的期限将于 {until:%Y年%m月%d日} 届满，"
                "尚未登记当事人是否申请。请告知当事人，并登记司法确认情况。"
            ),
            matter_id=matter.pk,
            url=dossier_url(matter.pk),
        )
    return True


def remind_overdue(obligation_id: int, today: datetime.date) -> bool:
    with transaction.atomic():
        ob = overdue_range(today).select_related("agreement", "party").filter(pk=obligation_id).first()
        if ob is None:
            return False
        key = f"obligation:{ob.pk}:overdue"
        if not _claim(key, ReminderStage.OBLIGATION_OVERDUE, ob.agreement_id, ob.pk):
            return False
        agreement = ob.agreement
        matter = Matter.objects.select_related("responsible_agent").get(pk=agreement.matter_id)
        dossier = Dossier.objects.select_for_update().get(pk=agreement.dossier_id)
        role = ob.party.get_role_display()
        record(
            dossier,
            None,
            "remind",
            f"提醒：{agreement.label}第 {ob.position + 1} 项义务（{role}）已过履行期限 {ob.deadline:%Y年%m月%d日}，尚未登记履行",
        )
        services.notify(
            recipients=recipients_of(agreement, matter),
            kind=NOTIFY_KIND,
            key=key,
            text=(
                f"事项 {matter.number} 的{agreement.label}第 {ob.position + 1} 项义务（{role}）"
                f"履行期限 {ob.deadline:%Y年%m月%d日} 已过，尚未登记履行。请核实履行情况并登记。"
            ),
            matter_id=matter.pk,
            url=dossier_url(matter.pk),
        )
    return True


def _each(name: str, ids: list[int], handle: Callable[[int], bool], counts: dict[str, int]) -> None:
    for pk in ids:
        try:
            done = handle(pk)
        except Exception as exc:  # one broken row must not stop the scan
            logger.error("mediation scan: %s %s failed: %s", name, pk, type(exc).__name__)
            continue
        if done:
            counts[name] += 1


def scan(today: datetime.date | None = None) -> dict[str, int]:
    """One pass: how many 司法确认 and overdue reminders were newly sent."""
    today = today or clock.today()
    counts = {"judicial": 0, "overdue": 0}
    judicial = list(judicial_range(today).values_list("pk", flat=True))
    overdue = list(overdue_range(today).values_list("pk", flat=True))
    _each("judicial", judicial, lambda pk: remind_judicial(pk, today), counts)
    _each("overdue", overdue, lambda pk: remind_overdue(pk, today), counts)
    if any(counts.values()):
        logger.info("mediation scan: %s", counts)
    return counts
