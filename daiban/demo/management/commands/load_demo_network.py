from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from daiban.demo.network import district_counts, load_demo_network
from daiban.demo.tables import format_table


class Command(BaseCommand):
    help = "载入呼和浩特演示网络（行政区划、代办服务机构、代办员、事权单位、演示账号）；已有行政区划时不做任何改动。"

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        result = load_demo_network()
        if result is None:
            self.stdout.write("已有行政区划数据，未载入演示网络。")
            return
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"已载入演示网络：行政区划 {result.regions} 个，代办服务机构 {result.organisations} 个，"
                f"代办员 {result.agents} 名，事权单位 {result.units} 个，演示账号 {result.accounts} 个"
                f"（用时 {elapsed:.1f} 秒）。"
            )
        )
        header = ("区县", "中心", "站", "点", "机构合计", "代办员")
        rows: list[tuple[str, ...]] = [
            (c.name, str(c.centres), str(c.stations), str(c.points), str(c.organisations), str(c.agents))
            for c in district_counts()
        ]
        totals = [sum(int(r[i]) for r in rows) for i in range(1, 6)]
        rows.append(("合计", *(str(t) for t in totals)))
        for line in format_table(header, rows):
            self.stdout.write(line)
        self.stdout.write("演示账号及密码：manage.py demo_logins")
