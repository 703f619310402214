"""Reads of supervision records, always through the reader's jurisdiction.

Every record copies its matter's region path and scope columns (``models.MatterScoped``), so a level's
list is an equality on one indexed column, like the matter list. Who sees what:

* the discipline side (纪检), the county centres and the city administrator — every record in their subtree
  (they see every matter there, accusations included);
* a unit handler — the records addressed to their unit (a 督办单 names the unit it supervises);
* village and township agents and leaders — the records of matters they may open (``matters_for``), so an
  accusation they may not see, or a matter they do not lead, brings no record either.

Outside scope is 404, like a record that does not exist.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.matters.models import SCOPE_COLUMNS
from daiban.matters.selectors import matters_for
from daiban.network.jurisdiction import NOTHING, scope_path
from daiban.regions import geometry
from daiban.supervision.models import OPEN_ORDER_STATUSES, Rung, SupervisionOrder

M = TypeVar("M", bound=Model)

READER_ROLES = {*AGENT_ROLES, Role.UNIT_HANDLER, Role.LEADER, Role.SUPERVISOR, Role.CITY_ADMIN}
# Roles that see every matter of their subtree (accusations included): a region equality is enough.
WHOLE_REGION_ROLES = {Role.SUPERVISOR, Role.COUNTY_STAFF, Role.CITY_ADMIN}


def region_q(path: str) -> Q:
    """Records in the subtree at ``path``: the level's scope column, or the village's own path."""
    codes = geometry.codes(path)
    if 1 <= len(codes) <= len(SCOPE_COLUMNS):
        return Q(**{SCOPE_COLUMNS[len(codes) - 1]: codes[-1]})
    return geometry.subtree_q(path)


def scope_q(user: User, model: type[Model]) -> Q:
    path = scope_path(user)
    if path is None or user.role not in READER_ROLES:
        return NOTHING
    if user.role == Role.UNIT_HANDLER:
        has_unit = any(f.name == "unit" for f in model._meta.get_fields())
        return Q(unit_id=user.unit_id) if user.unit_id and has_unit else NOTHING
    if user.role in WHOLE_REGION_ROLES:
        return region_q(path)
    return Q(matter_id__in=matters_for(user).values("pk"))


def scoped(user: User, model: type[M]) -> QuerySet[M]:
    """``model``'s rows (a ``MatterScoped`` record) the user may see."""
    return model._default_manager.filter(scope_q(user, model))


def orders_for(user: User) -> QuerySet[SupervisionOrder]:
    return scoped(user, SupervisionOrder)


def can_read(user: User) -> bool:
    return scope_path(user) is not None and user.role in READER_ROLES


def is_supervisor(user: User) -> bool:
    """纪检: a supervisor with a grant."""
    return scope_path(user) is not None and user.role == Role.SUPERVISOR


def may_discipline(user: User, order: SupervisionOrder) -> bool:
    """A 纪检 whose jurisdiction covers the order's matter may record 约谈/通报/问责 on a 挂牌督办."""
    return (
        is_supervisor(user)
        and order.rung == Rung.LISTED
        and geometry.contains(scope_path(user), order.region_path)
    )


def may_answer(user: User, order: SupervisionOrder) -> bool:
    """The supervised unit's handlers give the written feedback."""
    return (
        scope_path(user) is not None
        and user.role == Role.UNIT_HANDLER
        and order.unit_id is not None
        and user.unit_id == order.unit_id
    )


def open_orders_for(user: User) -> QuerySet[SupervisionOrder]:
    return orders_for(user).filter(status__in=OPEN_ORDER_STATUSES)


def get_order_or_404(user: User, pk: int) -> SupervisionOrder:
    found = (
        orders_for(user)
        .select_related("unit", "issued_by", "discipline_region", "feedback_by", "matter")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found
