from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.management.base import BaseCommand

from daiban.accounts.models import User
from daiban.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from daiban.demo.tables import format_table


class Command(BaseCommand):
    help = "列出演示账号（用户名、角色、管辖区域、事权单位、密码）。"

    def handle(self, *args: Any, **options: Any) -> None:
        order = {a.username: i for i, a in enumerate(DEMO_ACCOUNTS)}
        users = sorted(
            User.objects.filter(username__in=order).select_related("region", "unit"),
            key=lambda u: order[u.username],
        )
        if not users:
            self.stdout.write("尚无演示账号：请先运行 manage.py load_demo_network。")
            return
        # The demo accounts share one password hash: check each distinct hash once (hashing is slow), and
        # without the setter that would re-save an account.
        demo_hashes = {h for h in {u.password for u in users} if check_password(DEMO_PASSWORD, h)}
        rows = [
            (
                u.username,
                u.get_role_display(),
                u.region.full_name() if u.region else "—",
                u.unit.name if u.unit else "—",
                DEMO_PASSWORD if u.password in demo_hashes else "（已修改）",
            )
            for u in users
        ]
        self.stdout.write("演示账号（仅供本机演示，切勿用于生产环境）：")
        for line in format_table(("用户名", "角色", "管辖区域", "事权单位", "密码"), rows):
            self.stdout.write(line)
