from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from daiban.demo.urgent import load_demo_urgent


class Command(BaseCommand):
    help = "载入重大紧急事项演示数据：各级代办人员标记几件在办事项为重大紧急（上级直至市级即时收到消息），其中一件已解除；已有标记时不做任何改动。"

    def handle(self, *args: Any, **options: Any) -> None:
        done = load_demo_urgent()
        if done is None:
            self.stdout.write("已有重大紧急标记，未载入演示数据。")
            return
        made, lifted = done
        self.stdout.write(
            self.style.SUCCESS(f"已载入重大紧急事项演示数据：标记 {made} 件，其中已解除 {lifted} 件。")
        )
