"""Planning and running the prevention demo (see the package docstring)."""

from __future__ import annotations

import datetime
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.core import clock
from daiban.demo.files import read_json
from daiban.demo.matters.cast import Cast
from daiban.demo.matters.people import People
from daiban.matters import actions as matter_actions
from daiban.matters import origins
from daiban.matters.choices import Channel, Purpose
from daiban.prevention import warnings
from daiban.prevention.actions import alerts as alert_actions
from daiban.prevention.actions import errands as errand_actions
from daiban.prevention.actions import screenings as screening_actions
from daiban.prevention.actions import sessions as session_actions
from daiban.prevention.actions import visits as visit_actions
from daiban.prevention.models import (
    Alert,
    AlertRule,
    Errand,
    ErrandStatus,
    ReceptionSession,
    RiskLevel,
    Screening,
    ScreeningStatus,
    SessionKind,
    Visit,
)
from daiban.prevention.models.screenings import REVIEW_DAYS
from daiban.regions import geometry
from daiban.regions.models import Level, Region

SEED = 20261202
TZ = ZoneInfo("Asia/Shanghai")

# Demo leaders beyond the network's own: the counties whose practices the report names (武川's 联合接访,
# 清水河's visits and 直播间).
EXTRA_LEADERS = (
    ("wuchuan_lingdao", "150125", "武川县包案领导"),
    ("qingshuihe_lingdao", "150124", "清水河县包案领导"),
)
# Who holds which reception sessions: (organiser, leaders, kind, past sessions, upcoming sessions).
SESSION_PLAN = (
    ("xinchengqu_zhongxin", ("xinchengqu_lingdao",), SessionKind.LEADER_DAY, 5, 1),
    ("hulunlu_zhan", ("hulunlu_lingdao",), SessionKind.LEADER_DAY, 4, 1),
    ("shi_admin", ("shi_lingdao",), SessionKind.LEADER_DAY, 3, 1),
    ("wuchuan_zhongxin", ("wuchuan_lingdao",), SessionKind.JOINT, 4, 1),
    ("qingshuihe_zhongxin", ("qingshuihe_lingdao",), SessionKind.LIVESTREAM, 4, 1),
    ("hulunlu_zhan", ("hulunlu_lingdao", "xinchengqu_lingdao"), SessionKind.JOINT, 3, 1),
)


class DemoStepFailed(RuntimeError):
    pass


@dataclass
class PreventionResult:
    screenings: dict[str, int]
    visits: int
    sessions: dict[str, int]
    receptions: int
    errands: dict[str, int]
    alerts: dict[str, int]
    matters: int
    seconds: float


@dataclass(order=True)
class _Step:
    at: datetime.datetime
    order: int
    run: Callable[[], object] = field(compare=False)


class _Demo:
    def __init__(self, today: datetime.date, seed: int) -> None:
        self.data: dict[str, Any] = read_json("prevention/prevention.json")
        self.today = today
        self.rng = random.Random(seed)  # noqa: S311 - reproducible demo data
        self.people = People(today)
        self.steps: list[_Step] = []
        self.matters: list[int] = []
        self.cast = Cast()
        for username, code, post in EXTRA_LEADERS:
            self.cast._create(username, Role.LEADER, Region.objects.get(code=code), post)
        self.users = {u.username: u for u in User.objects.filter(is_active=True)}
        self.agents = [
            u for u in self.users.values() if u.role in AGENT_ROLES and u.role != Role.COUNTY_STAFF
        ]
        self.agents.sort(key=lambda u: u.username)
        self.villages_of: dict[int, list[Region]] = {}

    # -- helpers

    def at(self, day: datetime.date, hour: int, minute: int | None = None) -> datetime.datetime:
        return datetime.datetime.combine(
            day, datetime.time(hour, self.rng.randrange(60) if minute is None else minute), TZ
        )

    def add(self, at: datetime.datetime, run: Callable[[], object]) -> None:
        if at.date() < self.today:
            self.steps.append(_Step(at, len(self.steps), run))

    def pick(self, weights: dict[str, float]) -> str:
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def fill(self, text: str, **extra: str) -> str:
        words = {k: self.rng.choice(v) for k, v in self.data["fill"].items()}
        words |= {"a": self.people.name(self.rng, True), "b": self.people.name(self.rng, False)}
        return text.format(**(words | extra))

    def village_for(self, agent: User) -> Region:
        assert agent.region is not None
        if agent.region.level == Level.VILLAGE:
            return agent.region
        if agent.pk not in self.villages_of:
            self.villages_of[agent.pk] = list(
                Region.objects.filter(parent=agent.region, level=Level.VILLAGE).order_by("code")[:12]
            ) or [agent.region]
        return self.rng.choice(self.villages_of[agent.pk])

    def day_back(self, most: int | None = None) -> datetime.date:
        days = most or self.data["days_back"]
        return self.today - datetime.timedelta(days=self.rng.randint(1, days))

    # -- plans

    def plan_visit(self, agent: User, day: datetime.date, region: Region, *, found: bool) -> dict[str, int]:
        ref: dict[str, int] = {}
        v = self.data["visits"]
        kind = "door" if found else self.pick(v["kind_weights"])
        findings = self.rng.choice(v["findings_found"] if found else v["findings_quiet"])

        def run() -> None:
            visit = visit_actions.visit_record(
                actor=agent,
                kind=kind,
                visited_on=clock.today(),
                region=region,
                place=self.rng.choice(v["places"]),
                members=[agent],
                others=self.rng.choice(v["others"]),
                households=0 if kind == "online" else self.rng.randint(4, 36),
                findings=findings,
            )
            ref["id"] = visit.pk

        self.add(self.at(day, 9), run)
        return ref

    def plan_screening(self) -> None:
        agent = self.rng.choice(self.agents)
        region = self.village_for(agent)
        day = self.day_back()
        template = self.rng.choice(self.data["screenings"])
        source = self.pick(self.data["source_weights"])
        visit = self.plan_visit(agent, day, region, found=True) if source == "visit" else None
        risk = self.pick(self.data["risk_weights"])
        outcome = self.pick(self.data["screening_outcomes"])
        ref: dict[str, int] = {}
        title = self.fill(self.rng.choice(template["titles"]))
        description = self.fill(self.rng.choice(template["descriptions"]))
        parties = self.fill(self.rng.choice(template["parties"]))
        headcount = self.rng.choice([1, 2, 2, 3, 4]) if risk != "grave" else self.rng.choice([6, 8, 12, 20])

        def record() -> None:
            row = screening_actions.screening_record(
                actor=agent,
                region=region,
                place=self.fill("{place}"),
                kind=template["kind"],
                title=title[:80],
                description=description,
                parties=parties,
                headcount=headcount,
                is_group=headcount >= 5,
                risk=risk,
                risk_reason=template["risk_reasons"][risk],
                source=source,
                found_on=clock.today(),
                visit_id=visit["id"] if visit else None,
            )
            ref["id"] = row.pk

        self.add(self.at(day, 10), record)
        later = lambda lo, hi: day + datetime.timedelta(days=self.rng.randint(lo, hi))  # noqa: E731

        def act(fn: Callable[..., Any], **kwargs: Any) -> Callable[[], object]:
            return lambda: fn(actor=agent, screening_id=ref["id"], expected_version=None, **kwargs)

        first_review = day + datetime.timedelta(days=REVIEW_DAYS[RiskLevel(risk)])
        if outcome in ("resolved", "stabilised", "resolving"):
            note = self.rng.choice(self.data["start_notes"])
            self.add(self.at(later(1, 2), 11), act(screening_actions.screening_start, note=note))
        if outcome == "resolved":
            if self.rng.random() < 0.4:
                self.add(self.at(later(3, 4), 15), self._follow_up(agent, ref, self.rng.randint(5, 12)))
            outcome_text = self.rng.choice(template["outcomes"])
            resolved_on = later(5, 25)
            self.add(self.at(resolved_on, 16), act(screening_actions.screening_resolve, outcome=outcome_text))
            if resolved_on >= self.today:  # not settled yet: still being followed up
                self._keep_following(agent, ref, first_review)
        elif outcome == "stabilised":
            measures = self.rng.choice(self.data["measures"])
            stabilised_on, gap = later(3, 10), self.rng.randint(7, 20)
            self.add(
                self.at(stabilised_on, 16),
                act(
                    screening_actions.screening_stabilise,
                    measures=measures,
                    review_on=stabilised_on + datetime.timedelta(days=gap),
                ),
            )
            after = (
                stabilised_on + datetime.timedelta(days=gap) if stabilised_on < self.today else first_review
            )
            self._keep_following(agent, ref, after)
        elif outcome in ("watching", "resolving"):
            self._keep_following(agent, ref, first_review)
        elif outcome == "transferred":
            target = template["transfer"]
            assert region.parent is not None
            county = Region.objects.get(code=geometry.county_code(region.path))
            receiver = self.data["transfer_bodies"][target].format(t=region.parent.name, c=county.name)
            note = self.rng.choice(self.data["transfer_notes"])
            self.add(
                self.at(later(1, 4), 14),
                act(screening_actions.screening_transfer, target=target, receiver=receiver, note=note),
            )
        elif outcome == "petition":
            request = self.rng.choice(template["requests"])
            person = self.people.person(self.rng, geometry.county_code(region.path), region, "villager")

            def to_matter() -> None:
                result = matter_actions.matter_intake(
                    actor=agent,
                    petitioners=[person],
                    channel=Channel.SCREENING,
                    consent=True,
                    region=region,
                    title=title[:80],
                    content=f"{description}\n当事人：{parties}",
                    request=request,
                    category=template["category"],
                    purpose=Purpose.APPEAL,
                    headcount=max(1, headcount) if headcount < 5 else 1,
                    new_matter=True,
                    origin=f"screening:{ref['id']}",
                )
                self.matters.append(result.matter.pk)

            self.add(self.at(later(1, 6), 11), to_matter)

    def _keep_following(self, agent: User, ref: dict[str, int], review: datetime.date) -> None:
        """An open screening is followed up on its review dates, mostly on time; now and then a desk
        lets one slip (the overdue warning and the home panel's 已过期 show it)."""
        day = review
        neglected = self.rng.random() < 0.15
        stop = review + datetime.timedelta(days=self.rng.randint(0, 60)) if neglected else self.today
        while day < min(stop, self.today):
            gap = self.rng.randint(7, 15)
            self.add(self.at(day, 15), self._follow_up(agent, ref, gap))
            day += datetime.timedelta(days=gap)

    def _follow_up(self, agent: User, ref: dict[str, int], gap: int) -> Callable[[], object]:
        note = self.rng.choice(self.data["follow_ups"])
        return lambda: screening_actions.screening_follow_up(
            actor=agent,
            screening_id=ref["id"],
            expected_version=None,
            note=note,
            review_on=clock.today() + datetime.timedelta(days=gap),
        )

    def plan_errand(self) -> None:
        agent = self.rng.choice(self.agents)
        item = self.rng.choice(self.data["errands"]["items"])
        e = self.data["errands"]
        region = self.village_for(agent)
        day = self.day_back(120)
        county = Region.objects.get(code=geometry.county_code(region.path))
        town = region.parent.name if region.parent else region.name
        office = item["office"].format(c=county.name, t=town)
        ref: dict[str, int] = {}
        person = self.people.name(self.rng, self.rng.random() < 0.5)

        def record() -> None:
            row = errand_actions.errand_record(
                actor=agent,
                person=person,
                service=item["service"],
                description=item["description"],
                office=office,
                requested_on=clock.today(),
                promised_on=clock.today() + datetime.timedelta(days=item["days"]),
                region=region,
            )
            ref["id"] = row.pk

        self.add(self.at(day, 9), record)
        roll = self.rng.random()
        if roll < e["open_share"]:
            return
        done = roll >= e["open_share"] + e["not_done_share"]
        finish_day = day + datetime.timedelta(days=self.rng.randint(1, item["days"] + 3))
        result = self.rng.choice(e["done_results"] if done else e["not_done_results"])
        method = self.rng.choice(["in_person", "phone", "phone", "message", "delivered"])
        self.add(
            self.at(finish_day, 16),
            lambda: errand_actions.errand_finish(
                actor=agent,
                errand_id=ref["id"],
                expected_version=None,
                done=done,
                result=result,
                notice_method=method,
            ),
        )

    def plan_sessions(self) -> None:
        s = self.data["sessions"]
        issue = 0
        for organiser_name, leader_names, kind, past, upcoming in SESSION_PLAN:
            organiser = self.users[organiser_name]
            leaders = [self.users[n] for n in leader_names]
            region = leaders[0].region
            assert region is not None
            for i in range(past + upcoming):
                issue += 1
                is_past = i < past
                if is_past:
                    start_day = self.today - datetime.timedelta(
                        days=7 + (past - i) * self.rng.randint(18, 26)
                    )
                else:
                    start_day = self.today + datetime.timedelta(days=self.rng.randint(2, 14))
                cancelled = (
                    is_past and i == 1 and kind == SessionKind.LEADER_DAY and organiser_name == "hulunlu_zhan"
                )
                self._plan_session(organiser, leaders, region, kind, start_day, is_past, cancelled, issue, s)

    def _plan_session(
        self,
        organiser: User,
        leaders: list[User],
        region: Region,
        kind: str,
        start_day: datetime.date,
        is_past: bool,
        cancelled: bool,
        issue: int,
        s: dict[str, Any],
    ) -> None:
        ref: dict[str, int] = {}
        title = self.rng.choice(s["titles"][kind]).format(r=region.name, k=issue)
        place = s["places"][kind].format(r=region.name)
        if region.level == Level.CITY and kind != SessionKind.LIVESTREAM:
            place = f"{region.name}信访局群众来访接待大厅"  # the city has a bureau, not a proxy centre
        bodies = self.rng.choice(s["bodies"]) if kind == SessionKind.JOINT else []
        starts = datetime.datetime.combine(start_day, datetime.time(9, 0), TZ)
        ends = starts + datetime.timedelta(hours=3)
        schedule_day = (
            (start_day - datetime.timedelta(days=7)) if is_past else self.today - datetime.timedelta(days=3)
        )

        def schedule() -> None:
            row = session_actions.session_schedule(
                actor=organiser,
                data=session_actions.SessionInput(
                    kind=kind,
                    title=title[:80],
                    starts_at=starts,
                    ends_at=ends,
                    place=place,
                    region=region,
                    leaders=leaders,
                    bodies=bodies,
                    notes="欢迎群众前来反映诉求，现场登记、全程代办。",
                ),
            )
            ref["id"] = row.pk

        self.add(self.at(schedule_day, 10), schedule)
        if not is_past:
            return
        if cancelled:
            self.add(
                self.at(start_day - datetime.timedelta(days=1), 17),
                lambda: session_actions.session_cancel(
                    actor=organiser,
                    session_id=ref["id"],
                    expected_version=None,
                    reason="接访领导临时参加上级会议，改期举行。",
                ),
            )
            return
        answered = self.rng.randint(2, 4)
        for n in range(answered):
            visitor = self.people.name(self.rng, self.rng.random() < 0.6)
            question = self.rng.choice(s["questions"])
            answer = self.rng.choice(s["answers"])
            leader = leaders[n % len(leaders)]
            self.add(
                starts + datetime.timedelta(minutes=20 + 25 * n),
                self._receive(organiser, ref, leader, visitor, question, answer),
            )
        if self.rng.random() < 0.6:
            self._plan_session_intake(
                organiser, leaders, region, starts + datetime.timedelta(minutes=150), ref
            )
        summary = self.rng.choice(s["summaries"]).format(n=answered + 1, m=answered, k=1)
        self.add(
            ends + datetime.timedelta(minutes=30),
            lambda: session_actions.session_close(
                actor=organiser, session_id=ref["id"], expected_version=None, summary=summary
            ),
        )

    @staticmethod
    def _receive(
        organiser: User, ref: dict[str, int], leader: User, visitor: str, question: str, answer: str
    ) -> Callable[[], object]:
        return lambda: session_actions.session_receive_answered(
            actor=organiser,
            session_id=ref["id"],
            leader=leader,
            visitor=visitor,
            summary=question,
            answer=answer,
        )

    def _plan_session_intake(
        self, organiser: User, leaders: list[User], region: Region, at: datetime.datetime, ref: dict[str, int]
    ) -> None:
        actor = organiser if organiser.role in AGENT_ROLES else leaders[0]
        place = region
        if region.level < Level.VILLAGE:
            place = (
                Region.objects.filter(path__startswith=region.path, level=Level.VILLAGE)
                .order_by("code")
                .first()
                or region
            )
        template = self.rng.choice(self.data["screenings"])
        person = self.people.person(self.rng, geometry.county_code(place.path), place, "villager")
        title = self.fill(self.rng.choice(template["titles"]))[:80]
        content = self.fill(self.rng.choice(template["descriptions"]))
        request = self.rng.choice(template["requests"])

        def intake() -> None:
            came_from = origins.prefill(actor, f"session:{ref['id']}")
            assert came_from is not None
            result = matter_actions.matter_intake(
                actor=actor,
                petitioners=[person],
                channel=came_from.initial["channel"],
                consent=True,
                region=place,
                title=title,
                content=content,
                request=request,
                category=template["category"],
                purpose=Purpose.APPEAL,
                leader=leaders[0],
                new_matter=True,
                origin=f"session:{ref['id']}",
            )
            self.matters.append(result.matter.pk)

        self.add(at, intake)

    def plan_quiet_visits(self, count: int) -> None:
        for _ in range(count):
            agent = self.rng.choice(self.agents)
            self.plan_visit(agent, self.day_back(55), self.village_for(agent), found=False)

    # -- running

    def run(self) -> None:
        for step in sorted(self.steps):
            try:
                with clock.frozen(step.at):
                    step.run()
            except Exception as exc:
                raise DemoStepFailed(
                    f"排查预防演示数据第 {step.order} 步（{step.run.__qualname__}）于 {step.at:%Y-%m-%d %H:%M} 失败：{exc}"
                ) from exc

    def handle_alerts(self) -> None:
        """The morning scan, then what the desks did with a few of its alerts."""
        with clock.frozen(self.at(self.today, 8, 0)):
            warnings.scan()
        counties = {u.region_id: u for u in self.users.values() if u.role == Role.COUNTY_STAFF}
        for n, alert in enumerate(Alert.objects.order_by("raised_at", "id")):
            county = Region.objects.filter(code=geometry.county_code(alert.region_path)).first()
            actor = counties.get(county.pk) if county else None
            if actor is None or n % 3 == 2:
                continue  # left for the desks to handle
            with clock.frozen(self.at(self.today, 9, n % 60)):
                if alert.rule == AlertRule.SCREENING_OVERDUE and alert.screening_id:
                    alert_actions.alert_act(
                        actor=actor,
                        alert_id=alert.pk,
                        expected_version=None,
                        target=f"screening:{alert.screening_id}",
                        note="已督促责任代办员当日入户跟进，并更新下次跟进日期。",
                    )
                elif alert.rule == AlertRule.FREQUENT_VISITOR and n % 2:
                    alert_actions.alert_dismiss(
                        actor=actor,
                        alert_id=alert.pk,
                        expected_version=None,
                        reason="多次来访均为补充材料，事项正在办理中，已排除。",
                    )
                else:
                    alert_actions.alert_acknowledge(actor=actor, alert_id=alert.pk, expected_version=None)


def load_demo_prevention(
    *, today: datetime.date | None = None, seed: int = SEED, scale: float = 1.0
) -> PreventionResult | None:
    """Make the prevention demo; ``None`` (and nothing changed) if any screening exists already.
    ``scale`` multiplies the counts of screenings, visits and errands (tests use a small demo)."""
    if Screening.objects.exists():
        return None
    started = time.monotonic()
    today = today or clock.today()
    with transaction.atomic(), matter_actions.seeded_lookup_codes(seed):
        demo = _Demo(today, seed)
        counts = {k: max(1, round(v * scale)) for k, v in demo.data["counts"].items()}
        for _ in range(counts["screenings"]):
            demo.plan_screening()
        from_screenings = sum(1 for s in demo.steps if s.run.__qualname__.endswith("plan_visit.<locals>.run"))
        demo.plan_quiet_visits(max(0, counts["visits"] - from_screenings))
        for _ in range(counts["errands"]):
            demo.plan_errand()
        demo.plan_sessions()
        demo.run()
        demo.handle_alerts()
    return PreventionResult(
        screenings={ScreeningStatus(k).label: v for k, v in _count(Screening, "status").items()},
        visits=Visit.objects.count(),
        sessions=_count(ReceptionSession, "status"),
        receptions=sum(s.receptions.count() for s in ReceptionSession.objects.all()),
        errands={ErrandStatus(k).label: v for k, v in _count(Errand, "status").items()},
        alerts={AlertRule(k).label: v for k, v in _count(Alert, "rule").items()},
        matters=len(demo.matters),
        seconds=time.monotonic() - started,
    )


def _count(model: Any, column: str) -> dict[str, int]:
    return dict(Counter(model.objects.values_list(column, flat=True)))
