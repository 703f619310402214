"""Every step in the life of a matter is one function here (信访工作条例, domain.md §2–3).

Each action is keyword-only, takes the acting user, and in one transaction: locks the matter row, checks
jurisdiction (outside scope → ``OutOfScope``, shown as 404), the expected version (→ ``Conflict``), the
actor's role (→ ``NotAllowed``) and the matter's state (→ ``WrongState``), validates input (→ Django
``ValidationError`` naming the field, in Chinese), changes the state, and writes one ``Event``. Nothing
else changes a matter.
"""

from __future__ import annotations

import datetime
import random
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.accounts.scope import regions_for, units_for
from daiban.core import clock
from daiban.matters import deadlines
from daiban.matters.choices import (
    ANSWERABLE_AT_ONCE,
    Category,
    Channel,
    ClosureKind,
    ContactMethod,
    LegalChannel,
    NotAcceptedReason,
    Outcome,
    Purpose,
    ReviewKind,
    Satisfaction,
    Status,
    Step,
    TaskRole,
    TaskStatus,
)
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope, WrongState
from daiban.matters.models import (
    Event,
    Matter,
    MatterPetitioner,
    Mediation,
    NumberSequence,
    Opinion,
    Petitioner,
    Recusal,
    Review,
    UnitTask,
)
from daiban.matters.petitioners import PetitionerInput, find_or_create_petitioner, validate_petitioner_inputs
from daiban.matters.selectors import matters_for, petitioners_for
from daiban.network.models import ResponsibleUnit, UnitDomain
from daiban.regions.models import Level, Region
from daiban.workcal import calendar as workcal

MAX_REPRESENTATIVES = 5
GROUP_THRESHOLD = 5
MAX_EXTENSION_DAYS = 30  # the statutory default; the configured workcal limit "extension" governs
LOOKUP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

__all__ = ["PetitionerInput"]


# ---------------------------------------------------------------------------------------------- plumbing


def _fail(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _require_text(field: str, value: str, label: str, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise _fail(field, f"请填写{label}。")
    if max_length is not None and len(value) > max_length:
        raise _fail(field, f"{label}不能超过 {max_length} 个字。")
    return value


def _choice(field: str, value: str, choices: type, label: str) -> str:
    if value not in choices.values:  # type: ignore[attr-defined]
        raise _fail(field, f"请选择有效的{label}。")
    return value


@contextmanager
def _locked(actor: User, matter_id: int, expected_version: int | None) -> Iterator[Matter]:
    """Open the transaction, lock the matter and run the checks every action shares."""
    with transaction.atomic():
        if not matters_for(actor).filter(pk=matter_id).exists():
            raise OutOfScope
        matter = Matter.objects.select_for_update().get(pk=matter_id)
        if expected_version is not None and matter.version != expected_version:
            raise Conflict
        if Recusal.objects.filter(matter=matter, user=actor).exists():
            raise NotAllowed("您已就本事项申请回避，不能再办理。")
        yield matter


def _record(
    matter: Matter,
    actor: User,
    kind: str,
    summary: str,
    details: dict[str, Any] | None = None,
    *,
    status_before: str = "",
) -> Event:
    """Bump the version, mirror the current deadline, save, and write the event (same transaction)."""
    deadlines.refresh_due(matter)
    matter.version += 1
    matter.save()
    return Event.objects.create(
        matter=matter,
        seq=matter.version,
        at=clock.now(),
        actor=actor,
        kind=kind,
        summary=summary,
        details=details or {},
        status_before=status_before or matter.status,
        status_after=matter.status,
    )


def _require_agent(actor: User) -> None:
    if actor.role not in AGENT_ROLES:
        raise NotAllowed("只有代办机构工作人员可以办理此操作。")


# Staff who act for the level holding a matter: the three network levels, and the city petition bureau
# for the hardest cases the county passes up (its administrators hold no agent role but must route them).
HOLDER_ROLES = {*AGENT_ROLES, Role.CITY_ADMIN}


def _intake_holder(actor: User, region: Region) -> Region:
    """Where a new matter is held: the receiving agent's own point/station/centre; for a leader's
    reception day, the network level of the leader's region — but never the city, which has no proxy
    desk: a city leader's matter goes to the centre of the county where it arose."""
    assert actor.region is not None
    if actor.role == Role.LEADER and actor.region.level == Level.CITY:
        county_code = region.ancestor_codes[1] if len(region.ancestor_codes) > 1 else None
        county = Region.objects.filter(code=county_code).first() if county_code else None
        return county or actor.region
    return actor.region


def _follow_up_holder(m: Matter) -> Region | None:
    """Who carries a reply back: the responsible agent's own level, or (when the responsible person is a
    leader or the city) the centre of the county where the matter arose."""
    agent = m.responsible_agent
    if agent.role in AGENT_ROLES and agent.region is not None:
        return agent.region
    codes = m.region.ancestor_codes
    return Region.objects.filter(code=codes[1]).first() if len(codes) > 1 else m.region


def _require_not_accusation(m: Matter) -> None:
    if m.is_accusation:
        raise WrongState("检举控告类事项只能上报或交纪检监察机关办理，不能在代办网络内处理，以保护检举人。")


def _require_holder(actor: User, matter: Matter) -> None:
    """The network level currently holding the matter acts on it (its own staff only)."""
    if actor.role not in HOLDER_ROLES:
        raise NotAllowed("只有代办机构工作人员可以办理此操作。")
    if matter.holder_unit_id is not None or matter.holder_region_id != actor.region_id:
        raise NotAllowed("该事项当前不在您所在的代办机构，不能办理此操作。")


def _require_status(matter: Matter, *allowed: Status) -> None:
    if matter.status not in allowed:
        raise WrongState(f"事项当前状态为“{matter.get_status_display()}”，不能办理此操作。")


def _lead_task(matter: Matter) -> UnitTask | None:
    return (
        matter.tasks.filter(role=TaskRole.LEAD, status__in=[TaskStatus.ASSIGNED, TaskStatus.ACCEPTED])
        .select_related("unit")
        .first()
    )


def _require_lead_handler(actor: User, matter: Matter) -> UnitTask:
    task = _lead_task(matter)
    if actor.role != Role.UNIT_HANDLER or task is None or task.unit_id != actor.unit_id:
        raise NotAllowed("只有主办单位经办人可以办理此操作。")
    if task.status != TaskStatus.ACCEPTED:
        raise WrongState("主办单位尚未受理该事项。")
    return task


def _next_number(region: Region, year: int) -> str:
    codes = region.ancestor_codes
    county_code = codes[1] if len(codes) > 1 else codes[0]
    seq, _ = NumberSequence.objects.select_for_update().get_or_create(county_code=county_code, year=year)
    NumberSequence.objects.filter(pk=seq.pk).update(last=F("last") + 1)
    seq.refresh_from_db()
    return f"{county_code}-{year}-{seq.last:05d}"


# Lookup codes are secrets a petitioner uses to ask about their matter: drawn from the OS's randomness.
# Only the demo loader swaps in a seeded generator (``seeded_lookup_codes``) so that the demo is the same
# on every machine.
_SYSTEM_RANDOM = secrets.SystemRandom()
_lookup_random: ContextVar[random.Random | None] = ContextVar("daiban_lookup_random", default=None)


@contextmanager
def seeded_lookup_codes(seed: int) -> Iterator[None]:
    """Deterministic lookup codes inside the block (demo data only; never for real matters)."""
    token = _lookup_random.set(random.Random(seed))  # noqa: S311 - demo data, not a secret
    try:
        yield
    finally:
        _lookup_random.reset(token)


def _lookup_code() -> str:
    rng = _lookup_random.get() or _SYSTEM_RANDOM
    while True:
        code = "".join(rng.choice(LOOKUP_ALPHABET) for _ in range(8))
        if not Matter.objects.filter(lookup_code=code).exists():
            return code


# ---------------------------------------------------------------------------------------------- intake


@dataclass(frozen=True)
class IntakeResult:
    matter: Matter
    linked_existing: bool  # True: the person already had this open matter in time (art. 19); no new one


def matter_intake(
    *,
    actor: User,
    petitioners: Sequence[PetitionerInput],
    channel: str,
    consent: bool,
    region: Region,
    title: str,
    content: str,
    request: str,
    category: str,
    purpose: str,
    headcount: int | None = None,
    leader: User | None = None,
    new_matter_reason: str = "",
) -> IntakeResult:
    """受理登记. The receiving agent becomes the responsible agent (首接即代办); a matter taken at a
    leader's reception day gets that leader in charge (接访即代办). If a petitioner already has an open
    matter within its time limit in the actor's jurisdiction, the visit is linked to it instead of opening
    a second matter (art. 19), unless the agent records why this is a different matter."""
    if actor.role not in AGENT_ROLES and actor.role != Role.LEADER:
        raise NotAllowed("只有代办机构工作人员或接访领导可以受理登记。")
    _choice("channel", channel, Channel, "来源渠道")
    _choice("category", category, Category, "内容分类")
    _choice("purpose", purpose, Purpose, "信访目的")
    title = _require_text("title", title, "事项摘要", 80)
    content = _require_text("content", content, "反映内容")
    request = _require_text("request", request, "诉求")
    if not consent:
        raise _fail("consent", "须经信访人同意并签署代办委托后方可代办。")
    if not regions_for(actor).filter(pk=region.pk).exists():
        raise _fail("region", "问题发生地不在您的管辖范围内。")
    cleaned = validate_petitioner_inputs(petitioners)
    representatives = [p for p in cleaned if p.is_representative]
    count = headcount if headcount is not None else len(cleaned)
    if count < len(cleaned):
        raise _fail("headcount", "人数不能少于登记的信访人数。")
    if count >= GROUP_THRESHOLD and len(representatives) > MAX_REPRESENTATIVES:
        raise _fail("petitioners", f"集体访推选的代表不能超过 {MAX_REPRESENTATIVES} 人。")
    if count >= GROUP_THRESHOLD and len(cleaned) > MAX_REPRESENTATIVES:
        raise _fail("petitioners", f"集体访只登记代表，最多 {MAX_REPRESENTATIVES} 人。")
    if channel == Channel.LEADER_DAY:
        leader = leader or (actor if actor.role == Role.LEADER else None)
        if leader is None:
            raise _fail("leader", "领导接待日受理的事项须注明接访领导。")
    if leader is not None and (
        leader.role != Role.LEADER or not region.path.startswith(leader.region_path or "\x00")
    ):
        raise _fail("leader", "接访领导须是该地区的包案领导。")

    now = clock.now()
    today = clock.today()
    with transaction.atomic():
        known = petitioners_for(actor)
        people = [find_or_create_petitioner(p, within=known) for p in cleaned]
        # Lock the people: two agents taking in the same person at once queue here, so the second one
        # sees the first one's matter and links to it (art. 19) instead of opening a duplicate.
        list(Petitioner.objects.select_for_update().filter(pk__in=[p.pk for p in people]).order_by("pk"))
        if not new_matter_reason.strip():
            existing = (
                matters_for(actor)
                .filter(
                    petitioners__in=[p.pk for p in people],
                    status__in=[s for s in Status if s != Status.CLOSED],
                )
                .filter(due_date__gte=today)
                # An accusation is never folded into an ordinary matter (whose units would then read it),
                # nor the other way round: they go different ways.
                .filter(is_accusation=purpose == Purpose.ACCUSATION)
                .order_by("received_at")
                .first()
            )
            if existing is not None:
                with _locked(actor, existing.pk, None) as matter:
                    matter.repeat_visits += 1
                    _record(
                        matter,
                        actor,
                        "repeat_visit",
                        f"信访人再次反映（{Channel(channel).label}），已并入本事项办理，不另行受理",
                        # What was said this time is kept with the visit, not dropped.
                        {
                            "channel": channel,
                            "article": "第十九条",
                            "title": title,
                            "content": content,
                            "request": request,
                        },
                    )
                return IntakeResult(matter=matter, linked_existing=True)

        holder = _intake_holder(actor, region)
        matter = Matter(
            number=_next_number(region, today.year),
            lookup_code=_lookup_code(),
            channel=channel,
            consent=True,
            region=region,
            region_path=region.path,
            title=title,
            content=content,
            request=request,
            category=category,
            purpose=purpose,
            headcount=count,
            is_group=count >= GROUP_THRESHOLD,
            is_accusation=purpose == Purpose.ACCUSATION,
            received_at=now,
            received_by=actor,
            responsible_agent=actor,
            status=Status.REGISTERED,
            holder_region=holder,
            holder_path=holder.path,
            due_date=today,  # replaced below by the route clock, before the first save completes
        )
        matter.save()
        for person, data in zip(people, cleaned, strict=True):
            MatterPetitioner.objects.create(
                matter=matter, petitioner=person, is_representative=data.is_representative
            )
        if leader is not None:
            matter.leaders.add(leader)
        deadlines.open_clock(matter, Step.ROUTE, today)
        details: dict[str, Any] = {"channel": channel, "headcount": count}
        if new_matter_reason.strip():
            details["new_matter_reason"] = new_matter_reason.strip()
        if leader is not None:
            details["leader"] = str(leader)
        _record(
            matter,
            actor,
            "intake",
            f"受理登记（{Channel(channel).label}），首接代办员：{actor}",
            details,
            status_before="",
        )
    return IntakeResult(matter=matter, linked_existing=False)


# ---------------------------------------------------------------------------------------------- triage


def matter_answer(
    *, actor: User, matter_id: int, expected_version: int | None, answer: str
) -> Matter:
    """即时答复: consultations, requests for help and suggestions answered on the spot and closed."""
    answer = _require_text("answer", answer, "答复内容")
    with _locked(actor, matter_id, expected_version) as m:
        _require_holder(actor, m)
        _require_status(m, Status.REGISTERED, Status.LOCAL)
        if m.purpose not in ANSWERABLE_AT_ONCE:
            raise WrongState("只有咨询、求助、建议意见类事项可以即时答复办结。")
        before = m.status
        _close(m, ClosureKind.ANSWERED, resolved=True)
        _record(m, actor, "answer", "即时答复并办结", {"answer": answer}, status_before=before)
    return m


def matter_start_local(
    *, actor: User, matter_id: int, expected_version: int | None, note: str = ""
) -> Matter:
    """小事不出村: the holding village or township takes the matter on itself."""
    with _locked(actor, matter_id, expected_version) as m:
        _require_holder(actor, m)
        _require_status(m, Status.REGISTERED)
        if m.is_accusation:
            raise WrongState("检举控告类事项只能转纪检监察机关办理。")
        before = m.status
        m.status = Status.LOCAL
        # Taken on here: the routing clock is met; the handling limit (60 days, art. 34) now runs.
        deadlines.close_clocks(m, steps=[Step.ROUTE])
        deadlines.open_clock(m, Step.HANDLING, clock.today())
        _record(
            m,
            actor,
            "start_local",
            f"由{m.holder_label}就地办理",
            {"note": note.strip()},
            status_before=before,
        )
    return m


def matter_escalate(*, actor: User, matter_id: int, expected_version: int | None, note: str) -> Matter:
    """上报: pass the matter up one level (village → township → county → city)."""
    note = _require_text("note", note, "上报说明")
    with _locked(actor, matter_id, expected_version) as m:
        _require_holder(actor, m)
        _require_status(m, Status.REGISTERED, Status.LOCAL)
        holder = m.holder_region
        assert holder is not None
        if holder.parent is None:
            raise WrongState("已是最高层级，不能再上报。")
        before, from_label = m.status, m.holder_label
        m.status = Status.REGISTERED
        m.holder_region = holder.parent
        m.holder_path = holder.parent.path
        _record(
            m,
            actor,
            "escalate",
            f"由{from_label}上报至{m.holder_label}",
            {"note": note},
            status_before=before,
        )
    return m


def matter_hand_down(
    *, actor: User, matter_id: int, expected_version: int | None, to_region: Region, note: str
) -> Matter:
    """交由下级办理: a level above hands the matter down to the level below on the way to where it arose."""
    note = _require_text("note", note, "交办说明")
    with _locked(actor, matter_id, expected_version) as m:
        _require_holder(actor, m)
        _require_not_accusation(m)
        _require_status(m, Status.REGISTERED, Status.LOCAL)
        if to_region.parent_id != m.holder_region_id or not m.region_path.startswith(to_region.path):
            raise _fail("to_region", "只能交由事项发生地所在的下一级代办机构办理。")
        before, from_label = m.status, m.holder_label
        m.status = Status.REGISTERED
        m.holder_region = to_region
        m.holder_path = to_region.path
        _record(
            m,
            actor,
            "hand_down",
            f"由{from_label}交由{m.holder_label}办理",
            {"note": note},
            status_before=before,
        )
    return m


def matter_guide_legal(
    *, actor: User, matter_id: int, expected_version: int | None, legal_channel: str, guidance: str
) -> Matter:
    """诉访分离: matters for litigation, arbitration, reconsideration... are guided there and closed."""
    _choice("legal_channel", legal_channel, LegalChannel, "法定途径")
    guidance = _require_text("guidance", guidance, "引导说明")
    with _locked(actor, matter_id, expected_version) as m:
        _require_holder(actor, m)
        _require_not_accusation(m)
        _require_status(m, Status.REGISTERED, Status.LOCAL)
        before = m.status
        _close(m, ClosureKind.GUIDED, resolved=False)
        _record(
            m,
            actor,
            "guide_legal",
            f"引导通过{LegalChannel(legal_channel).label}途径解决",
            {"legal_channel": legal_channel, "guidance": guidance},
            status_before=before,
        )
    return m


def matter_not_accept(
    *, actor: User, matter_id: int, expected_version: int | None, reason_kind: str, reason: str
) -> Matter:
    """不予受理, with the reason (including: already re-examined, same facts — art. 36)."""
    _choice("reason_kind", reason_kind, NotAcceptedReason, "不予受理理由")
    reason = _require_text("reason", reason, "不予受理说明")
    with _locked(actor, matter_id, expected_version) as m:
        _require_holder(actor, m)
        _require_not_accusation(m)
        _require_status(m, Status.REGISTERED, Status.LOCAL)
        before = m.status
        _close(m, ClosureKind.NOT_ACCEPTED, resolved=False)
        _record(
            m,
            actor,
            "not_accept",
            f"不予受理：{NotAcceptedReason(reason_kind).label}",
            {"reason_kind": reason_kind, "reason": reason},
            status_before=before,
        )
    return m


# ---------------------------------------------------------------------------------------------- routing


def matter_route(
    *,
    actor: User,
    matter_id: int,
    expected_version: int | None,
    lead_unit: ResponsibleUnit,
    lead_instructions: str = "",
    co_units: Sequence[tuple[ResponsibleUnit, str]] = (),
) -> Matter:
    """转送交办: the county (or city) centre names one lead unit (主办) and any co-units (协办)."""
    with _locked(actor, matter_id, expected_version) as m:
        _require_holder(actor, m)
        _require_status(m, Status.REGISTERED, Status.LOCAL)
        holder = m.holder_region
        assert holder is not None
        if holder.level > Level.COUNTY:
            raise WrongState("只有县级代办中心（或市级）可以向事权单位交办，请先上报。")
        units = [lead_unit] + [u for u, _ in co_units]
        if len({u.pk for u in units}) != len(units):
            raise _fail("co_units", "同一单位不能重复交办。")
        allowed = units_for(actor).filter(is_active=True)
        for field, unit in [("lead_unit", lead_unit)] + [("co_units", u) for u, _ in co_units]:
            if not allowed.filter(pk=unit.pk).exists() and not (
                unit.is_active and holder.path.startswith(unit.region_path)
            ):
                raise _fail(field, f"“{unit}”不在可交办的单位范围内。")
            if m.is_accusation and unit.domain != UnitDomain.DISCIPLINE:
                raise _fail(field, "检举控告类事项只能交纪检监察机关办理，不能交被检举单位。")
        now, today = clock.now(), clock.today()
        before = m.status
        deadlines.close_clocks(m, steps=[Step.ROUTE])
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
        co_names = "、".join(str(u) for u, _ in co_units)
        _record(
            m,
            actor,
            "route",
            f"交办：主办 {lead_unit}" + (f"，协办 {co_names}" if co_names else ""),
            {"lead": lead_unit.pk, "co": [u.pk for u, _ in co_units]},
            status_before=before,
        )
    return m


def _task_for(actor: User, task_id: int) -> UnitTask:
    task = UnitTask.objects.select_related("unit", "matter").filter(pk=task_id).first()
    if task is None:
        raise OutOfScope
    if actor.role != Role.UNIT_HANDLER or task.unit_id != actor.unit_id:
        if matters_for(actor).filter(pk=task.matter_id).exists():
            raise NotAllowed("只有被交办单位的经办人可以办理此操作。")
        raise OutOfScope
    return task


def task_object(*, actor: User, task_id: int, expected_version: int | None, reasons: str) -> Matter:
    """异议: within 5 working days a unit may say the matter is not its business; the lead's objection
    sends the matter back to the level that routed it."""
    reasons = _require_text("reasons", reasons, "异议理由")
    task = _task_for(actor, task_id)
    with _locked(actor, task.matter_id, expected_version) as m:
        task.refresh_from_db()
        if task.status != TaskStatus.ASSIGNED:
            raise WrongState("只有尚未受理的交办任务可以提出异议。")
        clock_row = task.deadlines.filter(step=Step.OBJECTION).first()
        if clock_row is None or clock.today() > clock_row.due_date:
            raise WrongState("已超过 5 个工作日的异议期限，请按交办要求办理。")
        before = m.status
        task.status = TaskStatus.OBJECTED
        task.objection_reason = reasons
        task.save(update_fields=["status", "objection_reason"])
        deadlines.close_clocks(m, task=task)
        if task.role == TaskRole.LEAD:
            for other in m.tasks.exclude(pk=task.pk).filter(
                status__in=[TaskStatus.ASSIGNED, TaskStatus.ACCEPTED, TaskStatus.PART_SUBMITTED]
            ):
                other.status = TaskStatus.WITHDRAWN
                other.save(update_fields=["status"])
                deadlines.close_clocks(m, task=other)
            m.status = Status.REGISTERED
            m.holder_unit = None
            m.holder_region = task.sent_from
            m.holder_path = task.sent_from.path
            deadlines.open_clock(m, Step.ROUTE, clock.today())
            summary = f"{task.unit}提出异议，事项退回{m.holder_label}重新交办"
        else:
            summary = f"协办单位{task.unit}提出异议"
        _record(m, actor, "object", summary, {"task": task.pk, "reasons": reasons}, status_before=before)
    return m


def task_accept(
    *, actor: User, task_id: int, expected_version: int | None, notice_method: str = ""
) -> Matter:
    """受理: the lead unit accepts and tells the petitioner in writing (受理告知), starting the 60-day clock."""
    task = _task_for(actor, task_id)
    if task.role == TaskRole.LEAD:
        _choice("notice_method", notice_method, ContactMethod, "受理告知方式")
    with _locked(actor, task.matter_id, expected_version) as m:
        task.refresh_from_db()
        if task.status != TaskStatus.ASSIGNED:
            raise WrongState("该交办任务已受理或已退回。")
        before = m.status
        now, today = clock.now(), clock.today()
        task.status = TaskStatus.ACCEPTED
        task.accepted_at = now
        task.notice_method = notice_method if task.role == TaskRole.LEAD else ""
        task.save(update_fields=["status", "accepted_at", "notice_method"])
        deadlines.close_clocks(m, task=task)
        if task.role == TaskRole.LEAD:
            m.status = Status.HANDLING
            deadlines.open_clock(m, Step.HANDLING, today, task=task)
            summary = f"{task.unit}受理并以{ContactMethod(notice_method).label}方式告知信访人"
        else:
            summary = f"协办单位{task.unit}受理"
        _record(
            m,
            actor,
            "accept",
            summary,
            {"task": task.pk, "notice_method": notice_method},
            status_before=before,
        )
    return m


def task_submit_part(*, actor: User, task_id: int, expected_version: int | None, content: str) -> Matter:
    """协办意见: a co-unit reports its part to the lead unit."""
    content = _require_text("content", content, "协办意见")
    task = _task_for(actor, task_id)
    with _locked(actor, task.matter_id, expected_version) as m:
        task.refresh_from_db()
        _require_status(m, Status.HANDLING)
        if task.role != TaskRole.CO or task.status != TaskStatus.ACCEPTED:
            raise WrongState("只有已受理的协办任务可以报送协办意见。")
        task.status = TaskStatus.PART_SUBMITTED
        task.part_content = content
        task.part_submitted_at = clock.now()
        task.save(update_fields=["status", "part_content", "part_submitted_at"])
        _record(
            m, actor, "submit_part", f"协办单位{task.unit}报送协办意见", {"task": task.pk, "content": content}
        )
    return m


# ---------------------------------------------------------------------------------------------- handling


def matter_mediate(
    *,
    actor: User,
    matter_id: int,
    expected_version: int | None,
    participants: str,
    terms: str,
    performance_manner: str,
    performance_deadline: datetime.date | None,
    signed: bool,
) -> Matter:
    """调解: who took part, what was agreed, how and by when it is performed, and whether all signed."""
    participants = _require_text("participants", participants, "参加调解人员")
    terms = _require_text("terms", terms, "协议内容")
    performance_manner = _require_text("performance_manner", performance_manner, "履行方式", 200)
    if performance_deadline is None:
        raise _fail("performance_deadline", "请填写履行期限。")
    with _locked(actor, matter_id, expected_version) as m:
        _require_status(m, Status.HANDLING, Status.LOCAL)
        if m.status == Status.HANDLING:
            _require_lead_handler(actor, m)
        else:
            _require_holder(actor, m)
        if performance_deadline < clock.today():
            raise _fail("performance_deadline", "履行期限不能早于今天。")
        Mediation.objects.create(
            matter=m,
            mediated_at=clock.now(),
            mediator=actor,
            participants=participants,
            terms=terms,
            performance_manner=performance_manner,
            performance_deadline=performance_deadline,
            signed=signed,
        )
        _record(
            m,
            actor,
            "mediate",
            "组织调解，" + ("各方已签订调解协议" if signed else "未达成签字协议"),
            {"participants": participants, "terms": terms, "signed": signed},
        )
    return m


def _extension_cap() -> int:
    """The configured cap on extensions (workcal "extension"; art. 34 and the default: 30 days). The
    calendar refuses an extension above it, so the action checks the same number, and a switched-off
    limit means no extension can be granted."""
    try:
        return workcal.time_limit(workcal.EXTENSION_LIMITS["handling"]).length
    except workcal.TimeLimitError as exc:
        raise WrongState(f"{exc}，不能办理延期。") from exc


def matter_extend(
    *,
    actor: User,
    matter_id: int,
    expected_version: int | None,
    days: int,
    approver: str,
    reason: str,
    notified_how: str,
) -> Matter:
    """延期: at most 30 more days, approved by the unit head, the petitioner told why (art. 34)."""
    approver = _require_text("approver", approver, "批准人", 32)
    reason = _require_text("reason", reason, "延期理由")
    _choice("notified_how", notified_how, ContactMethod, "告知信访人方式")
    with _locked(actor, matter_id, expected_version) as m:
        _require_status(m, Status.HANDLING)
        _require_lead_handler(actor, m)
        cap = _extension_cap()
        if days < 1 or m.extended_days + days > cap:
            raise _fail("days", f"延期合计不能超过 {cap} 日（已延期 {m.extended_days} 日）。")
        clock_row = m.deadlines.filter(step=Step.HANDLING, is_open=True).first()
        if clock_row is None:
            raise WrongState("没有正在计时的办理期限。")
        if clock.today() > clock_row.due_date:
            raise WrongState("办理期限已过，不能再申请延期。")
        m.extended_days += days
        deadlines.adjust_clock(clock_row, extra_days=m.extended_days)
        _record(
            m,
            actor,
            "extend",
            f"延期 {days} 日（批准人：{approver}），已{ContactMethod(notified_how).label}告知信访人",
            {"days": days, "approver": approver, "reason": reason, "notified_how": notified_how},
        )
    return m


def _opinion_fields(outcome: str, facts: str, reasons: str, basis: str) -> tuple[str, str, str, str]:
    _choice("outcome", outcome, Outcome, "处理结果")
    return (
        outcome,
        _require_text("facts", facts, "查明的事实"),
        _require_text("reasons", reasons, "理由"),
        _require_text("basis", basis, "依据"),
    )


def _to_reply(m: Matter, *, review_window: str | None) -> None:
    """After a written opinion: back to the first-contact level for feedback and follow-up.

    ``review_window`` names the time limit for asking the next instance (``review_request`` after a
    handling opinion, ``reexam_request`` after a review opinion), or None when there is none."""
    today = clock.today()
    m.status = Status.REPLIED
    m.replied_at = clock.now()
    m.feedback_at = None
    m.service_satisfaction = ""
    m.unit_satisfaction = ""
    m.holder_unit = None
    back_to = _follow_up_holder(m)
    m.holder_region = back_to
    m.holder_path = back_to.path if back_to else ""
    if review_window:
        m.review_window_until = workcal.deadline_for(review_window, today).due
    else:
        m.review_window_until = None
    deadlines.open_clock(m, Step.FOLLOW_UP, today)


def matter_reply(
    *,
    actor: User,
    matter_id: int,
    expected_version: int | None,
    outcome: str,
    facts: str,
    reasons: str,
    basis: str,
) -> Matter:
    """处理意见书: the lead unit's written opinion (支持/解释说明/不予支持) with facts, reasons and basis,
    after collecting every co-unit's part."""
    outcome, facts, reasons, basis = _opinion_fields(outcome, facts, reasons, basis)
    with _locked(actor, matter_id, expected_version) as m:
        _require_status(m, Status.HANDLING)
        lead = _require_lead_handler(actor, m)
        pending = m.tasks.filter(role=TaskRole.CO, status__in=[TaskStatus.ASSIGNED, TaskStatus.ACCEPTED])
        if pending.exists():
            names = "、".join(str(t.unit) for t in pending.select_related("unit"))
            raise WrongState(f"协办单位尚未报送意见：{names}。")
        before = m.status
        Opinion.objects.create(
            matter=m,
            stage="handling",
            unit=lead.unit,
            outcome=outcome,
            facts=facts,
            reasons=reasons,
            basis=basis,
            issued_at=clock.now(),
            issued_by=actor,
        )
        m.tasks.filter(status__in=[TaskStatus.ACCEPTED, TaskStatus.PART_SUBMITTED]).update(
            status=TaskStatus.DONE
        )
        deadlines.close_clocks(m)
        _to_reply(m, review_window="review_request")
        _record(
            m,
            actor,
            "reply",
            f"{lead.unit}出具处理意见书：{Outcome(outcome).label}",
            {"outcome": outcome},
            status_before=before,
        )
    return m


def matter_reply_local(
    *,
    actor: User,
    matter_id: int,
    expected_version: int | None,
    outcome: str,
    facts: str,
    reasons: str,
    basis: str,
) -> Matter:
    """就地办结答复: the village or township that solved the matter itself records the answer."""
    outcome, facts, reasons, basis = _opinion_fields(outcome, facts, reasons, basis)
    with _locked(actor, matter_id, expected_version) as m:
        _require_holder(actor, m)
        _require_status(m, Status.LOCAL)
        before = m.status
        Opinion.objects.create(
            matter=m,
            stage="local",
            outcome=outcome,
            facts=facts,
            reasons=reasons,
            basis=basis,
            issued_at=clock.now(),
            issued_by=actor,
        )
        holder_label = m.holder_label
        deadlines.close_clocks(m)
        _to_reply(m, review_window=None)
        _record(
            m,
            actor,
            "reply_local",
            f"{holder_label}就地办理答复：{Outcome(outcome).label}",
            {"outcome": outcome},
            status_before=before,
        )
    return m


# ---------------------------------------------------------------------------------------------- feedback


def _require_network_agent(actor: User, matter: Matter) -> None:
    _require_agent(actor)
    if actor.pk != matter.responsible_agent_id and not (
        actor.region_path and matter.holder_path.startswith(actor.region_path)
    ):
        raise NotAllowed("只有责任代办员或所在代办机构可以办理此操作。")


def matter_feedback(
    *, actor: User, matter_id: int, expected_version: int | None, method: str, note: str
) -> Matter:
    """反馈: the agent explains the result to the petitioner (when, how, by whom)."""
    _choice("method", method, ContactMethod, "反馈方式")
    note = _require_text("note", note, "反馈情况")
    with _locked(actor, matter_id, expected_version) as m:
        _require_network_agent(actor, m)
        _require_status(m, Status.REPLIED)
        m.feedback_at = clock.now()
        _record(
            m,
            actor,
            "feedback",
            f"{actor}以{ContactMethod(method).label}方式向信访人反馈办理结果",
            {"method": method, "note": note},
        )
    return m


def matter_follow_up(
    *,
    actor: User,
    matter_id: int,
    expected_version: int | None,
    service_satisfaction: str,
    unit_satisfaction: str,
    method: str,
    note: str = "",
) -> Matter:
    """回访: satisfaction recorded separately for the proxy service and for the unit."""
    _choice("service_satisfaction", service_satisfaction, Satisfaction, "对代办服务的评价")
    _choice("unit_satisfaction", unit_satisfaction, Satisfaction, "对办理单位的评价")
    _choice("method", method, ContactMethod, "回访方式")
    with _locked(actor, matter_id, expected_version) as m:
        _require_network_agent(actor, m)
        _require_status(m, Status.REPLIED)
        if m.feedback_at is None:
            raise WrongState("请先向信访人反馈办理结果，再进行回访。")
        m.service_satisfaction = service_satisfaction
        m.unit_satisfaction = unit_satisfaction
        _record(
            m,
            actor,
            "follow_up",
            f"回访：代办服务{Satisfaction(service_satisfaction).label}，办理单位{Satisfaction(unit_satisfaction).label}",
            {
                "method": method,
                "note": note.strip(),
                "service": service_satisfaction,
                "unit": unit_satisfaction,
            },
        )
    return m


def _close(m: Matter, kind: ClosureKind, *, resolved: bool) -> None:
    deadlines.close_clocks(m)
    m.status = Status.CLOSED
    m.closure_kind = kind
    m.resolved = resolved
    m.closed_at = clock.now()


def matter_close(
    *, actor: User, matter_id: int, expected_version: int | None, resolved: bool, note: str = ""
) -> Matter:
    """案结事了: closed after feedback and follow-up; whether it was resolved (化解) is recorded apart."""
    if not isinstance(resolved, bool):
        # Closed and resolved are separate statistics: closing must say yes or no, never "unknown".
        raise _fail("resolved", "请选择矛盾是否已化解。")
    with _locked(actor, matter_id, expected_version) as m:
        _require_network_agent(actor, m)
        _require_status(m, Status.REPLIED)
        if not m.service_satisfaction:
            raise WrongState("请先完成回访并记录满意度，再办结。")
        before = m.status
        _close(m, ClosureKind.HANDLED, resolved=resolved)
        _record(
            m,
            actor,
            "close",
            "办结，" + ("矛盾已化解" if resolved else "未化解"),
            {"resolved": resolved, "note": note.strip()},
            status_before=before,
        )
    return m


# ---------------------------------------------------------------------------------------------- review


def _handling_unit(m: Matter) -> ResponsibleUnit | None:
    last = (
        m.opinions.exclude(unit=None).select_related("unit__superior").order_by("-issued_at", "-id").first()
    )
    return last.unit if last else None


def matter_request_review(
    *,
    actor: User,
    matter_id: int,
    expected_version: int | None,
    kind: str,
    requested_on: datetime.date,
    reason: str,
) -> Matter:
    """复查 / 复核 request, recorded by an agent for the petitioner, within 30 days of the written reply.
    Review goes to the superior of the handling unit; re-examination to the next superior."""
    _choice("kind", kind, ReviewKind, "申请类型")
    reason = _require_text("reason", reason, "申请理由")
    with _locked(actor, matter_id, expected_version) as m:
        _require_agent(actor)
        _require_status(m, Status.REPLIED, Status.CLOSED)
        if m.is_final:
            raise WrongState("该事项已经复核，同一事实和理由不再受理。")
        if m.review_window_until is None:
            raise WrongState("该事项没有可申请复查（复核）的书面处理意见。")
        if requested_on > clock.today():
            raise _fail("requested_on", "申请日期不能晚于今天。")
        if m.replied_at and requested_on < timezone.localdate(m.replied_at):
            raise _fail("requested_on", "申请日期不能早于书面答复日期。")
        if requested_on > m.review_window_until:
            raise WrongState(f"已超过申请期限（{m.review_window_until:%Y年%m月%d日}前），依法不再受理。")
        existing = {r.kind: r for r in m.reviews.all()}
        if kind == ReviewKind.REVIEW and existing:
            raise WrongState("该事项已申请过复查。")
        if kind == ReviewKind.REEXAM and (ReviewKind.REVIEW not in existing or ReviewKind.REEXAM in existing):
            raise WrongState("复核须在复查意见作出后申请，且只能申请一次。")
        if kind == ReviewKind.REEXAM and existing[ReviewKind.REVIEW].decided_at is None:
            raise WrongState("复查尚未办结。")
        base = _handling_unit(m) if kind == ReviewKind.REVIEW else existing[ReviewKind.REVIEW].unit
        superior = base.superior if base else None
        if superior is None:
            raise WrongState("原办理单位未设置上级机关，无法确定复查（复核）机关，请联系管理员。")
        before = m.status
        Review.objects.create(matter=m, kind=kind, unit=superior, requested_on=requested_on, reason=reason)
        deadlines.close_clocks(m)
        m.status = Status.REVIEW if kind == ReviewKind.REVIEW else Status.REEXAM
        m.holder_unit = superior
        m.closed_at = None
        m.closure_kind = ""
        m.resolved = None
        step = Step.REVIEW_HANDLING if kind == ReviewKind.REVIEW else Step.REEXAM_HANDLING
        deadlines.open_clock(m, step, requested_on)
        _record(
            m,
            actor,
            f"request_{kind}",
            f"信访人申请{ReviewKind(kind).label}，由{superior}办理",
            {"unit": superior.pk, "reason": reason, "requested_on": requested_on.isoformat()},
            status_before=before,
        )
    return m


def _current_review(actor: User, m: Matter) -> Review:
    kind = ReviewKind.REVIEW if m.status == Status.REVIEW else ReviewKind.REEXAM
    review = m.reviews.select_related("unit").get(kind=kind)
    if actor.role != Role.UNIT_HANDLER or actor.unit_id != review.unit_id:
        raise NotAllowed(f"只有{review.unit}的经办人可以办理{ReviewKind(kind).label}。")
    return review


def matter_hearing(*, actor: User, matter_id: int, expected_version: int | None, days: int) -> Matter:
    """听证: hearing time does not count in the re-examination clock (art. 36)."""
    if days < 1 or days > 60:
        raise _fail("days", "听证天数应在 1 到 60 日之间。")
    with _locked(actor, matter_id, expected_version) as m:
        _require_status(m, Status.REEXAM)
        review = _current_review(actor, m)
        review.hearing_days += days
        review.save(update_fields=["hearing_days"])
        row = m.deadlines.get(step=Step.REEXAM_HANDLING, is_open=True)
        deadlines.adjust_clock(row, excluded_days=review.hearing_days)
        _record(m, actor, "hearing", f"组织听证，听证时间 {days} 日不计入复核期限", {"days": days})
    return m


def matter_decide_review(
    *,
    actor: User,
    matter_id: int,
    expected_version: int | None,
    outcome: str,
    facts: str,
    reasons: str,
    basis: str,
) -> Matter:
    """复查意见书 / 复核意见书. After re-examination the same facts are not accepted again."""
    outcome, facts, reasons, basis = _opinion_fields(outcome, facts, reasons, basis)
    with _locked(actor, matter_id, expected_version) as m:
        _require_status(m, Status.REVIEW, Status.REEXAM)
        review = _current_review(actor, m)
        before = m.status
        opinion = Opinion.objects.create(
            matter=m,
            stage=review.kind,
            unit=review.unit,
            outcome=outcome,
            facts=facts,
            reasons=reasons,
            basis=basis,
            issued_at=clock.now(),
            issued_by=actor,
        )
        review.opinion = opinion
        review.decided_at = clock.now()
        review.save(update_fields=["opinion", "decided_at"])
        deadlines.close_clocks(m)
        is_reexam = review.kind == ReviewKind.REEXAM
        m.is_final = is_reexam
        _to_reply(m, review_window=None if is_reexam else "reexam_request")
        _record(
            m,
            actor,
            f"decide_{review.kind}",
            f"{review.unit}出具{ReviewKind(review.kind).label}意见书：{Outcome(outcome).label}"
            + ("（复核终结，同一事实和理由不再受理）" if is_reexam else ""),
            {"outcome": outcome, "review": review.pk},
            status_before=before,
        )
    return m


# ---------------------------------------------------------------------------------------------- people


LEADER_ASSIGNERS = {Role.COUNTY_STAFF, Role.CITY_ADMIN, Role.TOWNSHIP_STAFF}


def _at_or_above_holder(actor: User, m: Matter) -> bool:
    """The actor's level holds the matter or lies above where it is held (a unit holds → its county)."""
    path = m.holder_path or m.region_path
    return (
        bool(actor.region_path)
        and path.startswith(actor.region_path)
        and (m.holder_unit_id is not None or len(actor.region_path) <= len(path))
    )


def matter_assign_leaders(
    *, actor: User, matter_id: int, expected_version: int | None, leaders: Sequence[User]
) -> Matter:
    """包案 / 双包案: one or two leaders take personal charge."""
    if not 1 <= len(leaders) <= 2 or len({u.pk for u in leaders}) != len(leaders):
        raise _fail("leaders", "请选择一至两名包案领导。")
    with _locked(actor, matter_id, expected_version) as m:
        if actor.role not in LEADER_ASSIGNERS or not _at_or_above_holder(actor, m):
            raise NotAllowed("只有事项当前所在或更高层级的代办站、代办中心可以确定包案领导。")
        if m.status == Status.CLOSED:
            raise WrongState("事项已办结。")
        previous = list(m.leaders.values_list("pk", flat=True))
        for leader in leaders:
            if (
                leader.role != Role.LEADER
                or not leader.region_path
                or not m.region_path.startswith(leader.region_path)
            ):
                raise _fail("leaders", f"“{leader}”不是该地区的包案领导。")
        m.leaders.set(leaders)
        names = "、".join(str(u) for u in leaders)
        _record(
            m,
            actor,
            "assign_leaders",
            ("双包案" if len(leaders) == 2 else "包案") + f"领导：{names}",
            {"leaders": [u.pk for u in leaders], "previous": previous},
        )
    return m


def is_involved(actor: User, m: Matter) -> bool:
    """Handles this matter personally: its responsible agent, one of its leaders, a handler of a unit
    with an active task or review, or staff of the network level holding it."""
    # Iterates .all() so that prefetched tasks and leaders (the matter page) cost no query.
    if actor.pk == m.responsible_agent_id or any(u.pk == actor.pk for u in m.leaders.all()):
        return True
    if actor.role == Role.UNIT_HANDLER and actor.unit_id:
        active = {TaskStatus.ASSIGNED, TaskStatus.ACCEPTED, TaskStatus.PART_SUBMITTED}
        return m.holder_unit_id == actor.unit_id or any(
            t.unit_id == actor.unit_id and t.status in active for t in m.tasks.all()
        )
    return actor.role in HOLDER_ROLES and m.holder_unit_id is None and m.holder_region_id == actor.region_id


def matter_recuse(
    *, actor: User, matter_id: int, expected_version: int | None, reason: str, replacement: User
) -> Matter:
    """回避 (art. 28): a handler with a direct interest declares it and is replaced by a colleague."""
    reason = _require_text("reason", reason, "利害关系说明")
    with _locked(actor, matter_id, expected_version) as m:
        if m.status == Status.CLOSED:
            # A closed matter changes only through a review request; nobody is handling it to step back.
            raise WrongState("事项已办结，无需申请回避。")
        if not is_involved(actor, m):
            raise NotAllowed(
                "只有承办本事项的人员（责任代办员、包案领导、交办单位经办人、当前承办机构人员）需要申请回避。"
            )
        if (
            replacement.pk == actor.pk
            or replacement.role != actor.role
            or replacement.region_id != actor.region_id
            or replacement.unit_id != actor.unit_id
            or not replacement.is_active
        ):
            raise _fail("replacement", "接替人须是与您同一岗位、同一机构的其他在岗人员。")
        if Recusal.objects.filter(matter=m, user=replacement).exists():
            raise _fail("replacement", "接替人也已就本事项回避。")
        Recusal.objects.create(
            matter=m, user=actor, replacement=replacement, reason=reason, declared_at=clock.now()
        )
        if m.responsible_agent_id == actor.pk:
            m.responsible_agent = replacement
        if m.leaders.filter(pk=actor.pk).exists():
            m.leaders.remove(actor)
            m.leaders.add(replacement)
        _record(m, actor, "recuse", f"{actor}申请回避，由{replacement}接替", {"replacement": replacement.pk})
    return m


def matter_press(*, actor: User, matter_id: int, expected_version: int | None, note: str) -> Matter:
    """催办 (agents, leaders) or 督办 (discipline supervisors): a recorded push on the current holder."""
    note = _require_text("note", note, "催办（督办）意见")
    with _locked(actor, matter_id, expected_version) as m:
        if actor.role == Role.UNIT_HANDLER:
            raise NotAllowed("事权单位不能催办。")
        _require_status(m, *[s for s in Status if s != Status.CLOSED])
        kind = "supervise" if actor.role == Role.SUPERVISOR else "press"
        label = "督办" if kind == "supervise" else "催办"
        _record(m, actor, kind, f"{actor}{label}：{m.holder_label}", {"note": note})
    return m
