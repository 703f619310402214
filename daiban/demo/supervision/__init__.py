"""The demo's clocks with teeth: the periodic scan run on each morning of the last weeks, over the demo
matters as they stood, so that reminders, 督办单, 挂牌督办 copied to 纪检 and the messages that go with them
are there as a working network would have them — made by the same scan that runs on the task queue."""

from __future__ import annotations

import datetime
import time
from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction

from daiban.accounts.models import Role, User
from daiban.core import clock
from daiban.supervision import scan
from daiban.supervision.actions import ladder
from daiban.supervision.models import OrderStatus, Reminder, Rung, SupervisionOrder

TZ = ZoneInfo("Asia/Shanghai")
DAYS = 28  # mornings scanned before today


@dataclass(frozen=True)
class SupervisionResult:
    reminders: dict[str, int]
    orders: dict[str, int]
    seconds: float


FEEDBACK = (
    "已收到督办单。我单位已安排专人核查，将于三个工作日内向信访人出具受理告知书，并按期办结。",
    "经核查，超期系承办人员调整交接不及时所致，已责成重新办理并对相关人员批评教育。",
)


def _answer_some(day: datetime.date) -> None:
    """Half of the day's new 督办单 get the unit's written feedback that afternoon."""
    issued = SupervisionOrder.objects.filter(
        rung=Rung.ORDER, status=OrderStatus.OPEN, issued_at__date=day, feedback=""
    ).order_by("id")
    for n, order in enumerate(issued):
        handler = User.objects.filter(role=Role.UNIT_HANDLER, unit_id=order.unit_id, is_active=True).first()
        if handler is None or n % 2:
            continue
        ladder.order_feedback(
            actor=handler, order_id=order.pk, expected_version=None, feedback=FEEDBACK[order.pk % 2]
        )


def load_demo_supervision(*, today: datetime.date | None = None) -> SupervisionResult | None:
    """Scan each morning of the last ``DAYS`` days and today; ``None`` if any reminder exists already."""
    if Reminder.objects.exists() or SupervisionOrder.objects.exists():
        return None
    started = time.monotonic()
    today = today or clock.today()
    with transaction.atomic():
        for back in range(DAYS, -1, -1):
            day = today - datetime.timedelta(days=back)
            with clock.frozen(datetime.datetime.combine(day, datetime.time(7, 30), TZ)):
                scan.scan()
            with clock.frozen(datetime.datetime.combine(day, datetime.time(16, 0), TZ)):
                _answer_some(day)
    return SupervisionResult(
        reminders=dict(Counter(Reminder.objects.values_list("stage", flat=True))),
        orders=dict(Counter(SupervisionOrder.objects.values_list("rung", flat=True))),
        seconds=time.monotonic() - started,
    )
