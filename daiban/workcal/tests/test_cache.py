"""The per-process cache: no query per day, and edits are seen at once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries, Settings

from daiban.workcal.calendar import add_period, day_info, deadline_for, is_year_known
from daiban.workcal.models import ScheduleDay, ScheduleYear

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _long_cache(settings: Settings) -> None:
    settings.WORKCAL_CACHE_SECONDS = 3600


def test_a_batch_of_deadlines_costs_no_query_once_loaded(
    django_assert_max_num_queries: DjangoAssertNumQueries, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_max_num_queries(6):  # the fingerprint and one load
        day_info(date(2026, 10, 1))
    with django_assert_num_queries(0):
        for offset in range(300):
            start = date(2026, 1, 1) + timedelta(days=offset)
            deadline_for("handling", start, extra_days=30)
            deadline_for("objection", start)
            add_period(start, 10, "working_days")
        is_year_known(2027)


def test_orm_edits_invalidate_at_once() -> None:
    # Without a schedule, 元旦 is guessed from the holiday law (provisional).
    assert not day_info(date(2027, 1, 1)).is_workday and not day_info(date(2027, 1, 1)).known
    year = ScheduleYear.objects.create(year=2027, is_published=True)
    assert is_year_known(2027)
    assert day_info(date(2027, 1, 1)).is_workday  # an entered year lists its holidays itself
    day = ScheduleDay.objects.create(year=year, date=date(2027, 1, 1), is_workday=False, name="元旦")
    assert not day_info(date(2027, 1, 1)).is_workday
    day.is_workday = True
    day.save()
    assert day_info(date(2027, 1, 1)).is_workday
    day.delete()
    assert day_info(date(2027, 1, 1)).name == ""
    year.delete()
    assert not is_year_known(2027)


def test_admin_edit_invalidates_the_cache(admin_client: Client) -> None:
    assert day_info(date(2027, 1, 1)).known is False  # cached now
    response = admin_client.post(
        reverse("admin:workcal_scheduleyear_add"),
        {
            "year": "2027",
            "source": "manual",
            "note": "国办发明电〔2026〕×号",
            "is_published": "on",
            "days-TOTAL_FORMS": "2",
            "days-INITIAL_FORMS": "0",
            "days-MIN_NUM_FORMS": "0",
            "days-MAX_NUM_FORMS": "1000",
            "days-0-date": "2027-01-01",
            "days-0-name": "元旦",
            "days-1-date": "2027-02-20",
            "days-1-is_workday": "on",
            "days-1-name": "调休上班",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert day_info(date(2027, 1, 1)).is_workday is False
    assert day_info(date(2027, 1, 1)).known is True
    assert day_info(date(2027, 2, 20)).is_workday is True

    # Now edit the day through the admin change form: 元旦 becomes a working day (a silly but visible edit).
    year = ScheduleYear.objects.get(year=2027)
    new_year_day = year.days.get(date=date(2027, 1, 1))
    make_up = year.days.get(date=date(2027, 2, 20))
    response = admin_client.post(
        reverse("admin:workcal_scheduleyear_change", args=[year.pk]),
        {
            "year": "2027",
            "source": "manual",
            "note": "",
            "is_published": "on",
            "days-TOTAL_FORMS": "2",
            "days-INITIAL_FORMS": "2",
            "days-MIN_NUM_FORMS": "0",
            "days-MAX_NUM_FORMS": "1000",
            "days-0-id": str(new_year_day.pk),
            "days-0-year": str(year.pk),
            "days-0-date": "2027-01-01",
            "days-0-is_workday": "on",
            "days-0-name": "元旦",
            "days-1-id": str(make_up.pk),
            "days-1-year": str(year.pk),
            "days-1-date": "2027-02-20",
            "days-1-is_workday": "on",
            "days-1-name": "调休上班",
            "days-1-DELETE": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert day_info(date(2027, 1, 1)).is_workday is True
    assert day_info(date(2027, 2, 20)).is_workday is False  # deleted: an ordinary Saturday again


def test_other_processes_notice_through_the_fingerprint(settings: Settings) -> None:
    # Simulate another process's edit: change rows without signals (update() sends none).
    year = ScheduleYear.objects.create(year=2027, is_published=True)
    day = ScheduleDay.objects.create(year=year, date=date(2027, 1, 1), is_workday=False, name="元旦")
    assert not day_info(date(2027, 1, 1)).is_workday
    ScheduleDay.objects.filter(pk=day.pk).update(is_workday=True, updated_at=timezone.now())
    assert not day_info(date(2027, 1, 1)).is_workday  # still cached: the check is throttled
    settings.WORKCAL_CACHE_SECONDS = 0
    assert day_info(date(2027, 1, 1)).is_workday
