"""督查件: a follow-up (回访) in which the petitioner rated the responsible unit 不满意 opens an inspection of
that unit's handling; the county centre or the 纪检 records what the inspection found and closes it.

The opening is the matters hook's subscriber ``open_for_follow_up`` (after the follow-up committed). One
inspection per follow-up event: ``Inspection.source_event`` is one-to-one, and the insert runs in a
savepoint, so a hook run twice, or on two consumers at once, opens one and tells people once. The county
centre's staff and the county's 纪检 (supervisors) are told; each only if they can open the matter.
"""

from __future__ import annotations

import datetime
import logging

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from daiban.accounts.models import Role, User
from daiban.core import clock
from daiban.matters import hooks
from daiban.matters.actions.base import fail, require_text
from daiban.matters.choices import EventKind, Satisfaction, TaskRole
from daiban.matters.errors import NotAllowed, WrongState
from daiban.matters.models import Event, Matter
from daiban.matters.models import Opinion as ReplyOpinion
from daiban.network.jurisdiction import scope_path
from daiban.network.models import ResponsibleUnit
from daiban.notify import services
from daiban.regions import geometry
from daiban.supervision.actions.consultations import (
    county_path,
    locked_row,
    next_number,
    record_event,
    scoped_rows,
)
from daiban.supervision.models import Inspection, InspectionEvent, InspectionStatus

__all__ = [
    "MAX_FINDING",
    "READER_ROLES",
    "inspection_close",
    "inspection_finding",
    "inspection_open",
    "inspection_open_for_rating",
    "inspections_for",
    "may_act",
    "open_for_follow_up",
]

logger = logging.getLogger(__name__)

MAX_FINDING = 4_000
# Who reads inspections: the county centre, leaders (for matters they can open), 纪检 and the city.
READER_ROLES = {Role.COUNTY_STAFF, Role.LEADER, Role.SUPERVISOR, Role.CITY_ADMIN}
# Who records findings and closes them: the county centre and 纪检, in their scope.
ACTOR_ROLES = {Role.COUNTY_STAFF, Role.SUPERVISOR}


def inspections_for(user: User) -> QuerySet[Inspection]:
    """The inspections ``user`` may read (on matters they can open)."""
    return scoped_rows(user, Inspection, READER_ROLES)


def may_act(user: User, inspection: Inspection) -> bool:
    return user.role in ACTOR_ROLES and geometry.contains(scope_path(user), inspection.region_path)


# ------------------------------------------------------------------------------------------- opening


def _dissatisfied(event: Event, matter: Matter) -> bool:
    rated = event.details.get("unit") if isinstance(event.details, dict) else None
    return (rated or matter.unit_satisfaction) == Satisfaction.DISSATISFIED


def _inspected_unit(matter: Matter, before: datetime.datetime) -> ResponsibleUnit | None:
    """The unit whose handling the petitioner rated: the one whose written reply (处理/复查/复核意见书) came
    last before the rating, else the matter's lead unit; None when it was settled locally."""
    reply = (
        ReplyOpinion.objects.filter(matter=matter, unit__isnull=False, issued_at__lte=before)
        .select_related("unit")
        .order_by("-issued_at", "-id")
        .first()
    )
    if reply is not None:
        return reply.unit
    task = (
        matter.tasks.filter(role=TaskRole.LEAD, status__in=["assigned", "objecting", "accepted", "done"])
        .select_related("unit")
        .first()
    )
    return task.unit if task is not None else None


def already_opened(event_id: int) -> bool:
    """The cheap check before the insert (the unique source event is what really decides)."""
    return Inspection.objects.filter(source_event_id=event_id).exists()


def _day(at: datetime.datetime) -> str:
    day = timezone.localdate(at)
    return f"{day.year}年{day.month}月{day.day}日"


def inspection_open(*, event_id: int) -> Inspection | None:
    """立督查件 for the follow-up event ``event_id`` if the unit was rated 不满意. Returns the new inspection,
    or None: not a dissatisfied follow-up, or one was opened already (by an earlier or a parallel run)."""
    event = Event.objects.select_related("matter").filter(pk=event_id, kind=EventKind.FOLLOW_UP).first()
    if event is None or not _dissatisfied(event, event.matter):
        return None
    if already_opened(event.pk):
        return None
    matter = event.matter
    unit = _inspected_unit(matter, event.at)
    handled = f"{unit.name}的办理" if unit is not None else "就地办理"
    try:
        with transaction.atomic():  # a savepoint inside a caller's transaction: a lost race undoes only this
            inspection = Inspection(
                matter=matter,
                number=next_number("DC", matter.region_path, clock.today().year),
                source_event=event,
                unit=unit,
                opened_at=clock.now(),
                reason=f"{_day(event.at)}回访，信访人对{handled}不满意。",
            )
            record_event(
                inspection,
                InspectionEvent,
                None,
                "open",
                f"回访不满意，立督查件（{handled}）",
                {"event_seq": event.seq, "unit": unit.name if unit else ""},
            )
            _tell_opened(inspection, matter)
    except IntegrityError:
        if Inspection.objects.filter(source_event_id=event.pk).exists():
            return None  # the other consumer got there between our check and our insert
        raise
    return inspection


def inspection_open_for_rating(
    *, matter_id: int, source_key: str, rated_at: datetime.datetime
) -> Inspection | None:
    """立督查件 for a rating of 不满意 made outside the matter's timeline — the petitioner's online rating
    (网上评价, daiban.portal), which calls this after its own commit with ``source_key`` naming the rating
    ("rating:17"); supervision never imports the caller. One inspection per source key: a second or a
    parallel call returns None, as does an unknown matter."""
    if not source_key or len(source_key) > 40:
        raise ValueError("source_key must be 1–40 characters")
    matter = Matter.objects.filter(pk=matter_id).first()
    if matter is None or Inspection.objects.filter(source_key=source_key).exists():
        return None
    unit = _inspected_unit(matter, rated_at)
    handled = f"{unit.name}的办理" if unit is not None else "就地办理"
    try:
        with transaction.atomic():
            inspection = Inspection(
                matter=matter,
                number=next_number("DC", matter.region_path, clock.today().year),
                source_key=source_key,
                unit=unit,
                opened_at=clock.now(),
                reason=f"{_day(rated_at)}网上评价，信访人对{handled}不满意。",
            )
            record_event(
                inspection,
                InspectionEvent,
                None,
                "open",
                f"网上评价不满意，立督查件（{handled}）",
                {"source": source_key, "unit": unit.name if unit else ""},
            )
            _tell_opened(inspection, matter, how="网上评价中")
    except IntegrityError:
        if Inspection.objects.filter(source_key=source_key).exists():
            return None
        raise
    return inspection


def _tell_opened(inspection: Inspection, matter: Matter, how: str = "回访时") -> None:
    """The county centre's staff and the county's 纪检, each only if they can open the matter."""
    county = county_path(matter.region_path)
    people = User.objects.filter(
        role__in=[Role.COUNTY_STAFF, Role.SUPERVISOR], region_path=county, is_active=True
    ).order_by("pk")
    recipients = [u for u in people if inspections_for(u).filter(pk=inspection.pk).exists()]
    if recipients:
        services.notify(
            recipients=recipients,
            kind="inspection",
            key=f"inspection:{inspection.pk}:opened",
            text=f"督查件 {inspection.number}：事项 {matter.number} {how}信访人对办理单位不满意，请督查。",
            matter_id=matter.pk,
            url=f"/inspections/{inspection.pk}/",
        )


def open_for_follow_up(happened: hooks.MatterEvent) -> None:
    """The hook's subscriber (after the follow-up committed)."""
    if happened.kind != EventKind.FOLLOW_UP:
        return
    opened = inspection_open(event_id=happened.event_id)
    if opened is not None:
        logger.info("inspection %s opened for matter %s", opened.number, happened.matter_id)


# ------------------------------------------------------------------------------------------- actions


def _require_actor(actor: User, inspection: Inspection) -> None:
    if not may_act(actor, inspection):
        raise NotAllowed("只有代办服务中心工作人员或纪检监督员可以办理督查件。")


def inspection_finding(
    *, actor: User, inspection_id: int, expected_version: int | None, finding: str
) -> Inspection:
    """记录督查情况 while the inspection is open (what was checked and found so far); each record is an
    event, and the latest is kept as the inspection's finding."""
    with locked_row(actor, inspections_for(actor), Inspection, inspection_id, expected_version) as row:
        _require_actor(actor, row)
        if row.status != InspectionStatus.OPEN:
            raise WrongState("督查件已办结，不能再记录。")
        text = require_text("finding", finding, "督查情况", MAX_FINDING)
        if text == row.finding:
            raise fail("finding", "与已记录的督查情况相同，没有需要保存的修改。")
        row.finding = text
        record_event(row, InspectionEvent, actor, "finding", "记录督查情况", {"finding": text})
    return row


def inspection_close(
    *, actor: User, inspection_id: int, expected_version: int | None, finding: str
) -> Inspection:
    """办结督查件 with its conclusion (督查结论)."""
    with locked_row(actor, inspections_for(actor), Inspection, inspection_id, expected_version) as row:
        _require_actor(actor, row)
        if row.status != InspectionStatus.OPEN:
            raise WrongState("督查件已办结。")
        row.finding = require_text("finding", finding, "督查结论", MAX_FINDING)
        row.status = InspectionStatus.CLOSED
        row.closed_at = clock.now()
        row.closed_by = actor
        record_event(row, InspectionEvent, actor, "close", "办结督查件", {"finding": row.finding})
    return row
