from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from daiban.regions.models import Region


class Command(BaseCommand):
    help = "数据库为空时载入呼和浩特演示网络与演示事项；已有数据时不做任何改动。"

    def handle(self, *args: Any, **options: Any) -> None:
        if Region.objects.exists():
            self.stdout.write("数据库已有数据，跳过演示数据载入。")
            return
        call_command("load_demo_network", stdout=self.stdout)
        call_command("load_demo_matters", stdout=self.stdout)
