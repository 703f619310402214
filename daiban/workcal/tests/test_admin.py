"""The admin pages for schedules and time limits."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from daiban.workcal.models import ScheduleDay, ScheduleYear, TimeLimit

pytestmark = pytest.mark.django_db


def test_pages_render(admin_client: Client, schedule_2027: ScheduleYear) -> None:
    for url in (
        reverse("admin:workcal_scheduleyear_changelist"),
        reverse("admin:workcal_scheduleyear_add"),
        reverse("admin:workcal_scheduleyear_change", args=[schedule_2027.pk]),
        reverse("admin:workcal_scheduleday_changelist"),
        reverse("admin:workcal_timelimit_changelist"),
        reverse("admin:workcal_timelimit_change", args=[TimeLimit.objects.get(key="handling").pk]),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    changelist = admin_client.get(reverse("admin:workcal_scheduleyear_changelist")).content.decode()
    assert "已录入天数" in changelist


def test_time_limits_cannot_be_deleted_and_keys_are_fixed(admin_client: Client) -> None:
    limit = TimeLimit.objects.get(key="handling")
    response = admin_client.post(reverse("admin:workcal_timelimit_delete", args=[limit.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert TimeLimit.objects.filter(key="handling").exists()
    response = admin_client.post(
        reverse("admin:workcal_timelimit_change", args=[limit.pk]),
        {
            "key": "renamed",
            "name": "办理期限",
            "length": "45",
            "unit": "calendar_days",
            "start_event": "受理之日",
            "article": "第三十四条",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    limit.refresh_from_db()
    assert (limit.key, limit.length) == ("handling", 45)


def test_a_day_must_belong_to_its_schedule_year() -> None:
    year = ScheduleYear.objects.create(year=2027, is_published=True)
    ScheduleDay(year=year, date=date(2026, 12, 31), name="元旦调休").full_clean()  # late December: allowed
    with pytest.raises(ValidationError, match="日期须在 2027 年内"):
        ScheduleDay(year=year, date=date(2026, 10, 1), name="国庆节").full_clean()
    with pytest.raises(ValidationError, match="日期须在 2027 年内"):
        ScheduleDay(year=year, date=date(2028, 1, 1), name="元旦").full_clean()


def test_a_draft_year_changes_nothing_until_published(db: None) -> None:
    from datetime import date as _date

    from daiban.workcal.calendar import day_info as _day_info
    from daiban.workcal.schedule import clear_cache as _clear

    year = ScheduleYear.objects.create(year=2026)  # a draft over a built-in year
    year.days.create(date=_date(2026, 10, 1), is_workday=True, name="草稿")
    _clear()
    assert _day_info(_date(2026, 10, 1)).is_workday is False  # the official holiday still stands
    year.is_published = True
    year.save()
    _clear()
    assert _day_info(_date(2026, 10, 1)).is_workday is True
