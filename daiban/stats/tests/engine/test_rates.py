"""Each rate against hand-computed fixtures (matters driven through the real actions), the edge cases —
no matters, the boundary days of a period, a matter closed without being resolved — and the periods."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from daiban.core import clock
from daiban.matters import actions
from daiban.matters.actions import PetitionerInput
from daiban.matters.tests.factories import Flow, at
from daiban.stats import facts
from daiban.stats.figures import Figures, Period, Rate, direct_figures, figures_for
from daiban.stats.models import Fact


def _people(n: int) -> dict[str, Any]:
    return {
        "new_matter": True,
        "petitioners": [PetitionerInput(name=f"张{n}", phone=f"1370471{n:04d}", group="resident")],
    }


def _refresh_all(today: datetime.date) -> None:
    with clock.frozen(at(today.year, today.month, today.day, 9)):
        facts.refresh_matters(facts.Matter.objects.values_list("pk", flat=True))
        facts.refresh_screenings(facts.Screening.objects.values_list("pk", flat=True))


def _both(user: Any, region: Any, period: Period, today: datetime.date) -> Figures:
    """The rollup figures, checked against the direct count on the way."""
    _refresh_all(today)
    with clock.frozen(at(today.year, today.month, today.day, 9)):
        rolled = figures_for(user, region, period)
    direct = direct_figures(region, period, today)
    assert rolled.counts == direct.counts
    assert [(r.numerator, r.denominator) for r in rolled.rates] == [
        (r.numerator, r.denominator) for r in direct.rates
    ]
    return rolled


def test_no_matters_gives_dash_never_zero_percent(tree: Any, personas: Any) -> None:
    f = _both(personas.city_admin, tree.city, Period.month(2026, 6), datetime.date(2026, 7, 1))
    assert f.counts["taken_up"] == 0
    assert all(r.denominator == 0 and r.percent == "—" for r in f.rates)
    assert f.by_channel == f.by_category == f.by_purpose == []


def test_percent_formatting() -> None:
    rate = Rate("reply", "回复率", 0, 3, "a", "b", "c")
    assert rate.percent == "0.0%"  # a real zero: three matters, none replied
    assert Rate("reply", "回复率", 2, 3, "a", "b", "c").percent == "66.7%"
    assert Rate("reply", "回复率", 3, 3, "a", "b", "c").percent == "100.0%"


def test_hand_computed_month(flow: Flow, tree: Any, personas: Any) -> None:
    """June 2026 at 新城区, by hand:

    A  06-01 routed by the county centre (越级: its village has an agent, first matter of its person),
       accepted, replied 06-05, fed back, followed up (服务满意, 单位基本满意), closed resolved 06-07.
    B  06-02 local at the village, answered locally 06-04, followed up (both 不满意), closed **not**
       resolved.
    C  06-03 consultation answered at once (a reply, resolved).
    D  06-30 23:30 local time (15:30 UTC): still June; left registered.
    E  07-01 00:10 local time (06-30 16:10 UTC): July, not June.
    """
    flow.on(2026, 6, 1)
    a = flow.closed(resolved=True, **_people(1))  # replied 06-05, closed 06-06 (see Flow)
    flow.on(2026, 6, 2)
    b = flow.local(**_people(2))
    flow.on(2026, 6, 4)
    flow.act(
        actions.matter_reply_local,
        personas.village_agent,
        b,
        outcome="explain",
        facts="已核实",
        reasons="已解释",
        basis="《信访工作条例》",
    )
    flow.later(days=1)
    flow.act(actions.matter_feedback, personas.village_agent, b, method="phone", note="已告知")
    flow.act(
        actions.matter_follow_up,
        personas.village_agent,
        b,
        service_satisfaction="dissatisfied",
        unit_satisfaction="dissatisfied",
        method="phone",
    )
    flow.act(actions.matter_close, personas.village_agent, b, resolved=False)
    flow.on(2026, 6, 3)
    c = flow.at_village(**{**_people(3), "purpose": "consultation", "channel": "phone"})
    flow.act(actions.matter_answer, personas.village_agent, c, answer="当面解答")
    flow.now = datetime.datetime(2026, 6, 30, 15, 30, tzinfo=datetime.UTC)
    flow.at_village(**_people(4))
    flow.now = datetime.datetime(2026, 6, 30, 16, 10, tzinfo=datetime.UTC)
    flow.at_village(**_people(5))

    f = _both(personas.county_staff, tree.county_a, Period.month(2026, 6), datetime.date(2026, 7, 20))
    assert f.counts["taken_up"] == 4  # A B C D; E is July's
    assert f.counts["closed"] == 3
    assert f.counts["resolved"] == 2  # A, C
    assert f.counts["closed_unresolved"] == 1  # B: closed without being resolved
    assert f.counts["replied"] == 3  # A (reply), B (local reply), C (answered at once)
    rates = {r.key: r for r in f.rates}
    assert (rates["reply"].numerator, rates["reply"].denominator) == (3, 4)
    assert rates["reply"].percent == "75.0%"
    assert (rates["resolution"].numerator, rates["resolution"].denominator) == (2, 4)
    assert (rates["skip_level"].numerator, rates["skip_level"].denominator) == (1, 4)  # A only
    # Replied in June: A, B; both rated at the follow-up: A 服务满意/单位基本满意, B 不满意/不满意.
    assert (rates["participation"].numerator, rates["participation"].denominator) == (2, 2)
    assert (rates["service_satisfaction"].numerator, rates["service_satisfaction"].denominator) == (1, 2)
    assert (rates["unit_satisfaction"].numerator, rates["unit_satisfaction"].denominator) == (1, 2)
    assert rates["unit_satisfaction"].percent == "50.0%"
    # Routing clocks (15 days from intake): A, B, C met in time in June; D's ran out in July (07-15 or so,
    # so it counts in July, not June).
    assert (rates["timely_acceptance"].numerator, rates["timely_acceptance"].denominator) == (3, 3)
    # Handling clocks: A's (unit) and B's (local) met in time in June.
    assert (rates["on_time_completion"].numerator, rates["on_time_completion"].denominator) == (2, 2)
    assert dict(f.by_channel) == {"窗口来访": 3, "电话": 1}
    july = _both(personas.county_staff, tree.county_a, Period.month(2026, 7), datetime.date(2026, 7, 20))
    assert july.counts["taken_up"] == 1
    assert a.pk and c.pk  # (named for the docstring)


def test_running_clock_is_not_counted_until_it_runs_out(flow: Flow, tree: Any, personas: Any) -> None:
    flow.on(2026, 6, 1)
    flow.at_village(**_people(1))  # routing clock: 15 days
    june = Period.month(2026, 6)
    early = _both(personas.county_staff, tree.county_a, june, datetime.date(2026, 6, 10))
    assert early.rate("timely_acceptance").denominator == 0
    assert early.rate("timely_acceptance").percent == "—"
    assert early.counts["overdue_open"] == 0
    late = _both(personas.county_staff, tree.county_a, june, datetime.date(2026, 6, 30))
    assert (late.rate("timely_acceptance").numerator, late.rate("timely_acceptance").denominator) == (0, 1)
    assert late.counts["overdue_open"] == 1


def test_repeat_visit_and_online_rating(flow: Flow, tree: Any, personas: Any) -> None:
    from daiban.portal.lookup import actions as lookup_actions
    from daiban.portal.lookup import selectors as lookup_selectors

    flow.on(2026, 6, 1)
    people = _people(1)
    m = flow.replied(**people)  # replied on 06-05
    flow.later(days=1)
    flow.intake(personas.county_staff, tree.village_a1x, petitioners=people["petitioners"], repeat_of=m.pk)
    state = lookup_selectors.rating_state(flow.fresh(m))
    flow.call(
        lookup_actions.rating_submit,
        matter_id=m.pk,
        reply_token=state.reply_token,
        service="dissatisfied",
        unit="satisfied",
    )
    f = _both(personas.county_staff, tree.county_a, Period.month(2026, 6), datetime.date(2026, 7, 1))
    assert (f.rate("repeat").numerator, f.rate("repeat").denominator) == (1, 1)
    # Rated online only: it counts (participation), service dissatisfied, unit satisfied.
    assert (f.rate("participation").numerator, f.rate("participation").denominator) == (1, 1)
    assert (f.rate("service_satisfaction").numerator, f.rate("service_satisfaction").denominator) == (0, 1)
    assert f.rate("service_satisfaction").percent == "0.0%"
    assert (f.rate("unit_satisfaction").numerator, f.rate("unit_satisfaction").denominator) == (1, 1)


def test_refresh_of_a_deleted_matter_takes_it_out(flow: Flow, tree: Any, personas: Any) -> None:
    m = flow.at_village(**_people(1))
    _refresh_all(datetime.date(2026, 6, 2))
    assert Fact.objects.filter(object_id=m.pk).exists()
    facts.Matter.objects.filter(pk=m.pk).delete()
    facts.refresh_matters([m.pk])
    assert not Fact.objects.filter(object_id=m.pk).exists()
    assert facts.rollup_snapshot() == {}


# ------------------------------------------------------------------------------------------ periods


def test_periods() -> None:
    assert Period.month(2026, 2) == Period(
        "month", datetime.date(2026, 2, 1), datetime.date(2026, 2, 28), "2026年2月"
    )
    q4 = Period.quarter(2026, 4)
    assert (q4.start, q4.end, q4.label) == (
        datetime.date(2026, 10, 1),
        datetime.date(2026, 12, 31),
        "2026年第4季度",
    )
    assert Period.year(2026).label == "2026年"
    custom = Period.custom(datetime.date(2026, 11, 3), datetime.date(2026, 11, 20))
    assert custom.label == "2026-11-03 至 2026-11-20"
    today = datetime.date(2026, 11, 15)
    assert Period.from_params({}, today) == Period.month(2026, 11)
    assert Period.from_params({"period": "quarter"}, today) == q4
    assert Period.from_params({"period": "year", "year": "2025"}, today) == Period.year(2025)
    assert (
        Period.from_params({"period": "custom", "start": "2026-11-03", "end": "2026-11-20"}, today) == custom
    )
    for p in (Period.month(2026, 2), q4, Period.year(2025), custom):
        assert Period.from_params(p.params(), today) == p


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "week"}, "统计期间"),
        ({"period": "month", "month": "13"}, "月份"),
        ({"period": "month", "month": "x"}, "月份"),
        ({"period": "month", "month": "²"}, "月份"),
        ({"period": "year", "year": "２０２６"}, "年份"),
        ({"period": "quarter", "quarter": "5"}, "季度"),
        ({"period": "year", "year": "20266"}, "年份"),
        ({"period": "custom", "start": "2026-11-31", "end": "2026-12-01"}, "开始日期"),
        ({"period": "custom", "start": "2026-11-03"}, "结束日期"),
        ({"period": "custom", "start": "2026-11-20", "end": "2026-11-03"}, "结束日期"),
        ({"period": "custom", "start": "1900-01-01", "end": "2026-11-03"}, "开始日期"),
    ],
)
def test_bad_period_params_name_the_field(params: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        Period.from_params(params, datetime.date(2026, 11, 15))
    assert field in exc.value.messages[0]


def test_spans_split_whole_months_and_days() -> None:
    from daiban.stats.figures import _spans

    d = datetime.date
    assert _spans(d(2026, 6, 1), d(2026, 6, 30)) == ((d(2026, 6, 1), d(2026, 6, 1)), [])
    assert _spans(d(2026, 1, 1), d(2026, 12, 31)) == ((d(2026, 1, 1), d(2026, 12, 1)), [])
    assert _spans(d(2026, 6, 15), d(2026, 7, 14)) == (None, [(d(2026, 6, 15), d(2026, 7, 14))])
    assert _spans(d(2026, 5, 20), d(2026, 8, 10)) == (
        (d(2026, 6, 1), d(2026, 7, 1)),
        [(d(2026, 5, 20), d(2026, 5, 31)), (d(2026, 8, 1), d(2026, 8, 10))],
    )
    assert _spans(d(2026, 2, 1), d(2026, 2, 27)) == (None, [(d(2026, 2, 1), d(2026, 2, 27))])
    assert _spans(d(2025, 12, 31), d(2026, 1, 31)) == (
        (d(2026, 1, 1), d(2026, 1, 1)),
        [(d(2025, 12, 31), d(2025, 12, 31))],
    )
