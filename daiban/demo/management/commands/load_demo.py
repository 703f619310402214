from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from daiban.regions.models import Region


class Command(BaseCommand):
    help = (
        "仅当设置 DAIBAN_LOAD_DEMO=1（本机演示环境 var/local.env 中）时，在空数据库中载入呼和浩特演示网络、"
        "演示事项、排查预防、督办、调解卷宗与网上代办申请演示数据并列出演示账号；已有数据时不做任何改动。生产环境不要开启。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo creates accounts with a published password: it loads only where the local demo
        # environment asks for it, never by default (a production start must not get those accounts).
        if not settings.DAIBAN_LOAD_DEMO:
            self.stdout.write(
                "未载入演示数据：DAIBAN_LOAD_DEMO 未开启（生产环境应如此）。"
                "请用 manage.py create_admin 创建管理员（空库时自动载入本市行政区划）；"
                "本机演示请在 var/local.env 中加入 DAIBAN_LOAD_DEMO=1。"
            )
            return
        if Region.objects.exists():
            self.stdout.write("已开启演示数据（DAIBAN_LOAD_DEMO=1），但数据库已有数据，跳过演示数据载入。")
        else:
            self.stdout.write("已开启演示数据（DAIBAN_LOAD_DEMO=1），正在载入呼和浩特演示网络和演示事项……")
            call_command("load_demo_network", stdout=self.stdout)
            call_command("load_demo_matters", stdout=self.stdout)
            call_command("load_demo_prevention", stdout=self.stdout)
            call_command("load_demo_supervision", stdout=self.stdout)
            call_command("load_demo_mediation", stdout=self.stdout)
            call_command("load_demo_hearings", stdout=self.stdout)
            call_command("load_demo_portal", stdout=self.stdout)
            call_command("load_demo_assistance", stdout=self.stdout)
            call_command("load_demo_cadres", stdout=self.stdout)
            call_command("load_demo_urgent", stdout=self.stdout)
            call_command("load_demo_execution", stdout=self.stdout)
            call_command("load_demo_annual", stdout=self.stdout)
            call_command("load_demo_accountability", stdout=self.stdout)
        call_command("demo_logins", stdout=self.stdout)
