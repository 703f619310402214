"""Write the audit records not yet exported to the sink (DAIBAN_AUDIT_SINK); safe to run twice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from daiban.audit.retention import export


class Command(BaseCommand):
    help = "把尚未导出的安全审计记录写入外部存储（默认 JSON Lines 文件；可配置 syslog），增量进行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=1000, help="每批导出的记录数")

    def handle(self, *args: Any, **options: Any) -> None:
        count = export(batch=max(1, int(options["batch"])))
        self.stdout.write(f"已导出 {count} 条审计记录。")
