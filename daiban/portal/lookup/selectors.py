"""What the petitioner's lookup shows of a matter, in plain words — and nothing else.

The public view is built here from the matter's status, its events' kinds and times, its unit tasks and
its deadlines; never from what was typed (notes, content, the request), never from the people on it
(petitioners, ID and phone numbers, handlers). An accusation (检举控告) shows only its own progress: no
title, no unit names (有关单位), no documents, no names of anyone handling it.

There is no user here: the caller established that the asker holds the matter's number and lookup code
(``daiban.portal.lookup.session``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from daiban.core import clock
from daiban.documents import kinds
from daiban.documents.models import Document
from daiban.documents.selectors import served_to_petitioner
from daiban.matters.choices import ClosureKind, EventKind, Satisfaction, Status, Step, TaskRole, TaskStatus
from daiban.matters.models import Deadline, Event, Matter, UnitTask, office_label
from daiban.network.models import Agent, ServiceOrganization
from daiban.portal.models import OnlineRating
from daiban.workcal import calendar as workcal

# "Some unit" in place of a unit's name on an accusation.
SOME_UNIT = "有关单位"

# What the current deadline means, one sentence per clock (daiban.matters.choices.Step).
DEADLINE_MEANS = {
    Step.ROUTE: "代办机构应在这一天前把您的事项交给有权处理的单位（或告诉您该怎么办）。",
    Step.ACCEPT_NOTICE: "{unit}应在这一天前决定是否受理，并告诉您。",
    Step.HANDLING: "{unit}应在这一天前办结，并给您书面答复。",
    Step.SIMPLIFIED: "您的事项按简易程序办理：{unit}应在这一天前办结，并给您书面答复。",
    Step.FOLLOW_UP: "代办员应在这一天前把办理结果告诉您，并听取您的意见（回访）。",
    Step.REVIEW_HANDLING: "复查机关应在这一天前作出复查意见。",
    Step.REEXAM_HANDLING: "复核机关应在这一天前作出复核意见。",
}

LEAD_TASK_LIVE = (TaskStatus.ASSIGNED, TaskStatus.OBJECTION_PENDING, TaskStatus.ACCEPTED, TaskStatus.DONE)


@dataclass(frozen=True)
class ProgressStep:
    label: str  # 已登记, 已交办, 已受理 …
    detail: str = ""  # 新城区住房和城乡建设局, 有关单位, 即时答复办结 …
    when: datetime.datetime | None = None
    state: str = "todo"  # done | now | todo


@dataclass(frozen=True)
class DeadlineView:
    due: datetime.date
    means: str
    provisional: bool
    extended_days: int
    how: str  # the calendar's explanation of the count (workcal), no names in it
    overdue: bool


@dataclass(frozen=True)
class Contact:
    """Whom to ask: the responsible agent (亮身份: name, work phone, hours, place) and their office."""

    name: str
    phone: str
    hours: str
    place: str
    office: str


@dataclass(frozen=True)
class Reply:
    """A written instrument served on the petitioner, downloadable from the lookup."""

    pk: int
    label: str  # 处理意见书
    number: str  # 新住建处〔2026〕3号
    issuer: str
    served_on: datetime.date


@dataclass(frozen=True)
class RatingState:
    reply_at: datetime.datetime | None  # the reply that can be rated (Matter.replied_at)
    until: datetime.date | None  # the last day it can be rated
    rating: OnlineRating | None  # the rating of that reply, once given
    open: bool  # a rating can be given now

    @property
    def reply_token(self) -> str:
        """Names the reply the form was shown for (a newer reply makes the form stale)."""
        return str(int(self.reply_at.timestamp())) if self.reply_at else ""


@dataclass(frozen=True)
class ReviewRight:
    """复查 / 复核: what the petitioner can do when unhappy with the handling, and by when."""

    kind: str  # 复查 | 复核
    until: datetime.date | None
    length: str  # 30 日
    organ: str  # 上一级行政机关 (named when known and not an accusation)


@dataclass(frozen=True)
class PublicView:
    number: str
    title: str  # "" for an accusation
    accusation: bool
    status: str
    closed: bool
    steps: list[ProgressStep]
    deadline: DeadlineView | None
    contact: Contact | None
    replies: list[Reply] = field(default_factory=list)


# ------------------------------------------------------------------------------------------- progress


def _lead_task(tasks: list[UnitTask]) -> UnitTask | None:
    """The lead unit's task that is waiting, running or done (one sent back after an objection is not:
    the matter is then back with the network, to be routed again)."""
    live = [t for t in tasks if t.role == TaskRole.LEAD and t.status in LEAD_TASK_LIVE]
    return live[-1] if live else None


def _first(events: list[tuple[str, datetime.datetime]], *kinds_: str) -> datetime.datetime | None:
    return next((at for kind, at in events if kind in kinds_), None)


def _last(events: list[tuple[str, datetime.datetime]], *kinds_: str) -> datetime.datetime | None:
    return next((at for kind, at in reversed(events) if kind in kinds_), None)


def _step(label: str, detail: str = "", when: datetime.datetime | None = None) -> ProgressStep:
    """A step, reached once it has a date."""
    return ProgressStep(label, detail if when else "", when, "done" if when else "todo")


def progress(matter: Matter) -> list[ProgressStep]:
    """已登记 → 已交办（某单位）→ 已受理 → 已答复 → 回访 → 办结, each with its date once reached; the first
    step not yet reached is the current one while the matter is open. A matter closed without handling
    (即时答复, 引导至法定途径, 不予受理) goes from 已登记 straight to 办结, saying how."""
    accusation = matter.is_accusation
    # Only the kinds and times of the events: never their summaries, details or actors.
    events = list(Event.objects.filter(matter=matter).order_by("seq").values_list("kind", "at"))
    registered = _step("已登记", "", matter.received_at)
    if matter.status == Status.CLOSED and matter.closure_kind != ClosureKind.HANDLED:
        how = ClosureKind(matter.closure_kind).label if matter.closure_kind else ""
        return [registered, _step("办结", how, matter.closed_at)]

    lead = _lead_task(list(matter.tasks.select_related("unit").order_by("assigned_at", "id")))
    local_at = _first(events, EventKind.START_LOCAL)
    if lead is not None:
        unit = SOME_UNIT if accusation else lead.unit.name
        accepted_at = lead.accepted_at
        if accepted_at is None and lead.status == TaskStatus.DONE:
            accepted_at = lead.assigned_at
        routed, accepted = _step("已交办", unit, lead.assigned_at), _step("已受理", unit, accepted_at)
    elif local_at is not None:
        office = office_label(matter.holder_region) if matter.holder_region and not accusation else "代办机构"
        routed, accepted = _step("就地办理", office, local_at), _step("已受理", "", local_at)
    else:
        routed, accepted = _step("已交办"), _step("已受理")
    replied_at = _first(events, EventKind.REPLY, EventKind.REPLY_LOCAL)
    steps = [registered, routed, accepted, _step("已答复", "书面答复", replied_at)]
    requested = _first(events, EventKind.REQUEST_REVIEW)
    if requested is not None:
        if matter.status in (Status.REVIEW, Status.REEXAM):
            steps.append(ProgressStep("复查（复核）", "办理中", requested, "now"))
        else:
            steps.append(_step("复查（复核）", "已作出意见", _last(events, EventKind.DECIDE_REVIEW)))
    # The follow-up of the latest reply (a new reply asks for a new one).
    followed = _last(events, EventKind.FOLLOW_UP)
    if followed is not None and (matter.service_satisfaction or matter.status == Status.CLOSED):
        steps.append(_step("回访", "", followed))
    elif matter.feedback_at is not None and matter.status == Status.REPLIED:
        steps.append(ProgressStep("回访", "已向您反馈办理结果，待回访"))
    else:
        steps.append(_step("回访"))
    steps.append(_step("办结", "", matter.closed_at))
    return _mark(steps, open_=matter.status != Status.CLOSED)


def _mark(steps: list[ProgressStep], *, open_: bool) -> list[ProgressStep]:
    """The first step not reached is the current one (unless one already is), while the matter is open."""
    if not open_ or any(s.state == "now" for s in steps):
        return steps
    out, found = [], False
    for step in steps:
        if step.state == "todo" and not found:
            found = True
            step = ProgressStep(step.label, step.detail, None, "now")
        out.append(step)
    return out


# ------------------------------------------------------------------------------------------- deadline


def deadline(matter: Matter) -> DeadlineView | None:
    """The current deadline (Matter.due_date / due_step) and what it means, in one sentence."""
    if matter.due_date is None or not matter.due_step:
        return None
    lead = _lead_task(list(matter.tasks.select_related("unit")))
    unit = "有关单位" if matter.is_accusation or lead is None else lead.unit.name
    if lead is None and matter.status == Status.LOCAL:
        unit = "代办机构"
    means = DEADLINE_MEANS.get(Step(matter.due_step), "有关机关应在这一天前完成这一步。").format(unit=unit)
    row = (
        Deadline.objects.filter(matter=matter, is_open=True, step=matter.due_step)
        .order_by("due_date", "id")
        .values_list("explanation", flat=True)
        .first()
    )
    return DeadlineView(
        due=matter.due_date,
        means=means,
        provisional=matter.due_provisional,
        extended_days=matter.extended_days,
        how=row or "",
        overdue=matter.due_date < clock.today(),
    )


# ------------------------------------------------------------------------------------------- contact


def contact(matter: Matter) -> Contact | None:
    """The responsible agent's public profile (亮身份, network.Agent): name, work phone, hours and place,
    falling back to their office's phone, hours and address. Never a private number: an agent without
    a profile shows their office only."""
    user = matter.responsible_agent
    profile = Agent.objects.filter(user=user, is_active=True).select_related("organization").first()
    org = profile.organization if profile is not None else None
    if org is None and user.region_id is not None:
        org = ServiceOrganization.objects.filter(region_id=user.region_id).order_by("level", "id").first()
    if profile is None and org is None:
        return None
    return Contact(
        name=profile.name if profile is not None else "",
        phone=(profile.work_phone if profile is not None else "") or (org.phone if org else ""),
        hours=(profile.duty_hours if profile is not None else "") or (org.opening_hours if org else ""),
        place=(profile.duty_place if profile is not None else "") or (org.address if org else ""),
        office=org.name if org is not None else "",
    )


# ------------------------------------------------------------------------------------------- replies


def replies(matter: Matter) -> list[Reply]:
    """The written instruments served on the petitioner (none for an accusation: its replies are handed
    over in person by the body that handled it)."""
    if matter.is_accusation:
        return []
    out = []
    for doc, served_on in served_to_petitioner(matter):
        kind = kinds.get(doc.kind)
        out.append(
            Reply(
                pk=doc.pk,
                label=kind.label if kind else doc.title,
                number=doc.number_label,
                issuer=doc.issuer_name,
                served_on=served_on,
            )
        )
    return out


def reply_document(matter: Matter, pk: int) -> Document | None:
    """A served written reply of ``matter`` (the one the lookup is open for), or None."""
    if pk not in {r.pk for r in replies(matter)}:
        return None
    return Document.objects.filter(pk=pk, matter=matter).first()


# ------------------------------------------------------------------------------------------- rating


def rating_days() -> int:
    return int(getattr(settings, "PORTAL_RATING_DAYS", 30))


def rating_state(matter: Matter) -> RatingState:
    """Whether the latest reply can be rated now (within PORTAL_RATING_DAYS of it), and its rating."""
    reply_at = matter.replied_at
    if reply_at is None:
        return RatingState(None, None, None, False)
    ends = reply_at + datetime.timedelta(days=rating_days())
    rating = OnlineRating.objects.filter(matter=matter, reply_at=reply_at).first()
    return RatingState(
        reply_at=reply_at,
        until=timezone.localdate(ends),
        rating=rating,
        open=rating is None and clock.now() <= ends,
    )


def review_right(matter: Matter) -> ReviewRight | None:
    """复查 (after a handling opinion) or 复核 (after a review opinion), within the statutory window from
    the day the written reply was received; None when the last answer opens none (a local answer, a
    re-examination opinion: final)."""
    opinion = matter.opinions.select_related("unit__superior").order_by("-id").first()
    if opinion is None or not opinion.review_limit or matter.is_final:
        return None
    kind = "复核" if opinion.review_limit == "reexam_request" else "复查"
    try:
        spec = workcal.time_limit(opinion.review_limit)
        length = f"{spec.length} 个{workcal.TimeUnit(spec.unit).label}"
    except workcal.TimeLimitError:
        length = "30 日"
    superior = opinion.unit.superior if opinion.unit is not None else None
    organ = superior.name if superior is not None and not matter.is_accusation else "原办理机关的上一级机关"
    return ReviewRight(kind=kind, until=matter.review_window_until, length=length, organ=organ)


# ------------------------------------------------------------------------------------------- the page


def _status_words(matter: Matter, steps: list[ProgressStep]) -> str:
    """The status in the petitioner's words: after the follow-up the matter waits only to be closed."""
    followed = any(s.label == "回访" and s.state == "done" for s in steps)
    if matter.status == Status.REPLIED and followed:
        return "已回访，待办结"
    return str(Status(matter.status).label)


def public_view(matter: Matter) -> PublicView:
    accusation = matter.is_accusation
    steps = progress(matter)
    return PublicView(
        number=matter.number,
        title="" if accusation else matter.title,
        accusation=accusation,
        status=_status_words(matter, steps),
        closed=matter.status == Status.CLOSED,
        steps=steps,
        deadline=deadline(matter),
        contact=contact(matter),
        replies=replies(matter),
    )


def dissatisfied_with_unit(rating: OnlineRating | None) -> bool:
    return rating is not None and rating.unit == Satisfaction.DISSATISFIED
