"""Jurisdiction: the one place that decides what a user may see.

Every list, detail, export, autocomplete and dashboard fetches through these selectors. A user's scope is
the region subtree of their grant; a user without a grant sees nothing. Outside scope the answer is 404,
exactly as for a record that does not exist, so that scope never leaks existence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from daiban.regions.models import Region, subtree_q

if TYPE_CHECKING:
    from daiban.accounts.models import User
    from daiban.network.models import Agent, ResponsibleUnit, ServiceOrganization

M = TypeVar("M", bound=Model)

# Matches nothing, and the database knows it without a scan.
NOTHING = Q(pk__in=[])


def scope_path(user: User) -> str | None:
    """The region path a user's grant covers, or None when the user has no grant."""
    if not user.is_authenticated or not user.is_active or not user.role or not user.region_path:
        return None
    return user.region_path


def in_scope_q(user: User, field: str = "region_path") -> Q:
    path = scope_path(user)
    return NOTHING if path is None else subtree_q(path, field)


def regions_for(user: User) -> QuerySet[Region]:
    return Region.objects.filter(in_scope_q(user, "path"))


def organizations_for(user: User) -> QuerySet[ServiceOrganization]:
    from daiban.network.models import ServiceOrganization

    return ServiceOrganization.objects.filter(in_scope_q(user))


def agents_for(user: User) -> QuerySet[Agent]:
    from daiban.network.models import Agent

    return Agent.objects.filter(in_scope_q(user))


def units_for(user: User) -> QuerySet[ResponsibleUnit]:
    """Units a user may see. A unit handler's region is their unit's region, so they see its peers too:
    unit names are not secret, and routing needs them."""
    from daiban.network.models import ResponsibleUnit

    return ResponsibleUnit.objects.filter(in_scope_q(user))


def users_for(user: User) -> QuerySet[User]:
    from daiban.accounts.models import User as UserModel

    return UserModel.objects.filter(in_scope_q(user))


def get_or_404(queryset: QuerySet[M], **lookup: object) -> M:
    """Fetch one object from an already-scoped queryset, or 404."""
    try:
        return queryset.get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
