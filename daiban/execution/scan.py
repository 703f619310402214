"""The periodic scan of execution: a 支持事项 not (fully) carried out by its date enters the supervision
ladder (art. 32: the execution of a 支持 opinion is supervised).

It reads one indexed range — items 未落实/部分落实 whose ``due_date`` has passed and that have no 督办 yet
(``(status, due_date)`` index) — and handles each item in its own transaction: lock the item row, check
again, open the 督办单 through the supervision app's own action (``ladder.order_issue_for``) and keep it on
the item. The second of two scans (or of two consumers at once) waits on the lock, then finds the item
already supervised and does nothing: one order per item.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.db.models import QuerySet

from daiban.core import clock
from daiban.execution.models import UNEXECUTED_STATUSES, SupportItem
from daiban.matters.models import Matter
from daiban.regions import geometry
from daiban.regions.models import Region
from daiban.supervision.actions import ladder
from daiban.supervision.models import SupervisionOrder

logger = logging.getLogger(__name__)

BATCH = 500


def overdue_range(today: datetime.date) -> QuerySet[SupportItem]:
    """Items past their date, not fully carried out, not yet supervised."""
    return SupportItem.objects.filter(
        status__in=UNEXECUTED_STATUSES, due_date__lt=today, supervision_order__isnull=True
    ).order_by("due_date", "id")


def supervising_level(matter: Matter) -> Region:
    """The level that supervises a matter's execution: its county (the 代办服务中心, 终点站, coordinates the
    final resolution), or the matter's own region above county level."""
    county = geometry.county_code(matter.region_path)
    found = Region.objects.filter(code=county).first() if county else None
    return found or Region.objects.get(pk=matter.region_id)


def supervise(item_id: int, today: datetime.date | None = None) -> SupervisionOrder | None:
    """Open the 督办 of one overdue item (None when it is already supervised, carried out, or not due)."""
    today = today or clock.today()
    with transaction.atomic():
        item = (
            SupportItem.objects.select_for_update(of=("self",))
            .select_related("opinion", "opinion__issued_by")
            .filter(pk=item_id)
            .first()
        )
        if (
            item is None
            or item.supervision_order_id is not None
            or item.status not in UNEXECUTED_STATUSES
            or item.due_date >= today
        ):
            return None
        matter = Matter.objects.get(pk=item.matter_id)
        opinion = item.opinion
        # The unit that must act; an item named in words is the issuing unit's to see carried out.
        unit_id = item.unit_id or opinion.unit_id
        also = [] if unit_id else ladder.level_agents(opinion.issued_by.region_id)
        level = supervising_level(matter)
        order = ladder.order_issue_for(
            matter=matter,
            unit_id=unit_id,
            issued_by=level,
            reason=(
                f"事项 {matter.number} 的支持事项“{item.what[:60]}”（{item.responsible}）应于 "
                f"{item.due_date:%Y年%m月%d日} 前落实，逾期{item.get_status_display()}。"
            ),
            summary=f"支持事项逾期{item.get_status_display()}，{level.name}下发督办单，限期书面反馈",
            details={"support_item": item.pk, "due_date": item.due_date.isoformat()},
            also_tell=also,
        )
        item.supervision_order = order
        item.supervised_at = clock.now()
        item.version += 1
        item.save()
    return order


def scan(today: datetime.date | None = None) -> dict[str, int]:
    """One pass: how many items were newly put under supervision."""
    today = today or clock.today()
    ids = list(overdue_range(today).values_list("pk", flat=True)[:BATCH])
    made = 0
    for pk in ids:
        try:
            if supervise(pk, today) is not None:
                made += 1
        except Exception as exc:  # one broken row must not stop the scan
            logger.error("execution scan: item %s failed: %s", pk, type(exc).__name__)
    if made:
        logger.info("execution scan: %s items supervised", made)
    return {"supervised": made}
