"""``manage.py rebuild_stats``: recompute every statistics fact and rollup row from the records."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from daiban.stats import facts


class Command(BaseCommand):
    help = "重新计算全部统计汇总（事实行与按区划、日期汇总的数字）。"

    def handle(self, *args: Any, **options: Any) -> None:
        t0 = time.perf_counter()
        totals = facts.rebuild()
        self.stdout.write(
            f"已重新计算：代办事项 {totals['matters']:,} 件，排查 {totals['screenings']:,} 件，"
            f"汇总行 {totals['rollups']:,} 行（用时 {time.perf_counter() - t0:.1f} 秒）。"
        )
