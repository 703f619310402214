"""Jurisdiction: the one place that decides what a user may see and whom a matter may go to.

Every list, detail, export, autocomplete, dashboard and admin page fetches through the scope selectors
here, and every jurisdiction decision of the matter workflow (may this level route to that unit, hand down
to that region, name that leader) is one function here, used by both the form that offers the choice and
the action that checks it. The geometry itself (is path A inside B) is ``daiban.regions.geometry``.

A user's scope is the region subtree of their grant (accounts: one role over one region); a user without
a grant — anonymous, inactive, without a role or region — sees nothing. Outside scope the answer is 404,
exactly as for a record that does not exist, so that scope never leaks existence.

This module lives in ``network`` because it needs the network's models (organisations, agents, units)
beside the accounts and regions below it; nothing below ``network`` may import it.
"""

from __future__ import annotations

from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from daiban.accounts.models import Role, User
from daiban.network.models import Agent, ResponsibleUnit, ServiceOrganization, UnitDomain
from daiban.regions.geometry import ancestor_paths, at_or_above_q, contains, depth, subtree_q
from daiban.regions.models import Level, Region

M = TypeVar("M", bound=Model)

# Matches nothing, and the database knows it without a scan.
NOTHING = Q(pk__in=[])

AnyUser = User | AnonymousUser

# ------------------------------------------------------------------------------------------ the grant


def scope_path(user: AnyUser | None) -> str | None:
    """The region path a user's grant covers, or None when the user has no grant."""
    if user is None or not user.is_authenticated or not isinstance(user, User):
        return None
    if not user.is_active or not user.role or not user.region_path:
        return None
    return user.region_path


def in_scope(user: AnyUser | None, path: str | None) -> bool:
    """Whether ``path`` lies inside the user's grant (False for a user without one, or no path)."""
    return contains(scope_path(user), path)


def within_region(user: AnyUser | None, path: str | None) -> bool:
    """Whether ``path`` lies in the subtree of the user's own region — the test for "the agent's own
    station or centre holds this matter" (``_is_network_agent``, ``_require_network_agent``).

    The same answer as ``in_scope``: a grant *is* one region (accounts.models), so the user's own region
    and their scope are the same subtree. The old hand-written test read ``user.region_path`` without the
    grant checks; those differ only for an inactive or role-less account, which every caller has already
    refused (the role is checked first) — and refusing here too is the safe side. Kept as its own name so
    the call sites say which rule they state.
    """
    return in_scope(user, path)


def in_scope_q(user: AnyUser | None, field: str = "region_path") -> Q:
    """Rows whose ``field`` lies in the user's grant (nothing for a user without one)."""
    path = scope_path(user)
    return NOTHING if path is None else subtree_q(path, field)


# ------------------------------------------------------------------------------------------ selectors


def regions_for(user: AnyUser | None) -> QuerySet[Region]:
    return Region.objects.filter(in_scope_q(user, "path"))


def organizations_for(user: AnyUser | None) -> QuerySet[ServiceOrganization]:
    return ServiceOrganization.objects.filter(in_scope_q(user))


def agents_for(user: AnyUser | None) -> QuerySet[Agent]:
    return Agent.objects.filter(in_scope_q(user))


def units_for(user: AnyUser | None) -> QuerySet[ResponsibleUnit]:
    """Units a user may see. A unit handler's region is their unit's region, so they see its peers too:
    unit names are not secret, and routing needs them."""
    return ResponsibleUnit.objects.filter(in_scope_q(user))


def users_for(user: AnyUser | None) -> QuerySet[User]:
    return User.objects.filter(in_scope_q(user))


def get_or_404(queryset: QuerySet[M], **lookup: object) -> M:
    """Fetch one object from an already-scoped queryset, or 404."""
    try:
        return queryset.get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def units_above(user: AnyUser | None) -> QuerySet[ResponsibleUnit]:
    """Units whose region lies strictly above the user's grant (a county unit's superior is the city's unit
    of the same domain). For naming a superior: the names only, not a grant over those units."""
    path = scope_path(user)
    if path is None:
        return ResponsibleUnit.objects.none()
    return ResponsibleUnit.objects.filter(region_path__in=ancestor_paths(path)[:-1])


# ------------------------------------------------------------------------- decisions of the workflow


def routable_units(
    user: AnyUser | None, holder_path: str, *, accusation: bool = False
) -> QuerySet[ResponsibleUnit]:
    """Active units the holding level (at ``holder_path``) may route a matter to (转送交办). Ordered by
    region, domain, name. The route form offers exactly these, and the route action accepts exactly these.

    * A county centre, or the city (the holder at county level or above): the active units in the user's
      scope — the county's bureaus and its townships' units — and those whose region is the holder's or
      lies above it (a county centre routes to the city's bureaus too).
    * A township station (the holder below the county): its own township's units only (司法所, 派出所,
      综治中心 …), and only inside the user's scope. Not the county's bureaus: a station settles locally what
      its own units can (大事不出镇), and what needs a county bureau it escalates (上报) to the county centre,
      which coordinates the county's units and keeps the routing clock (domain.md §2.3). A lower level does
      not assign work to a higher organ.
    * An accusation (检举控告, ``accusation=True``): discipline units (纪委监委) only, never the accused unit
      (arts. 22, 30). From a township the discipline organs at or above it are offered as well (the county's
      纪委监委, the city's): which one has jurisdiction follows who is accused (管理权限), and sending it
      there directly means fewer people see the accuser's name than escalating it would.
    """
    if depth(holder_path) > Level.COUNTY:
        where = subtree_q(holder_path) & in_scope_q(user)
        if accusation:
            where |= at_or_above_q(holder_path)
    else:
        where = in_scope_q(user) | at_or_above_q(holder_path)
    units = ResponsibleUnit.objects.filter(where, is_active=True)
    if accusation:
        units = units.filter(domain=UnitDomain.DISCIPLINE)
    return units.order_by("region_path", "domain", "name")


def hand_down_targets(holder_region_id: int | None, matter_region_path: str) -> QuerySet[Region]:
    """Where the level holding a matter may hand it down to: its child region on the way down to where the
    matter arose (one region, or none when the holder already is that region)."""
    if holder_region_id is None:
        return Region.objects.none()
    return Region.objects.filter(parent_id=holder_region_id, path__in=ancestor_paths(matter_region_path))


def case_leaders(region_path: str) -> QuerySet[User]:
    """Who may take personal charge of a matter arising at ``region_path`` (包案领导): active leaders whose
    region is that region or lies above it. Ordered by region, username."""
    leaders = User.objects.filter(at_or_above_q(region_path), role=Role.LEADER, is_active=True)
    return leaders.order_by("region_path", "username")


def is_case_leader(user: AnyUser | None, region_path: str) -> bool:
    """Whether ``user`` is one of ``case_leaders(region_path)`` (without a query)."""
    return (
        isinstance(user, User)
        and user.is_active
        and user.role == Role.LEADER
        and contains(user.region_path, region_path)
    )


def reception_leaders(user: AnyUser | None) -> QuerySet[User]:
    """The leaders an agent may record as receiving a petitioner (领导接待日): active leaders at the agent's
    level or above (the county or city leader receiving that day), or below it within the agent's grant (a
    county centre records its townships' leaders). Ordered by region, username."""
    return (
        User.objects.filter(role=Role.LEADER, is_active=True)
        .filter(at_or_above_q(scope_path(user)) | in_scope_q(user))
        .order_by("region_path", "username")
    )


def at_or_above_holder(user: AnyUser | None, holder_path: str, region_path: str, held_by_unit: bool) -> bool:
    """Whether the user's level holds the matter or lies above where it is held (``holder_path``; a matter
    with no holding level yet counts where it arose, ``region_path``).

    ``held_by_unit`` does not change the answer: while a unit holds a matter, ``holder_path`` stays at the
    level that routed it (the county or city), so "the unit's county and above" is the same geometric test.
    The old check spelled out ``held_by_unit or len(user_path) <= len(path)``, which the prefix test already
    implies; the parameter is kept so call sites state the case.
    """
    return contains(scope_path(user), holder_path or region_path)
