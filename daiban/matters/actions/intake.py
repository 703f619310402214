"""受理登记: a matter comes into the network (or a repeat visit is linked to the open one, art. 19)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.core import clock
from daiban.matters import deadlines, origins
from daiban.matters.actions.base import choice, fail, locked, record, require_text
from daiban.matters.actions.numbering import intake_lookup_code, lookup_code_clash, next_number
from daiban.matters.choices import Category, Channel, EventKind, Purpose, Status, Step
from daiban.matters.errors import NotAllowed, RepeatVisitUndecided
from daiban.matters.models import Matter, MatterPetitioner, Petitioner
from daiban.matters.petitioners import PetitionerInput, find_or_create_petitioner, validate_petitioner_inputs
from daiban.matters.selectors import open_matters_of
from daiban.network import jurisdiction
from daiban.regions import geometry
from daiban.regions.models import Level, Region

__all__ = [
    "GROUP_THRESHOLD",
    "MAX_REPRESENTATIVES",
    "IntakeResult",
    "PetitionerInput",
    "RepeatVisitUndecided",
    "matter_intake",
]

MAX_REPRESENTATIVES = 5
GROUP_THRESHOLD = 5
LOOKUP_CODE_ATTEMPTS = 5


@dataclass(frozen=True)
class IntakeResult:
    matter: Matter
    linked_existing: bool  # True: the person already had this open matter in time (art. 19); no new one


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


def _record_repeat_visit(
    actor: User,
    matter_id: int,
    people: Sequence[Petitioner],
    inputs: Sequence[PetitionerInput],
    details: dict[str, Any],
) -> Matter:
    """A repeat visit on an open matter: its own words in the event; people not yet on it join it."""
    with locked(actor, matter_id, None) as matter:
        on_it = set(matter.petitioner_links.values_list("petitioner_id", flat=True))
        joined = []
        for person, data in zip(people, inputs, strict=True):
            if person.pk not in on_it:
                MatterPetitioner.objects.create(
                    matter=matter, petitioner=person, is_representative=data.is_representative
                )
                on_it.add(person.pk)
                joined.append(person.name)
        if joined:
            details["joined"] = joined
        matter.repeat_visits += 1
        record(
            matter,
            actor,
            EventKind.REPEAT_VISIT,
            f"信访人再次反映（{Channel(details['channel']).label}），已并入本事项办理，不另行受理",
            details,
        )
    return matter


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
    repeat_of: int | None = None,
    new_matter: bool = False,
    new_matter_reason: str = "",
    origin: str = "",
) -> IntakeResult:
    """受理登记. The receiving agent becomes the responsible agent (首接即代办); a matter taken at a
    leader's reception day gets that leader in charge (接访即代办).

    Art. 19: when a petitioner already has an open matter within its time limit in the actor's
    jurisdiction, the agent decides — nothing is assumed. ``repeat_of`` names the open matter this visit
    repeats (recorded there as a visit with its own words; new people join it); ``new_matter`` (or a
    ``new_matter_reason``) opens a new matter. Without either, ``RepeatVisitUndecided`` lists the open
    matters to choose from. The decision is made with the people locked, so two intakes of the same
    person at once cannot both miss each other's matter.

    ``origin`` ("screening:12", "session:3" …, see ``daiban.matters.origins``) names the record of an app
    around matters that this intake comes from; it is linked in the same transaction, or nothing is kept."""
    if actor.role not in AGENT_ROLES and actor.role != Role.LEADER:
        raise NotAllowed("只有代办机构工作人员或接访领导可以受理登记。")
    choice("channel", channel, Channel, "来源渠道")
    choice("category", category, Category, "内容分类")
    choice("purpose", purpose, Purpose, "信访目的")
    title = require_text("title", title, "事项摘要", 80)
    content = require_text("content", content, "反映内容")
    request = require_text("request", request, "诉求")
    if not consent:
        raise fail("consent", "须经信访人同意并签署代办委托后方可代办。")
    if not jurisdiction.regions_for(actor).filter(pk=region.pk).exists():
        raise fail("region", "问题发生地不在您的管辖范围内。")
    cleaned = validate_petitioner_inputs(petitioners)
    representatives = [p for p in cleaned if p.is_representative]
    count = headcount if headcount is not None else len(cleaned)
    if count < len(cleaned):
        raise fail("headcount", "人数不能少于登记的信访人数。")
    if count >= GROUP_THRESHOLD and len(representatives) > MAX_REPRESENTATIVES:
        raise fail("petitioners", f"集体访推选的代表不能超过 {MAX_REPRESENTATIVES} 人。")
    if count >= GROUP_THRESHOLD and len(cleaned) > MAX_REPRESENTATIVES:
        raise fail("petitioners", f"集体访只登记代表，最多 {MAX_REPRESENTATIVES} 人。")
    if channel == Channel.LEADER_DAY:
        leader = leader or (actor if actor.role == Role.LEADER else None)
        if leader is None:
            raise fail("leader", "领导接待日受理的事项须注明接访领导。")
    if leader is not None and not jurisdiction.is_case_leader(leader, region.path):
        raise fail("leader", "接访领导须是该地区的包案领导。")

    # The lookup code is drawn without asking the table first: the unique index refuses the rare clash
    # (about one draw in 10⁶ at a million matters), the transaction (a savepoint when the caller has
    # one open) rolls back whole — number and person lock included — and the intake is taken again.
    for attempt in range(1, LOOKUP_CODE_ATTEMPTS + 1):
        try:
            return _take_in(
                actor=actor,
                cleaned=cleaned,
                channel=channel,
                region=region,
                title=title,
                content=content,
                request=request,
                category=category,
                purpose=purpose,
                count=count,
                leader=leader,
                repeat_of=repeat_of,
                new_matter=new_matter,
                new_matter_reason=new_matter_reason,
                origin=origin,
            )
        except IntegrityError as exc:
            if attempt == LOOKUP_CODE_ATTEMPTS or not lookup_code_clash(exc):
                raise
    raise AssertionError("unreachable")


def _take_in(
    *,
    actor: User,
    cleaned: Sequence[PetitionerInput],
    channel: str,
    region: Region,
    title: str,
    content: str,
    request: str,
    category: str,
    purpose: str,
    count: int,
    leader: User | None,
    repeat_of: int | None,
    new_matter: bool,
    new_matter_reason: str,
    origin: str,
) -> IntakeResult:
    """The intake's one transaction, after its input has been checked."""
    now = clock.now()
    today = clock.today()
    county_code = geometry.county_code(region.path)
    with transaction.atomic():
        people = [find_or_create_petitioner(p, county_code=county_code) for p in cleaned]
        # Lock the people: two agents taking in the same person at once queue here, so the second one
        # sees the first one's matter and is asked about it (art. 19) instead of missing it.
        list(Petitioner.objects.select_for_update().filter(pk__in=[p.pk for p in people]).order_by("pk"))
        accusation = purpose == Purpose.ACCUSATION
        candidates = list(open_matters_of(actor, people, today=today, accusation=accusation))
        if repeat_of is not None:
            target = next((c for c in candidates if c.pk == repeat_of), None)
            if target is None:
                raise fail(
                    "decision", "所选事项不是该信访人在办的事项（或已办结、已超过办理期限），请重新选择。"
                )
            matter = _record_repeat_visit(
                actor,
                target.pk,
                people,
                cleaned,
                {
                    "channel": channel,
                    "article": "第十九条",
                    "title": title,
                    "content": content,
                    "request": request,
                    "category": category,
                    "purpose": purpose,
                    "headcount": count,
                    **({"origin": origin} if origin else {}),
                },
            )
            origins.link(origin, actor, matter, True)
            return IntakeResult(matter=matter, linked_existing=True)
        if candidates and not (new_matter or new_matter_reason.strip()):
            raise RepeatVisitUndecided(candidates)

        holder = _intake_holder(actor, region)
        # Inserted as it ends the transaction: version 1 (the intake event's seq) and the routing clock's
        # due date mirrored, so ``record`` writes only the event (no second UPDATE of the new row).
        route = deadlines.compute(Step.ROUTE, today)
        matter = Matter(
            number=next_number(region, today.year),
            lookup_code=intake_lookup_code(),
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
            due_date=route.due,
            due_step=Step.ROUTE,
            due_provisional=route.provisional,
            version=1,
        )
        matter.save()
        for person, data in zip(people, cleaned, strict=True):
            MatterPetitioner.objects.create(
                matter=matter, petitioner=person, is_representative=data.is_representative
            )
        if leader is not None:
            matter.leaders.add(leader)
        deadlines.open_clock(matter, Step.ROUTE, today, computed=route)
        details: dict[str, Any] = {"channel": channel, "headcount": count}
        if new_matter_reason.strip():
            details["new_matter_reason"] = new_matter_reason.strip()
        if leader is not None:
            details["leader"] = str(leader)
        if origin:
            details["origin"] = origin
        record(
            matter,
            actor,
            EventKind.INTAKE,
            f"受理登记（{Channel(channel).label}），首接代办员：{actor}",
            details,
            status_before="",
            inserted=True,
        )
        origins.link(origin, actor, matter, False)
    return IntakeResult(matter=matter, linked_existing=False)
