"""``manage.py reindex_search [--batch N]``: rebuild the search index of every matter (the backfill)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from daiban.matters.models import Matter
from daiban.search.index import reindex


class Command(BaseCommand):
    help = "重建全部事项的检索索引（按批处理，可重复运行）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=500, help="每个事务处理的事项数（默认 500）")

    def handle(self, *args: Any, **options: Any) -> None:
        batch = options["batch"]
        if batch <= 0:
            self.stderr.write("--batch 必须是正整数。")
            raise SystemExit(2)
        started = time.perf_counter()
        matters = rows = 0
        last = 0
        while True:
            ids = list(Matter.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
            if not ids:
                break
            rows += reindex(ids)
            matters += len(ids)
            last = ids[-1]
        self.stdout.write(
            f"已重建检索索引：事项 {matters} 件，索引项 {rows} 条，用时 {time.perf_counter() - started:.1f} 秒。"
        )
