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
from daiban.regions.models import Level, Region

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


def _routable(
    units: list[ResponsibleUnit], user: User, holder: Region, accusation: bool
) -> set[ResponsibleUnit]:
    """The oracle: a county centre (or the city) routes to its scope and the levels above the holder; a
    township station only inside its own township (and its scope); an accusation only to discipline units,
    from a township also those at or above it."""
    top = _granted(user)
    found = set()
    for u in units:
        if not u.is_active or (accusation and u.domain != UnitDomain.DISCIPLINE):
            continue
        above = _under(holder, u.region)
        if holder.level > Level.COUNTY:
            allowed = (_under(u.region, holder) and _under(u.region, top)) or (accusation and above)
        else:
            allowed = _under(u.region, top) or above
        if allowed:
            found.add(u)
    return found


@pytest.fixture
def township_units(tree: Tree) -> dict[str, ResponsibleUnit]:
    """Units of the townships (and an inactive one of the county), as the demo network gives them."""
    ResponsibleUnit.objects.create(
        region=tree.county_a, name="新城区已撤销单位", domain=UnitDomain.OTHER, is_active=False
    )
    justice_a = ResponsibleUnit.objects.create(
        region=tree.county_a, name="新城区司法局", domain=UnitDomain.JUSTICE
    )

    def unit(region: Region, name: str, domain: UnitDomain, **extra: object) -> ResponsibleUnit:
        return ResponsibleUnit.objects.create(region=region, name=name, domain=domain, **extra)

    return {
        "office_a1": unit(tree.town_a1, "呼伦路街道办事处", UnitDomain.OTHER),
        "justice_a1": unit(tree.town_a1, "呼伦路街道司法所", UnitDomain.JUSTICE, superior=justice_a),
        "police_a1": unit(tree.town_a1, "呼伦路街道派出所", UnitDomain.PUBLIC_SECURITY),
        "discipline_a1": unit(tree.town_a1, "呼伦路街道纪工委", UnitDomain.DISCIPLINE),
        "closed_a1": unit(tree.town_a1, "呼伦路街道已撤销单位", UnitDomain.OTHER, is_active=False),
        "justice_a2": unit(tree.town_a2, "迎新路街道司法所", UnitDomain.JUSTICE, superior=justice_a),
        "justice_b1": unit(tree.town_b1, "双河镇司法所", UnitDomain.JUSTICE),
        "justice_a": justice_a,
    }


@pytest.mark.parametrize("accusation", [False, True])
def test_routable_units_follow_the_oracle(
    tree: Tree, people: People, township_units: dict[str, ResponsibleUnit], accusation: bool
) -> None:
    units = list(ResponsibleUnit.objects.select_related("region"))
    for user in people.everyone():
        for holder in _regions():
            expected = _routable(units, user, holder, accusation)
            got = list(j.routable_units(user, holder.path, accusation=accusation))
            assert set(got) == expected, (user, holder)
            assert got == sorted(got, key=lambda u: (u.region_path, u.domain, u.name))


def test_routable_units_for_the_county_centre(
    tree: Tree, personas: Personas, township_units: dict[str, ResponsibleUnit]
) -> None:
    """Unchanged for a county: its bureaus, its townships' units and the city's bureaus."""
    u = township_units
    got = set(j.routable_units(personas.county_staff, tree.county_a.path))
    assert got == {
        tree.unit_housing_a,
        tree.unit_hr_a,
        tree.unit_discipline_a,
        tree.unit_housing_city,
        u["justice_a"],
        u["office_a1"],
        u["justice_a1"],
        u["police_a1"],
        u["discipline_a1"],
        u["justice_a2"],
    }
    assert tree.unit_housing_b not in got and u["justice_b1"] not in got
    accusation = set(j.routable_units(personas.county_staff, tree.county_a.path, accusation=True))
    assert accusation == {tree.unit_discipline_a, u["discipline_a1"]}


def test_a_township_station_routes_to_its_own_units_only(
    tree: Tree, personas: Personas, township_units: dict[str, ResponsibleUnit]
) -> None:
    u = township_units
    station = personas.township_staff  # 呼伦路街道
    got = list(j.routable_units(station, tree.town_a1.path))
    assert set(got) == {u["office_a1"], u["justice_a1"], u["police_a1"], u["discipline_a1"]}
    # Not the county's bureaus, not the city's, not the neighbouring township's, not an inactive unit.
    for other in (
        tree.unit_housing_a,
        tree.unit_housing_city,
        u["justice_a"],
        u["justice_a2"],
        u["closed_a1"],
    ):
        assert other not in got
    # An accusation: discipline units only — the township's own and those above it.
    accusation = list(j.routable_units(station, tree.town_a1.path, accusation=True))
    assert accusation == [tree.unit_discipline_a, u["discipline_a1"]]


def test_a_township_without_units_has_nothing_to_route_to_but_discipline_above(
    tree: Tree, people: People, township_units: dict[str, ResponsibleUnit]
) -> None:
    station_b2 = make_user("station_b2", Role.TOWNSHIP_STAFF, tree.town_b2)
    assert not j.routable_units(station_b2, tree.town_b2.path).exists()
    assert not j.routable_units(
        station_b2, tree.town_b2.path, accusation=True
    ).exists()  # 托县 has no 纪委 here
    city_discipline = ResponsibleUnit.objects.create(
        region=tree.city, name="呼和浩特市纪委监委", domain=UnitDomain.DISCIPLINE
    )
    assert list(j.routable_units(station_b2, tree.town_b2.path, accusation=True)) == [city_discipline]
    # A village point routes nowhere (the rule refuses it before this is asked).
    assert not j.routable_units(people.personas.village_agent, tree.village_a1x.path).exists()


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
