"""Reads of 重大紧急 markings, always through the reader's jurisdiction.

A level's active markings are one ordered range of an index on its scope column (``scope_city`` /
``scope_county`` / ``scope_township``; a village by its own ``region_path``), bounded; the few rows found
are then checked against ``matters_for`` by primary key, so an accusation the reader may not open never
shows. Never a scan of matters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.http import Http404

from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.matters.models import SCOPE_COLUMNS, Matter
from daiban.matters.selectors import matters_for
from daiban.network.jurisdiction import NOTHING, scope_path
from daiban.notify.models import Message
from daiban.regions import geometry
from daiban.urgent.models import UrgentMarking, UrgentNotice

# Those whose queue a level's urgent matters head: the network's staff, leaders, 纪检 and the city bureau.
READER_ROLES = frozenset({*AGENT_ROLES, Role.LEADER, Role.SUPERVISOR, Role.CITY_ADMIN})
LIST_LIMIT = 100


def can_read(user: object) -> bool:
    return isinstance(user, User) and scope_path(user) is not None and user.role in READER_ROLES


def region_q(path: str) -> Q:
    codes = geometry.codes(path)
    if 1 <= len(codes) <= len(SCOPE_COLUMNS):
        return Q(**{SCOPE_COLUMNS[len(codes) - 1]: codes[-1]})
    if geometry.is_path(path):
        return Q(region_path=path)
    return NOTHING


@dataclass(frozen=True)
class Row:
    marking: UrgentMarking
    matter: Matter


def active_for(user: User, limit: int = LIST_LIMIT) -> tuple[list[Row], bool]:
    """The active markings of matters in the user's region subtree that they may open, newest first: at
    most ``limit`` rows, and whether there are more."""
    path = scope_path(user)
    if path is None or user.role not in READER_ROLES:
        return [], False
    # A few more than shown: an accusation the reader may not open is dropped below.
    found = list(
        UrgentMarking.objects.filter(region_q(path), active=True)
        .select_related("marked_by", "marked_region")
        .order_by("-marked_at", "-id")[: limit * 2 + 1]
    )
    visible = {
        m.pk: m
        for m in matters_for(user)
        .filter(pk__in=[k.matter_id for k in found])
        .select_related("region")
        .only("pk", "number", "title", "status", "region__name")
    }
    rows = [Row(k, visible[k.matter_id]) for k in found if k.matter_id in visible]
    return rows[:limit], len(rows) > limit


def for_matter(matter: Matter) -> list[UrgentMarking]:
    """The markings of a matter the caller has already fetched through the reader's scope, newest first."""
    return list(
        UrgentMarking.objects.filter(matter_id=matter.pk)
        .select_related("marked_by", "marked_region", "ended_by")
        .order_by("-marked_at", "-id")[:20]
    )


@dataclass(frozen=True)
class Told:
    notice: UrgentNotice
    read_at: datetime | None


def notices(marking: UrgentMarking) -> list[Told]:
    """Who was told of the marking and when, by level (city first), with when each read the message."""
    rows = list(
        marking.notices.select_related("recipient", "region").order_by("region__level", "region__path", "pk")
    )
    read = dict(
        Message.objects.filter(pk__in=[n.message_id for n in rows if n.message_id]).values_list(
            "pk", "read_at"
        )
    )
    return [Told(n, read.get(n.message_id) if n.message_id else None) for n in rows]


def get_marking_or_404(user: User, pk: int) -> UrgentMarking:
    """A marking whose matter the user may open; 404 otherwise, the same as for one that does not exist."""
    marking = (
        UrgentMarking.objects.select_related(
            "marked_by", "marked_region", "ended_by", "matter", "matter__region"
        )
        .filter(pk=pk)
        .first()
    )
    if marking is None or not matters_for(user).filter(pk=marking.matter_id).exists():
        raise Http404
    return marking
