"""Writes to the schedule tables other than plain admin edits."""

from __future__ import annotations

import chinese_calendar
from django.db import transaction

from daiban.workcal.models import ScheduleDay, ScheduleSource, ScheduleYear
from daiban.workcal.schedule import builtin_schedule_days


class ScheduleImportError(ValueError):
    pass


@transaction.atomic
def schedule_year_import_builtin(*, year: int, replace: bool = False) -> ScheduleYear:
    """Copy chinesecalendar's schedule for ``year`` into the database so an administrator can see and edit it.

    Stores every named day (holidays, including their weekend days, and make-up working days). Refuses to
    overwrite an existing year unless ``replace``.
    """
    days = builtin_schedule_days(year)
    if days is None:
        raise ScheduleImportError(f"内置数据不含 {year} 年的节假日安排，请在后台手工录入")
    existing = ScheduleYear.objects.select_for_update().filter(year=year).first()
    if existing is not None and not replace:
        raise ScheduleImportError(f"{year} 年节假日安排已存在；如需以内置数据覆盖，请指定覆盖")
    if existing is not None:
        existing.delete()
    schedule_year = ScheduleYear.objects.create(
        year=year,
        source=ScheduleSource.BUILTIN,
        is_published=True,
        note=f"由 chinesecalendar {chinese_calendar.__version__} 内置的国务院节假日安排导入",
    )
    for day, info in sorted(days.items()):
        ScheduleDay.objects.create(year=schedule_year, date=day, is_workday=info.is_workday, name=info.name)
    return schedule_year
