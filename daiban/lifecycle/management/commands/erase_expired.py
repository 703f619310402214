"""``manage.py erase_expired [--dry-run] [--batch N]``: erase personal data past its retention period."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from daiban.lifecycle.erasure import erase_expired


class Command(BaseCommand):
    help = "按保存期限删除（匿名化）到期的个人信息；--dry-run 只统计不修改。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="只列出数量，不修改任何数据")
        parser.add_argument("--batch", type=int, default=200, help="每个事务处理的对象数（默认 200）")

    def handle(self, *args: Any, **options: Any) -> None:
        batch = options["batch"]
        if batch <= 0:
            self.stderr.write("--batch 必须是正整数。")
            raise SystemExit(2)
        report = erase_expired(batch=batch, dry_run=options["dry_run"])
        prefix = "将删除（试运行，未修改）" if options["dry_run"] else "已删除"
        counts = report.counts()
        self.stdout.write(
            f"{prefix}：事项 {counts['matters']} 件，信访人 {counts['petitioners']} 人"
            f"（因仍有未到期事项保留 {counts['kept_petitioners']} 人），附件 {counts['attachments']} 个，"
            f"网上申请 {counts['portal_requests']} 件，排查 {counts['screenings']} 件；批次 {report.batches}。"
        )
