"""The planner: which matters to make (specs), and each one's steps placed in time.

From ``random.Random(seed)`` and ``today``, each matter gets a scenario (the state it should end in), a desk
that takes it in, a place, a topic, petitioners and a list of steps with the gaps between them (hours to
days, inside the statutory windows). The steps are then placed on working days in office hours and shifted
so that the state-defining step lands where the scenario needs it relative to ``today`` (e.g. a handling
clock that ran out 10–20 days ago), and every step lies before ``today``.
"""

from __future__ import annotations

import datetime
import random

from daiban.demo.matters.builder import weighted
from daiban.demo.matters.cast import Cast, Desk, District
from daiban.demo.matters.config import (
    DISTRICT_WEIGHTS,
    ESSENTIAL,
    REVIEW_DOMAIN,
    REVIEWING,
    SCENARIOS,
)
from daiban.demo.matters.people import People
from daiban.demo.matters.scenarios import MatterBuilder
from daiban.demo.matters.steps import Plan, Spec, Step
from daiban.demo.matters.topics import TOPIC, TOPICS, Topic
from daiban.demo.matters.workdays import OPENS, Calendar
from daiban.matters.choices import ANSWERABLE_AT_ONCE, Purpose
from daiban.regions.models import Level, Region
from daiban.workcal import calendar as workcal


def region_kind(region: Region) -> str:
    return "urban" if region.name.endswith("社区") else "rural"


def _topic_fits(topic: Topic, kind: str) -> bool:
    if kind == "answer":
        return topic.purpose in ANSWERABLE_AT_ONCE
    if kind == "legal":
        return bool(topic.legal)
    if kind == "refuse":
        return bool(topic.refuse)
    if kind == "accuse":
        return topic.purpose == Purpose.ACCUSATION
    routable = topic.purpose == Purpose.APPEAL and not topic.refuse
    if kind == "local":
        return routable and topic.local_ok
    if kind == "wrong":
        return routable and bool(topic.wrong)
    return routable


class Planner:
    """Draws the matters: specs, then each one's steps and their times."""

    def __init__(self, cast: Cast, today: datetime.date, seed: int) -> None:
        self.cast = cast
        self.today = today
        self.seed = seed
        self.cal = Calendar()
        self.people = People(today)
        self.horizon = Calendar.at(today, 0)  # every step happens before today
        self._dues: dict[tuple[str, datetime.date, int], datetime.date] = {}

    # -- specs

    def plans(self, count: int) -> list[Plan]:
        """The essential matters, then random ones until there are ``count`` matters."""
        rng = random.Random(self.seed)  # noqa: S311 - reproducible demo data, not secrets
        plans = [self.plan(i, spec) for i, spec in enumerate(ESSENTIAL)]
        total = sum(p.matters for p in plans)
        names = list(SCENARIOS)
        while total < count:
            county = weighted(rng, DISTRICT_WEIGHTS.items())
            scenario = weighted(rng, ((n, SCENARIOS[n].weight) for n in names))
            spec = Spec(scenario, county, return_visit=None if count - total >= 2 else False)
            plan = self.plan(len(plans), spec)
            plans.append(plan)
            total += plan.matters
        return plans

    # -- desk, place, topic

    def _desk(self, rng: random.Random, district: District, spec: Spec) -> Desk:
        need = SCENARIOS[spec.scenario].desk
        if spec.desk:
            return next(d for d in district.desks if d.user.username == spec.desk)

        def fits(d: Desk) -> bool:
            if need == "village":
                return d.level == Level.VILLAGE
            if need == "township":
                return (d.level == Level.VILLAGE and d.can_reach_county) or d.level == Level.TOWNSHIP
            if need == "local":
                return d.level in (Level.VILLAGE, Level.TOWNSHIP)
            if need == "hand_down":
                return d.level == Level.COUNTY
            if need == "up":
                return d.can_reach_county
            return True

        weights = {Level.VILLAGE: 4.0, Level.TOWNSHIP: 2.0, Level.COUNTY: 3.5}
        return weighted(rng, ((d, weights[Level(d.level)]) for d in district.desks if fits(d)))

    def _topic(self, rng: random.Random, spec: Spec, region: Region) -> Topic | None:
        if spec.topic:
            return TOPIC[spec.topic]
        kind = SCENARIOS[spec.scenario].topics
        where = region_kind(region)
        fitting = [t for t in TOPICS if _topic_fits(t, kind) and t.where in ("any", where)]
        if spec.scenario in REVIEWING:
            # Reviews go up to a city unit that has a demo account (see REVIEW_DOMAIN).
            fitting = [t for t in fitting if t.domain == REVIEW_DOMAIN]
        return rng.choice(fitting) if fitting else None

    # -- the plan of one matter

    def plan(self, index: int, spec: Spec) -> Plan:
        rng = random.Random(f"{self.seed}/{index}")  # noqa: S311
        district = self.cast.districts[spec.county]
        desk = self._desk(rng, district, spec)
        regions = desk.regions
        if spec.topic and TOPIC[spec.topic].where != "any":
            regions = [r for r in regions if region_kind(r) == TOPIC[spec.topic].where] or regions
        for _ in range(20):
            region = rng.choice(regions)
            if spec.scenario == "handed_down_closed":
                towns = [d for d in district.desks if d.level == Level.TOWNSHIP]
                region = rng.choice(rng.choice(towns).regions)
            topic = self._topic(rng, spec, region)
            if topic is not None:
                break
        else:  # pragma: no cover - the topic table covers every scenario for urban and rural places
            raise RuntimeError(f"no topic for {spec}")
        build = MatterBuilder(self, rng, spec, district, desk, region, topic)
        steps, anchor, target = build.steps()
        self._fit(steps, anchor, target, rng)
        return Plan(spec, steps, matters=build.matters)

    def schedule(self, steps: list[Step], start: datetime.date) -> None:
        first = steps[0]
        at = Calendar.at(self.cal.next_workday(start), first.gap[2])
        first.at = at
        for step in steps[1:]:
            prev = at
            at = self.cal.place(prev, step.gap)
            for index, key, extra in step.within:
                started = steps[index].at
                assert started is not None
                due = self._due(key, started.date(), extra)
                if at.date() > due:
                    at = max(Calendar.at(due, step.gap[2] or OPENS), prev + datetime.timedelta(minutes=10))
            step.at = at

    def _due(self, key: str, start: datetime.date, extra: int) -> datetime.date:
        found = self._dues.get((key, start, extra))
        if found is None:
            found = self._dues[(key, start, extra)] = workcal.deadline_for(key, start, extra_days=extra).due
        return found

    def _fit(self, steps: list[Step], anchor: int, target: datetime.date, rng: random.Random) -> None:
        """Shift the matter in time so that step ``anchor`` falls on ``target`` and all lie before today."""
        while not self.cal.is_workday(target):
            target -= datetime.timedelta(days=1)
        start = target
        for _ in range(12):
            self.schedule(steps, start)
            at = steps[anchor].at
            assert at is not None
            diff = (target - at.date()).days
            if diff == 0:
                break
            start += datetime.timedelta(days=diff)
        while (last := steps[-1].at) is not None and last >= self.horizon:
            start -= datetime.timedelta(days=1)
            self.schedule(steps, start)
