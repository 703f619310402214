from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from daiban.demo.assistance import load_demo_assistance


class Command(BaseCommand):
    help = "载入救助转介演示数据：各县代办中心把几件在办事项转介民政局或人民法院，并登记部分救助结果；已有救助转介时不做任何改动。"

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_demo_assistance()
        if result is None:
            self.stdout.write("已有救助转介记录，未载入救助转介演示数据。")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"已载入救助转介演示数据：转介 {result.referrals} 件，登记结果 {result.outcomes} 件。"
            )
        )
