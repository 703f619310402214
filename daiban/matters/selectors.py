"""Reads of matters, always through the user's jurisdiction.

``matters_for(user)`` is the one selector: every list, detail, search, export and dashboard starts here.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.matters.choices import ACTIVE_TASK_STATUSES, Status, TaskStatus
from daiban.matters.models import SCOPE_COLUMNS, Matter, Petitioner, Review, UnitTask
from daiban.network.jurisdiction import NOTHING, scope_path
from daiban.regions import geometry
from daiban.regions.geometry import subtree_q

# Roles that see every matter arising in their region subtree.
_REGION_ROLES = {
    Role.VILLAGE_AGENT,
    Role.TOWNSHIP_STAFF,
    Role.COUNTY_STAFF,
    Role.LEADER,
    Role.SUPERVISOR,
    Role.CITY_ADMIN,
}
# Roles that, within their region, also see accusations (检举控告): the discipline side and the centre
# that must route them. Other agents see only the accusations they took in, answer for, or hold.
_ACCUSATION_ROLES = {Role.SUPERVISOR, Role.COUNTY_STAFF, Role.CITY_ADMIN}


def matter_scope_q(user: User) -> Q:
    path = scope_path(user)
    if path is None:
        return NOTHING
    if user.role == Role.UNIT_HANDLER:
        if not user.unit_id:
            return NOTHING
        # A unit sees the matters assigned to it (never an accusation against it: those go only to
        # discipline units) and the reviews it handles as superior organ. One subquery of the two index
        # ranges on the unit (UNION, not an OR of joins), so the matters are fetched by primary key
        # whatever the table's size.
        return Q(pk__in=unit_matter_ids(user.unit_id))
    if user.role not in _REGION_ROLES:
        return NOTHING
    in_region = matter_region_q(path, user.region_id)
    if user.role in _ACCUSATION_ROLES:
        visible = in_region
    else:
        # Need to know: the agent who took the accusation in or answers for it (a recusal replacement),
        # and the station or point holding it while it is relayed up to the county.
        own = Q(received_by=user) | Q(responsible_agent=user)
        if user.role in AGENT_ROLES and user.region_id:
            own |= Q(holder_region_id=user.region_id, holder_unit__isnull=True)
            # ...and the station that routed it while a unit's objection waits for its decision.
            objections = UnitTask.objects.filter(
                status=TaskStatus.OBJECTION_PENDING, sent_from_id=user.region_id
            )
            own |= Q(pk__in=objections.values("matter_id"))
        visible = in_region & (Q(is_accusation=False) | own)
    if user.role == Role.LEADER:
        visible |= Q(leaders=user)
    return visible


def unit_matter_ids(unit_id: int) -> QuerySet[Any]:
    """Ids of the matters a unit works on: its active tasks and the reviews it decides."""
    tasks = UnitTask.objects.filter(unit_id=unit_id, status__in=ACTIVE_TASK_STATUSES)
    reviews = Review.objects.filter(unit_id=unit_id)
    return tasks.order_by().values("matter_id").union(reviews.order_by().values("matter_id"))


def matter_region_q(path: str, region_id: int | None = None) -> Q:
    """Matters arising in the subtree at ``path``: an equality on the level's scope column (indexed
    together with the list orderings), or on the region itself for a village."""
    codes = geometry.codes(path)
    if 1 <= len(codes) <= len(SCOPE_COLUMNS):
        return Q(**{SCOPE_COLUMNS[len(codes) - 1]: codes[-1]})
    if region_id is not None:
        return Q(region_id=region_id)
    return subtree_q(path)


def matters_for(user: User) -> QuerySet[Matter]:
    q = matter_scope_q(user)
    qs = Matter.objects.filter(q)
    if user.role == Role.LEADER:
        # The join through leaders can repeat a row; select ids first to stay index-friendly.
        qs = Matter.objects.filter(pk__in=Matter.objects.filter(q).values("pk"))
    return qs


def petitioners_for(user: User) -> QuerySet[Petitioner]:
    """People with at least one matter the user may see (a person outside scope does not exist)."""
    return Petitioner.objects.filter(pk__in=matters_for(user).values("petitioners"))


def open_matters_of(
    user: User, people: Iterable[Petitioner], *, today: datetime.date, accusation: bool | None = None
) -> QuerySet[Matter]:
    """The people's open matters within their time limit that ``user`` may see, oldest first: what a new
    visit may repeat (art. 19). ``accusation`` keeps an accusation apart from ordinary matters."""
    qs = matters_for(user).filter(
        petitioners__in=[p.pk for p in people],
        status__in=[s for s in Status if s != Status.CLOSED],
        due_date__gte=today,
    )
    if accusation is not None:
        qs = qs.filter(is_accusation=accusation)
    return qs.distinct().select_related("holder_region", "holder_unit").order_by("received_at", "id")
