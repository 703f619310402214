"""manage.py restore ARCHIVE --into <DATABASE_URL | sqlite path> [--media DIR] [--force]."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from daiban.ops import archive, crypto, databases
from daiban.ops.restore import RestoreRefused, restore_archive


class Command(BaseCommand):
    help = (
        "从备份恢复：解密、核对校验和与密钥清单，恢复数据库和附件。"
        " Restore an archive into an empty database (or, with --force, over an existing one)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="备份文件")
        parser.add_argument(
            "--into", required=True, help="目标数据库：DATABASE_URL（postgres://…）或 SQLite 文件路径"
        )
        parser.add_argument("--media", type=Path, default=None, help="附件目录（默认 MEDIA_ROOT）")
        parser.add_argument("--force", action="store_true", help="目标数据库不是空的也覆盖")
        parser.add_argument(
            "--ignore-keys", action="store_true", help="当前密钥与备份不符时仍然恢复（数据可能无法解密）"
        )

    def _audit(self, action: str, **kwargs: Any) -> None:
        if warning := archive.audit(action, **kwargs):
            self.stderr.write(warning)

    def handle(self, *args: Any, **options: Any) -> None:
        archive_path: Path = options["archive"]
        if not archive_path.is_file():
            raise CommandError(f"找不到备份文件 {archive_path}。 Archive not found.")
        media: Path = options["media"] or Path(settings.MEDIA_ROOT)
        try:
            target = databases.parse_target(options["into"])
            result = restore_archive(
                archive_path,
                target=target,
                media_dir=media,
                replace=options["force"],
                ignore_keys=options["ignore_keys"],
            )
        except (
            crypto.BackupKeyError,
            crypto.ArchiveError,
            databases.DatabaseError,
            RestoreRefused,
            OSError,
        ) as exc:
            self._audit(
                "import.apply",
                outcome="failure",
                target=f"restore:{archive_path.name}",
                detail={"kind": "restore", "error": type(exc).__name__},
            )
            raise CommandError(f"恢复失败，未作任何更改或未完成：{exc}") from None
        self._audit(
            "import.apply",
            target=f"restore:{archive_path.name}",
            detail={"kind": "restore", "into": target.describe(), "forced": bool(options["force"])},
        )
        for warning in result.warnings:
            self.stderr.write(f"警告：{warning}")
        tables = result.manifest["database"]["tables"]
        self.stdout.write(
            f"已恢复到 {target.describe()}：{len(tables)} 张表 {sum(tables.values())} 行与备份清单一致，"
            f"附件 {result.media_files} 个（{media}）。备份时间 {result.manifest['created_at']}。"
        )
