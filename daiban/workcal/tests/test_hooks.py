"""The schedule-change hook and the recompute_deadlines command."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from pytest_django import DjangoCaptureOnCommitCallbacks

from daiban.workcal.calendar import on_schedule_change, remove_schedule_change_callback
from daiban.workcal.hooks import registered_callbacks
from daiban.workcal.models import ScheduleDay, ScheduleYear

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls() -> list[frozenset[int]]:
    seen: list[frozenset[int]] = []

    def recorder(years: frozenset[int]) -> None:
        seen.append(years)

    on_schedule_change(recorder)
    return seen


def test_saving_a_year_fires_after_commit_with_that_year(
    calls: list[frozenset[int]], django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ScheduleYear.objects.create(year=2027, is_published=True)
        assert calls == []  # not before commit
    assert calls == [frozenset({2027})]


def test_one_notification_per_transaction(
    calls: list[frozenset[int]], django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        year = ScheduleYear.objects.create(year=2027, is_published=True)
        for d in (1, 2, 3):
            ScheduleDay.objects.create(year=year, date=date(2027, 1, d), name="元旦")
        ScheduleDay.objects.create(year=year, date=date(2026, 12, 26), is_workday=True, name="元旦调休上班")
    assert calls == [frozenset({2026, 2027})]


def test_editing_deleting_and_moving(
    calls: list[frozenset[int]], django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    year = ScheduleYear.objects.create(year=2027, is_published=True)
    day = ScheduleDay.objects.create(year=year, date=date(2027, 1, 1), name="元旦")
    with django_capture_on_commit_callbacks(execute=True):
        day.date = date(2026, 12, 31)
        day.save()
    assert calls[-1] == frozenset({2026, 2027})
    with django_capture_on_commit_callbacks(execute=True):
        year.year = 2028
        year.save()
    assert calls[-1] == frozenset({2027, 2028})
    with django_capture_on_commit_callbacks(execute=True):
        year.delete()  # cascades to the day
    assert calls[-1] == frozenset({2026, 2028})


def test_a_rolled_back_change_does_not_notify(
    calls: list[frozenset[int]], django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                ScheduleYear.objects.create(year=2027, is_published=True)
                raise RuntimeError("abort")
        except RuntimeError:
            pass
    assert calls == []


def test_registering_twice_is_once_and_removal_works(calls: list[frozenset[int]]) -> None:
    callback = registered_callbacks()[-1]
    on_schedule_change(callback)
    assert registered_callbacks().count(callback) == 1
    remove_schedule_change_callback(callback)
    assert callback not in registered_callbacks()
    remove_schedule_change_callback(callback)  # no error


def test_a_failing_callback_does_not_stop_the_others(
    calls: list[frozenset[int]], django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    def broken(years: frozenset[int]) -> None:
        raise RuntimeError("boom")

    on_schedule_change(broken)
    with django_capture_on_commit_callbacks(execute=True):
        ScheduleYear.objects.create(year=2027, is_published=True)
    assert calls == [frozenset({2027})]


def test_recompute_command_fires_for_all_years_and_is_safe_twice(calls: list[frozenset[int]]) -> None:
    ScheduleYear.objects.create(year=2027, is_published=True)
    out = StringIO()
    call_command("recompute_deadlines", stdout=out)
    call_command("recompute_deadlines", stdout=out)
    assert len(calls) == 2
    assert calls[0] == calls[1]
    assert {2004, 2026, 2027} <= calls[0]
    assert "已通知" in out.getvalue()


def test_recompute_command_for_one_year(calls: list[frozenset[int]]) -> None:
    call_command("recompute_deadlines", "--year", "2027", stdout=StringIO())
    assert calls == [frozenset({2027})]


def test_recompute_command_reports_a_failing_callback(calls: list[frozenset[int]]) -> None:
    def broken(years: frozenset[int]) -> None:
        raise RuntimeError("boom")

    on_schedule_change(broken)
    with pytest.raises(CommandError, match="1 个回调失败"):
        call_command("recompute_deadlines", "--year", "2027", stdout=StringIO())
    assert calls == [frozenset({2027})]
