from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from daiban.demo.mediation import load_demo_mediation


class Command(BaseCommand):
    help = (
        "载入调解卷宗演示数据：为演示事项中已记录签订调解协议、仍在办理的几件事项，用真实办理动作（回拨时钟）"
        "记录调解、起草并出具、签署调解协议书，登记司法确认和履行情况；已有调解卷宗时不做任何改动。需先载入演示事项。"
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
        result = load_demo_mediation(today=today)
        if result is None:
            self.stdout.write("已有调解卷宗，未载入调解演示数据。")
            return
        if not result.matters:
            self.stdout.write("演示事项中没有已签订调解协议且仍在办理的事项，未生成调解卷宗。")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"已载入调解演示数据（用时 {result.seconds:.1f} 秒）：事项 {'、'.join(result.matters)} 的调解卷宗，"
                f"调解记录 {result.sessions} 次，调解协议 {result.agreements} 份，履行记录 {result.performances} 条，"
                f"提醒 {result.reminders} 条。"
            )
        )
