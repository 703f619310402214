"""Remove exported audit records older than DAIBAN_AUDIT_RETENTION_DAYS (at least 184 days)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from daiban.audit.retention import purge


class Command(BaseCommand):
    help = "清除已导出且超过保存期限（不少于 184 天）的安全审计记录；校验从保留的第一条记录继续。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=1000, help="每批删除的记录数")

    def handle(self, *args: Any, **options: Any) -> None:
        result = purge(batch=max(1, int(options["batch"])))
        self.stdout.write(f"已清除 {result.removed} 条审计记录；校验起点为 #{result.anchor_seq}。")
