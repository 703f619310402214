"""The 督办单 as a written instrument: one for each supervision order of a matter (督办单 from the level
that routed the task, 挂牌督办 from the next level up with its 纪检 copied), issued and numbered by the
supervising level's network office, addressed to the supervised unit. Registered at start-up (``wiring``)
into the documents registry; its body template is ``documents/kinds/supervision_order.html``."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.documents import kinds
from daiban.documents.common import base_data, cn_date, region_issuer
from daiban.documents.kinds import Issuer, Kind, Source
from daiban.matters.models import Matter, office_label
from daiban.supervision.models import Rung, SupervisionOrder
from daiban.workcal import calendar as workcal

KEY = "supervision_order"

# What each rung's document is called.
RUNG_TITLES = {Rung.ORDER: "督办单", Rung.LISTED: "挂牌督办"}


def _order_pk(source_key: str) -> int:
    head, _, tail = source_key.partition(":")
    if head != "order" or not tail.isdigit():
        raise ValueError(source_key)
    return int(tail)


def _order(m: Matter, source_key: str) -> SupervisionOrder:
    return SupervisionOrder.objects.select_related(
        "unit", "issued_by", "discipline_region", "deadline", "task"
    ).get(pk=_order_pk(source_key), matter=m)


def _sources(m: Matter) -> list[Source]:
    rows = SupervisionOrder.objects.filter(matter=m).select_related("unit").order_by("issued_at", "id")
    return [
        Source(
            f"order:{o.pk}",
            f"{RUNG_TITLES.get(Rung(o.rung), o.get_rung_display())} {o.unit.name if o.unit else ''} "
            f"{cn_date(o.issued_at)}",
        )
        for o in rows
    ]


def _limit_text(key: str) -> str:
    try:
        spec = workcal.time_limit(key)
    except workcal.TimeLimitError:
        return ""
    return f"{spec.length}个{workcal.TimeUnit(spec.unit).label}"


def _data(m: Matter, source_key: str) -> dict[str, Any]:
    order = _order(m, source_key)
    data = base_data(m)
    unit = order.unit.name if order.unit else ""
    data["recipient"] = unit
    data["unit"] = unit
    data["order_number"] = order.number
    data["rung"] = RUNG_TITLES.get(Rung(order.rung), order.get_rung_display())
    data["listed"] = order.rung == Rung.LISTED
    data["supervising_office"] = office_label(order.issued_by)
    data["issued_on"] = cn_date(order.issued_at)
    data["reason"] = order.reason
    data["feedback_due"] = cn_date(order.feedback_due)
    task = order.task
    data["task_role"] = task.get_role_display() if task else ""
    data["assigned_on"] = cn_date(task.assigned_at) if task else ""
    deadline = order.deadline
    data["overdue_step"] = deadline.get_step_display() if deadline else ""
    data["overdue_started_on"] = cn_date(deadline.started_on) if deadline else ""
    data["overdue_due"] = cn_date(deadline.due_date) if deadline else ""
    data["overdue_limit"] = _limit_text(deadline.step) if deadline else ""
    data["overdue_days"] = (
        max((timezone.localdate(order.issued_at) - deadline.due_date).days, 0) if deadline else ""
    )
    # 挂牌督办: the 督办单 it escalates (whose feedback was missing, or the clock still overdue).
    earlier = SupervisionOrder.objects.filter(escalated_to=order).first()
    data["earlier_order"] = earlier.number if earlier else ""
    data["earlier_issued_on"] = cn_date(earlier.issued_at) if earlier else ""
    region = order.discipline_region
    data["copied_to"] = f"{region.name}纪检监察机关" if region else ""
    return data


def _issuer(m: Matter, source_key: str) -> Issuer:
    return region_issuer(_order(m, source_key).issued_by)


def _may_issue(user: User, m: Matter, source_key: str) -> bool:
    """The staff of the supervising level's own office (its 纪检 reads the order and is copied on a 挂牌
    督办, but does not issue it)."""
    if user.role not in (*AGENT_ROLES, Role.CITY_ADMIN) or not user.region_id:
        return False
    order = SupervisionOrder.objects.filter(pk=_order_pk(source_key), matter=m).first()
    return order is not None and order.issued_by_id == user.region_id


def register() -> None:
    kinds.register(
        Kind(
            key=KEY,
            label="督办单",
            code="督",
            order=95,
            sources=_sources,
            data=_data,
            issuer=_issuer,
            may_issue=_may_issue,
            served=False,
            units_see=True,
        )
    )
