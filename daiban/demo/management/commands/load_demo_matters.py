from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from daiban.demo.matters import DEFAULT_COUNT, DEFAULT_SEED, DemoNetworkMissing, load_demo_matters
from daiban.demo.tables import format_table
from daiban.matters.choices import Status


class Command(BaseCommand):
    help = (
        "载入演示事项：在演示网络上用真实办理动作（回拨时钟）生成数百件处于各个环节的信访代办事项；"
        "已有事项时不做任何改动。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--count", type=int, default=DEFAULT_COUNT, help=f"事项件数（默认 {DEFAULT_COUNT}）"
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"随机种子（默认 {DEFAULT_SEED}）")
        parser.add_argument(
            "--today", help="以哪一天为“今天”（YYYY-MM-DD，默认今天）；所有办理步骤都在此日之前"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError("--today 应为 YYYY-MM-DD 格式的日期。") from exc
        try:
            result = load_demo_matters(today=today, count=options["count"], seed=options["seed"])
        except DemoNetworkMissing as exc:
            raise CommandError(str(exc)) from exc
        if result is None:
            self.stdout.write("已有代办事项，未载入演示事项。")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"已载入演示事项 {result.matters} 件（截至 {result.today:%Y-%m-%d}，用时 {result.seconds:.1f} 秒）。"
            )
        )
        rows = [(Status(s).label, str(n)) for s, n in result.by_status.items()]
        rows.append(("合计", str(sum(result.by_status.values()))))
        for line in format_table(("状态", "件数"), rows):
            self.stdout.write(line)
        self.stdout.write("")
        rows = [(label, str(n)) for label, n in sorted(result.closures.items(), key=lambda kv: -kv[1])]
        for line in format_table(("办结方式", "件数"), rows):
            self.stdout.write(line)
        self.stdout.write("")
        districts = [(name, str(o), str(c), str(o + c)) for name, (o, c) in result.by_district.items()]
        for line in format_table(("区县", "在办", "已办结", "合计"), districts):
            self.stdout.write(line)
        if result.accounts_created:
            handlers = [
                u for u in result.accounts_created if not u.endswith(("_zhongxin", "_zhan", "_daiban"))
            ]
            staff = [u for u in result.accounts_created if u not in handlers]
            self.stdout.write("")
            self.stdout.write(
                f"另为演示新建账号 {len(result.accounts_created)} 个（密码同演示账号）："
                f"其他区县代办中心、代办站、代办点 {len(staff)} 个（如 {'、'.join(staff[:3])}），"
                f"事权单位经办人 {len(handlers)} 个（区县拼音_单位，如 {'、'.join(handlers[:3])}）。"
            )
