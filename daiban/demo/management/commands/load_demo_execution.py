from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from daiban.demo.execution import load_demo_execution


class Command(BaseCommand):
    help = (
        "载入支持意见落实演示数据：几个县（区）中处理意见为“支持”的事项由出具意见的单位列明支持事项，"
        "部分登记落实情况，逾期未落实的由后台扫描纳入督办；已有支持事项时不做任何改动。需先载入演示事项。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_demo_execution()
        if result is None:
            self.stdout.write("已有支持事项，未载入支持意见落实演示数据。")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"已载入支持意见落实演示数据：{len(result.matters)} 件事项（{'、'.join(result.matters) or '无'}）"
                f"列明支持事项 {result.items} 项，登记落实情况 {result.records} 次，逾期纳入督办 {result.supervised} 项。"
            )
        )
