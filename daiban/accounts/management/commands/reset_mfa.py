"""Reset a user's second factor (lost or replaced phone): ``manage.py reset_mfa 用户名``.

Removes the user's authenticator and recovery codes; if DAIBAN_MFA_REQUIRED applies to them they bind a
new one at their next sign-in. Recorded in the audit log (mfa.reset). Run by an administrator on the
server (the operator's name goes in ``--by`` and into the record).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from daiban.accounts import security
from daiban.accounts.models import User


class Command(BaseCommand):
    help = "重置账号的两步验证（动态口令和恢复码），用于手机丢失或更换。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--by", default="", help="执行重置的管理员用户名（写入审计记录）")

    def handle(self, *args: Any, **options: Any) -> None:
        target = User.objects.filter(username=options["username"]).first()
        if target is None:
            raise CommandError(f"没有用户名为“{options['username']}”的账号。")
        actor = None
        if options["by"]:
            actor = User.objects.filter(username=options["by"]).first()
            if actor is None or not security.is_admin(actor):
                raise CommandError(f"“{options['by']}”不是管理员账号。")
        removed = security.mfa_reset(target=target, actor=actor)
        self.stdout.write(f"已重置 {target.username} 的两步验证（移除 {removed} 个设备）。")
