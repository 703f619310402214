from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from daiban.demo.supervision import load_demo_supervision
from daiban.supervision.models import ReminderStage, Rung


class Command(BaseCommand):
    help = "载入督办演示数据：按最近四周每天早晨运行一次期限提醒和督办扫描（与后台任务相同）；已有督办记录时不做任何改动。"

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_demo_supervision()
        if result is None:
            self.stdout.write("已有提醒或督办记录，未载入督办演示数据。")
            return
        reminders = "，".join(f"{ReminderStage(k).label} {v} 条" for k, v in result.reminders.items()) or "无"
        orders = "，".join(f"{Rung(k).label} {v} 件" for k, v in result.orders.items()) or "无"
        self.stdout.write(
            self.style.SUCCESS(
                f"已载入督办演示数据（用时 {result.seconds:.1f} 秒）：期限提醒：{reminders}；督办：{orders}。"
            )
        )
