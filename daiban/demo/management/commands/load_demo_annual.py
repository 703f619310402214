from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from daiban.demo.annual import load_demo_annual


class Command(BaseCommand):
    help = "载入年度工作报告演示数据：各县代办中心撰写本年度报告前言并向事项较多的事权单位提出建议（两条已书面答复）；已有建议时不做任何改动。"

    def handle(self, *args: Any, **options: Any) -> None:
        made = load_demo_annual()
        if made is None:
            self.stdout.write("已有信访工作建议，未载入年度报告演示数据。")
            return
        self.stdout.write(self.style.SUCCESS(f"已载入年度工作报告演示数据：提出建议 {made} 条。"))
