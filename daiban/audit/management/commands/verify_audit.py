"""Walk the audit chain and name every edited, relinked or deleted record; exit status 1 on any."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from daiban.audit.chain import verify


class Command(BaseCommand):
    help = "校验安全审计记录的摘要链：列出被篡改、被删除或被插入的记录；发现问题时以非零状态退出。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=1000, help="每批读取的记录数")

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify(batch=max(1, int(options["batch"])))
        for problem in report.problems:
            self.stdout.write(f"seq={problem.seq} {problem.kind}: {problem.message}")
        if report.problems:
            raise CommandError(
                f"审计链校验失败：{len(report.problems)} 处问题（已检查 {report.checked} 条记录）。"
            )
        span = f"#{report.first_seq}–#{report.last_seq}" if report.checked else "无记录"
        self.stdout.write(f"审计链完整：已检查 {report.checked} 条记录（{span}）。")
