"""The hearings demo (arts. 31(6), 36): in each county one 申诉求决 matter being handled gets a hearing
recorded by its lead unit's handler, and one matter in re-examination without a hearing yet gets one recorded
by the re-examination organ — through the real action, so its re-examination time limit moves by the hearing
days. (The matters demo's re-examinations record their hearing as one of their steps.) Texts are in
``data/hearings/hearings.json``. Nothing is done when a hearing in handling is recorded already."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from daiban.accounts.models import Role, User
from daiban.core import clock
from daiban.demo.files import read_json
from daiban.hearings import actions
from daiban.hearings.models import HearingRecord, HearingStage
from daiban.matters import rules
from daiban.matters.choices import Purpose, ReviewKind, Status
from daiban.matters.models import Matter
from daiban.matters.selectors import matter_region_q
from daiban.network.models import ResponsibleUnit
from daiban.regions import geometry
from daiban.regions.models import Level, Region

PLAN_FILE = "hearings/hearings.json"


@dataclass(frozen=True)
class HearingsResult:
    handling: list[str]  # matter numbers
    reexam: list[str]


def _handler(unit: ResponsibleUnit) -> User | None:
    return User.objects.filter(role=Role.UNIT_HANDLER, unit=unit, is_active=True).order_by("pk").first()


def _county_name(m: Matter) -> str:
    code = geometry.county_code(m.region_path)
    return Region.objects.filter(code=code).values_list("name", flat=True).first() or ""


def _texts(entry: dict[str, Any], m: Matter, unit: ResponsibleUnit) -> dict[str, str]:
    words = {"county": _county_name(m), "unit": unit.name}
    keys = ("place", "presiding", "participants", "petitioner_statement", "unit_statement", "other_statement")
    return {k: entry[k].format(**words) for k in (*keys, "conclusion")}


def _days(earliest: datetime.date, today: datetime.date, length: int) -> tuple[datetime.date, datetime.date]:
    """A hearing that ended yesterday (or today, when the matter is that recent), not before ``earliest``."""
    last = max(earliest, today - datetime.timedelta(days=1))
    first = max(earliest, last - datetime.timedelta(days=length - 1))
    return first, last


def _record(
    m: Matter, actor: User, unit: ResponsibleUnit, entry: dict[str, Any], earliest: datetime.date
) -> None:
    first, last = _days(earliest, clock.today(), int(entry["days"]))
    actions.hearing_record(
        actor=actor,
        matter_id=m.pk,
        expected_version=None,
        first_day=first,
        last_day=last,
        **_texts(entry, m, unit),
    )


def load_demo_hearings() -> HearingsResult | None:
    if HearingRecord.objects.filter(stage=HearingStage.HANDLING).exists():
        return None
    plan = read_json(PLAN_FILE)
    entries = plan["hearings"]
    done = HearingsResult([], [])
    counties = Region.objects.filter(level=Level.COUNTY).order_by("path")
    with transaction.atomic():
        for county in counties:
            in_county = Matter.objects.filter(matter_region_q(county.path, county.pk), is_accusation=False)
            handling = in_county.filter(status=Status.HANDLING, purpose=Purpose.APPEAL).order_by(
                "received_at", "pk"
            )
            made = 0
            for m in handling[:20]:
                task = rules.lead_task(m)
                actor = _handler(task.unit) if task else None
                if made >= plan["per_county"]["handling"] or task is None or actor is None:
                    continue
                _record(m, actor, task.unit, entries[0], timezone.localdate(m.received_at))
                done.handling.append(m.number)
                made += 1
            made = 0
            for m in in_county.filter(status=Status.REEXAM).order_by("received_at", "pk")[:20]:
                review = m.reviews.filter(kind=ReviewKind.REEXAM).select_related("unit").first()
                actor = _handler(review.unit) if review else None
                if made >= plan["per_county"]["reexam"] or review is None or actor is None:
                    continue
                if HearingRecord.objects.filter(review=review).exists():
                    continue
                _record(m, actor, review.unit, entries[1 % len(entries)], review.requested_on)
                done.reexam.append(m.number)
                made += 1
    return done
