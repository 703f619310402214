"""manage.py backup [--out DIR]: one encrypted archive of the database, the attachments and the key-set
manifest (see daiban/ops/archive.py and the README's operations section)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from daiban.ops import archive, crypto, databases


class Command(BaseCommand):
    help = (
        "备份：数据库、附件和密钥清单，加密为一个文件。 Back up the database, attachments and key manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, default=None, help="备份目录（默认 DAIBAN_BACKUP_DIR）")

    def _audit(self, action: str, **kwargs: Any) -> None:
        if warning := archive.audit(action, **kwargs):
            self.stderr.write(warning)

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"] or Path(settings.BACKUP_DIR)
        try:
            key = crypto.configured_key()
            target = databases.target_from_settings(connections["default"].settings_dict)
            result = archive.create_backup(
                out_dir=out, database=target, media_root=Path(settings.MEDIA_ROOT), key=key
            )
        except (crypto.BackupKeyError, crypto.ArchiveError, databases.DatabaseError, OSError) as exc:
            self._audit(
                "export.create",
                outcome="failure",
                target="backup",
                detail={"kind": "backup", "error": type(exc).__name__},
            )
            raise CommandError(f"备份失败：{exc}") from None
        manifest = result.manifest
        rows = sum(manifest["database"]["tables"].values())
        self._audit(
            "export.create",
            target=f"backup:{result.path.name}",
            detail={
                "kind": "backup",
                "tables": len(manifest["database"]["tables"]),
                "rows": rows,
                "media_files": manifest["media"]["files"],
            },
        )
        self.stdout.write(
            f"已备份到 {result.path}：数据库 {len(manifest['database']['tables'])} 张表 {rows} 行，"
            f"附件 {manifest['media']['files']} 个。"
        )
