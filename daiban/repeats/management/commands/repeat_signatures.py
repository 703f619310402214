"""Compute the text signature of every matter that lacks one (or all, with --all), in batches.

Safe to run twice or beside the intake hook: each matter's signature is an upsert of a value computed from
its own text."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from daiban.core import clock
from daiban.matters.models import Matter
from daiban.repeats import signatures
from daiban.repeats.models import MatterSignature


class Command(BaseCommand):
    help = "计算事项内容指纹（重复信访识别），默认只补算缺少指纹的事项。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="重新计算全部事项")
        parser.add_argument("--batch", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        batch = max(1, int(options["batch"]))
        qs = Matter.objects.order_by("pk")
        if not options["all"]:
            qs = qs.filter(repeat_signature__isnull=True)
        last, done = 0, 0
        while True:
            rows = list(qs.filter(pk__gt=last).values_list("pk", "title", "content", "region_id")[:batch])
            if not rows:
                break
            now = clock.now()
            objs = [
                MatterSignature(
                    matter_id=pk, computed_at=now, **signatures.fields_for(f"{title}{content}", region_id)
                )
                for pk, title, content, region_id in rows
            ]
            with transaction.atomic():
                MatterSignature.objects.bulk_create(
                    objs,
                    update_conflicts=True,
                    unique_fields=["matter"],
                    update_fields=[*(f"band{i}" for i in range(signatures.BANDS)), "computed_at"],
                )
            last = rows[-1][0]
            done += len(rows)
        self.stdout.write(f"已计算 {done} 件事项的内容指纹。")
