"""Path geometry: examples on the shared tree's shapes, properties on generated paths, and the two query
builders checked against the pure functions on a real tree."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from conftest import Tree
from daiban.regions import geometry as g
from daiban.regions.models import Region

CITY = "150100/"
COUNTY = "150100/150102/"
TOWN = "150100/150102/150102401000/"
VILLAGE = "150100/150102/150102401000/150102401001/"
OTHER_COUNTY = "150100/150122/"

# Codes are digits; short alphabets make shared prefixes (the interesting case) likely.
code = st.text(alphabet="0123", min_size=1, max_size=4)
code_lists = st.lists(code, min_size=1, max_size=4)
paths = code_lists.map(lambda cs: "".join(c + "/" for c in cs))
# Anything at all, to check that nothing malformed is ever "inside" or "around" a region.
junk = st.one_of(st.none(), st.text(alphabet="0123/ ", max_size=12))


# --- examples ---------------------------------------------------------------------------------------


def test_contains_examples() -> None:
    assert g.contains(CITY, VILLAGE)
    assert g.contains(COUNTY, COUNTY)
    assert g.contains(TOWN, VILLAGE)
    assert not g.contains(VILLAGE, TOWN)
    assert not g.contains(OTHER_COUNTY, VILLAGE)
    # A string prefix is not a region prefix.
    assert not g.contains("150100/15010", "150100/150102/")
    assert not g.contains("15010", "150100/")


@pytest.mark.parametrize("outer", [None, "", "/", "150100", "150100//", "/150100/"])
def test_a_missing_or_malformed_outer_contains_nothing(outer: str | None) -> None:
    assert not g.contains(outer, VILLAGE)
    assert not g.strictly_contains(outer, VILLAGE)
    assert g.child_towards(outer, VILLAGE) is None


@pytest.mark.parametrize("inner", [None, "", "150100/150102"])
def test_nothing_malformed_lies_inside(inner: str | None) -> None:
    assert not g.contains(CITY, inner)


def test_strictly_contains_examples() -> None:
    assert g.strictly_contains(COUNTY, VILLAGE)
    assert not g.strictly_contains(COUNTY, COUNTY)
    assert not g.strictly_contains(VILLAGE, COUNTY)


def test_child_path() -> None:
    assert g.child_path(None, "150100") == CITY
    assert g.child_path(COUNTY, "150102401000") == TOWN
    for bad in ("", "1/2"):
        with pytest.raises(ValueError, match="not a region code"):
            g.child_path(CITY, bad)


def test_codes_and_depth() -> None:
    assert g.codes(TOWN) == ["150100", "150102", "150102401000"]
    assert [g.depth(p) for p in (CITY, COUNTY, TOWN, VILLAGE)] == [1, 2, 3, 4]
    assert g.codes("") == [] and g.codes(None) == [] and g.depth(None) == 0


def test_ancestor_paths() -> None:
    assert g.ancestor_paths(TOWN) == [CITY, COUNTY, TOWN]
    assert g.ancestor_paths(CITY) == [CITY]
    assert g.ancestor_paths("") == [] and g.ancestor_paths(None) == []


def test_levels_between() -> None:
    assert g.levels_between(CITY, VILLAGE) == 3
    assert g.levels_between(TOWN, TOWN) == 0
    with pytest.raises(ValueError, match="does not lie inside"):
        g.levels_between(VILLAGE, CITY)
    with pytest.raises(ValueError, match="does not lie inside"):
        g.levels_between(OTHER_COUNTY, VILLAGE)


def test_child_towards() -> None:
    assert g.child_towards(CITY, VILLAGE) == COUNTY
    assert g.child_towards(COUNTY, VILLAGE) == TOWN
    assert g.child_towards(TOWN, VILLAGE) == VILLAGE
    assert g.child_towards(VILLAGE, VILLAGE) is None
    assert g.child_towards(OTHER_COUNTY, VILLAGE) is None
    assert g.child_towards(VILLAGE, CITY) is None


# --- properties -------------------------------------------------------------------------------------


@given(paths)
def test_a_path_is_well_formed_and_contains_itself(path: str) -> None:
    assert g.is_path(path)
    assert g.contains(path, path)
    assert not g.strictly_contains(path, path)
    assert g.levels_between(path, path) == 0


@given(code_lists)
def test_codes_round_trip(cs: list[str]) -> None:
    path = "".join(c + "/" for c in cs)
    assert g.codes(path) == cs
    built: str | None = None
    for c in cs:
        built = g.child_path(built, c)
    assert built == path
    assert g.depth(path) == len(cs)


@given(paths)
def test_ancestor_paths_run_from_the_root_down_to_the_path(path: str) -> None:
    ancestors = g.ancestor_paths(path)
    assert len(ancestors) == g.depth(path)
    assert ancestors[-1] == path
    assert [g.depth(a) for a in ancestors] == list(range(1, g.depth(path) + 1))
    assert all(g.contains(a, path) for a in ancestors)
    assert all(g.strictly_contains(a, b) for a, b in itertools.pairwise(ancestors))


@given(paths, paths)
def test_contains_is_being_an_ancestor(outer: str, inner: str) -> None:
    """The string test and the tree definition agree: outer contains inner exactly when outer is one of
    inner's ancestor paths (or inner itself)."""
    assert g.contains(outer, inner) == (outer in g.ancestor_paths(inner))
    assert g.strictly_contains(outer, inner) == (g.contains(outer, inner) and outer != inner)


@given(paths, paths)
def test_containment_is_antisymmetric(a: str, b: str) -> None:
    if g.contains(a, b) and g.contains(b, a):
        assert a == b


@given(paths, paths, paths)
def test_containment_is_transitive(a: str, b: str, c: str) -> None:
    if g.contains(a, b) and g.contains(b, c):
        assert g.contains(a, c)
        assert g.levels_between(a, c) == g.levels_between(a, b) + g.levels_between(b, c)


@given(code_lists, code_lists)
def test_extending_a_path_goes_down(upper_codes: list[str], below: list[str]) -> None:
    upper = "".join(c + "/" for c in upper_codes)
    lower = upper + "".join(c + "/" for c in below)
    assert g.strictly_contains(upper, lower)
    assert g.levels_between(upper, lower) == len(below)
    child = g.child_towards(upper, lower)
    assert child == upper + below[0] + "/"
    assert g.strictly_contains(upper, child) and g.contains(child, lower)
    assert g.depth(child) == g.depth(upper) + 1


@given(paths, paths)
def test_child_towards_is_the_next_ancestor(upper: str, lower: str) -> None:
    child = g.child_towards(upper, lower)
    if not g.strictly_contains(upper, lower):
        assert child is None
        return
    assert child is not None
    assert child in g.ancestor_paths(lower)
    assert g.levels_between(upper, child) == 1


@given(paths, paths)
def test_levels_between_is_defined_exactly_inside(upper: str, lower: str) -> None:
    if g.contains(upper, lower):
        assert g.levels_between(upper, lower) == g.depth(lower) - g.depth(upper) >= 0
    else:
        with pytest.raises(ValueError):
            g.levels_between(upper, lower)


@given(junk, paths)
def test_nothing_malformed_contains_or_is_contained(bad: str | None, path: str) -> None:
    assume(not g.is_path(bad))
    assert not g.contains(bad, path)
    assert not g.contains(path, bad)
    assert g.child_towards(bad, path) is None


@given(paths, st.text(alphabet="0123/", max_size=12))
def test_the_range_filter_is_a_prefix_test(prefix: str, value: str) -> None:
    """subtree_q's range [prefix, prefix + "~") holds exactly the strings that start with the prefix, for
    every string made of the characters paths use (digits and "/" sort before "~")."""
    assert (prefix <= value < prefix + g.PATH_SENTINEL) == value.startswith(prefix)


# --- the query builders, against the database -------------------------------------------------------


@pytest.mark.django_db
def test_subtree_q_and_at_or_above_q_match_the_pure_functions(tree: Tree) -> None:
    regions = list(Region.objects.all())
    assert len(regions) > 10
    for region in regions:
        inside = set(Region.objects.filter(g.subtree_q(region.path, "path")))
        assert inside == {r for r in regions if g.contains(region.path, r.path)}, region.name
        above = set(Region.objects.filter(g.at_or_above_q(region.path, "path")))
        assert above == {r for r in regions if g.contains(r.path, region.path)}, region.name
        assert set(Region.objects.subtree(region.path)) == inside


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["", "150100", None])
def test_query_builders_fail_closed(tree: Tree, bad: str | None) -> None:
    assert not Region.objects.filter(g.at_or_above_q(bad, "path")).exists()
    if bad is not None:
        assert not Region.objects.filter(g.subtree_q(bad, "path")).exists()


def test_region_codes_use_the_geometry(tree: Tree) -> None:
    assert tree.village_a1x.ancestor_codes == g.codes(tree.village_a1x.path)
    assert g.depth(tree.village_a1x.path) == tree.village_a1x.level
