"""The prevention demo (daiban.demo.prevention): made through the actions on the real demo network, in the
report's proportions (far more conflicts screened than petitions; most settled first), linked both ways,
deterministic and loaded once."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test import Client

from daiban.accounts.models import User
from daiban.core import clock
from daiban.demo.matters import load_demo_matters
from daiban.demo.network import load_demo_network
from daiban.demo.prevention import PreventionResult, load_demo_prevention
from daiban.demo.supervision import load_demo_supervision
from daiban.matters.choices import Channel
from daiban.matters.models import Matter
from daiban.prevention.models import (
    Alert,
    Errand,
    ErrandStatus,
    Reception,
    ReceptionSession,
    Screening,
    ScreeningStatus,
    SessionStatus,
    Visit,
)

TODAY = datetime.date(2026, 6, 30)
SCALE = 0.25


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: object) -> Iterator[PreventionResult]:
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        assert load_demo_network() is not None
        assert load_demo_matters(today=TODAY, count=30, seed=2026) is not None
        result = load_demo_prevention(today=TODAY, scale=SCALE)
        assert result is not None
        assert load_demo_supervision(today=TODAY) is not None
        yield result
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo: PreventionResult, db: None) -> PreventionResult:
    return demo


def test_far_more_screened_than_petitioned_and_most_settled_first(loaded: PreventionResult) -> None:
    total = Screening.objects.count()
    assert total == round(420 * SCALE)
    by_status = dict(Screening.objects.values_list("status").annotate(n=Count("id")))
    assert set(by_status) == set(ScreeningStatus.values), by_status
    petitions = by_status[ScreeningStatus.PETITION]
    settled = by_status[ScreeningStatus.RESOLVED] + by_status[ScreeningStatus.TRANSFERRED]
    assert petitions * 5 < total
    assert settled > total / 2


def test_screenings_turned_into_matters_are_linked_both_ways(loaded: PreventionResult) -> None:
    rows = Screening.objects.filter(status=ScreeningStatus.PETITION).select_related("matter")
    assert rows
    for row in rows:
        assert row.matter is not None
        assert row.matter.channel == Channel.SCREENING
        assert row.matter.events.get(seq=1).details["origin"] == f"screening:{row.pk}"
        assert row.review_on is None and row.closed_on is not None
    agent = User.objects.get(username="suyala_daiban")
    mine = rows.filter(region_id=agent.region_id).first() or rows.filter(found_by=agent).first()
    if mine is not None:
        client = Client()
        client.force_login(mine.found_by)
        page = client.get(f"/matters/{mine.matter_id}/").content.decode()
        assert f"/screenings/{mine.pk}/" in page


def test_every_record_has_its_events_in_the_past(loaded: PreventionResult) -> None:
    end = datetime.datetime.combine(TODAY, datetime.time(23, 59), tzinfo=datetime.UTC)
    for row in Screening.objects.prefetch_related("events"):
        events = list(row.events.all())
        assert [e.seq for e in events] == list(range(1, row.version + 1))
        assert all(e.at < end for e in events)
        assert events[0].kind == "record"
    visits = Visit.objects.all()
    assert visits.count() >= 20
    assert Screening.objects.filter(visit__isnull=False).exists()
    assert all(v.visited_on < TODAY for v in visits)


def test_sessions_held_with_receptions_and_upcoming_ones_published(loaded: PreventionResult) -> None:
    by_status = dict(ReceptionSession.objects.values_list("status").annotate(n=Count("id")))
    assert by_status.get(SessionStatus.HELD, 0) >= 15
    assert by_status.get(SessionStatus.SCHEDULED, 0) >= 5
    assert by_status.get(SessionStatus.CANCELLED, 0) == 1
    assert Reception.objects.filter(matter__isnull=True).exists()
    received = Reception.objects.filter(matter__isnull=False).select_related("matter")
    assert received
    for reception in received:
        assert reception.received_by in reception.matter.leaders.all()  # 接访即代办
    upcoming = ReceptionSession.objects.filter(status=SessionStatus.SCHEDULED, region__code="150125").first()
    assert upcoming is not None
    client = Client()
    client.force_login(User.objects.get(username="wuchuan_zhongxin"))
    with clock.frozen(datetime.datetime.combine(TODAY, datetime.time(10), tzinfo=datetime.UTC)):
        page = client.get("/network/region/150125/").content.decode()
    assert upcoming.title in page


def test_errands_and_alerts(loaded: PreventionResult) -> None:
    by_status = dict(Errand.objects.values_list("status").annotate(n=Count("id")))
    assert set(by_status) == set(ErrandStatus.values)
    assert by_status[ErrandStatus.DONE] > by_status[ErrandStatus.NOT_DONE]
    assert Alert.objects.exists()
    assert Alert.objects.exclude(status="open").exists()  # the desks handled some
    assert not Alert.objects.values("rule", "cause").annotate(n=Count("id")).filter(n__gt=1).exists()


def test_matter_numbers_and_loading_again(loaded: PreventionResult) -> None:
    assert loaded.matters == Matter.objects.filter(events__details__has_key="origin").distinct().count()
    assert load_demo_prevention(today=TODAY, scale=SCALE) is None
    out = StringIO()
    call_command("load_demo_prevention", "--today", TODAY.isoformat(), stdout=out)
    assert "未载入" in out.getvalue()


def test_same_seed_and_day_give_the_same_demo(loaded: PreventionResult) -> None:
    def fingerprint() -> list[tuple[object, ...]]:
        return list(
            Screening.objects.order_by("number").values_list("number", "title", "status", "risk", "found_on")
        )

    first = fingerprint()
    with transaction.atomic():
        for model in (Alert, Reception):
            model.objects.all().delete()
        ReceptionSession.objects.all().delete()
        Screening.objects.all().delete()
        Errand.objects.all().delete()
        Visit.objects.all().delete()
        from daiban.prevention.models import Sequence

        Sequence.objects.all().delete()
        # The matters made from screenings and sessions stay; the second run makes new ones beside them.
        assert load_demo_prevention(today=TODAY, scale=SCALE) is not None
        second = fingerprint()
        transaction.set_rollback(True)
    assert first == second


def test_the_demo_scan_reminds_supervises_and_tells_people_once(loaded: PreventionResult) -> None:
    from daiban.notify.models import Message
    from daiban.supervision.models import Reminder, SupervisionOrder

    assert Reminder.objects.filter(stage="due_soon").exists()
    assert Reminder.objects.filter(stage="overdue").exists()
    assert SupervisionOrder.objects.filter(rung="order").exists()
    assert SupervisionOrder.objects.exclude(feedback="").exists()  # some units answered in writing
    assert Message.objects.filter(kind="supervision_order").exists()
    assert not Message.objects.values("recipient", "key").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert load_demo_supervision(today=TODAY) is None
