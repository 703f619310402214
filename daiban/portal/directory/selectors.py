"""What the agent directory (亮身份, 一亮三知晓) publishes, read without any user: the division tree, the
active agents of a village or township, the organisations above them, and the coming reception sessions.

Every function returns plain values (dataclasses of strings), never model instances, so a template of the
public pages cannot reach a field that is not meant for it (an account, a personal number, a session's
notes). Only an agent's *work* phone is ever published; an agent without one is reached through the
phone of their organisation.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from daiban.accounts.models import User
from daiban.core import clock
from daiban.network.models import Agent, ServiceOrganization
from daiban.prevention.actions.sessions import MAX_DURATION
from daiban.prevention.models.sessions import ReceptionSession, SessionStatus
from daiban.regions.geometry import ancestor_paths, at_or_above_q
from daiban.regions.models import Level, Region

__all__ = [
    "WHAT_AGENTS_DO",
    "AgentCard",
    "Found",
    "OrgCard",
    "SessionCard",
    "agents_at",
    "children",
    "clean_term",
    "counties",
    "organisations_for",
    "photo_agent",
    "region_by_code",
    "search",
    "trail",
    "upcoming_sessions",
]

# 一亮三知晓 — "what they can do for you", in plain words (the same list on the page and the poster).
WHAT_AGENTS_DO = (
    "帮您把问题写清楚、登记下来，不收任何费用",
    "替您把事情送到有权处理的单位，并跟踪督促按期办理",
    "随时告诉您办到哪一步，把书面答复送到您手上",
    "对答复不满意，告诉您怎样申请复查、复核",
    "邻里、家庭等矛盾纠纷，帮您联系调解",
)

# A search term longer than this is no village's name.
TERM_MAX = 20
SEARCH_LIMIT = 30
SESSIONS_SHOWN = 10
# Region codes are digits (12 for a township or village, 6 for a county or city).
CODE_MAX = 12


@dataclass(frozen=True)
class AgentCard:
    pk: int
    name: str
    title: str
    employment: str  # 专职 / 兼职
    phone: str  # the work phone, or the organisation's when the agent has none
    phone_is_org: bool
    hours: str
    place: str
    has_photo: bool


@dataclass(frozen=True)
class OrgCard:
    name: str
    kind: str  # 代办服务中心 / 代办站 / 代办点
    region_name: str
    address: str
    phone: str
    opening_hours: str


@dataclass(frozen=True)
class SessionCard:
    kind: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    region_name: str
    leaders: list[str]  # "姓名（某某领导）"
    bodies: list[str]

    @property
    def same_day(self) -> bool:
        return timezone.localdate(self.starts_at) == timezone.localdate(self.ends_at)


@dataclass(frozen=True)
class Found:
    code: str
    name: str
    level: int
    where: str  # the county and township above it


def _valid_code(code: str) -> bool:
    return 0 < len(code) <= CODE_MAX and code.isascii() and code.isdigit()


def region_by_code(code: str) -> Region | None:
    """The region with this division code, or None (a malformed code included: never reaches the DB)."""
    if not _valid_code(code):
        return None
    return Region.objects.filter(code=code).first()


def trail(region: Region) -> list[Region]:
    """The regions above ``region`` from the county down (for the breadcrumbs), one query."""
    paths = ancestor_paths(region.path)[:-1]
    return list(Region.objects.filter(path__in=paths, level__gt=Level.CITY).order_by("level"))


def counties() -> list[Region]:
    """The counties (县、区、旗) of the tree, by code: where browsing starts."""
    return list(Region.objects.filter(level=Level.COUNTY).order_by("code"))


def children(region: Region) -> list[Region]:
    return list(Region.objects.filter(parent=region).order_by("code"))


def clean_term(raw: str) -> str:
    """The search term as typed, without control or format characters, trimmed; "" if nothing is left."""
    kept = "".join(ch for ch in raw if unicodedata.category(ch)[0] != "C")
    return kept.strip()[:TERM_MAX]


def search(term: str) -> list[Found]:
    """Townships and villages whose name contains ``term`` (already cleaned), townships first."""
    if not term:
        return []
    found = list(
        Region.objects.filter(name__icontains=term, level__in=(Level.TOWNSHIP, Level.VILLAGE))
        .select_related("parent", "parent__parent")
        .order_by("level", "path")[:SEARCH_LIMIT]
    )
    result = []
    for region in found:
        above = []
        parent = region.parent
        while parent is not None and parent.level > Level.CITY:
            above.append(parent.name)
            parent = parent.parent if parent.level > Level.COUNTY else None
        result.append(Found(region.code, region.name, region.level, " ".join(reversed(above))))
    return result


def agents_at(region: Region) -> list[AgentCard]:
    """The active agents of the organisation(s) at ``region`` itself (a village's point, a township's
    station), with what may be published of them."""
    agents = (
        Agent.objects.filter(region_path=region.path, is_active=True)
        .select_related("organization")
        .order_by("organization__name", "pk")
    )
    cards = []
    for agent in agents:
        org = agent.organization
        cards.append(
            AgentCard(
                pk=agent.pk,
                name=agent.name,
                title=agent.title,
                employment=agent.get_employment_display(),
                phone=agent.work_phone or org.phone,
                phone_is_org=not agent.work_phone,
                hours=agent.duty_hours or org.opening_hours,
                place=agent.duty_place or org.address,
                has_photo=bool(agent.photo),
            )
        )
    return cards


def organisations_for(region: Region) -> list[OrgCard]:
    """The organisations a person of ``region`` turns to: the region's own (point or station) and those
    above it up to the county's centre, nearest first."""
    orgs = (
        ServiceOrganization.objects.filter(at_or_above_q(region.path), level__gte=Level.COUNTY)
        .select_related("region")
        .order_by("-level", "name")
    )
    return [
        OrgCard(
            name=org.name,
            kind=org.get_kind_display(),
            region_name=org.region.name,
            address=org.address,
            phone=org.phone,
            opening_hours=org.opening_hours,
        )
        for org in orgs
    ]


def upcoming_sessions(region: Region, limit: int = SESSIONS_SHOWN) -> list[SessionCard]:
    """The scheduled reception sessions (接访活动) of ``region`` and the levels above it that have not
    ended yet, soonest first — their public fields only: when, where, who receives, which bodies."""
    now = clock.now()
    ids = list(Region.objects.filter(path__in=ancestor_paths(region.path)).values_list("id", flat=True))
    sessions = (
        ReceptionSession.objects.filter(
            region_id__in=ids,
            status=SessionStatus.SCHEDULED,
            starts_at__gte=now - MAX_DURATION,
            ends_at__gte=now,
        )
        .select_related("region")
        .prefetch_related(
            Prefetch(
                "leaders",
                queryset=User.objects.select_related("region").order_by("region_path", "username"),
            )
        )
        .order_by("starts_at", "id")[:limit]
    )
    cards = []
    for s in sessions:
        # Only the display name is public (an account without one would show its login name): skip those.
        leaders = [
            f"{leader.display_name}（{leader.region.name}领导）" if leader.region else leader.display_name
            for leader in s.leaders.all()
            if leader.display_name
        ]
        bodies = [*s.body_labels, *([s.other_bodies] if s.other_bodies else [])]
        cards.append(
            SessionCard(
                kind=s.get_kind_display(),
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                place=s.place,
                region_name=s.region.name,
                leaders=leaders,
                bodies=bodies,
            )
        )
    return cards


def photo_agent(pk: int) -> Agent | None:
    """An active agent with a photo (for the photo view), else None."""
    return Agent.objects.filter(pk=pk, is_active=True).exclude(photo="").first()
