"""Reads of the notices to organisation departments: the discipline channel only, and never the accused
unit (art. 30).

* a 纪检 supervisor: every notice of their subtree (an equality on one scope column);
* a handler of a discipline unit: the notices on the accusations their unit works on;
* anyone else — the network's agents, leaders, other units' handlers, administrators — none; and whoever
  it is, never a notice whose accused unit is their own.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from daiban.accounts.models import Role, User
from daiban.cadres.models import CadreNotice
from daiban.cadres.rules import is_discipline_handler
from daiban.matters.models import SCOPE_COLUMNS
from daiban.matters.selectors import unit_matter_ids
from daiban.network.jurisdiction import NOTHING, scope_path
from daiban.regions import geometry

LIST_LIMIT = 100


def region_q(path: str) -> Q:
    codes = geometry.codes(path)
    if 1 <= len(codes) <= len(SCOPE_COLUMNS):
        return Q(**{SCOPE_COLUMNS[len(codes) - 1]: codes[-1]})
    return Q(region_path=path)


def can_read(user: User) -> bool:
    return scope_path(user) is not None and (user.role == Role.SUPERVISOR or is_discipline_handler(user))


def notices_for(user: User) -> QuerySet[CadreNotice]:
    path = scope_path(user)
    if path is None:
        return CadreNotice.objects.filter(NOTHING)
    if user.role == Role.SUPERVISOR:
        where = region_q(path)
    elif is_discipline_handler(user):
        where = Q(matter_id__in=unit_matter_ids(user.unit_id))  # type: ignore[arg-type]
    else:
        return CadreNotice.objects.filter(NOTHING)
    qs = CadreNotice.objects.filter(where)
    if user.unit_id is not None:
        qs = qs.exclude(accused_unit_id=user.unit_id)
    return qs


def for_matter(user: User, matter_id: int) -> list[CadreNotice]:
    """The notices of one accusation the user has opened (the caller checked scope), oldest first."""
    if not can_read(user):
        return []
    return list(
        notices_for(user)
        .filter(matter_id=matter_id)
        .select_related("level", "accused_unit", "sent_by")
        .order_by("sent_at", "pk")
    )


def recent(user: User) -> list[CadreNotice]:
    return list(
        notices_for(user)
        .select_related("level", "accused_unit", "sent_by", "matter")
        .order_by("-sent_at", "-pk")[:LIST_LIMIT]
    )
