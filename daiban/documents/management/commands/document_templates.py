"""Copy the built-in document templates into a county's (or the installation's) template folder, to be
edited there without touching code: ``manage.py document_templates --county 150102`` (or ``--default``),
``--list`` to see which template each kind uses for a county."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from daiban.documents import kinds, templating


class Command(BaseCommand):
    help = "导出文书模板到县（区）模板目录，供管理员修改；或列出各文书当前使用的模板。"

    def add_arguments(self, parser: CommandParser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--county", help="县（区）区划代码，如 150102")
        target.add_argument("--default", action="store_true", help="全系统统一模板（default 目录）")
        parser.add_argument("--kind", action="append", default=[], help="只处理这些文书种类（可重复）")
        parser.add_argument("--list", action="store_true", help="只列出各文书使用的模板，不复制")
        parser.add_argument("--force", action="store_true", help="覆盖已有的模板文件")

    def handle(self, *args: Any, **opts: Any) -> None:
        county = "" if opts["default"] else str(opts["county"] or "")
        if county and not (county.isdigit() and len(county) == 6):
            raise CommandError("县（区）区划代码应为 6 位数字。")
        chosen = [kinds.get(k) for k in opts["kind"]] if opts["kind"] else kinds.all_kinds()
        if any(k is None for k in chosen):
            raise CommandError(
                "未知的文书种类：" + "、".join(k for k in opts["kind"] if kinds.get(k) is None)
            )
        folder = templating.templates_dir() / (county or "default")
        for kind in chosen:
            assert kind is not None
            if opts["list"]:
                found = templating.find(kind.key, county)
                self.stdout.write(f"{kind.label}（{kind.key}）：{found.origin_label} {found.name}")
                continue
            target = folder / f"{kind.key}.html"
            if target.exists() and not opts["force"]:
                self.stdout.write(f"已存在，未覆盖：{target}")
                continue
            folder.mkdir(parents=True, exist_ok=True)
            target.write_text(templating.builtin_source(kind.key), encoding="utf-8")
            self.stdout.write(f"已导出 {kind.label}：{target}")
