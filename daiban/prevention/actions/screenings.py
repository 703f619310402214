"""矛盾纠纷排查台账: recording a conflict found before anyone petitions, and each step of its life.

在控 (watching) → 化解中 (resolving) → 已化解 (resolved) | 稳控 (stabilised, kept under watch) | 已转为信访事项
(未诉先办: the intake action creates the matter and calls ``screening_link_matter`` in its transaction) |
已移交 (handed to 人民调解, 司法所, 派出所 …). Every function is keyword-only, takes the acting user, and
writes one ``ScreeningEvent`` in the transaction that changes the record (``actions.base``).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters.actions.intake import GROUP_THRESHOLD  # five people or more: a group (集体)
from daiban.matters.errors import ActionError, NotAllowed, OutOfScope, WrongState
from daiban.matters.models import Matter
from daiban.network import jurisdiction
from daiban.network.models import ResponsibleUnit
from daiban.prevention import selectors
from daiban.prevention.actions.base import (
    choice,
    fail,
    locked,
    next_number,
    record,
    require_date,
    require_region,
    require_text,
    require_writer,
)
from daiban.prevention.models import Screening, ScreeningEvent, ScreeningStatus, Source, Visit
from daiban.prevention.models.screenings import (
    OPEN_SCREENING_STATUSES,
    REVIEW_DAYS,
    ConflictKind,
    RiskLevel,
    TransferTarget,
)
from daiban.regions import geometry
from daiban.regions.models import Level, Region

NUMBER_KIND = "PC"  # 排查
# How far ahead a follow-up (or a 稳控 review) may be set.
MAX_REVIEW_AHEAD_DAYS = 180
MAX_HEADCOUNT = 100_000
# An 18-character ID number (the register names people, it never holds their ID numbers).
_ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")

S = ScreeningStatus
ALL_OPEN = tuple(OPEN_SCREENING_STATUSES)


class EventKind:
    RECORD = "record"
    FOLLOW_UP = "follow_up"
    START = "start"
    RESOLVE = "resolve"
    STABILISE = "stabilise"
    TRANSFER = "transfer"
    REASSESS = "reassess"
    TO_MATTER = "to_matter"


# The statuses each life-cycle step starts from (the registry of the pages reads these too).
FROM_STATUSES: dict[str, tuple[str, ...]] = {
    EventKind.FOLLOW_UP: ALL_OPEN,
    EventKind.START: (S.WATCHING,),
    EventKind.RESOLVE: ALL_OPEN,
    EventKind.STABILISE: (S.WATCHING, S.RESOLVING),
    EventKind.TRANSFER: ALL_OPEN,
    EventKind.REASSESS: ALL_OPEN,
    EventKind.TO_MATTER: ALL_OPEN,
}


def _optional_text(field: str, value: str | None, label: str, max_length: int) -> str:
    value = (value or "").strip()
    if len(value) > max_length:
        raise fail(field, f"{label}不能超过 {max_length} 个字。")
    return value


def _text(field: str, value: str | None, label: str, max_length: int) -> str:
    return require_text(field, value or "", label, max_length)


def _review_date(field: str, value: datetime.date | None) -> datetime.date:
    if value is None:
        raise fail(field, "请填写下次跟进日期。")
    today = clock.today()
    if value < today:
        raise fail(field, "下次跟进日期不能早于今天。")
    if value > today + datetime.timedelta(days=MAX_REVIEW_AHEAD_DAYS):
        raise fail(field, f"下次跟进日期不能超过 {MAX_REVIEW_AHEAD_DAYS} 天后。")
    return value


def _require_state(row: Screening, step: str) -> None:
    if row.status not in FROM_STATUSES[step]:
        raise WrongState(f"该排查记录当前为“{row.get_status_display()}”，不能办理此操作。")


def next_review(risk: str) -> datetime.date:
    """The follow-up date a screening of ``risk`` would get if it were recorded today."""
    return clock.today() + datetime.timedelta(days=REVIEW_DAYS[RiskLevel(risk)])


def _date_text(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


def screening_record(
    *,
    actor: User,
    region: Region | None,
    place: str = "",
    kind: str,
    title: str,
    description: str,
    parties: str = "",
    headcount: int | None = 1,
    is_group: bool = False,
    risk: str,
    risk_reason: str,
    source: str = "",
    found_on: datetime.date | None,
    visit_id: int | None = None,
) -> Screening:
    """登记排查: a new entry of the register, 在控, with the recording agent responsible and the first
    follow-up ``REVIEW_DAYS[risk]`` after the day it was found. ``visit_id`` links the 走访 it was found on
    (then the source defaults to 走访排查). Parties may be left empty or unnamed (“某户”)."""
    require_writer(actor)
    visit: Visit | None = None
    if visit_id is not None:
        visit = selectors.scoped(actor, Visit).filter(pk=visit_id).first()
        if visit is None:
            raise fail("visit", "所选走访记录不存在或不在您的管辖范围内。")
    region = require_region(actor, region)
    if region.level < Level.COUNTY:
        raise fail("region", "请选择纠纷所在的县（区）、乡镇（街道）或村（社区）。")
    place = _optional_text("place", place, "具体地点", 80)
    choice("kind", kind, ConflictKind, "纠纷类型")
    title = _text("title", title, "纠纷摘要", 80)
    description = _text("description", description, "纠纷情况", 2000)
    parties = _optional_text("parties", parties, "当事人", 500)
    if _ID_NUMBER.search(parties):
        raise fail("parties", "当事人栏只写姓名或称呼，请不要填写身份证号码。")
    if headcount is None:
        headcount = 1
    if not 1 <= headcount <= MAX_HEADCOUNT:
        raise fail("headcount", f"涉及人数应在 1 至 {MAX_HEADCOUNT} 之间。")
    choice("risk", risk, RiskLevel, "风险等级")
    risk_reason = _text("risk_reason", risk_reason, "风险研判理由", 500)
    if not source:
        source = Source.VISIT if visit is not None else ""
    if not source:
        raise fail("source", "请选择发现来源。")
    choice("source", source, Source, "发现来源")
    found_on = require_date("found_on", found_on, "发现日期", past_days=365)
    today = clock.today()
    with transaction.atomic():
        row = Screening(
            number=next_number(NUMBER_KIND, region, today.year),
            region=region,
            region_path=region.path,
            place=place,
            kind=kind,
            title=title,
            description=description,
            parties=parties,
            headcount=headcount,
            is_group=bool(is_group) or headcount >= GROUP_THRESHOLD,
            risk=risk,
            risk_reason=risk_reason,
            source=source,
            found_on=found_on,
            found_by=actor,
            responsible=actor,
            visit=visit,
            status=S.WATCHING,
            review_on=found_on + datetime.timedelta(days=REVIEW_DAYS[RiskLevel(risk)]),
        )
        details: dict[str, Any] = {"risk": risk, "review_on": _date_text(row.review_on)}
        if visit is not None:
            details["visit"] = visit.pk
        record(
            row,
            ScreeningEvent,
            actor,
            EventKind.RECORD,
            f"登记排查（{RiskLevel(risk).label}风险，{ConflictKind(kind).label}），责任人：{actor}",
            details,
        )
    return row


def screening_follow_up(
    *,
    actor: User,
    screening_id: int,
    expected_version: int | None,
    note: str,
    review_on: datetime.date | None,
) -> Screening:
    """跟进记录: what was done or learnt on a follow-up, and when to follow up next (status unchanged)."""
    require_writer(actor)
    note = _text("note", note, "跟进情况", 1000)
    review_on = _review_date("review_on", review_on)
    with locked(actor, Screening, screening_id, expected_version) as row:
        _require_state(row, EventKind.FOLLOW_UP)
        row.review_on = review_on
        record(
            row,
            ScreeningEvent,
            actor,
            EventKind.FOLLOW_UP,
            f"跟进记录，下次跟进 {review_on:%Y-%m-%d}",
            {"note": note, "review_on": _date_text(review_on)},
        )
    return row


def screening_start(*, actor: User, screening_id: int, expected_version: int | None, note: str) -> Screening:
    """开始化解: 在控 → 化解中, with what is being done."""
    require_writer(actor)
    note = _text("note", note, "化解工作安排", 1000)
    with locked(actor, Screening, screening_id, expected_version) as row:
        _require_state(row, EventKind.START)
        before = row.status
        row.status = S.RESOLVING
        record(row, ScreeningEvent, actor, EventKind.START, "开始化解", {"note": note}, status_before=before)
    return row


def screening_resolve(
    *, actor: User, screening_id: int, expected_version: int | None, outcome: str
) -> Screening:
    """化解: the conflict is settled (已化解); closed today, no further follow-up date."""
    require_writer(actor)
    outcome = _text("outcome", outcome, "化解情况", 2000)
    with locked(actor, Screening, screening_id, expected_version) as row:
        _require_state(row, EventKind.RESOLVE)
        before = row.status
        row.status = S.RESOLVED
        row.outcome = outcome
        row.closed_on = clock.today()
        row.review_on = None
        record(
            row,
            ScreeningEvent,
            actor,
            EventKind.RESOLVE,
            "已化解",
            {"outcome": outcome},
            status_before=before,
        )
    return row


def screening_stabilise(
    *,
    actor: User,
    screening_id: int,
    expected_version: int | None,
    measures: str,
    review_on: datetime.date | None,
) -> Screening:
    """稳控: not settled, but kept under watch with stated measures and a next review date."""
    require_writer(actor)
    measures = _text("measures", measures, "稳控措施", 2000)
    review_on = _review_date("review_on", review_on)
    with locked(actor, Screening, screening_id, expected_version) as row:
        _require_state(row, EventKind.STABILISE)
        before = row.status
        row.status = S.STABILISED
        row.outcome = measures
        row.review_on = review_on
        record(
            row,
            ScreeningEvent,
            actor,
            EventKind.STABILISE,
            f"转为稳控，下次跟进 {review_on:%Y-%m-%d}",
            {"measures": measures, "review_on": _date_text(review_on)},
            status_before=before,
        )
    return row


def transfer_units(actor: User, row: Screening) -> list[ResponsibleUnit]:
    """The units a screening may be handed to by name: those in the actor's scope, and those of the
    screening's own township and county (a village agent hands over to the township's 司法所 or 派出所)."""
    above = [p for p in geometry.ancestor_paths(row.region_path) if geometry.depth(p) >= Level.COUNTY]
    return list(
        ResponsibleUnit.objects.filter(
            Q(region_path__in=above) | jurisdiction.in_scope_q(actor), is_active=True
        ).order_by("region_path", "domain", "name")
    )


def screening_transfer(
    *,
    actor: User,
    screening_id: int,
    expected_version: int | None,
    target: str,
    unit: ResponsibleUnit | None = None,
    receiver: str = "",
    note: str,
) -> Screening:
    """移交: handed to the body that should take it (人民调解, 司法所, 派出所, 法院 …), named either as a
    responsible unit of the system or by name; the register's follow-up ends here (已移交)."""
    require_writer(actor)
    choice("target", target, TransferTarget, "移交对象")
    receiver = _optional_text("receiver", receiver, "接收单位名称", 80)
    note = _text("note", note, "移交说明", 1000)
    with locked(actor, Screening, screening_id, expected_version) as row:
        _require_state(row, EventKind.TRANSFER)
        if unit is not None and unit.pk not in {u.pk for u in transfer_units(actor, row)}:
            raise fail("unit", "所选单位不能接收该排查记录，请选择本乡镇（街道）或本县（区）的单位。")
        if unit is None and not receiver:
            raise fail("receiver", "请选择接收单位，或填写接收单位名称。")
        before = row.status
        row.status = S.TRANSFERRED
        row.transfer_target = target
        row.transfer_unit = unit
        row.transfer_to = receiver or (unit.name if unit else "")
        row.closed_on = clock.today()
        row.review_on = None
        name = row.transfer_to
        record(
            row,
            ScreeningEvent,
            actor,
            EventKind.TRANSFER,
            f"移交{TransferTarget(target).label}：{name}",
            {"note": note, "target": target, "receiver": name, **({"unit": unit.pk} if unit else {})},
            status_before=before,
        )
    return row


def screening_reassess(
    *, actor: User, screening_id: int, expected_version: int | None, risk: str, reason: str
) -> Screening:
    """调整风险等级: a new risk level with the reason; a higher risk brings the next follow-up forward
    (never pushes it back)."""
    require_writer(actor)
    choice("risk", risk, RiskLevel, "风险等级")
    reason = _text("reason", reason, "调整理由", 500)
    with locked(actor, Screening, screening_id, expected_version) as row:
        _require_state(row, EventKind.REASSESS)
        if row.risk == risk:
            raise fail("risk", f"风险等级已是“{RiskLevel(risk).label}”，请选择新的等级。")
        old = RiskLevel(row.risk).label
        row.risk = risk
        row.risk_reason = reason
        sooner = next_review(risk)
        if row.review_on is None or sooner < row.review_on:
            row.review_on = sooner
        record(
            row,
            ScreeningEvent,
            actor,
            EventKind.REASSESS,
            f"风险等级由{old}调整为{RiskLevel(risk).label}，下次跟进 {row.review_on:%Y-%m-%d}",
            {"reason": reason, "risk_before": old, "review_on": _date_text(row.review_on)},
        )
    return row


def _origin_error(message: str) -> ValidationError:
    return ValidationError({"origin": [message]})


def screening_link_matter(
    *, actor: User, screening_id: int, matter: Matter, linked_existing: bool
) -> Screening:
    """未诉先办: the screening became (or, art. 19, was recorded on) ``matter`` through the intake action.
    Called inside the intake's transaction; any refusal is a ``ValidationError`` on "origin" so that the
    intake is undone and the form says why."""
    try:
        require_writer(actor)
        with locked(actor, Screening, screening_id, None) as row:
            if row.status not in FROM_STATUSES[EventKind.TO_MATTER]:
                raise _origin_error(
                    f"排查记录 {row.number} 已“{row.get_status_display()}”，不能再转为信访事项。"
                )
            before = row.status
            row.status = S.PETITION
            row.matter = matter
            row.closed_on = clock.today()
            row.review_on = None
            summary = (
                f"当事人已有在办事项，本次作为事项 {matter.number} 的重复来访登记（第十九条），排查记录关联该事项"
                if linked_existing
                else f"转为信访事项 {matter.number}（未诉先办）"
            )
            record(
                row,
                ScreeningEvent,
                actor,
                EventKind.TO_MATTER,
                summary,
                {"matter": matter.pk, "linked_existing": linked_existing},
                status_before=before,
            )
    except OutOfScope as exc:
        raise _origin_error("该排查记录不存在或不在您的管辖范围内，不能转为信访事项。") from exc
    except NotAllowed as exc:
        raise _origin_error("只有代办机构工作人员可以将排查记录转为信访事项。") from exc
    except ActionError as exc:
        raise _origin_error(exc.message) from exc
    return row
