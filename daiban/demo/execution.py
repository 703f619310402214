"""The execution demo (arts. 32, 42(4)): in a few counties, matters whose opinion in force is 支持 get their
支持事项 listed by the unit that issued it, an hour after its last step, through the real action; on the
first of each county the unit records its execution (部分落实, then 已落实 with a photo of the receipt), and
the rest stay 未落实 — those past their date are put under supervision by the real periodic scan, once.
The plan is in ``data/execution/execution.json``. Nothing is done when a support item exists already."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from PIL import Image, ImageDraw

from daiban.accounts.models import Role, User
from daiban.core import clock
from daiban.demo.files import read_json
from daiban.execution import actions, rules, scan
from daiban.execution.models import SupportItem
from daiban.matters.choices import Outcome
from daiban.matters.models import Matter
from daiban.matters.selectors import matter_region_q
from daiban.regions.models import Region

PLAN_FILE = "execution/execution.json"


@dataclass(frozen=True)
class ExecutionResult:
    matters: list[str]  # numbers
    items: int
    records: int
    supervised: int


def _receipt(seed: int) -> ContentFile:
    """A small picture standing in for a photographed receipt (PNG)."""
    img = Image.new("RGB", (320, 200), (250, 250, 245))
    draw = ImageDraw.Draw(img)
    for i in range(6):
        y = 30 + 25 * i
        draw.line([(30, y), (290 - (seed * 17 + i * 31) % 120, y)], fill=(60, 60, 60), width=3)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return ContentFile(buf.getvalue(), name="落实凭证.png")


def _handler(unit_id: int | None) -> User | None:
    if unit_id is None:
        return None
    return User.objects.filter(role=Role.UNIT_HANDLER, unit_id=unit_id, is_active=True).order_by("pk").first()


def _candidates(county: Region, limit: int) -> list[tuple[Matter, User]]:
    found = []
    for m in Matter.objects.filter(matter_region_q(county.path, county.pk), is_accusation=False).order_by(
        "received_at", "pk"
    )[:400]:
        opinion = rules.current_opinion(m)
        if opinion is None or opinion.outcome != Outcome.SUPPORT:
            continue
        actor = _handler(opinion.unit_id)
        if actor is None:
            continue
        found.append((m, actor))
        if len(found) >= limit:
            break
    return found


def _words(m: Matter, county: Region) -> dict[str, str]:
    return {"title": m.title, "county": county.name}


def load_demo_execution() -> ExecutionResult | None:
    if SupportItem.objects.exists():
        return None
    plan: dict[str, Any] = read_json(PLAN_FILE)
    now = clock.now()
    numbers: list[str] = []
    items_made = records_made = 0
    with transaction.atomic():
        for code in plan["counties"]:
            county = Region.objects.filter(code=code).first()
            if county is None:
                continue
            for n, (m, actor) in enumerate(_candidates(county, plan["per_county"])):
                last = m.events.aggregate(at=Max("at"))["at"] or m.received_at
                start = min(last + datetime.timedelta(hours=1), now)
                opinion = rules.current_opinion(m)
                assert opinion is not None
                unit_ids = {u.pk for u in rules.responsible_units(m, opinion)}
                rows = []
                for entry in plan["items"]:
                    unit_id = (
                        opinion.unit_id if entry["owner"] == "unit" and opinion.unit_id in unit_ids else None
                    )
                    words = _words(m, county)
                    rows.append(
                        {
                            "what": entry["what"].format(**words)[:500],
                            "unit_id": unit_id,
                            "who": entry.get("who", "").format(**words) if unit_id is None else "",
                            "due_date": timezone.localdate(start) + datetime.timedelta(days=entry["days"]),
                        }
                    )
                with clock.frozen(start):
                    actions.execution_list_items(
                        actor=actor, matter_id=m.pk, expected_version=None, items=rows
                    )
                numbers.append(m.number)
                items_made += len(rows)
                if n != 0:
                    continue  # the others stay 未落实
                made = list(SupportItem.objects.filter(matter_id=m.pk).order_by("id"))
                for step in plan["records"]:
                    when = start + datetime.timedelta(days=step["after_days"])
                    if when > now:
                        break
                    item = made[step["item"]]
                    with clock.frozen(when):
                        actions.execution_record(
                            actor=actor,
                            matter_id=m.pk,
                            expected_version=None,
                            item_id=item.pk,
                            status=step["status"],
                            note=step["note"],
                            evidence=[_receipt(records_made)] if step.get("evidence") else [],
                        )
                    records_made += 1
        supervised = scan.scan()["supervised"]
    return ExecutionResult(numbers, items_made, records_made, supervised)
