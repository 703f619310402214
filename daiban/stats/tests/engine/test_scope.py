"""Jurisdiction of the figures: a county user never gets a figure including another county (404 for the
other county, the city, or a region of it), and a parent's figure is the sum of its children's."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.http import Http404

from daiban.core import clock
from daiban.matters.actions import PetitionerInput
from daiban.matters.tests.factories import Flow, at
from daiban.regions.models import Region
from daiban.stats import facts, figures
from daiban.stats.figures import Period


def _story(flow: Flow, tree: Any, personas: Any) -> None:
    for i, (agent, village) in enumerate(
        [
            (personas.village_agent, tree.village_a1x),
            (personas.village_agent, tree.village_a1x),
            (personas.outsider_village_agent, tree.village_b1x),
            (personas.outsider_village_agent, tree.village_b1x),
            (personas.outsider_village_agent, tree.village_b1x),
        ]
    ):
        flow.later(days=1)
        flow.intake(
            agent,
            village,
            new_matter=True,
            petitioners=[PetitionerInput(name=f"赵{i}", phone=f"1360471{i:04d}")],
        )
    flow.closed(new_matter=True, petitioners=[PetitionerInput(name="钱", phone="13604719999")])
    with clock.frozen(at(2026, 7, 20)):
        facts.refresh_matters(facts.Matter.objects.values_list("pk", flat=True))


JUNE = Period.month(2026, 6)


def test_county_user_cannot_see_another_county(flow: Flow, tree: Any, personas: Any) -> None:
    _story(flow, tree, personas)
    with clock.frozen(at(2026, 7, 20)):
        own = figures.figures_for(personas.county_staff, tree.county_a, JUNE)
        assert own.counts["taken_up"] == 3
        for region in (tree.county_b, tree.town_b1, tree.village_b1x, tree.city):
            for call in (
                lambda r=region: figures.figures_for(personas.county_staff, r, JUNE),
                lambda r=region: figures.subregion_figures(personas.county_staff, r, JUNE),
                lambda r=region: figures.monthly_trend(personas.county_staff, r),
                lambda r=region: figures.overdue_by_unit(personas.county_staff, r),
                lambda r=region: figures.rows_behind(personas.county_staff, r, JUNE, "taken_up", "count"),
            ):
                with pytest.raises(Http404):
                    call()
        # Its own subregions carry nothing of the other county.
        subs = figures.subregion_figures(personas.county_staff, tree.county_a, JUNE)
        assert {f.region.pk for f in subs} == {tree.town_a1.pk, tree.town_a2.pk}
        assert sum(f.counts["taken_up"] for f in subs) == 3
        # A unit's handler sees no statistics; nor does someone without a grant.
        with pytest.raises(Http404):
            figures.figures_for(personas.unit_handler, tree.county_a, JUNE)
        assert figures.overdue_by_unit(personas.county_staff, tree.county_a)


def test_city_is_the_sum_of_its_counties(flow: Flow, tree: Any, personas: Any) -> None:
    _story(flow, tree, personas)
    with clock.frozen(at(2026, 7, 20)):
        for region in Region.objects.filter(level__lt=4):
            whole = figures.figures_for(personas.city_admin, region, JUNE)
            parts = figures.subregion_figures(personas.city_admin, region, JUNE)
            for key, value in whole.counts.items():
                assert value == sum(p.counts[key] for p in parts), (region.name, key)
            for i, rate in enumerate(whole.rates):
                assert rate.numerator == sum(p.rates[i].numerator for p in parts)
                assert rate.denominator == sum(p.rates[i].denominator for p in parts)
        city = figures.figures_for(personas.city_admin, tree.city, JUNE)
        assert city.counts["taken_up"] == 6


def test_rows_behind_counts_equal_the_figures(flow: Flow, tree: Any, personas: Any) -> None:
    _story(flow, tree, personas)
    with clock.frozen(at(2026, 7, 20)):
        f = figures.figures_for(personas.city_admin, tree.city, JUNE)
        for key, value in f.counts.items():
            assert figures.rows_behind(personas.city_admin, tree.city, JUNE, key, "count").count() == value, (
                key
            )
        for rate in f.rates:
            for part, value in (("numerator", rate.numerator), ("denominator", rate.denominator)):
                rows = figures.rows_behind(personas.city_admin, tree.city, JUNE, rate.key, part)
                assert rows.count() == value, (rate.key, part)
        for prefix, values in f.breakdown_keys.items():
            for value, n in values.items():
                rows = figures.rows_behind(
                    personas.city_admin, tree.city, JUNE, "taken_up", f"{prefix}:{value}"
                )
                assert rows.count() == n
        newest = list(figures.rows_behind(personas.city_admin, tree.city, JUNE, "taken_up", "count"))
        assert newest == sorted(newest, key=lambda m: m.received_at, reverse=True)
        for key, part in (
            ("nope", "count"),
            ("reply", "count"),
            ("taken_up", "channel:nope"),
            ("screened", "x"),
        ):
            with pytest.raises(Http404):
                figures.rows_behind(personas.city_admin, tree.city, JUNE, key, part)


def test_trend_months(flow: Flow, tree: Any, personas: Any) -> None:
    _story(flow, tree, personas)
    with clock.frozen(at(2026, 7, 20)):
        trend = figures.monthly_trend(
            personas.city_admin, tree.city, months=3, until=datetime.date(2026, 7, 5)
        )
    assert [p.label for p, _ in trend] == ["2026年5月", "2026年6月", "2026年7月"]
    assert [f.counts["taken_up"] for _, f in trend] == [0, 6, 0]
