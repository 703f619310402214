from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from daiban.demo.portal import load_demo_portal


class Command(BaseCommand):
    help = "载入网上代办申请演示数据：在几个演示代办员的村（社区）用真实动作提交待处理的网上代办申请；已有申请时不做任何改动。"

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_demo_portal()
        if result is None:
            self.stdout.write("已有网上代办申请，未载入演示申请。")
            return
        self.stdout.write(self.style.SUCCESS(f"已载入网上代办申请演示数据：{'、'.join(result.numbers)}。"))
