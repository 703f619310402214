from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from daiban.demo.accountability import load_demo_accountability


class Command(BaseCommand):
    help = "载入责令改正演示数据：各县代办中心就本县事项的失职情形责令责任单位（层级）改正，其中一件已报告整改；已有责令改正时不做任何改动。"

    def handle(self, *args: Any, **options: Any) -> None:
        made = load_demo_accountability()
        if made is None:
            self.stdout.write("已有责令改正记录，未载入演示数据。")
            return
        orders, reports = made
        self.stdout.write(
            self.style.SUCCESS(f"已载入责令改正演示数据：责令改正 {orders} 件，已整改 {reports} 件。")
        )
