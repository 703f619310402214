"""Fire the schedule-change hook for every year, so that apps recompute their open deadlines.

Safe to run twice or concurrently: it changes nothing itself, and the callbacks must be idempotent.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from daiban.workcal.hooks import notify_schedule_change, registered_callbacks
from daiban.workcal.models import ScheduleYear
from daiban.workcal.schedule import builtin_years, clear_cache


class Command(BaseCommand):
    help = "按当前节假日安排重新计算各应用中未结事项的期限（触发节假日安排变更回调）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year", type=int, action="append", dest="years", help="只处理该年份（可重复）；默认全部年份"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        clear_cache()
        years: list[int] | None = options.get("years")
        if not years:
            this_year = timezone.localdate().year
            known = set(builtin_years()) | set(ScheduleYear.objects.values_list("year", flat=True))
            # Open deadlines reach at most a few months ahead; a year beyond keeps the margin.
            years = list(range(min(known | {this_year}), max(known | {this_year + 1}) + 1))
        callbacks = registered_callbacks()
        if not callbacks:
            self.stdout.write("没有应用注册期限重算回调，无需处理。")
            return
        failures = notify_schedule_change(years)
        span = f"{min(years)}–{max(years)} 年" if len(years) > 1 else f"{years[0]} 年"
        self.stdout.write(f"已通知 {len(callbacks)} 个回调重新计算期限（{span}）。")
        if failures:
            names = "、".join(getattr(cb, "__qualname__", repr(cb)) for cb, _exc in failures)
            raise CommandError(f"{len(failures)} 个回调失败：{names}（详见日志）")
