"""manage.py rotate_keys [--batch-size N] [--dry-run]: re-encrypt and re-index every personal value and
re-encrypt every stored file under the current key and algorithms, while the site runs (daiban/pii/rotation.py;
README "运维：密钥轮换")."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from daiban.audit import record
from daiban.pii import crypto
from daiban.pii.rotation import Report, remaining, rotate


def _old_settings() -> list[str]:
    names = []
    if getattr(settings, "FIELD_ENCRYPTION_OLD_KEYS", None):
        names.append("DAIBAN_FIELD_OLD_KEYS")
    if getattr(settings, "BLIND_INDEX_OLD_KEYS", None):
        names.append("DAIBAN_HASH_OLD_KEYS")
    if getattr(settings, "PII_INDEX_OLD", None):
        names.append("DAIBAN_PII_INDEX_OLD")
    return names


class Command(BaseCommand):
    help = (
        "密钥轮换：用当前密钥和算法重新加密个人信息、重建检索索引并重新加密附件，可在系统运行时分批执行、"
        "中断后重跑。 Re-encrypt and re-index personal data and attachments under the current keys."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="每批处理的行数（默认 500）")
        parser.add_argument("--dry-run", action="store_true", help="只统计需要轮换的行和文件，不写入")

    def handle(self, *args: Any, **options: Any) -> None:
        batch = max(1, int(options["batch_size"]))
        dry_run = bool(options["dry_run"])
        key = crypto.keyring().current
        self.stdout.write(
            f"当前算法：{crypto.current_cipher()} / {crypto.current_index()}；当前加密密钥 id {key.key_id_hex}；"
            f"旧密钥 {len(crypto.keyring().old)} 个。"
        )
        report = rotate(batch_size=batch, dry_run=dry_run, progress=self.stdout.write)
        self._summary(report, "需要轮换" if dry_run else "已轮换")
        if dry_run:
            return
        check = remaining(batch)
        problems = list(dict.fromkeys(self._problems(report) + self._problems(check)))
        record(
            "config.change",
            outcome="failure" if problems or check.pending else "success",
            target="pii.rotate_keys",
            detail={
                "cipher": crypto.current_cipher(),
                "index": crypto.current_index(),
                "key_id": key.key_id_hex,
                "old_key_ids": [k.key_id_hex for k in crypto.keyring().old],
                "rows": {label: c.rewritten for label, c in report.models.items() if c.rewritten},
                "files": report.files_rewritten,
                "remaining": check.pending,
            },
        )
        if problems:
            raise CommandError("密钥轮换未完成 (rotation incomplete): " + "; ".join(problems))
        if check.pending:
            self.stdout.write(
                f"仍有 {check.pending} 处在轮换期间被改动，请再运行一次。"
                f" {check.pending} values changed during the run: run the command again."
            )
            return
        old = _old_settings()
        if old:
            self.stdout.write(
                self.style.SUCCESS(
                    "核对完成：没有数据再需要旧密钥或旧算法。现在可以从配置中删除 "
                    + "、".join(old)
                    + " 并重启。 Verified: nothing needs the old keys; remove "
                    + ", ".join(old)
                    + " and restart."
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS("核对完成：全部数据均使用当前密钥和算法。"))

    def _summary(self, report: Report, verb: str) -> None:
        for label, counts in report.models.items():
            if counts.rows:
                self.stdout.write(f"  {label}: {counts.rows} 行，{verb} {counts.rewritten} 行")
        self.stdout.write(f"  附件: {report.files} 个，{verb} {report.files_rewritten} 个")
        if report.hash_only:
            self.stdout.write(
                "  只有检索索引、没有密文的列无法重算（短期数据，过期即失效）："
                + ", ".join(sorted(set(report.hash_only)))
            )

    @staticmethod
    def _problems(report: Report) -> list[str]:
        problems = []
        for label, counts in report.models.items():
            if counts.unreadable:
                problems.append(f"{label} 无法解密（缺少密钥）: {', '.join(counts.unreadable[:10])}")
            if counts.conflicts:
                problems.append(
                    f"{label} 唯一约束冲突（同一号码有两条记录，需先合并）: {', '.join(counts.conflicts[:10])}"
                )
        if report.files_unreadable:
            problems.append("附件无法解密: " + ", ".join(report.files_unreadable[:10]))
        return problems
