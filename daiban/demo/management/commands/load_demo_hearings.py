from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from daiban.demo.hearings import load_demo_hearings


class Command(BaseCommand):
    help = (
        "载入听证演示数据：每个县（区）为一件单位办理中的申诉求决事项和一件复核中的事项，用真实办理动作记录听证"
        "（复核期限随之扣除听证时间）；已有听证记录时不做任何改动。需先载入演示事项。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_demo_hearings()
        if result is None:
            self.stdout.write("已有听证记录，未载入听证演示数据。")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"已载入听证演示数据：办理阶段听证 {len(result.handling)} 次"
                f"（{'、'.join(result.handling) or '无'}），复核阶段听证 {len(result.reexam)} 次"
                f"（{'、'.join(result.reexam) or '无'}）。"
            )
        )
