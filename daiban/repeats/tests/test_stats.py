"""What the statistics read from a link and a merge (ADR 0040): a merged matter is one repeat visit of the
earlier matter, not a matter taken up; a confirmed repeat brought to the county centre while the earlier
matter was in handling at the village counts as 越级 — on itself, or on the earlier matter once merged.
The rollups (refreshed as the hooks do) equal the direct count throughout."""

from __future__ import annotations

import datetime

import pytest

from conftest import Personas, Tree
from daiban.matters import actions as matter_actions
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow
from daiban.regions.models import Region
from daiban.repeats import actions
from daiban.repeats.models import RepeatDecision
from daiban.repeats.tests.helpers import LEAK, LEAK_AGAIN, ZHAO, matter
from daiban.stats import facts
from daiban.stats.figures import Period, direct_figures, figures_for

JUNE, TODAY = Period.month(2026, 6), datetime.date(2026, 7, 1)


def _figures(user: object, region: Region) -> dict[str, tuple[int, int]]:
    """Taken up, closed and the three rates that read links, from the rollups — asserted equal to the
    direct count."""
    facts.refresh_matters(Matter.objects.values_list("pk", flat=True), TODAY)
    rolled = figures_for(user, region, JUNE)  # type: ignore[arg-type]
    direct = direct_figures(region, JUNE, TODAY)
    assert rolled.counts == direct.counts
    assert [(r.key, r.numerator, r.denominator) for r in rolled.rates] == [
        (r.key, r.numerator, r.denominator) for r in direct.rates
    ]
    out = {"taken_up": (direct.counts["taken_up"], 0), "closed": (direct.counts["closed"], 0)}
    for key in ("repeat", "skip_level", "reply"):
        rate = direct.rate(key)
        out[key] = (rate.numerator, rate.denominator)
    return out


@pytest.fixture
def skipped(flow: Flow, personas: Personas) -> tuple[Matter, Matter]:
    """赵红梅's leak, held by her village point; two days later she brings it to the county centre."""
    earlier = matter(flow, LEAK, person=ZHAO)
    flow.later(days=2)
    later = matter(flow, LEAK_AGAIN, person=ZHAO, actor=personas.county_staff)
    return earlier, later


def test_a_linked_skip_level_repeat_and_its_merge_are_counted_once(
    flow: Flow, personas: Personas, tree: Tree, skipped: tuple[Matter, Matter]
) -> None:
    earlier, later = skipped
    staff = personas.county_staff
    figures = _figures(staff, tree.county_a)
    # The first-visit rule does not see it: she had an earlier matter.
    assert figures["taken_up"] == (2, 0) and figures["skip_level"] == (0, 2) and figures["repeat"] == (0, 2)

    decision = flow.call(actions.repeat_link, actor=staff, matter_id=later.pk, candidate_id=earlier.pk)
    assert decision.skip_level is True
    assert "越级" in Matter.objects.get(pk=later.pk).events.order_by("-seq").first().summary  # type: ignore[union-attr]
    figures = _figures(staff, tree.county_a)
    assert figures["skip_level"] == (1, 2) and figures["repeat"] == (1, 2)

    flow.later(hours=1)
    flow.act(actions.repeat_merge, staff, later, into=earlier.pk, reason="同一信访人同一问题")
    for region in (tree.county_a, tree.village_a1x, Region.objects.get(pk=tree.county_a.parent_id)):
        figures = _figures(personas.city_admin, region)
        # The merged matter is not a matter taken up (nor closed, nor replied to); its visit and its 越级
        # are counted on the earlier matter.
        assert figures["taken_up"] == (1, 0) and figures["closed"] == (0, 0)
        assert figures["repeat"] == (1, 1) and figures["skip_level"] == (1, 1)
        assert figures["reply"] == (0, 1)


def test_no_skip_when_the_earlier_matter_was_closed_or_held_at_the_same_level(
    flow: Flow, personas: Personas, tree: Tree
) -> None:
    staff = personas.county_staff
    # Closed before she came again: going up is the review path or a new petition, not 越级.
    closed = matter(flow, LEAK, person=ZHAO, purpose="consultation")
    flow.act(matter_actions.matter_answer, personas.village_agent, closed, answer="已当场答复")
    flow.later(days=3)
    again = matter(flow, LEAK_AGAIN, person=ZHAO, actor=staff)
    assert not flow.call(
        actions.repeat_link, actor=staff, matter_id=again.pk, candidate_id=closed.pk
    ).skip_level
    # Held by the county centre itself: registered at the same level, not above it.
    held = matter(flow, "村里道路硬化工程停工半年，路面坑洼积水，请求尽快复工。", person=ZHAO, actor=staff)
    flow.later(days=1)
    same = matter(flow, "村里道路硬化工程停工已半年，路面坑洼积水严重，请求复工。", person=ZHAO, actor=staff)
    assert not flow.call(actions.repeat_link, actor=staff, matter_id=same.pk, candidate_id=held.pk).skip_level
    assert _figures(staff, tree.county_a)["skip_level"] == (0, 4)
    assert RepeatDecision.objects.filter(skip_level=True).count() == 0


def test_a_village_agent_linking_at_the_village_is_not_a_skip(
    flow: Flow, personas: Personas, tree: Tree
) -> None:
    earlier, later = matter(flow, LEAK, person=ZHAO), matter(flow, LEAK_AGAIN, person=ZHAO)
    decision = flow.call(
        actions.repeat_link, actor=personas.village_agent, matter_id=later.pk, candidate_id=earlier.pk
    )
    assert decision.skip_level is False
    assert _figures(personas.county_staff, tree.county_a)["skip_level"] == (0, 2)
