"""The steps of one matter: drawing its text and people, and the helpers that add each kind of step.

Each step's ``kind`` is the workflow key of the action it calls (the event kind it records), and its
``args`` are that action's keyword arguments (see ``daiban.demo.matters.perform``). The scenarios that
string the steps together are in ``daiban.demo.matters.scenarios``.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from daiban.accounts.models import Role, User
from daiban.demo.matters.cast import Desk, District
from daiban.demo.matters.config import CHANNELS_BY_LEVEL, STORIES, TEXTS
from daiban.demo.matters.people import person_name
from daiban.demo.matters.steps import Gap, Spec, Step
from daiban.demo.matters.topics import POOLS, Topic
from daiban.demo.matters.workdays import CLOSES, OPENS
from daiban.matters.choices import (
    Channel,
    ContactMethod,
    Outcome,
    PetitionerGroup,
    Purpose,
    Satisfaction,
    ServiceManner,
)
from daiban.matters.petitioners import PetitionerInput
from daiban.network.models import ResponsibleUnit
from daiban.regions.models import Level, Region

if TYPE_CHECKING:
    from daiban.demo.matters.planner import Planner


def weighted(rng: random.Random, pairs: Iterable[tuple[Any, float]]) -> Any:
    items = list(pairs)
    return rng.choices([k for k, _ in items], weights=[w for _, w in items])[0]


def gap_min(rng: random.Random, lo: int, hi: int) -> Gap:
    return ("min", rng.randint(lo, hi), 0)


def gap_days(rng: random.Random, lo: int, hi: int) -> Gap:
    n = rng.randint(lo, hi)
    if n <= 0:
        return gap_min(rng, 20, 150)
    return ("d", n, rng.randint(OPENS, CLOSES))


def gap_workdays(rng: random.Random, lo: int, hi: int) -> Gap:
    n = rng.randint(lo, hi)
    if n <= 0:
        return gap_min(rng, 20, 150)
    return ("wd", n, rng.randint(OPENS, CLOSES))


class StepBuilder:
    """What one matter is (people, texts, who acts) and the helpers that append its steps."""

    def __init__(
        self,
        planner: Planner,
        rng: random.Random,
        spec: Spec,
        district: District,
        desk: Desk,
        region: Region,
        topic: Topic,
    ) -> None:
        self.p = planner
        self.cast = planner.cast
        self.rng = rng
        self.spec = spec
        self.district = district
        self.desk = desk
        self.region = region
        self.topic = topic
        self.out: list[Step] = []
        self.matters = 1
        scenario = spec.scenario
        self.group = (
            spec.group
            if spec.group is not None
            else not spec.story and bool(topic.group_contents) and rng.random() < 0.3
        )
        self.objection = scenario == "objected" or (
            spec.objection
            if spec.objection is not None
            else bool(topic.wrong) and scenario not in ("routed", "due_soon") and rng.random() < 0.08
        )
        # Co-units (and so extra handler accounts) only where the demo accounts are.
        self.co = bool(topic.co) and district.co_units and scenario != "due_soon" and rng.random() < 0.35
        accusation = topic.purpose == Purpose.ACCUSATION
        self.leaders = (
            spec.leaders if spec.leaders is not None else 0 if accusation else self._draw_leaders(scenario)
        )
        self.repeat = spec.repeat if spec.repeat is not None else not accusation and rng.random() < 0.1
        self.return_visit = spec.return_visit if spec.return_visit is not None else rng.random() < 0.5
        self.town = region.parent
        self.values = self._values()
        self.petitioners = self._petitioners()
        self.reply_gap: Gap = ("d", 1, OPENS)
        self.agent = desk.user  # the first agent answers for the matter to the end (首接即代办)
        # A written reply that opens a review window waits for its service (送达), recorded with feedback.
        self.unserved = False

    @property
    def story(self) -> dict[str, Any]:
        return STORIES[self.spec.story]

    @property
    def lead_unit(self) -> ResponsibleUnit:
        return self.cast.unit(self.district.code, self.topic.domain)

    @property
    def lead_handler(self) -> User:
        return self.cast.handler(self.lead_unit)

    def _draw_leaders(self, scenario: str) -> int:
        if scenario.startswith(
            ("at_", "local", "answered", "guided", "not_", "routed", "objected", "handed")
        ):
            return 0
        roll = self.rng.random()
        return 2 if roll < 0.04 else 1 if roll < 0.14 else 0

    # -- text and people

    def _values(self) -> dict[str, Any]:
        rng = self.rng
        values: dict[str, Any] = {key: rng.choice(pool) for key, pool in POOLS.items()}
        m1 = rng.randint(1, 8)
        values.update(
            place=self.region.name,
            town=self.town.name if self.town else "",
            county=self.district.region.name,
            year=self.p.today.year - rng.choice((0, 1, 1, 2)),
            m1=m1,
            m2=m1 + rng.randint(1, 4),
            years=rng.randint(2, 12),
            building=rng.randint(1, 28),
            n=rng.randint(6, 48) if self.group else 1,
        )
        return values

    def fill(self, text: str, **extra: Any) -> str:
        return text.format_map({**self.values, **extra})

    def _petitioners(self) -> list[PetitionerInput]:
        rng = self.rng
        if self.spec.story:
            return self._story_people()
        if self.group:
            reps = rng.randint(1, 5)
            people = [
                self.p.people.person(
                    rng, self.district.code, self.region, self.topic.group, representative=True
                )
                for _ in range(reps)
            ]
        else:
            people = [self.p.people.person(rng, self.district.code, self.region, self.topic.group)]
        self.values["who"] = people[0].name
        return people

    def _story_people(self) -> list[PetitionerInput]:
        """The story's petitioners, by the names of the report (their other details drawn as usual)."""
        rng, code = self.rng, self.district.code
        people = []
        for name in self.story["petitioners"]:
            person = self.p.people.person(rng, code, self.region, PetitionerGroup.RESIDENT)
            people.append(PetitionerInput(**{**person.__dict__, "name": name}))
        self.values["who"] = people[0].name
        return people

    # -- step helpers

    def add(self, kind: str, gap: Gap, /, *, late: bool = False, **args: Any) -> int:
        self.out.append(Step(kind, gap, args, late=late))
        return len(self.out) - 1

    def intake_args(self, actor: User, channel: str, *, new_matter_reason: str = "") -> dict[str, Any]:
        """The keyword arguments of ``matter_intake`` for this matter (a first or a repeat visit)."""
        rng, topic = self.rng, self.topic
        if self.spec.story:
            title, content, request = self.story["title"], self.story["content"], self.story["request"]
        else:
            title = self.fill(rng.choice(topic.titles))
            pool = topic.group_contents if self.group and topic.group_contents else topic.contents
            content = self.fill(rng.choice(pool))
            request = self.fill(rng.choice(topic.requests))
        headcount = self.values["n"] if self.group else len(self.petitioners)
        if self.group and headcount < 5:
            headcount = 5
        leader = None
        if channel == Channel.LEADER_DAY:
            leader = self.district.leaders[0]
        return {
            "actor": actor,
            "petitioners": self.petitioners,
            "channel": channel,
            "consent": True,
            "region": self.region,
            "title": title[:80],
            "content": content,
            "request": request,
            "category": topic.category,
            "purpose": topic.purpose,
            "headcount": headcount,
            "leader": leader,
            "new_matter_reason": new_matter_reason,
        }

    def intake(self) -> None:
        if self.spec.story == "wang":
            channel = Channel.WINDOW
        elif self.spec.story == "zhongtan":
            channel = Channel.DOOR
        else:
            channel = weighted(self.rng, CHANNELS_BY_LEVEL[self.desk.level])
        if channel == Channel.LEADER_DAY and self.desk.level != Level.COUNTY:
            channel = Channel.WINDOW
        self.add(
            "intake",
            ("d", 0, self.rng.randint(OPENS, CLOSES - 60)),
            **self.intake_args(self.agent, channel),
        )

    def up_to_county(self, stop_at_township: bool = False) -> None:
        rng = self.rng
        for i, user in enumerate(self.desk.chain):
            assert user is not None
            if self.desk.level == Level.VILLAGE and i == 0:
                note = rng.choice(TEXTS["escalate"]["from_village"])
                gap = gap_min(rng, 30, 300) if rng.random() < 0.6 else gap_workdays(rng, 1, 2)
            else:
                note = rng.choice(TEXTS["escalate"]["to_county"])
                gap = gap_workdays(rng, 0, 2)
            self.add("escalate", gap, actor=user, note=note)
            if stop_at_township:
                return

    def route(self, unit: ResponsibleUnit, gap: Gap, co: Sequence[ResponsibleUnit] = ()) -> int:
        instructions = self.rng.choice(TEXTS["route_instructions"])
        return self.add(
            "route",
            gap,
            actor=self.district.centre,
            lead_unit=unit,
            lead_instructions=instructions,
            co_units=[(u, TEXTS["co_instructions"]) for u in co],
        )

    def routing(self) -> int:
        """Route (after a wrong first try, if drawn); returns the index of the last route step."""
        rng = self.rng
        if self.objection and self.topic.wrong:
            wrong = self.cast.unit(self.district.code, self.topic.wrong)
            self.route(wrong, gap_workdays(rng, 0, 2))
            self.add(
                "object",
                gap_workdays(rng, 1, 3),
                actor=self.cast.handler(wrong),
                unit=wrong,
                reasons=self.topic.objection,
            )
            # The centre that routed it verifies and agrees (art. 23), and the matter is back with it.
            self.add(
                "objection_agree",
                gap_workdays(rng, 0, 2),
                actor=self.district.centre,
                unit=wrong,
                note="经核实，异议理由成立，由本中心重新交办。",
            )
            if self.spec.scenario == "objected":
                return len(self.out) - 1
            return self.route(self.lead_unit, gap_workdays(rng, 0, 2), self._co_units())
        return self.route(self.lead_unit, gap_workdays(rng, 0, 3), self._co_units())

    def _co_units(self) -> list[ResponsibleUnit]:
        if not self.co:
            return []
        units = [self.cast.unit(self.district.code, d) for d in self.topic.co]
        return [u for u in units if u.pk != self.lead_unit.pk]

    def accept(self) -> int:
        method = weighted(
            self.rng, ((ContactMethod.WRITTEN, 5), (ContactMethod.PHONE, 2), (ContactMethod.SMS, 1))
        )
        return self.add(
            "accept",
            gap_workdays(self.rng, 1, 4),
            actor=self.lead_handler,
            unit=self.lead_unit,
            notice_method=method,
        )

    def middle(
        self,
        until: int,
        *,
        reply_at: int | None,
        extend: tuple[int, int] | None = None,
        mediate: bool = False,
        press: bool = False,
    ) -> int:
        """What happens while the lead unit handles the matter, as offsets in days from acceptance:
        co-units accept and report, leaders are assigned, a repeat visit, mediation, reminders, extension.
        Everything lies before ``until`` days; returns the offset of the last one. With ``reply_at``, the gap
        to the reply is left in ``self.reply_gap``."""
        rng = self.rng
        events: list[tuple[int, str, dict[str, Any]]] = []
        room = max(until - 1, 0)
        for unit in self._co_units():
            handler = self.cast.handler(unit)
            events.append(
                (
                    0,  # co-units accept with the lead, well inside their 5-working-day objection window
                    "accept",
                    {"actor": handler, "unit": unit, "notice_method": ""},
                )
            )
            part = self.fill(rng.choice(TEXTS["co_opinions"]))
            events.append(
                (
                    min(rng.randint(4, 15), room),
                    "submit_part",
                    {"actor": handler, "unit": unit, "content": part},
                )
            )
        if self.leaders:
            events.append(
                (
                    min(rng.randint(0, 6), room),
                    "assign_leaders",
                    {"actor": self.district.centre, "count": self.leaders},
                )
            )
        if self.repeat and room >= 4:
            events.append((rng.randint(3, min(room, 35)), "repeat_visit", {}))
        if press and room >= 12:
            events.append(
                (
                    rng.randint(10, min(room, 45)),
                    "press",
                    {"actor": self.agent, "note": TEXTS["progress_press"]},
                )
            )
        if mediate and room >= 6:
            events.append((rng.randint(max(room - 20, 3), room - 2), "mediate", {"signed": True}))
        if extend is not None:
            events.append((extend[0], "extend", {"days": extend[1]}))
        events.sort(key=lambda e: e[0])
        last = 0
        for offset, kind, args in events:
            gap = gap_days(rng, offset - last, offset - last) if offset > last else gap_min(rng, 20, 120)
            last = max(last, offset)
            if kind == "accept":
                self.add("accept", gap, **args)
            elif kind == "repeat_visit":
                who = self.agent if rng.random() < 0.7 else self.district.centre
                channel = Channel.PHONE if who is self.agent else Channel.WINDOW
                self.add("repeat_visit", gap, **self.intake_args(who, channel))
            elif kind == "assign_leaders":
                leaders = self.cast.case_leaders(self.district, self.region, args["count"])
                self.add("assign_leaders", gap, actor=args["actor"], leaders=leaders)
            elif kind == "mediate":
                self.add("mediate", gap, **self.mediation(self.lead_handler, signed=args["signed"]))
            elif kind == "extend":
                self.add(
                    "extend",
                    gap,
                    actor=self.lead_handler,
                    days=args["days"],
                    approver=TEXTS["extension"]["approver"].format(
                        unit=self.lead_unit.name, person=person_name(self.lead_unit.name)
                    ),
                    reason=rng.choice(TEXTS["extension"]["reasons"]),
                    notified_how=rng.choice((ContactMethod.WRITTEN, ContactMethod.PHONE)),
                )
            else:
                self.add(kind, gap, **args)
        if reply_at is not None:
            gap_in_days = max(reply_at - last, 1)
            self.reply_gap = gap_days(rng, gap_in_days, gap_in_days)
        return last

    def mediation(self, actor: User, *, signed: bool) -> dict[str, Any]:
        """The keyword arguments of ``matter_mediate``, with ``deadline_days`` for the performance deadline
        (counted from the day of the step)."""
        topic = self.topic
        defaults = TEXTS["mediation_defaults"]
        party = self.fill(topic.party or defaults["party"])
        if actor.role == Role.UNIT_HANDLER:
            participants = self.fill(TEXTS["participants"]["unit"], party=party, unit=self.lead_unit.name)
        else:
            participants = self.fill(TEXTS["participants"]["local"], party=party)
        if self.spec.story:
            participants = self.story["participants"]
        return {
            "actor": actor,
            "participants": participants,
            "terms": self.fill(topic.terms or defaults["terms"]),
            "performance_manner": self.fill(topic.manner or defaults["manner"]),
            "deadline_days": self.rng.randint(10, 30),
            "signed": signed,
        }

    def opinion(self, outcome: str) -> dict[str, Any]:
        topic = self.topic
        defaults = TEXTS["opinion_defaults"]
        reasons = {
            Outcome.SUPPORT: topic.support,
            Outcome.EXPLAIN: topic.explain,
            Outcome.NOT_SUPPORT: topic.not_support,
        }
        return {
            "outcome": outcome,
            "facts": self.fill(topic.facts or defaults["facts"]),
            "reasons": self.fill(reasons[Outcome(outcome)] or defaults["reasons"]),
            "basis": topic.basis or defaults["basis"],
        }

    def reply(self, outcome: str, gap: Gap, *, late: bool = False) -> int:
        self.unserved = True
        return self.add("reply", gap, late=late, actor=self.lead_handler, **self.opinion(outcome))

    def serve(self, gap: Gap) -> int:
        """送达: the agent delivers the written reply (its day is the step's day; see ``perform``)."""
        rng = self.rng
        manner = weighted(
            rng, ((ServiceManner.DIRECT, 6), (ServiceManner.MAIL, 2), (ServiceManner.ELECTRONIC, 1))
        )
        self.unserved = False
        note = rng.choice(TEXTS["service_notes"][manner])
        return self.add("serve", gap, actor=self.agent, manner=manner, note=note)

    def feedback(self) -> int:
        """反馈, after delivering the written reply if it still waits for service."""
        rng = self.rng
        method = weighted(
            rng, ((ContactMethod.IN_PERSON, 4), (ContactMethod.PHONE, 3), (ContactMethod.VISIT, 2))
        )
        note = rng.choice(TEXTS["feedback_notes"])
        gap = gap_days(self.rng, 0, 2)
        if self.unserved:
            self.serve(gap)
            gap = gap_min(rng, 10, 60)
        return self.add("feedback", gap, actor=self.agent, method=method, note=note)

    def follow_up(self, service: str, unit: str, gap: Gap | None = None) -> int:
        rng = self.rng
        return self.add(
            "follow_up",
            gap or gap_days(rng, 2, 9),
            actor=self.agent,
            service_satisfaction=service,
            unit_satisfaction=unit,
            method=weighted(
                rng, ((ContactMethod.VISIT, 3), (ContactMethod.PHONE, 3), (ContactMethod.IN_PERSON, 1))
            ),
            note=rng.choice(TEXTS["follow_up_notes"]),
        )

    def close(self, resolved: bool) -> int:
        note = TEXTS["close_notes"]["resolved" if resolved else "unresolved"]
        return self.add("close", gap_min(self.rng, 10, 90), actor=self.agent, resolved=resolved, note=note)

    def satisfaction(self, resolved: bool) -> tuple[str, str]:
        rng = self.rng
        if resolved:
            return (
                weighted(rng, ((Satisfaction.SATISFIED, 8), (Satisfaction.BASICALLY, 2))),
                weighted(rng, ((Satisfaction.SATISFIED, 6), (Satisfaction.BASICALLY, 3))),
            )
        return (
            weighted(
                rng,
                ((Satisfaction.SATISFIED, 4), (Satisfaction.BASICALLY, 4), (Satisfaction.DISSATISFIED, 2)),
            ),
            weighted(rng, ((Satisfaction.BASICALLY, 2), (Satisfaction.DISSATISFIED, 6))),
        )
