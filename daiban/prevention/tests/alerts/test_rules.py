"""Each early-warning rule: it fires on the right facts, to the right level, with a reason naming them; not
on near misses; its threshold comes from settings; a second scan raises nothing again."""

from __future__ import annotations

import datetime
import logging
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings

from conftest import Personas, Tree
from daiban.matters.models import Event, Matter
from daiban.matters.tests.factories import at
from daiban.prevention import warnings
from daiban.prevention.actions.screenings import screening_record
from daiban.prevention.models import Alert, AlertRule, Screening
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
    # The cause is the day of the visit that crossed the threshold (the third).
    assert alert.cause == f"petitioner:{alert.petitioner_id}:2026-06-05"
    assert alert.subject_region == tree.village_a1x
    assert "来访 3 次" in alert.reason and "重复来访 2 次" in alert.reason
    assert "30 日内 3 次" in alert.reason and "6月1日至2026年6月5日" in alert.reason
    # Neither the person nor the matter's title is stored: the pages add them for those who may see them.
    assert alert.matter is not None
    assert "王建国" not in alert.reason and alert.matter.title not in alert.reason


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
    for d in (2, 3):  # still within 30 days of the visit alerted on 5 June
        _again(personas, tree, at(2026, 7, d))
    assert scan_on(2026, 7, 4)["frequent"] == 0
    # From 5 July on, a visit with three in the 30 days before it (10, 12 June, 2, 3 July) is a new alert.
    _again(personas, tree, at(2026, 7, 6))
    assert scan_on(2026, 7, 6)["frequent"] == 1
    assert [a.cause.rsplit(":", 1)[1] for a in alerts(AlertRule.FREQUENT_VISITOR)] == [
        "2026-06-05",
        "2026-07-06",
    ]


def test_frequent_visitor_cause_does_not_move_when_a_visit_leaves_the_window(
    tree: Tree, personas: Personas
) -> None:
    """Two consumers scan seconds apart, one just before the person's first visit leaves the 30-day window
    and one just after, neither seeing the other's insert yet: both name the same cause."""
    intake_on(at(2026, 6, 1, 12), personas.village_agent, tree.village_a1x)
    for when in (at(2026, 6, 10), at(2026, 6, 20), at(2026, 7, 1, 11)):
        _again(personas, tree, when)
    before = at(2026, 7, 1, 12)  # 1 June 12:00 is exactly 30 days back: still in the window
    after = before + datetime.timedelta(seconds=5)  # ...and now out of it
    with warnings.clock.frozen(before):
        first = warnings.frequent_visitors(before)
    with warnings.clock.frozen(after):
        second = warnings.frequent_visitors(after)
    assert [a.cause for a in first] == [a.cause for a in second]
    assert first[0].cause.endswith(":2026-06-20")  # the third visit crossed the threshold
    assert [warnings.raise_alert(a) for a in (*first, *second)] == [True, False]
    assert Alert.objects.filter(rule=AlertRule.FREQUENT_VISITOR).count() == 1


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
    assert m.title not in alert.reason and str(personas.village_agent) not in alert.reason
    assert scan_on(2026, 6, 4)["group"] == 0


def _accuse(when: datetime.datetime, p: Personas, t: Tree, **overrides: Any) -> Matter:
    fields: dict[str, Any] = {
        "purpose": "accusation",
        "category": "discipline",
        "title": "检举村干部侵占征地补偿款",
        "petitioners": person(7),
    }
    return intake_on(when, p.county_staff, t.village_a1x, **(fields | overrides))


def test_an_accusation_raises_no_network_alert(tree: Tree, personas: Personas) -> None:
    """A group accusation taken in at the county (越级 in form), brought three times by the same person: the
    discipline side's, never a group, bypass or frequent-visitor alert read by the network."""
    first = _accuse(at(2026, 6, 1), personas, tree, headcount=6)
    assert first.is_accusation
    _accuse(at(2026, 6, 2), personas, tree, repeat_of=first.pk)
    _accuse(at(2026, 6, 3), personas, tree, new_matter=True)
    assert scan_on(2026, 6, 3) == {rule.value: 0 for rule in AlertRule}
    # The same facts as an ordinary matter do raise them (the rules are not simply blind here).
    intake_on(at(2026, 6, 4), personas.county_staff, tree.village_a1x, headcount=6)
    raised = scan_on(2026, 6, 4)
    assert (raised["group"], raised["bypass"]) == (1, 1)


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
    assert grave.number in alert.reason and "12 人" in alert.reason
    # The summary and the risk reason may name people: the page shows them to readers of the screening.
    assert grave.title not in alert.reason and "推搡" not in alert.reason
    assert scan_on(2026, 6, 13)["grave"] == 0


def _record_grave(p: Personas, t: Tree, day: datetime.date, found_on: datetime.date) -> Screening:
    with warnings.clock.frozen(at(day.year, day.month, day.day, 9)):
        return screening_record(
            actor=p.village_agent,
            region=t.village_a1x,
            kind="land",
            title="两户宅基地界址纠纷",
            description="两户因宅基地界址争执，扬言动手。",
            risk=RiskLevel.GRAVE,
            risk_reason="一方扬言动手。",
            source="visit",
            found_on=found_on,
        )


def test_a_backdated_grave_screening_is_alerted_when_it_is_recorded(tree: Tree, personas: Personas) -> None:
    """Found 20 days ago, recorded today: its found_on and first follow-up date (found_on + 3 days) are both
    before the look-back, but the recording is today's fact."""
    day = datetime.date(2026, 6, 20)
    s = _record_grave(personas, tree, day, day - datetime.timedelta(days=20))
    assert s.review_on == datetime.date(2026, 6, 3)
    raised = scan_on(2026, 6, 20)
    assert raised["grave"] == 1
    (alert,) = alerts(AlertRule.GRAVE_SCREENING)
    assert (alert.screening, alert.region) == (s, tree.county_a)
    # Its follow-up date passed before it was even recorded: overdue at once, though 17 days back.
    assert raised["overdue"] == 1
    assert alerts(AlertRule.SCREENING_OVERDUE)[0].cause == f"screening:{s.pk}:2026-06-03"
    assert scan_on(2026, 6, 21) == {rule.value: 0 for rule in AlertRule}


def test_a_grave_screening_is_overdue_once_its_review_date_passes(tree: Tree, personas: Personas) -> None:
    day = datetime.date(2026, 6, 20)
    s = _record_grave(personas, tree, day, day - datetime.timedelta(days=2))  # follow up by 21 June
    assert scan_on(2026, 6, 20)["overdue"] == 0
    assert scan_on(2026, 6, 21)["overdue"] == 0  # due today
    assert scan_on(2026, 6, 22)["overdue"] == 1
    # Nobody scanned for a month (the look-back is 7 days): a screening past its date is still found.
    Alert.objects.filter(rule=AlertRule.SCREENING_OVERDUE).delete()
    assert scan_on(2026, 7, 22)["overdue"] == 1
    assert alerts(AlertRule.SCREENING_OVERDUE)[0].screening == s


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
    assert m.title not in alert.reason and str(personas.county_staff) not in alert.reason
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
    # Long past, before the look-back: still neglected, still alerted.
    old = screening(tree.village_a1x, personas.village_agent, review_on=datetime.date(2026, 6, 1))
    assert scan_on(2026, 6, 20)["overdue"] == 2
    alert = Alert.objects.get(rule=AlertRule.SCREENING_OVERDUE, screening=s)
    assert (alert.region, alert.screening) == (tree.village_a1x, s)
    assert alert.cause == f"screening:{s.pk}:2026-06-18"
    assert s.number in alert.reason and "已过 2 天" in alert.reason and "在控" in alert.reason
    assert s.title not in alert.reason and str(personas.village_agent) not in alert.reason
    assert Alert.objects.get(rule=AlertRule.SCREENING_OVERDUE, screening=old).cause.endswith(":2026-06-01")
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


# ------------------------------------------------------------------------------------ a failing rule


def test_one_failing_rule_does_not_stop_the_others(
    tree: Tree, personas: Personas, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    intake_on(at(2026, 6, 3), personas.village_agent, tree.village_a1x, headcount=6)

    def leaks(now: datetime.datetime) -> list[Alert]:
        raise ValueError("王建国 13904710001 老旧小区改造遗留问题")

    def breaks_the_query(now: datetime.datetime) -> list[Alert]:
        with connection.cursor() as cursor:  # on PostgreSQL this aborts the transaction it runs in
            cursor.execute("SELECT * FROM no_such_table_for_alerts")
        return []

    monkeypatch.setitem(warnings.RULES, AlertRule.FREQUENT_VISITOR, leaks)  # runs first
    monkeypatch.setitem(warnings.RULES, AlertRule.SURGE, breaks_the_query)
    with caplog.at_level(logging.ERROR, logger="daiban.prevention.warnings"):
        raised = scan_on(2026, 6, 3)
    assert (raised["frequent"], raised["surge"], raised["group"]) == (0, 0, 1)
    assert Alert.objects.filter(rule=AlertRule.GROUP).count() == 1
    failures = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(failures) == 2
    assert "rule frequent failed: ValueError" in failures[0] and "test_rules.py" in failures[0]
    assert "rule surge failed" in failures[1]
    # No personal data, and no exception message (which may quote it), in the log.
    assert "王建国" not in caplog.text and "13904710001" not in caplog.text and "老旧小区" not in caplog.text
    assert not any(r.exc_info for r in caplog.records)
