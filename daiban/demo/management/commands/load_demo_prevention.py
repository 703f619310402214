from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from daiban.demo.prevention import load_demo_prevention
from daiban.demo.tables import format_table


class Command(BaseCommand):
    help = (
        "载入排查预防演示数据：用真实办理动作（回拨时钟）生成矛盾纠纷排查、走访、接访活动、政务服务代办和预警；"
        "已有排查记录时不做任何改动。需先载入演示网络（和演示事项）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="以哪一天为“今天”（YYYY-MM-DD，默认今天）")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError("--today 应为 YYYY-MM-DD 格式的日期。") from exc
        result = load_demo_prevention(today=today)
        if result is None:
            self.stdout.write("已有矛盾纠纷排查记录，未载入排查预防演示数据。")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"已载入排查预防演示数据（用时 {result.seconds:.1f} 秒）：走访 {result.visits} 次，"
                f"接访登记 {result.receptions} 人次，由排查和接访转为信访事项 {result.matters} 件。"
            )
        )
        for title, counts in (
            ("矛盾纠纷排查", result.screenings),
            ("政务服务代办", result.errands),
            ("预警", result.alerts),
        ):
            rows = [(k, str(v)) for k, v in counts.items()]
            rows.append(("合计", str(sum(counts.values()))))
            for line in format_table((title, "件数"), rows):
                self.stdout.write(line)
            self.stdout.write("")
