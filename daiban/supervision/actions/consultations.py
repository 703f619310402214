"""专家团队研判: a county centre convenes experts on a difficult matter — the question, the experts (agents
with the expert or legal-adviser attribute in the matter's county, and named outside members), each one's
opinion, and the conclusion, which is told to the matter's responsible agent and its leaders.

Each change is an action like the matter actions: keyword-only, the acting user, one transaction that
locks the consultation, checks scope (→ ``OutOfScope``, a 404), the expected version (→ ``Conflict``),
validates input (→ ``ValidationError`` naming the field, in Chinese), changes the row and writes one
``ConsultationEvent``.

The helpers every supervision record of this area shares (the event with its version, the yearly
numbers) live here too, and ``actions.inspections`` uses them.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.core import clock
from daiban.matters.actions.base import fail, require_text
from daiban.matters.choices import Status
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope, WrongState
from daiban.matters.models import Matter
from daiban.matters.selectors import matter_region_q, matters_for
from daiban.network.jurisdiction import NOTHING, agents_for, scope_path
from daiban.network.models import Agent
from daiban.notify import services
from daiban.regions import geometry
from daiban.supervision.models import (
    Consultation,
    ConsultationEvent,
    ConsultationStatus,
    EventBase,
    Opinion,
)
from daiban.supervision.models import Sequence as NumberSequence

__all__ = [
    "MAX_CONCLUSION",
    "MAX_OPINION",
    "MAX_QUESTION",
    "can_convene",
    "consultation_conclude",
    "consultation_convene",
    "consultation_opinion",
    "consultations_for",
    "county_path",
    "difficulty",
    "expert_choices",
    "is_difficult",
    "long_open_days",
    "may_manage",
    "members_of",
    "next_number",
    "outside_names",
    "record_event",
]

R = TypeVar("R", bound=models.Model)

MAX_QUESTION = 2_000
MAX_OPINION = 4_000
MAX_CONCLUSION = 4_000
MAX_OUTSIDE = 200  # the model's column
MAX_OUTSIDE_NAME = 40  # Opinion.outside_name
# 长期未结: a matter open longer than the handling limit and the longest extension (60 + 30 days, art. 34)
# is long-open, unless settings.SUPERVISION_LONG_OPEN_DAYS says otherwise.
DEFAULT_LONG_OPEN_DAYS = 90

# Who reads consultations: the network's agents, leaders, supervisors (纪检) and the city — each only for
# matters they can open. Units do not: the experts' view of a matter is the centre's working material.
READER_ROLES = {*AGENT_ROLES, Role.LEADER, Role.SUPERVISOR, Role.CITY_ADMIN}
# These see every matter arising in their subtree (matters.selectors), so the scope column alone decides.
_WHOLE_REGION_ROLES = {Role.COUNTY_STAFF, Role.SUPERVISOR, Role.CITY_ADMIN}


def long_open_days() -> int:
    """SUPERVISION_LONG_OPEN_DAYS, read at call time (tests and deployments override it)."""
    value = getattr(settings, "SUPERVISION_LONG_OPEN_DAYS", DEFAULT_LONG_OPEN_DAYS)
    return int(value) if isinstance(value, int) and value > 0 else DEFAULT_LONG_OPEN_DAYS


# ------------------------------------------------------------------------------------ shared helpers


def scoped_rows(user: User, model: type[R], roles: Collection[str]) -> QuerySet[R]:
    """Rows of a matter-scoped supervision ``model`` whose matter ``user`` can open (``matters_for``), for
    the ``roles`` that use it. For roles that see their whole subtree it is an equality on the level's
    scope column (the indexed list); for the others the matter's own visibility decides."""
    path = scope_path(user)
    if path is None or user.role not in roles:
        return model._default_manager.filter(NOTHING)
    if user.role in _WHOLE_REGION_ROLES:
        return model._default_manager.filter(matter_region_q(path))
    return model._default_manager.filter(matter_id__in=matters_for(user).values("pk"))


def record_event(
    row: Any,
    event_model: type[EventBase],
    actor: User | None,
    kind: str,
    summary: str,
    details: dict[str, Any] | None = None,
) -> EventBase:
    """Bump the version, save, and write the event (same transaction); the event's ``seq`` is the version.
    ``actor`` None: the system did it (a hook)."""
    row.version += 1
    row.save()
    link = next(
        f.name
        for f in event_model._meta.get_fields()
        if isinstance(f, models.ForeignKey) and f.name != "actor"
    )
    return event_model._default_manager.create(
        **{link: row},
        seq=row.version,
        at=clock.now(),
        actor=actor,
        kind=kind,
        summary=summary[:200],
        details=details or {},
    )


def next_number(kind: str, region_path: str, year: int) -> str:
    """``<kind><county code>-<year>-<5 digits>`` (DC150102-2026-00012), counted under a row lock."""
    county = geometry.county_code(region_path)
    seq, _ = NumberSequence.objects.select_for_update().get_or_create(
        kind=kind, county_code=county, year=year
    )
    NumberSequence.objects.filter(pk=seq.pk).update(last=F("last") + 1)
    seq.refresh_from_db()
    return f"{kind}{county}-{year}-{seq.last:05d}"


def county_path(region_path: str) -> str:
    """The path of the county a region lies in (the city's own path for the city itself)."""
    paths = geometry.ancestor_paths(region_path)
    return paths[min(1, len(paths) - 1)] if paths else ""


@contextmanager
def locked_row(
    actor: User, visible: QuerySet[R], model: type[R], pk: int, expected_version: int | None
) -> Iterator[R]:
    """Open the transaction, check the row is visible to the actor, lock it and compare versions."""
    with transaction.atomic():
        if not visible.filter(pk=pk).exists():
            raise OutOfScope
        row = model._default_manager.select_for_update().get(pk=pk)
        if expected_version is not None and row.version != expected_version:  # type: ignore[attr-defined]
            raise Conflict
        yield row


_DIGITS = re.compile(r"\d(?:[\s\-－—.·]*\d){6,}", re.ASCII)


def _has_number(text: str) -> bool:
    """Seven or more digits in a row: a phone or ID number, which has no place in a name."""
    folded = "".join(
        str(unicodedata.digit(c)) if c.isdigit() and unicodedata.digit(c, None) is not None else c
        for c in unicodedata.normalize("NFKC", text)
    )
    return bool(_DIGITS.search(folded))


# -------------------------------------------------------------------------------------------- reading


def consultations_for(user: User) -> QuerySet[Consultation]:
    """The consultations ``user`` may read: on matters they can open, for the roles that read them."""
    return scoped_rows(user, Consultation, READER_ROLES)


def difficulty(matter: Matter, today: datetime.date | None = None) -> list[str]:
    """Why a matter is difficult (疑难): repeat visits, a group, or open longer than ``long_open_days()`` days
    since it was taken in. Empty when it is none of those."""
    reasons = []
    if matter.repeat_visits >= 1:
        reasons.append(f"重复来访 {matter.repeat_visits} 次")
    if matter.is_group:
        reasons.append(f"集体访（{matter.headcount} 人）")
    if matter.status != Status.CLOSED:
        today = today or clock.today()
        days = (today - timezone.localdate(matter.received_at)).days
        if days > long_open_days():
            reasons.append(f"受理已 {days} 天未办结")
    return reasons


def is_difficult(matter: Matter, today: datetime.date | None = None) -> bool:
    return bool(difficulty(matter, today))


def may_manage(user: User, region_path: str) -> bool:
    """County centre staff whose county holds ``region_path``: they convene, record and conclude."""
    return user.role == Role.COUNTY_STAFF and geometry.contains(scope_path(user), region_path)


def can_convene(user: User, matter: Matter) -> bool:
    """The button's rule (and the action's): county centre staff in scope, an open matter, a difficult one."""
    return may_manage(user, matter.region_path) and matter.status != Status.CLOSED and is_difficult(matter)


def expert_choices(user: User, matter: Matter) -> QuerySet[Agent]:
    """Whom the convener may call: active agents with the expert or legal-adviser attribute, in the
    matter's county and the convener's scope."""
    county = county_path(matter.region_path)
    return (
        agents_for(user)
        .filter(Q(is_expert=True) | Q(is_legal_adviser=True), is_active=True)
        .filter(geometry.subtree_q(county))
        .select_related("organization")
        .order_by("region_path", "name")
    )


def outside_names(text: str) -> list[str]:
    """The outside members as typed (separated by 、 , ； or new lines), in order, without repeats."""
    names: list[str] = []
    for part in re.split(r"[、,，;；\n\r]+", text or ""):
        name = part.strip()
        if name and name not in names:
            names.append(name)
    return names


# -------------------------------------------------------------------------------------------- actions


def _require_manager(actor: User, region_path: str) -> None:
    if not may_manage(actor, region_path):
        raise NotAllowed("只有本县（区）代办服务中心工作人员可以组织专家研判。")


def _outside(value: str) -> tuple[str, list[str]]:
    text = (value or "").strip()
    names = outside_names(text)
    joined = "、".join(names)
    if len(joined) > MAX_OUTSIDE:
        raise fail("outside_members", f"外聘专家不能超过 {MAX_OUTSIDE} 个字。")
    for name in names:
        if len(name) > MAX_OUTSIDE_NAME:
            raise fail("outside_members", f"每位外聘专家不超过 {MAX_OUTSIDE_NAME} 个字（姓名、单位）。")
        if _has_number(name):
            raise fail("outside_members", "外聘专家只填姓名和单位，不要填写电话或证件号码。")
    return joined, names


def consultation_convene(
    *,
    actor: User,
    matter_id: int,
    question: str,
    experts: Sequence[Agent | int] = (),
    outside_members: str = "",
) -> Consultation:
    """召集专家研判 on a difficult matter (see ``can_convene``): the question, the experts chosen among the
    county's expert and legal-adviser agents, and any outside members by name."""
    with transaction.atomic():
        matter = matters_for(actor).filter(pk=matter_id).first()
        if matter is None:
            raise OutOfScope
        matter = Matter.objects.select_for_update().get(pk=matter.pk)
        _require_manager(actor, matter.region_path)
        if matter.status == Status.CLOSED:
            raise WrongState("该事项已办结，不能再组织专家研判。")
        if not is_difficult(matter):
            raise WrongState(
                f"只有疑难事项（重复来访、集体访或受理超过 {long_open_days()} 天未办结）可以组织专家研判。"
            )
        text = require_text("question", question, "研判问题", MAX_QUESTION)
        ids = sorted({e.pk if isinstance(e, Agent) else int(e) for e in experts})
        chosen = list(expert_choices(actor, matter).filter(pk__in=ids))
        if len(chosen) != len(ids):
            raise fail("experts", "所选专家不在本县（区）专家、法律顾问名单中。")
        outside, names = _outside(outside_members)
        if not chosen and not names:
            raise fail("experts", "请至少选择一位专家，或填写外聘专家。")
        consultation = Consultation(
            matter=matter,
            number=next_number("YP", matter.region_path, clock.today().year),
            question=text,
            outside_members=outside,
            convened_by=actor,
            convened_at=clock.now(),
        )
        record_event(
            consultation,
            ConsultationEvent,
            actor,
            "convene",
            f"召集专家研判：{len(chosen) + len(names)} 位专家",
            {"experts": [a.name for a in chosen], "outside": names, "question": text},
        )
        consultation.experts.set(chosen)
    return consultation


def members_of(consultation: Consultation) -> list[tuple[str, str]]:
    """Who may give an opinion: ``("agent-<id>", name)`` for each expert, ``("outside-<n>", name)`` for
    each outside member, in the order convened."""
    found = [(f"agent-{a.pk}", a.name) for a in consultation.experts.order_by("region_path", "name")]
    found += [(f"outside-{i}", n) for i, n in enumerate(outside_names(consultation.outside_members))]
    return found


def consultation_opinion(
    *, actor: User, consultation_id: int, expected_version: int | None, member: str, text: str
) -> Opinion:
    """记录专家意见: one opinion per expert or outside member, while the consultation is open. ``member``
    is one of ``members_of`` (``agent-<id>`` or ``outside-<n>``)."""
    with locked_row(
        actor, consultations_for(actor), Consultation, consultation_id, expected_version
    ) as consultation:
        _require_manager(actor, consultation.region_path)
        if consultation.status != ConsultationStatus.OPEN:
            raise WrongState("研判已形成结论，不能再记录意见。")
        members = dict(members_of(consultation))
        if member not in members:
            raise fail("member", "请选择参加研判的专家。")
        body = require_text("text", text, "专家意见", MAX_OPINION)
        kind, _, ref = member.partition("-")
        opinion = Opinion(consultation=consultation, text=body, recorded_by=actor, recorded_at=clock.now())
        if kind == "agent":
            opinion.expert_id = int(ref)
            taken = consultation.opinions.filter(expert_id=opinion.expert_id)
        else:
            opinion.outside_name = members[member]
            taken = consultation.opinions.filter(expert__isnull=True, outside_name=opinion.outside_name)
        if taken.exists():
            raise fail("member", f"{members[member]}的意见已经记录。")
        opinion.save()
        record_event(
            consultation,
            ConsultationEvent,
            actor,
            "opinion",
            f"记录{members[member]}的意见",
            {"member": members[member], "text": body},
        )
    return opinion


def consultation_conclude(
    *, actor: User, consultation_id: int, expected_version: int | None, conclusion: str
) -> Consultation:
    """形成研判结论 (after at least one opinion); the matter's responsible agent and its leaders are told."""
    with locked_row(
        actor, consultations_for(actor), Consultation, consultation_id, expected_version
    ) as consultation:
        _require_manager(actor, consultation.region_path)
        if consultation.status != ConsultationStatus.OPEN:
            raise WrongState("研判已形成结论。")
        text = require_text("conclusion", conclusion, "研判结论", MAX_CONCLUSION)
        if not consultation.opinions.exists():
            raise WrongState("请先记录至少一位专家的意见，再形成研判结论。")
        consultation.status = ConsultationStatus.CONCLUDED
        consultation.conclusion = text
        consultation.concluded_at = clock.now()
        record_event(consultation, ConsultationEvent, actor, "conclude", "形成研判结论", {"conclusion": text})
        _tell_concluded(consultation)
    return consultation


def _tell_concluded(consultation: Consultation) -> None:
    matter = Matter.objects.get(pk=consultation.matter_id)
    people = [matter.responsible_agent, *matter.leaders.all()]
    recipients = [
        u
        for u in dict.fromkeys(people)
        if u.is_active and consultations_for(u).filter(pk=consultation.pk).exists()
    ]
    if recipients:
        services.notify(
            recipients=recipients,
            kind="consultation",
            key=f"consultation:{consultation.pk}:concluded",
            text=f"专家研判 {consultation.number} 已形成研判结论（事项 {matter.number}），请查看并据此推进办理。",
            matter_id=matter.pk,
            url=f"/consultations/{consultation.pk}/",
        )
