"""Each failure the regulation names is computed from the data: a matter that failed appears, one that did
not does not; the per-level counts equal the lists they link to."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Personas, Tree
from daiban.accountability import failures
from daiban.accountability.models import FailureKind
from daiban.accountability.tests import helpers
from daiban.accountability.tests.helpers import CHECK_DAY
from daiban.matters.tests.factories import Flow


def _ids(personas: Personas, tree: Tree, kind: str, year: int | None = 2026) -> set[int]:
    qs = failures.failing_matters(personas.county_staff, kind, tree.county_a, year, CHECK_DAY)
    return set(qs.values_list("pk", flat=True))


def test_route_late_open_and_met_late(flow: Flow, personas: Personas, tree: Tree) -> None:
    open_late = helpers.route_open_late(flow)
    met_late = helpers.routed_late(flow)
    fine = helpers.routed_on_time(flow)
    assert _ids(personas, tree, FailureKind.ROUTE_LATE) == {open_late.pk, met_late.pk}
    assert fine.pk not in _ids(personas, tree, FailureKind.HANDLING_LATE)


def test_not_accepted_is_an_open_acceptance_clock_past_its_date(
    flow: Flow, personas: Personas, tree: Tree
) -> None:
    late = helpers.not_accepted(flow)
    told_late = helpers.notice_late(flow)
    fine = helpers.routed_on_time(flow)
    found = _ids(personas, tree, FailureKind.NOT_ACCEPTED)
    assert late.pk in found
    assert told_late.pk not in found and fine.pk not in found


def test_notice_late_is_an_acceptance_after_the_15_days(flow: Flow, personas: Personas, tree: Tree) -> None:
    told_late = helpers.notice_late(flow)
    never = helpers.not_accepted(flow)
    fine = helpers.routed_on_time(flow)
    assert _ids(personas, tree, FailureKind.NOTICE_LATE) == {told_late.pk}
    assert never.pk not in _ids(personas, tree, FailureKind.NOTICE_LATE)
    assert fine.pk not in _ids(personas, tree, FailureKind.NOTICE_LATE)


def test_handling_late(flow: Flow, personas: Personas, tree: Tree) -> None:
    late = helpers.handling_late(flow)
    fine = helpers.routed_on_time(flow)
    assert _ids(personas, tree, FailureKind.HANDLING_LATE) == {late.pk}
    assert fine.pk not in _ids(personas, tree, FailureKind.HANDLING_LATE)
    # Before the 60 days ran out it was no failure.
    early = failures.failing_matters(
        personas.county_staff, FailureKind.HANDLING_LATE, tree.county_a, 2026, late.received_at.date()
    )
    assert not early.exists()


def test_support_not_carried_out_comes_from_execution(flow: Flow, personas: Personas, tree: Tree) -> None:
    overdue = helpers.support_unexecuted(flow)
    not_yet = helpers.support_unexecuted(flow, due=CHECK_DAY.replace(month=12))
    found = _ids(personas, tree, FailureKind.SUPPORT_UNEXECUTED)
    assert overdue.pk in found and not_yet.pk not in found


def test_the_year_is_the_year_the_clock_fell_due(flow: Flow, personas: Personas, tree: Tree) -> None:
    late = helpers.handling_late(flow)
    assert late.pk in _ids(personas, tree, FailureKind.HANDLING_LATE, 2026)
    assert late.pk not in _ids(personas, tree, FailureKind.HANDLING_LATE, 2025)


def test_counts_per_level_equal_the_lists(flow: Flow, personas: Personas, tree: Tree) -> None:
    made = [
        helpers.route_open_late(flow),
        helpers.routed_late(flow),
        helpers.not_accepted(flow),
        helpers.notice_late(flow),
        helpers.handling_late(flow),
        helpers.support_unexecuted(flow),
        helpers.routed_on_time(flow),
    ]
    assert len(made) == 7
    user = personas.county_staff
    rows = failures.level_rows(user, tree.county_a, 2026, CHECK_DAY)
    assert rows[0].is_total and rows[0].region == tree.county_a
    assert {r.region for r in rows[1:]} == {tree.town_a1, tree.town_a2}
    for row in rows:
        for kind in FailureKind.values:
            listed = failures.failing_matters(user, kind, row.region, 2026, CHECK_DAY).count()
            assert row.counts.get(kind, 0) == listed, (row.region.name, kind)
    town_a1 = next(r for r in rows if r.region == tree.town_a1)
    assert town_a1.counts[FailureKind.ROUTE_LATE] == 2
    assert town_a1.counts[FailureKind.NOT_ACCEPTED] == 2  # the one routed late was never accepted either
    assert rows[0].counts[FailureKind.HANDLING_LATE] == 2  # the one told late ran out its 60 days too
    assert next(r for r in rows if r.region == tree.town_a2).counts.get(FailureKind.ROUTE_LATE, 0) == 0


def test_the_city_sees_one_row_per_county_and_townships_their_villages(
    flow: Flow, personas: Personas, tree: Tree
) -> None:
    helpers.route_open_late(flow)
    city = failures.level_rows(personas.city_admin, tree.city, 2026, CHECK_DAY)
    assert [r.region for r in city[1:]] == sorted([tree.county_a, tree.county_b], key=lambda r: r.code)
    assert next(r for r in city if r.region == tree.county_a).counts[FailureKind.ROUTE_LATE] == 1
    town = failures.level_rows(personas.township_staff, tree.town_a1, 2026, CHECK_DAY)
    village = next(r for r in town if r.region == tree.village_a1x)
    assert village.counts[FailureKind.ROUTE_LATE] == 1 == town[0].counts[FailureKind.ROUTE_LATE]


def test_the_counts_are_a_fixed_number_of_queries(flow: Flow, personas: Personas, tree: Tree) -> None:
    helpers.route_open_late(flow)
    with CaptureQueriesContext(connection) as few:
        failures.level_rows(personas.county_staff, tree.county_a, 2026, CHECK_DAY)
    for _ in range(3):
        helpers.handling_late(flow)
        helpers.not_accepted(flow)
    with CaptureQueriesContext(connection) as more:
        failures.level_rows(personas.county_staff, tree.county_a, 2026, CHECK_DAY)
    assert len(more) == len(few) <= 7


def test_outside_the_reader_scope_nothing_counts(flow: Flow, personas: Personas, tree: Tree) -> None:
    helpers.route_open_late(flow)
    rows = failures.level_rows(personas.outsider, tree.county_b, 2026, CHECK_DAY)
    assert all(not any(r.counts.values()) for r in rows)
    assert failures.region_for(personas.outsider, tree.county_a.pk) is None
    assert failures.region_for(personas.township_staff, tree.county_a.pk) is None


@pytest.mark.parametrize("kind", FailureKind.values)
def test_each_kind_names_its_articles(kind: str) -> None:
    assert "条" in failures.ARTICLES[kind]
