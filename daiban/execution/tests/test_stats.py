"""A matter whose supported request is not carried out does not count as resolved (化解), in the rollups
the dashboards read and in the direct definitions alike, until every item is 已落实 (art. 32)."""

from __future__ import annotations

from conftest import Personas, Tree
from daiban.core import clock
from daiban.execution.tests.helpers import list_items, record
from daiban.matters import actions as matter_actions
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow
from daiban.stats import facts, figures
from daiban.stats.figures import Period


def _closed_resolved_with_items(flow: Flow, personas: Personas) -> tuple[Matter, list]:
    m = flow.followed_up()
    items = list_items(flow, m)
    flow.act(matter_actions.matter_close, personas.county_staff, m, resolved=True)
    return Flow.fresh(m), items


def _resolved(flow: Flow, tree: Tree, personas: Personas, m: Matter) -> tuple[int, int, int, int]:
    """(resolved, closed_unresolved, resolution numerator) from the rollups, and resolved counted
    directly from the rows — for 新城区, June 2026."""
    period = Period.month(2026, 6)
    with clock.frozen(flow.now):
        facts.refresh_matters([m.pk])
        rolled = figures.figures_for(personas.city_admin, tree.county_a, period)
        direct = figures.direct_figures(tree.county_a, period)
    resolution = next(r for r in rolled.rates if r.key == "resolution")
    direct_resolution = next(r for r in direct.rates if r.key == "resolution")
    assert rolled.counts["resolved"] == direct.counts["resolved"]
    assert rolled.counts["closed_unresolved"] == direct.counts["closed_unresolved"]
    assert resolution.numerator == direct_resolution.numerator
    return (
        rolled.counts["resolved"],
        rolled.counts["closed_unresolved"],
        resolution.numerator,
        direct.counts["resolved"],
    )


def test_unexecuted_support_keeps_a_closed_resolved_matter_unresolved(
    flow: Flow, tree: Tree, personas: Personas
) -> None:
    m, items = _closed_resolved_with_items(flow, personas)
    assert m.resolved is True  # the closer said so; the statistics do not take it yet
    assert _resolved(flow, tree, personas, m) == (0, 1, 0, 0)
    flow.later(days=1)
    record(flow, m, items[0], "done")
    record(flow, m, items[1], "partly")
    assert _resolved(flow, tree, personas, m) == (0, 1, 0, 0)  # partly is not carried out
    flow.later(days=1)
    record(flow, m, items[1], "done")
    assert _resolved(flow, tree, personas, m) == (1, 0, 1, 1)


def test_items_are_read_in_one_query_per_batch(
    flow: Flow, personas: Personas, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    m, _ = _closed_resolved_with_items(flow, personas)
    with clock.frozen(flow.now), django_assert_max_num_queries(8):
        items = facts.matter_items([m.pk], flow.today)
    measures = {measure for measure, _dim, _day in items[m.pk][1]}
    assert "closed_unresolved" in measures and "resolved" not in measures and "resolution.num" not in measures
