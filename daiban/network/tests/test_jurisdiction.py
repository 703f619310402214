"""The jurisdiction module against an independent oracle: the region tree walked through ``parent`` links
(no path strings), for every persona, every region and every unit of the shared tree.

新城区 (county_a) holds 呼伦路街道 (town_a1) and 迎新路街道 (town_a2); 托克托县 (county_b) is the outsider's.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from conftest import Personas, Tree, make_user
from daiban.accounts.models import Role, User
from daiban.network import jurisdiction as j
from daiban.network.models import Agent, ResponsibleUnit, ServiceOrganization, UnitDomain
from daiban.regions.models import Region

# --- the oracle: ancestry by walking parent links -------------------------------------------------------


def _chain(region: Region | None) -> list[int]:
    """Primary keys from ``region`` up to the city."""
    found: list[int] = []
    while region is not None:
        found.append(region.pk)
        region = region.parent
    return found


def _under(region: Region | None, top: Region | None) -> bool:
    """Whether ``region`` is ``top`` or lies below it."""
    return region is not None and top is not None and top.pk in _chain(region)


def _granted(user: User) -> Region | None:
    return user.region if user.is_active and user.role and user.region_id else None


@dataclass
class People:
    personas: Personas
    city_leader: User
    township_leader: User
    village_leader_less: User  # a role-less account with a region: has no grant
    inactive_leader: User
    outsider_leader: User

    def everyone(self) -> list[User]:
        return [
            *self.personas.all().values(),
            self.city_leader,
            self.township_leader,
            self.village_leader_less,
            self.inactive_leader,
            self.outsider_leader,
        ]


@pytest.fixture
def people(tree: Tree, personas: Personas) -> People:
    role_less = User.objects.create_user("role_less", password="x-pass-12345", region=tree.village_a1x)
    return People(
        personas=personas,
        city_leader=make_user("city_leader", Role.LEADER, tree.city),
        township_leader=make_user("township_leader", Role.LEADER, tree.town_a1),
        village_leader_less=role_less,
        inactive_leader=make_user("inactive_leader", Role.LEADER, tree.county_a, is_active=False),
        outsider_leader=make_user("outsider_leader", Role.LEADER, tree.county_b),
    )


def _regions() -> list[Region]:
    return list(Region.objects.select_related("parent__parent__parent").order_by("path"))


# --- the grant ---------------------------------------------------------------------------------------------


def test_scope_path_is_the_grant(tree: Tree, people: People) -> None:
    p = people.personas
    assert j.scope_path(p.county_staff) == tree.county_a.path
    assert j.scope_path(p.city_admin) == tree.city.path
    assert j.scope_path(people.village_leader_less) is None
    assert j.scope_path(people.inactive_leader) is None
    assert j.scope_path(AnonymousUser()) is None
    assert j.scope_path(None) is None


def test_in_scope_and_within_region_follow_the_tree(tree: Tree, people: People) -> None:
    regions = _regions()
    for user in people.everyone():
        for region in regions:
            expected = _under(region, _granted(user))
            assert j.in_scope(user, region.path) is expected, (user, region)
            assert j.within_region(user, region.path) is expected, (user, region)
    assert not j.in_scope(people.personas.city_admin, "")
    assert not j.in_scope(people.personas.city_admin, None)
    assert not j.in_scope(AnonymousUser(), tree.city.path)


def test_selectors_return_the_grant_and_nothing_else(tree: Tree, people: People) -> None:
    for user in people.everyone():
        top = _granted(user)
        assert set(j.regions_for(user)) == {r for r in Region.objects.all() if _under(r, top)}, user
        assert set(j.organizations_for(user)) == {
            o for o in ServiceOrganization.objects.select_related("region") if _under(o.region, top)
        }, user
        assert set(j.agents_for(user)) == {
            a for a in Agent.objects.select_related("region") if _under(a.region, top)
        }, user
        assert set(j.units_for(user)) == {
            u for u in ResponsibleUnit.objects.select_related("region") if _under(u.region, top)
        }, user
        assert set(j.users_for(user)) == {
            u for u in User.objects.select_related("region") if _under(u.region, top)
        }, user
    for selector in (j.regions_for, j.organizations_for, j.agents_for, j.units_for, j.users_for):
        assert not selector(AnonymousUser()).exists()


def test_get_or_404(tree: Tree, personas: Personas) -> None:
    scoped = j.regions_for(personas.county_staff)
    assert j.get_or_404(scoped, pk=tree.town_a1.pk) == tree.town_a1
    with pytest.raises(Http404):
        j.get_or_404(scoped, pk=tree.town_b1.pk)  # exists, but outside: the same answer as missing
    with pytest.raises(Http404):
        j.get_or_404(scoped, pk=0)


def test_units_above_are_strictly_above_the_grant(tree: Tree, people: People) -> None:
    for user in people.everyone():
        top = _granted(user)
        expected = {
            u
            for u in ResponsibleUnit.objects.select_related("region")
            if top is not None and u.region_id != top.pk and _under(top, u.region)
        }
        assert set(j.units_above(user)) == expected, user
    assert set(j.units_above(people.personas.county_staff)) == {tree.unit_housing_city}


# --- routing ----------------------------------------------------------------------------------------------


def test_routable_units_are_the_scope_and_the_levels_above_the_holder(tree: Tree, people: People) -> None:
    ResponsibleUnit.objects.create(
        region=tree.county_a, name="新城区已撤销单位", domain=UnitDomain.OTHER, is_active=False
    )
    ResponsibleUnit.objects.create(region=tree.town_a1, name="呼伦路街道办事处", domain=UnitDomain.OTHER)
    units = list(ResponsibleUnit.objects.select_related("region"))
    for user in people.everyone():
        top = _granted(user)
        for holder in _regions():
            expected = {
                u for u in units if u.is_active and (_under(u.region, top) or _under(holder, u.region))
            }
            got = list(j.routable_units(user, holder.path))
            assert set(got) == expected, (user, holder)
            assert got == sorted(got, key=lambda u: (u.region_path, u.domain, u.name))


def test_routable_units_for_the_county_centre(tree: Tree, personas: Personas) -> None:
    got = set(j.routable_units(personas.county_staff, tree.county_a.path))
    assert got == {tree.unit_housing_a, tree.unit_hr_a, tree.unit_discipline_a, tree.unit_housing_city}
    assert tree.unit_housing_b not in got


def test_hand_down_targets_are_the_next_level_towards_the_matter(tree: Tree) -> None:
    regions = _regions()
    for holder in regions:
        for arose in regions:
            chain = _chain(arose)
            expected = {
                r for r in regions if r.parent_id == holder.pk and r.pk in chain
            }  # the child of holder on arose's chain
            assert set(j.hand_down_targets(holder.pk, arose.path)) == expected, (holder, arose)
            assert len(expected) <= 1
    assert list(j.hand_down_targets(tree.county_a.pk, tree.village_a1x.path)) == [tree.town_a1]
    assert not j.hand_down_targets(None, tree.village_a1x.path).exists()


# --- leaders ----------------------------------------------------------------------------------------------


def test_case_leaders_sit_at_or_above_where_the_matter_arose(tree: Tree, people: People) -> None:
    leaders = list(User.objects.filter(role=Role.LEADER).select_related("region"))
    assert len(leaders) == 5
    everyone = people.everyone()
    for region in _regions():
        expected = {u for u in leaders if u.is_active and _under(region, u.region)}
        got = list(j.case_leaders(region.path))
        assert set(got) == expected, region
        assert got == sorted(got, key=lambda u: (u.region_path, u.username))
        for user in everyone:
            assert j.is_case_leader(user, region.path) is (user in expected), (user, region)
    assert set(j.case_leaders(tree.village_a1x.path)) == {
        people.personas.leader,
        people.city_leader,
        people.township_leader,
    }
    assert not j.is_case_leader(AnonymousUser(), tree.city.path)


def test_reception_leaders_are_at_or_above_the_agent_or_within_the_grant(tree: Tree, people: People) -> None:
    leaders = list(User.objects.filter(role=Role.LEADER, is_active=True).select_related("region"))
    for user in people.everyone():
        top = _granted(user)
        expected = {
            u for u in leaders if top is not None and (_under(top, u.region) or _under(u.region, top))
        }
        got = list(j.reception_leaders(user))
        assert set(got) == expected, user
        assert got == sorted(got, key=lambda u: (u.region_path, u.username))
    p = people.personas
    assert set(j.reception_leaders(p.village_agent)) == {p.leader, people.city_leader, people.township_leader}
    assert set(j.reception_leaders(p.county_staff)) == {p.leader, people.city_leader, people.township_leader}
    assert set(j.reception_leaders(p.outsider)) == {people.city_leader, people.outsider_leader}


# --- the level holding a matter ---------------------------------------------------------------------------


@pytest.mark.parametrize("held_by_unit", [False, True])
def test_at_or_above_holder(tree: Tree, people: People, held_by_unit: bool) -> None:
    regions = _regions()
    for user in people.everyone():
        top = _granted(user)
        for holder in regions:
            expected = _under(holder, top)
            assert j.at_or_above_holder(user, holder.path, tree.village_a1x.path, held_by_unit) is expected
        # No holding level yet: where the matter arose decides.
        for arose in regions:
            assert j.at_or_above_holder(user, "", arose.path, held_by_unit) is _under(arose, top)
