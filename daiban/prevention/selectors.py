"""Reads of prevention records, always through the user's jurisdiction (the region subtree of the grant).

Every prevention record belongs to a region and copies its ancestors into ``scope_city``/``scope_county``/
``scope_township`` (``models.base.Scoped``), so "my level's register, newest first" is an equality on one
indexed column — one ordered index scan at every level, exactly like the matter list.

Who sees the register: the network's agents, leaders, supervisors (纪检) and the city administrator, each
within their subtree. Responsible units do not: a screening is the network's own early work, not a task.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.matters.selectors import matter_region_q
from daiban.network.jurisdiction import NOTHING, scope_path

M = TypeVar("M", bound=Model)

READER_ROLES = {*AGENT_ROLES, Role.LEADER, Role.SUPERVISOR, Role.CITY_ADMIN}
# Who records and changes prevention work: the network's agents (村/乡/县 代办人员).
WRITER_ROLES = set(AGENT_ROLES)


def region_q(path: str, region_id: int | None = None) -> Q:
    """Records in the subtree at ``path`` (the same index-friendly equality as matters)."""
    return matter_region_q(path, region_id)


def scope_q(user: User) -> Q:
    path = scope_path(user)
    if path is None or user.role not in READER_ROLES:
        return NOTHING
    return region_q(path, user.region_id)


def scoped(user: User, model: type[M]) -> QuerySet[M]:
    """``model``'s rows the user may see."""
    return model._default_manager.filter(scope_q(user))


def can_read(user: User) -> bool:
    return scope_path(user) is not None and user.role in READER_ROLES


def can_write(user: User) -> bool:
    return scope_path(user) is not None and user.role in WRITER_ROLES


def get_or_404(user: User, model: type[M], pk: int, *related: str) -> M:
    found = scoped(user, model).select_related(*related).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found
