"""台账导入: a matter from an office's Excel ledger, entered with its history as far as the ledger goes.

The caller (daiban.exchange) reads and validates the file; this action is the one place that turns a
ledger row into a matter, so the matter obeys the same invariants as one taken in at the desk: its number
is unique, its scope columns come from its region, its petitioner is recognised or registered by
``find_or_create_petitioner`` (encrypted ID and phone, keyed hashes), and its first event (``IMPORT``)
names the source file and row. See docs/adr/0019-imports.md for how an open ledger matter enters the
workflow.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from daiban.accounts.models import Role, User
from daiban.core import clock
from daiban.matters import deadlines
from daiban.matters.actions.base import choice, fail, record, require_text
from daiban.matters.actions.numbering import lookup_code
from daiban.matters.choices import (
    Category,
    Channel,
    ClosureKind,
    EventKind,
    Purpose,
    Satisfaction,
    Status,
    Step,
    TaskRole,
    TaskStatus,
)
from daiban.matters.errors import NotAllowed
from daiban.matters.models import Matter, MatterPetitioner, UnitTask
from daiban.matters.petitioners import PetitionerInput, find_or_create_petitioner, validate_petitioner_inputs
from daiban.network import jurisdiction
from daiban.network.models import ResponsibleUnit
from daiban.regions import geometry
from daiban.regions.models import Level, Region

__all__ = ["LegacyMatter", "known_units", "matter_import"]

GROUP_THRESHOLD = 5


@dataclass(frozen=True)
class LegacyMatter:
    """One ledger row, already read and checked by the importer."""

    number: str
    region: Region
    received_on: datetime.date
    channel: str
    title: str
    content: str
    request: str
    category: str
    purpose: str
    petitioner: PetitionerInput
    headcount: int = 1
    unit: ResponsibleUnit | None = None
    replied_on: datetime.date | None = None
    closed_on: datetime.date | None = None
    closure_kind: str = ""
    resolved: bool | None = None
    service_satisfaction: str = ""
    unit_satisfaction: str = ""
    source: str = ""  # the file's name
    row: int = 0  # its row number in the sheet
    ledger: dict[str, str] = field(default_factory=dict)  # the row's history columns as written
    fingerprint: str = ""  # digest of the row's values: a second import of the same row changes nothing


def known_units(actor: User) -> QuerySet[ResponsibleUnit]:
    """Units a ledger of ``actor``'s county may name as the lead unit: the county's own and those above it
    (a city bureau)."""
    return jurisdiction.units_for(actor) | jurisdiction.units_above(actor)


def _at(day: datetime.date) -> datetime.datetime:
    """A ledger gives days, not times: the day's noon, local time (never a date shifted by a zone)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def _check(data: LegacyMatter, today: datetime.date) -> None:
    number = (data.number or "").strip()
    if not number or len(number) > 24:
        raise fail("number", "台账编号须填写，且不超过 24 个字符。")
    if Matter.objects.filter(number=number).exists():
        raise fail("number", "台账编号与系统中已有事项的编号重复。")
    choice("channel", data.channel, Channel, "来源渠道")
    choice("category", data.category, Category, "内容分类")
    choice("purpose", data.purpose, Purpose, "信访目的")
    require_text("title", data.title, "事项摘要", 80)
    require_text("content", data.content, "反映内容")
    require_text("request", data.request, "诉求")
    if data.headcount < 1:
        raise fail("headcount", "人数至少为 1。")
    if data.received_on > today:
        raise fail("received_on", "登记日期不能晚于今天。")
    for name, day in (("replied_on", data.replied_on), ("closed_on", data.closed_on)):
        if day is not None and not (data.received_on <= day <= today):
            raise fail(name, "日期须在登记日期之后、今天之前。")
    if data.closed_on is not None:
        choice("closure_kind", data.closure_kind, ClosureKind, "办结方式")
        if data.resolved is None:
            raise fail("resolved", "已办结的事项须写明是否化解：办结与化解是两回事。")
    elif data.closure_kind or data.resolved is not None:
        raise fail("closed_on", "填写了办结方式或是否化解，须同时填写办结日期。")
    for name, value in (
        ("service_satisfaction", data.service_satisfaction),
        ("unit_satisfaction", data.unit_satisfaction),
    ):
        if value:
            choice(name, value, Satisfaction, "评价")


def matter_import(*, actor: User, data: LegacyMatter) -> Matter:
    """台账导入: create the matter a ledger row describes, with an ``IMPORT`` event naming the file and row.

    Only county-centre staff import, and only matters arising in their county. A closed ledger matter is
    entered closed (closure date, kind, resolved or not, satisfaction, its lead unit as a finished task);
    an open one is registered at the county centre with the routing clock computed from its received
    date, to be routed through the workflow like any other."""
    if actor.role != Role.COUNTY_STAFF or actor.region is None or actor.region.level != Level.COUNTY:
        raise NotAllowed("只有县级代办中心工作人员可以导入本县的事项台账。")
    if not jurisdiction.regions_for(actor).filter(pk=data.region.pk).exists():
        raise fail("region", "问题发生地不在您的管辖范围内。")
    today = clock.today()
    _check(data, today)
    if data.unit is not None and not known_units(actor).filter(pk=data.unit.pk).exists():
        raise fail("unit", "责任单位须是本县（区）或上级的事权单位。")
    (person_input,) = validate_petitioner_inputs([data.petitioner])
    county_code = geometry.county_code(data.region.path)
    received_at = _at(data.received_on)
    closed = data.closed_on is not None
    with transaction.atomic():
        person = find_or_create_petitioner(person_input, county_code=county_code)
        matter = Matter(
            number=data.number.strip(),
            lookup_code=lookup_code(),
            channel=data.channel,
            consent=True,
            region=data.region,
            region_path=data.region.path,
            title=data.title.strip(),
            content=data.content.strip(),
            request=data.request.strip(),
            category=data.category,
            purpose=data.purpose,
            headcount=data.headcount,
            is_group=data.headcount >= GROUP_THRESHOLD,
            is_accusation=data.purpose == Purpose.ACCUSATION,
            received_at=received_at,
            received_by=actor,
            responsible_agent=actor,
            status=Status.CLOSED if closed else Status.REGISTERED,
            holder_region=actor.region,
            holder_path=actor.region.path,
            due_date=None if closed else today,  # an open one's is replaced by its clock below
            # An open matter's reply and ratings stay in the event (the ledger's words): its state is what
            # the workflow will record from now on.
            replied_at=_at(data.replied_on) if closed and data.replied_on else None,
            service_satisfaction=data.service_satisfaction if closed else "",
            unit_satisfaction=data.unit_satisfaction if closed else "",
            closed_at=_at(data.closed_on) if data.closed_on else None,
            closure_kind=data.closure_kind if closed else "",
            resolved=data.resolved if closed else None,
        )
        matter.save()
        MatterPetitioner.objects.create(matter=matter, petitioner=person, is_representative=True)
        if closed and data.unit is not None:
            UnitTask.objects.create(
                matter=matter,
                unit=data.unit,
                role=TaskRole.LEAD,
                status=TaskStatus.DONE,
                assigned_at=received_at,
                assigned_by=actor,
                sent_from=actor.region,
                accepted_at=received_at,
            )
        if not closed:
            deadlines.open_clock(matter, Step.ROUTE, data.received_on)
        details: dict[str, Any] = {
            "source": data.source,
            "row": data.row,
            "ledger": dict(data.ledger),
            # shown in the timeline: what the ledger says happened before the import
            "history": "；".join(f"{column}：{value}" for column, value in data.ledger.items()),
            "fingerprint": data.fingerprint,
        }
        record(
            matter,
            actor,
            EventKind.IMPORT,
            f"台账导入（{data.source} 第 {data.row} 行）",
            details,
            status_before="",
        )
    return matter
