"""The mediation demo: a couple of demo matters whose handling already records a signed 调解 step (the
matters demo's ``mediate``) and that are still open get a mediation dossier made through the real actions,
each on its own frozen clock around the day of that step — a session a week before and one on the day, the
agreement (the petitioner as 甲方, the other side named in the step's participants as 乙方, the step's terms as
the main obligation), its 调解协议书 issued and finger-signed through the documents app, then 司法确认 and the
performance of each obligation as the days went by (some on time, one late, one partly, one refused) — and
the reminder scan run on each morning since, as the queue would have. Texts and the plan are in
``data/mediation/mediation.json``."""

from __future__ import annotations

import base64
import datetime
import io
import time
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from daiban.accounts.models import User
from daiban.core import clock
from daiban.demo.files import read_json
from daiban.documents import actions as doc_actions
from daiban.matters.choices import OPEN_STATUSES
from daiban.matters.models import Matter, Mediation
from daiban.mediation import actions, reminders
from daiban.mediation.actions import ObligationInput, PartyInput
from daiban.mediation.models import Agreement, Dossier, MediationSession, Performance, Reminder
from daiban.mediation.selectors import KIND
from daiban.regions import geometry
from daiban.regions.models import Region

TZ = ZoneInfo("Asia/Shanghai")
PLAN_FILE = "mediation/mediation.json"


@dataclass(frozen=True)
class MediationResult:
    matters: list[str]  # their numbers
    sessions: int
    agreements: int
    performances: int
    reminders: int
    seconds: float


def candidates(limit: int) -> list[Mediation]:
    """The first ``limit`` open matters (not accusations) with a signed 调解 step, by the step's time."""
    chosen: dict[int, Mediation] = {}
    rows = (
        Mediation.objects.filter(signed=True, matter__status__in=OPEN_STATUSES, matter__is_accusation=False)
        .select_related("matter", "matter__region", "matter__responsible_agent")
        .order_by("mediated_at", "id")
    )
    for md in rows:
        chosen.setdefault(md.matter_id, md)
        if len(chosen) >= limit:
            break
    return list(chosen.values())


def _fill(text: str, words: dict[str, str]) -> str:
    return text.format(**words)


def _words(md: Mediation, plan: dict[str, Any]) -> dict[str, str]:
    m = md.matter
    names = list(m.petitioners.order_by("matter_links__id").values_list("name", flat=True))
    others = [p for p in md.participants.split("、") if p and p != "信访人"]
    party = others[0] if others else "对方当事人"
    county = (
        Region.objects.filter(code=geometry.county_code(m.region_path)).values_list("name", flat=True).first()
    )
    words = {
        "village": m.region.name,
        "county": county or "",
        "petitioners": "、".join(names) or "信访人",
        "petitioners_short": names[0] + (f"等 {len(names)} 人" if len(names) > 1 else "")
        if names
        else "信访人",
        "party": party,
        "others": "、".join(others[1:]) or "代办员",
        "terms": md.terms,
        "manner": md.performance_manner,
        "content": m.content,
        "request": m.request,
    }
    words["committee"] = _fill(plan["committee"], words)
    return words


def signature(seed: int) -> str:
    """A finger signature as the signature pad sends it (a PNG data URL of a few strokes)."""
    img = Image.new("RGBA", (400, 150), (255, 255, 255, 0))
    draw = ImageDraw.Draw(img)
    points = [(20 + 45 * i, 60 + ((seed * 37 + i * 53) % 70)) for i in range(9)]
    draw.line(points, fill=(0, 0, 0, 255), width=5)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def _at(when: datetime.datetime, **delta: float) -> datetime.datetime:
    return timezone.localtime(when, TZ) + datetime.timedelta(**delta)


def _dossier(md: Mediation, plan: dict[str, Any], spec: dict[str, Any], today: datetime.date) -> None:
    m: Matter = md.matter
    agent: User = m.responsible_agent
    words = _words(md, plan)
    t = _at(md.mediated_at)
    received = timezone.localdate(m.received_at)
    mediator_names = "、".join(_fill(n, words) for n in plan["mediator_names"])
    for s in plan["sessions"]:
        held = t - datetime.timedelta(days=s["days_before"], hours=1)
        if held.date() < received:
            continue
        with clock.frozen(held + datetime.timedelta(minutes=50)):
            actions.session_record(
                actor=agent,
                matter_id=m.pk,
                held_at=held,
                place=_fill(plan["place"], words),
                mediators=[agent],
                mediator_names=mediator_names,
                participants=_fill(s["participants"], words),
                record_text=_fill(s["record"], words),
                outcome=s["outcome"],
            )
    links = list(m.petitioner_links.select_related("petitioner").order_by("-is_representative", "id"))
    first = links[0].petitioner if links else None
    description = f"信访人代表（共 {len(links)} 人）" if len(links) > 1 else "信访人"
    parties = [
        PartyInput(
            "jia", first.name if first else words["petitioners"], description, first.pk if first else None
        ),
        PartyInput("yi", words["party"][:60], ""),
    ]
    obligations = []
    for ob in plan["obligations"]:
        deadline = (
            md.performance_deadline
            if ob.get("deadline") == "mediation"
            else t.date() + datetime.timedelta(days=ob["deadline_days"])
        )
        obligations.append(
            ObligationInput(ob["party"], _fill(ob["what"], words), _fill(ob["manner"], words), deadline)
        )
    with clock.frozen(t):
        agreement = actions.agreement_draft(
            actor=agent,
            matter_id=m.pk,
            committee=words["committee"],
            place=_fill(plan["place"], words),
            facts=_fill(plan["facts"], words),
            issues=_fill(plan["issues"], words),
            other_terms=plan["other_terms"],
            mediators=[agent],
            mediator_names=mediator_names,
            parties=parties,
            obligations=obligations,
        )
    with clock.frozen(t + datetime.timedelta(minutes=40)):
        doc = doc_actions.issue(actor=agent, matter_id=m.pk, kind=KIND, source_key=agreement.source_key)
    with clock.frozen(t + datetime.timedelta(hours=1)):
        doc_actions.sign(
            actor=agent,
            document_id=doc.pk,
            expected_revision=doc.revision,
            images=[signature(md.pk * 10 + i) for i in range(len(parties))],
        )
    # What happened after signing, in the order it happened (the dossier's events follow the calendar).
    later: list[tuple[datetime.datetime, dict[str, Any]]] = []
    judicial = spec.get("judicial")
    if judicial:
        applied = t.date() + datetime.timedelta(days=judicial["applied_after_days"])
        court = _fill(judicial["court"], words)
        later.append((_on(applied, 15), {"status": "applied", "applied_on": applied, "court": court}))
        if judicial["status"] != "applied":
            decided = t.date() + datetime.timedelta(days=judicial["decided_after_days"])
            step = {
                "status": judicial["status"],
                "applied_on": applied,
                "decided_on": decided,
                "court": court,
            }
            later.append((_on(decided, 15), step))
    for p in spec["performances"]:
        day = t.date() + datetime.timedelta(days=p["after_days"])
        later.append(
            (
                _on(day, 10, 30),
                {
                    "obligation": p["obligation"],
                    "outcome": p["outcome"],
                    "on": day,
                    "note": p.get("note", ""),
                },
            )
        )
    for when, step in sorted(later, key=lambda x: x[0]):
        if when.date() > today:
            continue
        with clock.frozen(when):
            current = Agreement.objects.get(pk=agreement.pk)
            if "status" in step:
                actions.judicial_record(
                    actor=agent, agreement_id=agreement.pk, expected_version=current.version, **step
                )
            else:
                ob = current.obligations.get(position=step.pop("obligation"))
                actions.performance_record(
                    actor=agent, obligation_id=ob.pk, expected_version=current.version, **step
                )


def _on(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), TZ)


def load_demo_mediation(*, today: datetime.date | None = None) -> MediationResult | None:
    """Make the mediation demo; ``None`` (and nothing changed) if any dossier exists already."""
    if Dossier.objects.exists():
        return None
    started = time.monotonic()
    today = today or clock.today()
    plan = read_json(PLAN_FILE)
    chosen = candidates(min(plan["matters"], len(plan["plans"])))
    with transaction.atomic():
        for md, spec in zip(chosen, plan["plans"], strict=False):
            _dossier(md, plan, spec, today)
        if chosen:
            first = min(timezone.localdate(md.mediated_at) for md in chosen)
            for back in range((today - first).days, -1, -1):
                day = today - datetime.timedelta(days=back)
                with clock.frozen(datetime.datetime.combine(day, datetime.time(7, 40), TZ)):
                    reminders.scan(day)
    return MediationResult(
        matters=[md.matter.number for md in chosen],
        sessions=MediationSession.objects.count(),
        agreements=Agreement.objects.count(),
        performances=Performance.objects.count(),
        reminders=Reminder.objects.count(),
        seconds=time.monotonic() - started,
    )
