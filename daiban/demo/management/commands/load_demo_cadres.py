from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from daiban.demo.cadres import load_demo_cadres


class Command(BaseCommand):
    help = "载入干部问题通报演示数据：县纪检监督员就几件检举控告事项经纪检监察渠道通报县委组织部；已有通报时不做任何改动。"

    def handle(self, *args: Any, **options: Any) -> None:
        made = load_demo_cadres()
        if made is None:
            self.stdout.write("已有干部问题通报记录，未载入演示数据。")
            return
        self.stdout.write(self.style.SUCCESS(f"已载入干部问题通报演示数据：通报 {made} 件。"))
