"""Load the real division tree of this installation's city (city, counties, townships) from reference
data. Production command: idempotent, adds only the regions that are missing and never changes one."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from daiban.regions.models import Region
from daiban.regions.reference import DIVISIONS_CSV, division_tree, write_regions


class Command(BaseCommand):
    help = (
        "从参考数据（统计用区划代码）载入本市的市、县、乡三级行政区划；可重复运行，只补充缺少的区划，"
        "不修改已有区划。村（社区）不在参考数据中，由管理员在管理后台添加。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        city = settings.DAIBAN_CITY_CODE
        parser.add_argument(
            "--city", default=city, help=f"城市的区划代码（默认 {city}，即 DAIBAN_CITY_CODE）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        city_code = options["city"].strip()
        try:
            rows = division_tree(city_code).rows()
        except ValueError as exc:
            raise CommandError(f"参考数据 {DIVISIONS_CSV.name} 中没有区划代码 {city_code}。") from exc
        with transaction.atomic():
            existing = set(
                Region.objects.filter(code__in=[r.code for r in rows]).values_list("code", flat=True)
            )
            missing = [r for r in rows if r.code not in existing]
            if missing:
                write_regions(missing)
        city_name = rows[0].name
        if missing:
            self.stdout.write(
                self.style.SUCCESS(
                    f"已载入{city_name}的 {len(missing)} 个行政区划（共 {len(rows)} 个：市、县、乡三级）。"
                )
            )
        else:
            self.stdout.write(f"{city_name}的 {len(rows)} 个行政区划均已存在，未作改动。")
