"""走访 (开门访/推门访/网络督访): recording a visit and correcting the record.

A visit is a record of activity, not a case with a life: it has no status. It is recorded once
(``visit_record``) and may be corrected (``visit_update``, version-checked so that two people correcting the
same record at once do not overwrite each other); a matter may be registered from it (``visit_link_matter``,
called by the intake origin "visit"). A correction replaces the values; who recorded it and when stay as
they were. Each of the three writes a ``VisitEvent`` (a correction with each changed field before and
after), so the visit page shows what was changed, by whom and when.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet

from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.core import clock
from daiban.matters.models import Matter
from daiban.network.jurisdiction import in_scope_q
from daiban.prevention.actions.base import (
    choice,
    fail,
    locked,
    record,
    require_date,
    require_region,
    require_writer,
)
from daiban.prevention.models import Visit, VisitEvent, VisitKind
from daiban.regions import geometry
from daiban.regions.models import Region

__all__ = [
    "CHANGE_LABELS",
    "MAX_HOUSEHOLDS",
    "PAST_DAYS",
    "member_choices",
    "visit_link_matter",
    "visit_record",
    "visit_update",
]

# A visit is recorded soon after it happened; older ones belong in a paper ledger's import, not here.
PAST_DAYS = 60
MAX_HOUSEHOLDS = 10_000
MAX_FINDINGS = 2_000

MEMBER_ROLES = {*AGENT_ROLES, Role.LEADER}

# The fields a correction may change, as the visit page names them in its timeline (in this order).
CHANGE_LABELS = {
    "kind": "走访方式",
    "visited_on": "走访日期",
    "region": "走访地点",
    "place": "具体地点",
    "members": "参加人员",
    "others": "其他参加人员",
    "households": "走访户数",
    "findings": "发现情况",
}


def member_choices(actor: User) -> QuerySet[User]:
    """Who may be named as having gone on the actor's visit: the network's people (agents and leaders)
    at the actor's own level and one level below inside the actor's jurisdiction (a township station with
    its village agents), and those of the levels above the actor (a township or county colleague or a
    leader who came down to the village). The form offers these; the action accepts only these."""
    path = actor.region_path if actor.region_id else None
    region: Region | None = actor.region if actor.region_id else None
    if path is None or region is None:
        return User.objects.none()
    q = (in_scope_q(actor) & Q(region__level__lte=region.level + 1)) | Q(
        region_path__in=geometry.ancestor_paths(path)
    )
    return (
        User.objects.filter(q, is_active=True, role__in=MEMBER_ROLES)
        .select_related("region")
        .order_by("region_path", "display_name", "id")
    )


def _clean(
    actor: User,
    *,
    kind: str,
    visited_on: datetime.date | None,
    region: Region | None,
    place: str,
    members: Iterable[User],
    others: str,
    households: int | None,
    findings: str,
    recorded_on: datetime.date | None = None,
) -> dict[str, object]:
    """``recorded_on``: the date the record already holds (a correction). Kept unchanged, it is not held to
    the ``PAST_DAYS`` bound again, so that an older visit's other fields can still be corrected."""
    kind = choice("kind", kind, VisitKind, "走访方式")
    if recorded_on is None or visited_on != recorded_on:
        visited_on = require_date("visited_on", visited_on, "走访日期", past_days=PAST_DAYS)
    region = require_region(actor, region)
    place = (place or "").strip()
    if len(place) > 80:
        raise fail("place", "具体地点不能超过 80 个字。")
    others = (others or "").strip()
    if len(others) > 120:
        raise fail("others", "其他参加人员不能超过 120 个字。")
    if households is None:
        households = 0
    if not 0 <= households <= MAX_HOUSEHOLDS:
        raise fail("households", f"走访户数应在 0 到 {MAX_HOUSEHOLDS} 之间。")
    findings = (findings or "").strip()
    if len(findings) > MAX_FINDINGS:
        raise fail("findings", f"发现情况不能超过 {MAX_FINDINGS} 个字。")
    wanted = {m.pk for m in members}
    allowed = set(member_choices(actor).filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - allowed:
        raise fail("members", "所选参加人员不在您的代办网络范围内。")
    return {
        "kind": kind,
        "visited_on": visited_on,
        "region": region,
        "place": place,
        "others": others,
        "households": households,
        "findings": findings,
        "member_ids": allowed,
    }


def visit_record(
    *,
    actor: User,
    kind: str,
    visited_on: datetime.date | None = None,
    region: Region | None = None,
    place: str = "",
    members: Iterable[User] = (),
    others: str = "",
    households: int | None = 0,
    findings: str = "",
) -> Visit:
    """记录走访. The date defaults to today and the place to the actor's own region; the actor is always
    one of those who went."""
    require_writer(actor)
    data = _clean(
        actor,
        kind=kind,
        visited_on=visited_on or clock.today(),
        region=region or actor.region,
        place=place,
        members=members,
        others=others,
        households=households,
        findings=findings,
    )
    member_ids = data.pop("member_ids")
    assert isinstance(member_ids, set)
    with transaction.atomic():
        visit = Visit(**data, recorded_by=actor)
        record(
            visit,
            VisitEvent,
            actor,
            "record",
            f"记录走访：{visit.get_kind_display()}，走访 {visit.households} 户（人次）",
            {"visited_on": visit.visited_on.isoformat(), "households": visit.households},
        )
        visit.members.set({*member_ids, actor.pk})
    return visit


def visit_update(
    *,
    actor: User,
    visit_id: int,
    expected_version: int | None,
    kind: str,
    visited_on: datetime.date | None,
    region: Region | None,
    place: str = "",
    members: Iterable[User] = (),
    others: str = "",
    households: int | None = 0,
    findings: str = "",
) -> Visit:
    """更正走访记录 (any agent whose jurisdiction holds the visit). The one who recorded it stays among
    those who went. The date is held to the ``PAST_DAYS`` bound only when it is changed. The event keeps
    each changed field before and after; a correction that changes nothing is refused."""
    require_writer(actor)
    with locked(actor, Visit, visit_id, expected_version) as visit:
        data = _clean(
            actor,
            kind=kind,
            visited_on=visited_on,
            region=region,
            place=place,
            members=members,
            others=others,
            households=households,
            findings=findings,
            recorded_on=visit.visited_on,
        )
        member_ids = data.pop("member_ids")
        assert isinstance(member_ids, set)
        # People named before who are outside the corrector's choices (a colleague of another township)
        # are kept: the corrector can only change whom they could have named.
        kept = set(
            visit.members.exclude(pk__in=member_choices(actor).values("pk")).values_list("pk", flat=True)
        )
        before_ids = set(visit.members.values_list("pk", flat=True))
        after_ids = {*member_ids, *kept, visit.recorded_by_id}
        changes = {
            name: [_show(name, getattr(visit, name)), _show(name, value)]
            for name, value in data.items()
            if getattr(visit, name) != value
        }
        if before_ids != after_ids:
            changes["members"] = [_names(before_ids), _names(after_ids)]
        if not changes:
            raise ValidationError("没有需要保存的更正。")
        changes = {name: changes[name] for name in CHANGE_LABELS if name in changes}
        for name, value in data.items():
            setattr(visit, name, value)
        visit.region_path = visit.region.path
        record(
            visit,
            VisitEvent,
            actor,
            "update",
            "更正：" + "、".join(CHANGE_LABELS[n] for n in changes),
            changes,
        )
        visit.members.set(after_ids)
    return visit


def visit_link_matter(*, actor: User, visit_id: int, matter: Matter, linked_existing: bool = False) -> Visit:
    """The matter (new, or the open one this repeat petition was recorded on: ``linked_existing``) was
    registered from the visit: link it, and say so in the visit's events by the matter's number (its
    title is the petitioner's words, not for every reader of the visit). Called by the intake origin
    "visit" inside the intake's transaction; linking the same matter again changes nothing."""
    require_writer(actor)
    with locked(actor, Visit, visit_id, None) as visit:
        if visit.matters.filter(pk=matter.pk).exists():
            return visit
        visit.matters.add(matter)
        summary = (
            f"记入已有信访事项 {matter.number}（重复信访）"
            if linked_existing
            else f"登记信访事项 {matter.number}"
        )
        record(
            visit,
            VisitEvent,
            actor,
            "matter",
            summary,
            {"matter": matter.number, "linked_existing": linked_existing},
        )
    return visit


def _show(name: str, value: object) -> str:
    if name == "kind":
        return VisitKind(str(value)).label
    if isinstance(value, Region):
        return value.full_name()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _names(user_ids: set[int]) -> str:
    users = User.objects.filter(pk__in=user_ids).order_by("region_path", "display_name", "id")
    return "、".join(str(u) for u in users)
