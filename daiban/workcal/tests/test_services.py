"""Importing the built-in schedule into the database."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from daiban.workcal.calendar import Schedule, day_info
from daiban.workcal.models import ScheduleSource, ScheduleYear
from daiban.workcal.services import ScheduleImportError, schedule_year_import_builtin

pytestmark = pytest.mark.django_db


def test_imported_year_reproduces_the_builtin_schedule() -> None:
    year = schedule_year_import_builtin(year=2026)
    assert year.source == ScheduleSource.BUILTIN
    assert year.days.filter(name="国庆节").count() == 7
    builtin = Schedule()
    d = date(2026, 1, 1)
    while d.year == 2026:
        assert day_info(d) == builtin.day_info(d), d
        d += timedelta(days=1)


def test_import_refuses_unknown_years_and_overwrites_only_when_asked() -> None:
    with pytest.raises(ScheduleImportError, match="内置数据不含 2027 年"):
        schedule_year_import_builtin(year=2027)
    schedule_year_import_builtin(year=2026)
    with pytest.raises(ScheduleImportError, match="已存在"):
        schedule_year_import_builtin(year=2026)
    schedule_year_import_builtin(year=2026, replace=True)
    assert ScheduleYear.objects.filter(year=2026).count() == 1


def test_import_command() -> None:
    out = StringIO()
    call_command("import_builtin_schedule", "2026", stdout=out)
    assert "已导入 2026 年节假日安排" in out.getvalue()
    with pytest.raises(CommandError, match="已存在"):
        call_command("import_builtin_schedule", "2026", stdout=out)
