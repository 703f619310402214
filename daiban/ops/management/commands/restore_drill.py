"""manage.py restore_drill [--archive FILE] [--dir DIR]: restore the latest backup into a fresh temporary
database and check its invariants (see daiban/ops/restore.py). Exits non-zero when a check fails."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from daiban.ops import archive, crypto, databases
from daiban.ops.restore import RestoreRefused, run_drill


class Command(BaseCommand):
    help = "恢复演练：把最新的备份恢复到临时数据库并核对。 Restore drill on the latest backup."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--archive", type=Path, default=None, help="备份文件（默认目录中最新的一个）")
        parser.add_argument("--dir", type=Path, default=None, help="备份目录（默认 DAIBAN_BACKUP_DIR）")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path | None = options["archive"] or archive.latest_archive(
            options["dir"] or Path(settings.BACKUP_DIR)
        )
        if path is None or not path.is_file():
            raise CommandError("没有可演练的备份文件。 No backup archive found.")
        try:
            server = databases.target_from_settings(connections["default"].settings_dict)
            report = run_drill(path, server=server)
        except (
            crypto.BackupKeyError,
            crypto.ArchiveError,
            databases.DatabaseError,
            RestoreRefused,
            OSError,
        ) as exc:
            raise CommandError(f"恢复演练失败：{exc}") from None
        self.stdout.write(f"恢复演练：{path.name}")
        for check in report.checks:
            self.stdout.write(f"  {'通过' if check.ok else '失败'}  {check.name}：{check.detail}")
        if not report.ok:
            raise CommandError("恢复演练未通过。 The restore drill failed.")
        self.stdout.write("恢复演练通过。")
