"""Each early-warning rule: it fires on the right facts, to the right level, with a reason naming them; not
on near misses; its threshold comes from settings; a second scan raises nothing again."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from conftest import Personas, Tree
from daiban.matters.models import Event, Matter
from daiban.matters.tests.factories import at
from daiban.prevention import warnings
from daiban.prevention.models import Alert, AlertRule
from daiban.prevention.models.screenings import RiskLevel, ScreeningStatus
from daiban.prevention.tests.alerts.helpers import alerts, intake_on, person, scan_on, screening

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------------------ frequent visitor


def _visits(p: Personas, t: Tree, days: list[int], month: int = 6) -> None:
    """王建国 comes on each of ``days``: a new matter the first time, then repeat visits on it."""
    intake_on(at(2026, month, days[0]), p.village_agent, t.village_a1x)
    for d in days[1:]:
        _again(p, t, at(2026, month, d))


def _again(p: Personas, t: Tree, when: datetime.datetime) -> None:
    """王建国 comes again: a repeat visit on his open matter while it is within its time limit (art. 19),
    else a new matter."""
    try:
        intake_on(when, p.village_agent, t.village_a1x, repeat_of=Matter.objects.earliest("received_at").pk)
    except ValidationError:
        intake_on(when, p.village_agent, t.village_a1x, new_matter=True)


def test_frequent_visitor_is_told_to_the_county_of_the_person(tree: Tree, personas: Personas) -> None:
    _visits(personas, tree, [1, 3, 5])
    assert scan_on(2026, 6, 5)["frequent"] == 1
    (alert,) = alerts(AlertRule.FREQUENT_VISITOR)
    assert alert.region == tree.county_a
    assert alert.petitioner is not None and alert.petitioner.name == "王建国"
    assert alert.cause == f"petitioner:{alert.petitioner_id}:2026-06-01"
    assert alert.subject_region == tree.village_a1x
    assert "王建国" in alert.reason and "来访 3 次" in alert.reason and "重复来访 2 次" in alert.reason
    assert "30 日内 3 次" in alert.reason


def test_frequent_visitor_near_misses(tree: Tree, personas: Personas) -> None:
    _visits(personas, tree, [1, 20])  # two visits only
    assert scan_on(2026, 6, 21)["frequent"] == 0
    # A third visit, but 31 days after the first: never three within 30 days.
    _again(personas, tree, at(2026, 7, 2))
    assert scan_on(2026, 7, 2)["frequent"] == 0
    assert not alerts(AlertRule.FREQUENT_VISITOR)


def test_frequent_visitor_threshold_from_settings(tree: Tree, personas: Personas) -> None:
    _visits(personas, tree, [1, 5])
    with override_settings(WARN_VISITS=2):
        assert scan_on(2026, 6, 6)["frequent"] == 1
    with override_settings(WARN_VISITS=2, WARN_VISITS_DAYS=3):
        Alert.objects.all().delete()
        assert scan_on(2026, 6, 6)["frequent"] == 0  # the two visits are 4 days apart


def test_frequent_visitor_once_per_episode(tree: Tree, personas: Personas) -> None:
    _visits(personas, tree, [1, 3, 5, 10, 12])
    assert scan_on(2026, 6, 5)["frequent"] == 1
    assert scan_on(2026, 6, 5)["frequent"] == 0  # the same scan again
    assert scan_on(2026, 6, 12)["frequent"] == 0  # more visits, same episode
    for d in (2, 3, 4):  # the episode (from 1 June) is over on 1 July: three more visits start a new one
        _again(personas, tree, at(2026, 7, d))
    assert scan_on(2026, 7, 4)["frequent"] == 1
    assert [a.cause.rsplit(":", 1)[1] for a in alerts(AlertRule.FREQUENT_VISITOR)] == [
        "2026-06-01",
        "2026-07-02",
    ]


def test_visits_of_different_people_are_not_added_up(tree: Tree, personas: Personas) -> None:
    for i in range(4):
        intake_on(at(2026, 6, 1 + i), personas.village_agent, tree.village_a1x, petitioners=person(i))
    assert scan_on(2026, 6, 5)["frequent"] == 0


# -------------------------------------------------------------------------------------- group, 重大


def test_group_matter_is_told_to_the_county(tree: Tree, personas: Personas) -> None:
    m = intake_on(at(2026, 6, 3), personas.village_agent, tree.village_a1x, headcount=6)
    intake_on(at(2026, 6, 3), personas.township_staff, tree.village_a1y, headcount=4, petitioners=person(1))
    assert scan_on(2026, 6, 3)["group"] == 1
    (alert,) = alerts(AlertRule.GROUP)
    assert (alert.region, alert.matter, alert.cause) == (tree.county_a, m, f"matter:{m.pk}")
    assert m.number in alert.reason and "6 人" in alert.reason
    assert scan_on(2026, 6, 4)["group"] == 0


def test_group_size_from_settings_and_lookback_bounds_the_scan(tree: Tree, personas: Personas) -> None:
    intake_on(at(2026, 6, 1), personas.village_agent, tree.village_a1x, headcount=4)
    with override_settings(WARN_GROUP_SIZE=4):
        assert scan_on(2026, 6, 9)["group"] == 0  # 8 days ago: outside the 7-day look-back
        with override_settings(WARN_LOOKBACK_DAYS=10):
            assert scan_on(2026, 6, 9)["group"] == 1


def test_grave_screening_is_told_to_the_county(tree: Tree, personas: Personas) -> None:
    grave = screening(
        tree.village_a1x, personas.village_agent, risk=RiskLevel.GRAVE, is_group=True, headcount=12
    )
    screening(tree.village_a1x, personas.village_agent, risk=RiskLevel.SERIOUS)
    screening(
        tree.village_a1x,
        personas.village_agent,
        risk=RiskLevel.GRAVE,
        status=ScreeningStatus.RESOLVED,
        review_on=None,
        closed_on=datetime.date(2026, 6, 11),
    )
    assert scan_on(2026, 6, 12)["grave"] == 1
    (alert,) = alerts(AlertRule.GRAVE_SCREENING)
    assert (alert.region, alert.screening, alert.cause) == (tree.county_a, grave, f"screening:{grave.pk}")
    assert grave.number in alert.reason and "12 人" in alert.reason and "推搡" in alert.reason
    assert scan_on(2026, 6, 13)["grave"] == 0


def test_screening_raised_to_grave_later_is_found_by_its_follow_up_date(
    tree: Tree, personas: Personas
) -> None:
    s = screening(tree.village_a1x, personas.village_agent, found_on=datetime.date(2026, 4, 1))
    assert scan_on(2026, 6, 20)["grave"] == 0
    s.risk, s.review_on = RiskLevel.GRAVE, datetime.date(2026, 6, 23)
    s.save()
    assert scan_on(2026, 6, 20)["grave"] == 1


# ------------------------------------------------------------------------------------------- surge


def _matters(t: Tree, p: Personas, month: int, n: int, start: int = 0, year: int = 2026) -> None:
    for i in range(n):
        intake_on(at(year, month, 2 + i), p.village_agent, t.village_a1x, petitioners=person(start + i))


def test_village_surge_is_told_to_the_township(tree: Tree, personas: Personas) -> None:
    _matters(tree, personas, 1, 2, start=0)  # 2 in the previous 6 months: 0.33 a month
    _matters(tree, personas, 6, 3, start=10)
    assert scan_on(2026, 6, 20)["surge"] == 1
    (alert,) = alerts(AlertRule.SURGE)
    assert (alert.region, alert.subject_region) == (tree.town_a1, tree.village_a1x)
    assert alert.cause == f"village:{tree.village_a1x.code}:2026-06"
    assert "苏雅拉社区" in alert.reason and "3 件" in alert.reason and "0.3 件" in alert.reason
    _matters(tree, personas, 6, 1, start=20)
    assert scan_on(2026, 6, 25)["surge"] == 0  # once a month


def test_village_surge_near_misses_and_settings(tree: Tree, personas: Personas) -> None:
    _matters(tree, personas, 6, 2, start=0)
    assert scan_on(2026, 6, 20)["surge"] == 0  # fewer than WARN_SURGE_MIN
    with override_settings(WARN_SURGE_MIN=2):
        assert scan_on(2026, 6, 20)["surge"] == 1
    Alert.objects.all().delete()
    _matters(tree, personas, 3, 2, start=10)  # now 2 in March: 0.33 a month, this month 2
    with override_settings(WARN_SURGE_MIN=2, WARN_SURGE_FACTOR=6.0):
        assert scan_on(2026, 6, 20)["surge"] == 0  # 2 is not above 6 × 0.33
    with override_settings(WARN_SURGE_MIN=2, WARN_SURGE_FACTOR=5.0):
        assert scan_on(2026, 6, 20)["surge"] == 1


def test_matters_seven_months_back_do_not_count_in_the_average(tree: Tree, personas: Personas) -> None:
    _matters(tree, personas, 11, 12, start=0, year=2025)  # before the 6 months (Dec–May)
    _matters(tree, personas, 6, 3, start=20)
    assert scan_on(2026, 6, 20)["surge"] == 1


# ------------------------------------------------------------------------------------------- 越级


def test_bypass_is_told_to_the_township(tree: Tree, personas: Personas) -> None:
    m = intake_on(at(2026, 6, 3), personas.county_staff, tree.village_a1x)
    assert scan_on(2026, 6, 3)["bypass"] == 1
    (alert,) = alerts(AlertRule.BYPASS)
    assert (alert.region, alert.matter, alert.subject_region) == (tree.town_a1, m, tree.village_a1x)
    assert "新城区代办中心" in alert.reason and "苏雅拉社区" in alert.reason and m.number in alert.reason
    assert scan_on(2026, 6, 4)["bypass"] == 0


def test_bypass_near_misses(tree: Tree, personas: Personas) -> None:
    # 呼伦社区 has a point but no agent.
    intake_on(at(2026, 6, 3), personas.county_staff, tree.village_a1y, petitioners=person(1))
    # Taken in by the township station: not a bypass of the township.
    intake_on(at(2026, 6, 3), personas.township_staff, tree.village_a1x, petitioners=person(2))
    # Someone who came to the village point before.
    intake_on(at(2026, 5, 20), personas.village_agent, tree.village_a1x, petitioners=person(3))
    intake_on(at(2026, 6, 3), personas.county_staff, tree.village_a1x, petitioners=person(3), new_matter=True)
    # A county matter about the township itself (no village).
    intake_on(at(2026, 6, 3), personas.county_staff, tree.town_a1, petitioners=person(4))
    assert scan_on(2026, 6, 3)["bypass"] == 0


# ---------------------------------------------------------------------------------- follow-up overdue


def test_overdue_screening_is_told_to_its_own_level(tree: Tree, personas: Personas) -> None:
    s = screening(tree.village_a1x, personas.village_agent, review_on=datetime.date(2026, 6, 18))
    screening(tree.village_a1x, personas.village_agent, review_on=datetime.date(2026, 6, 20))  # due today
    screening(
        tree.village_a1x,
        personas.village_agent,
        status=ScreeningStatus.RESOLVED,
        review_on=None,
        closed_on=datetime.date(2026, 6, 15),
    )
    screening(tree.village_a1x, personas.village_agent, review_on=datetime.date(2026, 6, 1))  # long past
    assert scan_on(2026, 6, 20)["overdue"] == 1
    (alert,) = alerts(AlertRule.SCREENING_OVERDUE)
    assert (alert.region, alert.screening) == (tree.village_a1x, s)
    assert alert.cause == f"screening:{s.pk}:2026-06-18"
    assert s.number in alert.reason and "已过 2 天" in alert.reason and "在控" in alert.reason
    assert scan_on(2026, 6, 20, 18)["overdue"] == 0  # the same facts again
    assert scan_on(2026, 6, 21)["overdue"] == 1  # the one due on the 20th, not the first again
    # Followed up (a new date), then let slip again: a new alert for the new date.
    s.review_on = datetime.date(2026, 6, 22)
    s.save()
    assert scan_on(2026, 6, 24)["overdue"] == 1
    assert Alert.objects.filter(screening=s).count() == 2


# ------------------------------------------------------------------------------------------ the insert


def test_the_constraint_decides_not_the_check(tree: Tree, personas: Personas) -> None:
    intake_on(at(2026, 6, 3), personas.village_agent, tree.village_a1x, headcount=6)
    with warnings.clock.frozen(at(2026, 6, 3, 12)):
        first = warnings.group_matters(warnings.clock.now())
        second = warnings.group_matters(warnings.clock.now())
    assert warnings.raise_alert(first[0]) is True
    assert warnings.raise_alert(second[0]) is False  # no read of existing causes in between
    assert Alert.objects.count() == 1


def test_repeat_visits_are_found_by_a_bounded_id_range(tree: Tree, personas: Personas) -> None:
    _visits(personas, tree, [1, 3, 5])
    events = list(Event.objects.order_by("pk").values_list("pk", "at"))
    since = at(2026, 6, 3, 9)
    bound = warnings._first_event_id_since(since)
    assert bound is not None
    assert all(at_ < since for pk, at_ in events if pk < bound)
    assert any(pk >= bound and at_ >= since for pk, at_ in events)
    assert warnings._first_event_id_since(at(2026, 7, 1)) is None
