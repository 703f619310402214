"""Print audit records (read only), filtered by time, action, actor and outcome."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from daiban.audit.api import ACTIONS
from daiban.audit.models import AuditRecord
from daiban.audit.retention import as_json


def _moment(raw: str, name: str) -> datetime.datetime:
    value = parse_datetime(raw)
    if value is None:
        day = parse_date(raw)
        if day is None:
            raise CommandError(f"{name}：请填写日期（如 2026-01-31）或日期时间（如 2026-01-31T08:00）。")
        value = datetime.datetime.combine(day, datetime.time.min)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


class Command(BaseCommand):
    help = "按时间、事件、操作人、结果列出安全审计记录（只读）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", help="起始日期或时间（含）")
        parser.add_argument("--until", help="截止日期或时间（不含）")
        parser.add_argument("--action", action="append", help="事件名，如 login.failure；前缀如 login. 亦可")
        parser.add_argument("--actor", help="操作人账号")
        parser.add_argument("--outcome", choices=["success", "failure", "denied"])
        parser.add_argument("--limit", type=int, default=200, help="最多列出的条数（默认 200）")
        parser.add_argument("--json", action="store_true", help="以 JSON Lines 输出")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = AuditRecord.objects.order_by("seq")
        if options["since"]:
            rows = rows.filter(at__gte=_moment(options["since"], "--since"))
        if options["until"]:
            rows = rows.filter(at__lt=_moment(options["until"], "--until"))
        if options["action"]:
            names = set()
            for wanted in options["action"]:
                matched = [
                    a for a in ACTIONS if a == wanted or (wanted.endswith(".") and a.startswith(wanted))
                ]
                if not matched:
                    raise CommandError(f"--action：未知的事件名 {wanted!r}，可选：{'、'.join(ACTIONS)}")
                names.update(matched)
            rows = rows.filter(action__in=names)
        if options["actor"]:
            rows = rows.filter(actor_username=options["actor"])
        if options["outcome"]:
            rows = rows.filter(outcome=options["outcome"])
        limit = max(1, int(options["limit"]))
        for row in rows[:limit]:
            if options["json"]:
                self.stdout.write(json.dumps(as_json(row), ensure_ascii=False, sort_keys=True))
                continue
            at = timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M:%S")
            label = ACTIONS.get(row.action, row.action)
            self.stdout.write(
                f"#{row.seq} {at} {row.actor_username or '-'} {row.address or '-'} {label}({row.action}) "
                f"{row.outcome} {row.target}"
            )
