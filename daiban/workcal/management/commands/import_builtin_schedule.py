"""Copy a year of the built-in State Council schedule into the database, to view or adjust it in the admin."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from daiban.workcal.services import ScheduleImportError, schedule_year_import_builtin


class Command(BaseCommand):
    help = "将内置的国务院节假日安排（chinesecalendar）导入为某年的节假日安排，便于在后台查看和调整"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int, help="年份，如 2026")
        parser.add_argument("--replace", action="store_true", help="覆盖已存在的该年安排")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            schedule_year = schedule_year_import_builtin(year=options["year"], replace=options["replace"])
        except ScheduleImportError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已导入 {schedule_year.year} 年节假日安排，共 {schedule_year.days.count()} 天。")
