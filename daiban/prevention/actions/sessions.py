"""接访活动 (领导接待日, 联合接访, 直播间): scheduled by the network's agents at a level, held with one or more
leaders (and, for 联合接访, the bodies that sat), and a record of each person received — either answered on
the spot, or taken in as a matter through the intake action with the receiving leader as its 包案 leader
(接访即代办; the link is written by the "session" origin, ``views.sessions.connect``).

Every change locks the session, checks the actor's jurisdiction (outside → ``OutOfScope``, a 404) and the
version the form was loaded at (→ ``Conflict``), and writes one ``SessionEvent``."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from daiban.accounts.models import Role, User
from daiban.core import clock
from daiban.matters.errors import NotAllowed, WrongState
from daiban.matters.models import Matter
from daiban.network.jurisdiction import is_case_leader
from daiban.pii.log_filters import redact
from daiban.prevention import selectors
from daiban.prevention.actions.base import (
    choice,
    fail,
    locked,
    record,
    require_region,
    require_text,
)
from daiban.prevention.models.sessions import (
    JointBody,
    Reception,
    ReceptionSession,
    SessionEvent,
    SessionKind,
    SessionStatus,
)
from daiban.regions.models import Region

__all__ = [
    "SessionInput",
    "may_organise",
    "may_record",
    "ordered_leaders",
    "reception_deadline",
    "reception_refusal",
    "session_cancel",
    "session_close",
    "session_link_matter",
    "session_receive_answered",
    "session_schedule",
    "session_update",
]

# How far back a session may be entered (one held last week, recorded now) and how far ahead it may be
# scheduled; how long one may last (a 联合接访 over a weekend, a 直播间 series of a few days).
PAST_DAYS = 30
FUTURE_DAYS = 366
MAX_DURATION = datetime.timedelta(days=3)
MAX_LEADERS = 10
# A reception may be recorded from this long before the announced start (people queue early).
EARLY_RECEPTION = datetime.timedelta(hours=2)
# ...and until this long after the end — or after the session was entered, for one entered after the
# fact — so that a forgotten entry can still be made (补录); later the record is closed for good, held or
# not, so a session's list of who came cannot keep growing for months.
LATE_RECEPTION = datetime.timedelta(days=3)


@dataclass(frozen=True)
class SessionInput:
    """What scheduling (or rescheduling) a session takes."""

    kind: str
    title: str
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    place: str
    region: Region | None
    leaders: Sequence[User]
    bodies: Sequence[str] = ()
    other_bodies: str = ""
    notes: str = ""


def _clean(actor: User, data: SessionInput) -> dict[str, object]:
    kind = choice("kind", data.kind, SessionKind, "接访形式")
    title = require_text("title", data.title, "主题", 80)
    region = require_region(actor, data.region)
    starts_at, ends_at = _times(data.starts_at, data.ends_at)
    place = require_text("place", data.place, "地点（平台）", 80)
    leaders = _leaders(data.leaders, region)
    bodies = _bodies(data.bodies)
    other_bodies = (data.other_bodies or "").strip()
    if len(other_bodies) > 120:
        raise fail("other_bodies", "其他参加单位不能超过 120 个字。")
    if kind == SessionKind.JOINT and not bodies:
        raise fail("bodies", "联合接访须选择至少一个参加单位。")
    notes = (data.notes or "").strip()
    if len(notes) > 2000:
        raise fail("notes", "说明不能超过 2000 个字。")
    return {
        "kind": kind,
        "title": title,
        "region": region,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": place,
        "leaders": leaders,
        "bodies": bodies,
        "other_bodies": other_bodies,
        "notes": notes,
    }


def _times(
    starts_at: datetime.datetime | None, ends_at: datetime.datetime | None
) -> tuple[datetime.datetime, datetime.datetime]:
    if starts_at is None or timezone.is_naive(starts_at):
        raise fail("starts_at", "请填写开始时间。")
    if ends_at is None or timezone.is_naive(ends_at):
        raise fail("ends_at", "请填写结束时间。")
    now = clock.now()
    if starts_at < now - datetime.timedelta(days=PAST_DAYS):
        raise fail("starts_at", f"开始时间不能早于 {PAST_DAYS} 天前。")
    if starts_at > now + datetime.timedelta(days=FUTURE_DAYS):
        raise fail("starts_at", f"开始时间不能超过 {FUTURE_DAYS} 天后。")
    if ends_at <= starts_at:
        raise fail("ends_at", "结束时间须晚于开始时间。")
    if ends_at - starts_at > MAX_DURATION:
        raise fail("ends_at", f"一次接访活动不能超过 {MAX_DURATION.days} 天。")
    return starts_at, ends_at


def _leaders(leaders: Iterable[User], region: Region) -> list[User]:
    unique = list({leader.pk: leader for leader in leaders}.values())
    if not unique:
        raise fail("leaders", "请选择至少一位接访领导。")
    if len(unique) > MAX_LEADERS:
        raise fail("leaders", f"接访领导不能超过 {MAX_LEADERS} 位。")
    for leader in unique:
        # The leader's region is the session's or lies above it: the same rule as a 包案 leader there.
        if not is_case_leader(leader, region.path):
            raise fail("leaders", f"{leader} 不能在{region.name}接访（须是本级或上级领导）。")
    return unique


def _bodies(bodies: Iterable[str]) -> list[str]:
    chosen: list[str] = []
    for body in bodies:
        choice("bodies", body, JointBody, "参加单位")
        if body not in chosen:
            chosen.append(body)
    return chosen


def _no_numbers(field: str, value: str, label: str) -> str:
    """A reception's free text must not carry an ID or phone number (those belong, encrypted, on a
    petitioner of a matter, never in a plain column)."""
    if redact(value) != value:
        raise fail(field, f"{label}中不能填写身份证号码或电话号码。")
    return value


def session_schedule(*, actor: User, data: SessionInput) -> ReceptionSession:
    """安排接访活动: an agent at the level (or above it) — or the city administrator — schedules a
    session with its leaders."""
    _require_organiser(actor)
    cleaned = _clean(actor, data)
    leaders = cleaned.pop("leaders")
    assert isinstance(leaders, list)
    with transaction.atomic():
        session = ReceptionSession(**cleaned, organised_by=actor)
        session.save()  # the leaders need its id; ``record`` then saves it again at version 1
        _set_leaders(session, leaders)
        record(
            session,
            SessionEvent,
            actor,
            "schedule",
            f"安排{session.get_kind_display()}：{session.title}",
            _details(session, leaders),
            status_before="",
        )
    return session


def session_update(
    *, actor: User, session_id: int, expected_version: int | None, data: SessionInput
) -> ReceptionSession:
    """修改接访活动 (time, place, leaders, bodies …) while it is still scheduled."""
    _require_organiser(actor)
    with locked(actor, ReceptionSession, session_id, expected_version) as session:
        _require_scheduled(session, "修改")
        cleaned = _clean(actor, data)
        leaders = cleaned.pop("leaders")
        assert isinstance(leaders, list)
        received = {r.received_by_id for r in session.receptions.all()}
        dropped = received - {leader.pk for leader in leaders}
        if dropped:
            raise fail("leaders", "已有接待记录的接访领导不能移除。")
        before = _details(session, ordered_leaders(session))
        for name, value in cleaned.items():
            setattr(session, name, value)
        session.region_path = session.region.path
        if [x.pk for x in leaders] != [x.pk for x in ordered_leaders(session)]:
            session.leaders.clear()
            _set_leaders(session, leaders)
        after = _details(session, leaders)
        changed = {k: {"from": before[k], "to": v} for k, v in after.items() if before.get(k) != v}
        if not changed:
            raise fail("__all__", "没有修改任何内容。")
        record(session, SessionEvent, actor, "update", "修改接访活动安排", {"changed": changed})
    return session


def session_cancel(
    *, actor: User, session_id: int, expected_version: int | None, reason: str
) -> ReceptionSession:
    """取消接访活动 (a reason is required; it is shown on the session's page)."""
    _require_organiser(actor)
    with locked(actor, ReceptionSession, session_id, expected_version) as session:
        _require_scheduled(session, "取消")
        reason = require_text("reason", reason, "取消原因", 500)
        if session.receptions.exists():
            raise WrongState("该接访活动已有接待记录，不能取消；请记录接访情况。")
        session.status = SessionStatus.CANCELLED
        session.cancel_reason = reason
        record(
            session,
            SessionEvent,
            actor,
            "cancel",
            f"取消接访活动：{reason}",
            {"reason": reason},
            status_before=SessionStatus.SCHEDULED,
        )
    return session


def session_close(
    *, actor: User, session_id: int, expected_version: int | None, summary: str
) -> ReceptionSession:
    """记录接访情况: the session was held (only once it has started); the summary says how it went."""
    _require_organiser(actor)
    with locked(actor, ReceptionSession, session_id, expected_version) as session:
        _require_scheduled(session, "记录接访情况")
        if clock.now() < session.starts_at:
            raise WrongState("接访活动尚未开始，开始后才能记录接访情况。")
        summary = require_text("summary", summary, "接访小结", 2000)
        session.status = SessionStatus.HELD
        session.summary = summary
        record(
            session,
            SessionEvent,
            actor,
            "close",
            f"接访活动已举行，接待 {session.receptions.count()} 人次",
            {"summary": summary},
            status_before=SessionStatus.SCHEDULED,
        )
    return session


def session_receive_answered(
    *,
    actor: User,
    session_id: int,
    expected_version: int | None = None,
    leader: User | None,
    visitor: str,
    summary: str,
    answer: str,
) -> Reception:
    """记录当场答复: a person received at the session and answered there (no matter is opened). Taken by
    an agent in scope or by one of the session's own leaders. Receptions are added one after another
    while people queue, so the page does not send a version (two recorders never conflict); the row lock
    still orders them."""
    with locked(actor, ReceptionSession, session_id, expected_version) as session:
        leaders = list(session.leaders.all())
        _require_recorder(actor, leaders)
        _require_receiving(session)
        if leader is None or leader.pk not in {x.pk for x in leaders}:
            raise fail("leader", "请选择本次接访活动的一位接访领导。")
        visitor = _no_numbers(
            "visitor", require_text("visitor", visitor, "来访人（姓名或称呼）", 40), "来访人"
        )
        summary = _no_numbers("summary", require_text("summary", summary, "反映问题", 200), "反映问题")
        answer = _no_numbers("answer", require_text("answer", answer, "答复情况", 2000), "答复情况")
        reception = Reception.objects.create(
            session=session,
            received_at=clock.now(),
            received_by=leader,
            recorded_by=actor,
            visitor=visitor,
            summary=summary,
            answer=answer,
        )
        record(
            session,
            SessionEvent,
            actor,
            "receive_answered",
            f"{leader} 接待 {visitor}，当场答复",
            {"reception": reception.pk, "leader": str(leader)},
        )
    return reception


def session_link_matter(*, actor: User, session_id: int, matter: Matter, linked_existing: bool) -> Reception:
    """接访即代办: called by the intake action (origin "session:<id>") inside its transaction, once the
    matter was taken in. The receiving leader is the matter's leader, who must be one of the session's;
    a repeat visit on an open matter (art. 19) counts under the matter's leader who sits at the session,
    else the intake's leader actor, else the session's first leader."""
    with locked(actor, ReceptionSession, session_id, None) as session:
        leaders = list(session.leaders.all())
        _require_recorder(actor, leaders, field="origin")
        refusal = reception_refusal(session)
        if refusal:
            raise fail("origin", refusal)
        sitting = {x.pk: x for x in leaders}
        on_matter = [x for x in matter.leaders.all() if x.pk in sitting]
        if on_matter:
            leader = on_matter[0]
        elif not linked_existing:
            raise fail("leader", "现场登记的事项，接访领导须是本次接访活动的接访领导之一。")
        else:
            leader = sitting.get(actor.pk, leaders[0])
        reception = Reception.objects.create(
            session=session,
            received_at=clock.now(),
            received_by=leader,
            recorded_by=actor,
            matter=matter,
            summary=matter.title[:200],
        )
        record(
            session,
            SessionEvent,
            actor,
            "receive_matter",
            f"{leader} 接待，"
            + (f"并入在办事项 {matter.number}" if linked_existing else f"登记为信访事项 {matter.number}"),
            {"reception": reception.pk, "matter": matter.number, "leader": str(leader)},
        )
    return reception


# ------------------------------------------------------------------------------------------ helpers


def may_organise(actor: User) -> bool:
    """Who schedules and keeps the record of sessions: the network's agents, and the city administrator
    (the city holds 市级领导接待日 but has no proxy desk of its own)."""
    return selectors.can_write(actor) or (
        actor.role == Role.CITY_ADMIN and selectors.scope_path(actor) is not None
    )


def may_record(actor: User, leaders: Sequence[User]) -> bool:
    """Who records a reception: an organiser in scope, or one of the session's leaders."""
    return may_organise(actor) or any(x.pk == actor.pk for x in leaders)


def _require_organiser(actor: User) -> None:
    if not may_organise(actor):
        raise NotAllowed("只有代办机构工作人员可以安排和记录接访活动。")


def _require_recorder(actor: User, leaders: Sequence[User], field: str | None = None) -> None:
    if not may_record(actor, leaders):
        if field:
            raise fail(field, "只有代办机构工作人员或本次活动的接访领导可以登记。")
        raise NotAllowed("只有代办机构工作人员或本次活动的接访领导可以登记。")


def _require_scheduled(session: ReceptionSession, what: str) -> None:
    if session.status != SessionStatus.SCHEDULED:
        raise WrongState(f"该接访活动{session.get_status_display()}，不能{what}。")


def reception_deadline(session: ReceptionSession) -> datetime.datetime:
    """Until when receptions may be recorded: ``LATE_RECEPTION`` after the end, or after the session was
    entered (its "schedule" event) when it was entered after it ended."""
    entered = session.events.filter(kind="schedule").values_list("at", flat=True).first()
    return max(session.ends_at, entered or session.ends_at) + LATE_RECEPTION


def reception_refusal(session: ReceptionSession, deadline: datetime.datetime | None = None) -> str:
    """Why no reception may be recorded at ``session`` now ("" when one may): cancelled, not started
    yet, or past the deadline for forgotten entries."""
    if session.status == SessionStatus.CANCELLED:
        return "该接访活动已取消，不能在其中登记接待情况。"
    now = clock.now()
    if now < session.starts_at - EARLY_RECEPTION:
        return "接访活动尚未开始，开始后才能登记接待情况。"
    deadline = deadline or reception_deadline(session)
    if now > deadline:
        return (
            f"该接访活动的接待情况补录期限已过（截至 {timezone.localtime(deadline):%Y-%m-%d %H:%M}，"
            f"活动结束后 {LATE_RECEPTION.days} 天内），不能再登记；请作为普通来访受理登记。"
        )
    return ""


def _require_receiving(session: ReceptionSession) -> None:
    refusal = reception_refusal(session)
    if refusal:
        raise WrongState(refusal)


def ordered_leaders(session: ReceptionSession) -> list[User]:
    """The session's leaders in the order they were given (the first is the default receiving leader)."""
    links = ReceptionSession.leaders.through.objects.filter(receptionsession_id=session.pk)
    return [link.user for link in links.select_related("user__region").order_by("id")]


def _set_leaders(session: ReceptionSession, leaders: Sequence[User]) -> None:
    # One by one: ``add(*many)`` loses the order, and the order says who receives by default.
    for leader in leaders:
        session.leaders.add(leader)


def _details(session: ReceptionSession, leaders: Sequence[User]) -> dict[str, object]:
    return {
        "kind": session.kind,
        "title": session.title,
        "starts_at": timezone.localtime(session.starts_at).isoformat(),
        "ends_at": timezone.localtime(session.ends_at).isoformat(),
        "place": session.place,
        "region": session.region.code,
        "leaders": [str(x) for x in leaders],
        "bodies": list(session.bodies),
        "other_bodies": session.other_bodies,
        "notes": session.notes,
    }
