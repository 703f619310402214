"""Receivers that keep the calendar cache fresh and fire the schedule-change hook.

They hold no business rule: they only work out which years a saved or deleted row touches.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from daiban.workcal.hooks import schedule_changed
from daiban.workcal.models import ScheduleDay, ScheduleYear, TimeLimit
from daiban.workcal.schedule import clear_cache

_PREVIOUS = "_workcal_previous_years"


@receiver(pre_save, sender=ScheduleYear, dispatch_uid="workcal_year_pre_save")
def _remember_previous_year(sender: type[ScheduleYear], instance: ScheduleYear, **kwargs: Any) -> None:
    # If an edit changes the year number, the old year is affected as well.
    if instance.pk is not None:
        old = (
            ScheduleYear.objects.using(kwargs.get("using"))
            .filter(pk=instance.pk)
            .values_list("year", flat=True)
        )
        setattr(instance, _PREVIOUS, set(old))


@receiver(pre_save, sender=ScheduleDay, dispatch_uid="workcal_day_pre_save")
def _remember_previous_day(sender: type[ScheduleDay], instance: ScheduleDay, **kwargs: Any) -> None:
    if instance.pk is not None:
        old = (
            ScheduleDay.objects.using(kwargs.get("using"))
            .filter(pk=instance.pk)
            .values_list("date", flat=True)
        )
        setattr(instance, _PREVIOUS, {d.year for d in old})


def _take_previous(instance: ScheduleYear | ScheduleDay) -> set[int]:
    previous: set[int] = getattr(instance, _PREVIOUS, set())
    if hasattr(instance, _PREVIOUS):
        delattr(instance, _PREVIOUS)
    return previous


def _year_years(instance: ScheduleYear, saved: bool) -> set[int]:
    return {instance.year} | (_take_previous(instance) if saved else set())


def _day_years(instance: ScheduleDay, using: str, saved: bool) -> set[int]:
    years = {instance.date.year} | (_take_previous(instance) if saved else set())
    # The schedule year the day belongs to (it may differ for a late-December make-up day). During a cascade
    # delete the parent row may already be gone; its own post_delete then reports its year.
    years.update(ScheduleYear.objects.using(using).filter(pk=instance.year_id).values_list("year", flat=True))
    return years


@receiver(post_save, sender=ScheduleYear, dispatch_uid="workcal_year_saved")
def _year_saved(sender: type[ScheduleYear], instance: ScheduleYear, using: str, **kwargs: Any) -> None:
    schedule_changed(_year_years(instance, saved=True), using)


@receiver(post_delete, sender=ScheduleYear, dispatch_uid="workcal_year_deleted")
def _year_deleted(sender: type[ScheduleYear], instance: ScheduleYear, using: str, **kwargs: Any) -> None:
    schedule_changed(_year_years(instance, saved=False), using)


@receiver(post_save, sender=ScheduleDay, dispatch_uid="workcal_day_saved")
def _day_saved(sender: type[ScheduleDay], instance: ScheduleDay, using: str, **kwargs: Any) -> None:
    schedule_changed(_day_years(instance, using, saved=True), using)


@receiver(post_delete, sender=ScheduleDay, dispatch_uid="workcal_day_deleted")
def _day_deleted(sender: type[ScheduleDay], instance: ScheduleDay, using: str, **kwargs: Any) -> None:
    schedule_changed(_day_years(instance, using, saved=False), using)


@receiver(post_save, sender=TimeLimit, dispatch_uid="workcal_limit_saved")
@receiver(post_delete, sender=TimeLimit, dispatch_uid="workcal_limit_deleted")
def _limit_changed(sender: type[TimeLimit], instance: TimeLimit, **kwargs: Any) -> None:
    # A changed limit applies to deadlines computed from now on; existing deadlines are not recomputed.
    clear_cache()
