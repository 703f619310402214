"""The rollups equal a direct count: after a seeded series of real actions (their after-commit hooks
refreshing the rollups as in production), every figure of every region over several periods, read from
the rollups, equals the figure recomputed straight from the matters and screenings (definitions' direct
forms). Also: refreshing twice changes nothing, and a bulk rebuild gives the same rollup rows."""

from __future__ import annotations

import datetime

import pytest

from daiban.core import clock
from daiban.matters.tests.factories import at
from daiban.regions.models import Region
from daiban.stats import facts
from daiban.stats.figures import (
    Figures,
    Period,
    direct_figures,
    figures_for,
    overdue_by_unit,
    overdue_by_unit_direct,
)
from daiban.stats.models import Fact
from daiban.stats.tests.engine.scenario import Story

PERIODS = [
    Period.month(2026, 5),
    Period.month(2026, 6),
    Period.month(2026, 7),
    Period.month(2026, 8),
    Period.quarter(2026, 2),
    Period.quarter(2026, 3),
    Period.year(2026),
    Period.custom(datetime.date(2026, 6, 15), datetime.date(2026, 7, 14)),
    Period.custom(datetime.date(2026, 5, 20), datetime.date(2026, 8, 10)),  # days, months, days
    Period.custom(datetime.date(2026, 6, 1), datetime.date(2026, 7, 10)),
]


def _shape(f: Figures) -> dict[str, object]:
    return {
        "counts": f.counts,
        "rates": [(r.key, r.numerator, r.denominator) for r in f.rates],
        "channel": f.by_channel,
        "category": f.by_category,
        "purpose": f.by_purpose,
    }


def _compare_everything(user: object, today: datetime.date) -> int:
    compared = 0
    for region in Region.objects.order_by("path"):
        assert overdue_by_unit(user, region) == overdue_by_unit_direct(region, today), region.name  # type: ignore[arg-type]
        for period in PERIODS:
            rolled = figures_for(user, region, period)  # type: ignore[arg-type]
            direct = direct_figures(region, period, today)
            assert _shape(rolled) == _shape(direct), (region.name, period.label)
            compared += 1
    return compared


@pytest.fixture
def story(flow, tree, personas, django_capture_on_commit_callbacks) -> Story:  # type: ignore[no-untyped-def]
    return Story(flow, tree, personas, django_capture_on_commit_callbacks)


def test_rollups_equal_direct_counts_after_real_actions(story: Story, personas) -> None:  # type: ignore[no-untyped-def]
    last = story.play(steps=14)
    assert Fact.objects.count() > 20  # the hooks refreshed as the actions committed
    # A moment later, as the nightly task leaves it: clocks that ran out unmet since are counted.
    today = last + datetime.timedelta(days=20)
    with clock.frozen(at(today.year, today.month, today.day, 1)):
        facts.refresh_matters(facts.stale_matters(days=400))
        compared = _compare_everything(personas.city_admin, today)
        # Non-trivial: the city's summer has every kind of figure.
        summer = figures_for(personas.city_admin, Region.objects.get(level=1), Period.year(2026))
        assert summer.counts["taken_up"] >= 20
        assert summer.counts["screened"] >= 1
        assert all(r.denominator > 0 for r in summer.rates), [(r.key, r.denominator) for r in summer.rates]
        assert 0 < summer.counts["resolved"] < summer.counts["closed"]
        assert summer.counts["overdue_open"] > 0
        assert overdue_by_unit(personas.city_admin, Region.objects.get(level=1))
    assert compared == Region.objects.count() * len(PERIODS)

    # Idempotent: refreshing everything again changes no rollup row.
    before = facts.rollup_snapshot()
    with clock.frozen(at(today.year, today.month, today.day, 1)):
        facts.refresh_matters(facts.Matter.objects.values_list("pk", flat=True))
        facts.refresh_matters(facts.Matter.objects.values_list("pk", flat=True))
        facts.refresh_screenings(facts.Screening.objects.values_list("pk", flat=True))
    assert facts.rollup_snapshot() == before

    # A bulk rebuild gives the same rows as the incremental refreshes.
    with clock.frozen(at(today.year, today.month, today.day, 1)):
        totals = facts.rebuild()
    assert totals["matters"] == facts.Matter.objects.count()
    assert facts.rollup_snapshot() == before


def test_mid_story_clock_states_equal_direct(story: Story, personas) -> None:  # type: ignore[no-untyped-def]
    """Midway, some clocks still run within their limit (not counted yet), some ran out: the same."""
    story.play(steps=4)
    today = datetime.date(2026, 6, 12)
    with clock.frozen(at(2026, 6, 12, 9)):
        facts.refresh_matters(facts.Matter.objects.values_list("pk", flat=True))
        _compare_everything(personas.city_admin, today)
