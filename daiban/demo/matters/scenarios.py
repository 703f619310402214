"""The scenarios: which steps take a matter to the state its spec asks for, and where in time that state
must be reached (the anchor step and its day)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings

from daiban.demo.files import read_json
from daiban.demo.matters.builder import StepBuilder, gap_days, gap_min, gap_workdays, weighted
from daiban.demo.matters.config import HISTORY_DAYS, REVIEWING, TEXTS
from daiban.demo.matters.steps import Step
from daiban.matters.choices import (
    Channel,
    ContactMethod,
    NotAcceptedReason,
    Outcome,
    ReviewKind,
    Satisfaction,
)
from daiban.regions.models import Level
from daiban.workcal import calendar as workcal

# What the re-examination organ records of its hearing (the hearings demo's data file).
HEARING_TEXTS: dict[str, Any] = read_json("hearings/hearings.json")["reexam_step"]

Steps = tuple[list[Step], int, datetime.date]  # the steps, the state-defining step, the day it falls on


class MatterBuilder(StepBuilder):
    """The steps of one matter, from intake to the scenario's state."""

    def steps(self) -> Steps:
        """The steps, the index of the state-defining step and the day it must fall on."""
        steps, anchor, target = self._steps()
        self._windows(steps)
        return steps, anchor, target

    def _windows(self, steps: list[Step]) -> None:
        """Attach the statutory windows (domain.md §3) each step must fall inside."""
        route_start = accept = last_route = follow_start = 0
        extension = 0
        window: tuple[int, str] | None = None
        review_request, review_kind = 0, ""
        for i, step in enumerate(steps):
            kind, a = step.kind, step.args
            if kind == "intake":
                route_start = i
            elif kind == "route":
                step.within.append((route_start, "route", 0))
                last_route = i
            elif kind == "object":
                step.within.append((last_route, "objection", 0))
            elif kind == "objection_agree":  # the matter is back: a new routing clock
                route_start = i
            elif kind == "accept":
                if a["notice_method"]:  # the lead unit: tell the petitioner within 15 days
                    step.within.append((last_route, "accept_notice", 0))
                    accept, extension = i, 0
                else:  # a co-unit accepts inside its objection window
                    step.within.append((last_route, "objection", 0))
            elif kind == "extend":
                step.within.append((accept, "handling", extension))
                extension += a["days"]
            elif kind == "reply":
                if not step.late:
                    step.within.append((accept, "handling", extension))
                follow_start, window = i, (i, "review_request")
            elif kind == "reply_local":
                step.within.append((route_start, "route", 0))
                follow_start, window = i, None
            elif kind == "serve":
                step.within.append((follow_start, "follow_up", 0))
                if window is not None:  # the window counts from service (arts. 35–36)
                    window = (i, window[1])
            elif kind in ("feedback", "follow_up", "close"):
                step.within.append((follow_start, "follow_up", 0))
            elif kind == "request_review":
                step.within.append((follow_start, "follow_up", 0))
                if window is not None:
                    step.within.append((window[0], window[1], 0))
                review_request, review_kind = i, a["kind"]
            elif kind == "decide_review":
                handling = "review_handling" if review_kind == ReviewKind.REVIEW else "reexam_handling"
                step.within.append((review_request, handling, 0))
                follow_start, window = i, (i, "reexam_request") if review_kind == ReviewKind.REVIEW else None

    def _ago(self, lo: int, hi: int) -> datetime.date:
        return self.p.today - datetime.timedelta(days=self.rng.randint(lo, hi))

    def _steps(self) -> Steps:
        scenario = self.spec.scenario
        rng = self.rng
        ago = self._ago
        self.intake()

        if self.spec.story == "wang":
            return self._wang()
        if self.spec.story == "zhongtan":
            return self._local_closed(ago(35, 45), story=True)

        if scenario == "at_village":
            return self.out, 0, ago(1, 4) if rng.random() < 0.75 else ago(11, 13)
        if scenario == "at_township":
            if self.desk.level == Level.VILLAGE:
                self.up_to_county(stop_at_township=True)
            return self.out, len(self.out) - 1, ago(1, 5)
        if scenario == "at_county":
            self.up_to_county()
            return self.out, len(self.out) - 1, ago(1, 5) if rng.random() < 0.7 else ago(8, 13)
        if scenario == "local":
            self.add(
                "start_local", gap_min(rng, 10, 200), actor=self.agent, note=TEXTS["local_notes"]["start"]
            )
            if rng.random() < 0.4:
                self.add("mediate", gap_workdays(rng, 1, 3), **self.mediation(self.agent, signed=False))
            return self.out, len(self.out) - 1, ago(1, 9)
        if scenario == "local_closed":
            return self._local_closed(None)
        if scenario == "handed_down_closed":
            return self._handed_down()
        if scenario == "answered":
            self.add("answer", gap_min(rng, 10, 60), actor=self.agent, answer=self.fill(self.topic.answer))
            return self.out, 0, ago(1, HISTORY_DAYS)
        if scenario == "guided":
            self.add(
                "guide_legal",
                gap_min(rng, 20, 240),
                actor=self.agent,
                legal_channel=self.topic.legal,
                guidance=self.fill(self.topic.guidance),
            )
            return self.out, 0, ago(1, HISTORY_DAYS)
        if scenario == "not_accepted":
            self.add(
                "not_accept",
                gap_min(rng, 20, 240),
                actor=self.agent,
                reason_kind=self.topic.refuse,
                reason=self.fill(self.topic.refusal),
            )
            return self.out, 0, ago(1, HISTORY_DAYS)
        return self._routed(scenario)

    def _closed_target(self) -> datetime.date:
        """For a matter that ends closed: an intake day early enough for the whole story to fit."""
        probe = self.p.today - datetime.timedelta(days=HISTORY_DAYS + 200)
        self.p.schedule(self.out, probe)
        first, last = self.out[0].at, self.out[-1].at
        assert first is not None and last is not None
        span = (last.date() - first.date()).days
        lo = min(span + 3, HISTORY_DAYS)
        return self.p.today - datetime.timedelta(days=self.rng.randint(lo, max(lo, HISTORY_DAYS)))

    def _local_closed(self, intake_on: datetime.date | None, story: bool = False) -> Steps:
        rng = self.rng
        self.add(
            "start_local",
            gap_min(rng, 10, 200),
            actor=self.agent,
            note=TEXTS["local_notes"]["start_to_close"],
        )
        mediate = story or (bool(self.topic.terms) and rng.random() < 0.75)
        if mediate:
            self.add("mediate", gap_workdays(rng, 1, 4), **self.mediation(self.agent, signed=True))
        outcome = Outcome.SUPPORT if story or rng.random() < 0.8 else Outcome.EXPLAIN
        self.add("reply_local", gap_days(rng, 0, 2), actor=self.agent, **self.opinion(outcome))
        self.feedback()
        resolved = story or rng.random() < 0.92
        service, unit = (
            (Satisfaction.SATISFIED, Satisfaction.SATISFIED) if story else self.satisfaction(resolved)
        )
        self.follow_up(service, unit)
        self.close(resolved)
        return self.out, 0, intake_on or self._closed_target()

    def _handed_down(self) -> Steps:
        rng = self.rng
        town_desk = next(
            d for d in self.district.desks if d.level == Level.TOWNSHIP and self.region in d.regions
        )
        assert self.town is not None
        self.add(
            "hand_down",
            gap_min(rng, 30, 240),
            actor=self.agent,
            to_region=self.town,
            note=TEXTS["local_notes"]["hand_down"],
        )
        self.add(
            "start_local",
            gap_days(rng, 0, 2),
            actor=town_desk.user,
            note=TEXTS["local_notes"]["township_start"],
        )
        self.add("mediate", gap_workdays(rng, 1, 4), **self.mediation(town_desk.user, signed=True))
        self.add("reply_local", gap_days(rng, 0, 2), actor=town_desk.user, **self.opinion(Outcome.SUPPORT))
        self.feedback()
        self.follow_up(*self.satisfaction(True))
        self.close(True)
        return self.out, 0, self._closed_target()

    def _wang(self) -> Steps:
        """The seed story: 苏雅拉社区 → 呼伦路 → 新城区 → 新城区住建局, mediated, replied, followed up, closed."""
        rng = self.rng
        story = self.story
        to_station, to_centre = story["escalate_notes"]
        self.add("escalate", gap_min(rng, 240, 300), actor=self.desk.chain[0], note=to_station)
        self.add("escalate", gap_workdays(rng, 1, 1), actor=self.desk.chain[1], note=to_centre)
        self.route(self.lead_unit, gap_workdays(rng, 1, 1))
        self.add(
            "accept",
            gap_workdays(rng, 1, 1),
            actor=self.lead_handler,
            unit=self.lead_unit,
            notice_method=ContactMethod.WRITTEN,
        )
        mediation = self.mediation(self.lead_handler, signed=True)
        mediation.update(story["mediation"])
        self.add("mediate", gap_days(rng, 10, 10), **mediation)
        self.add(
            "reply",
            gap_days(rng, 1, 1),
            actor=self.lead_handler,
            outcome=Outcome.SUPPORT,
            **story["reply"],
        )
        self.serve(gap_days(rng, 1, 1))
        self.add(
            "feedback",
            gap_min(rng, 10, 30),
            actor=self.agent,
            method=ContactMethod.IN_PERSON,
            note=story["feedback_note"],
        )
        self.follow_up(Satisfaction.SATISFIED, Satisfaction.SATISFIED, gap_days(rng, 12, 12))
        self.add("close", gap_min(rng, 20, 20), actor=self.agent, resolved=True, note=story["close_note"])
        return self.out, 0, self.p.today - datetime.timedelta(days=story["intake_days_ago"])

    def _routed(self, scenario: str) -> Steps:
        rng = self.rng
        today = self.p.today
        ago = self._ago
        self.up_to_county()
        if scenario == "accusation_waiting":
            return self.out, len(self.out) - 1, ago(1, 3)
        last_route = self.routing()
        if scenario in ("routed", "objected"):
            return self.out, last_route, ago(1, 3) if scenario == "routed" else ago(1, 5)
        accept = self.accept()

        if scenario in ("handling", "accusation_handling"):
            days = rng.randint(4, 50)
            self.middle(days, reply_at=None, press=True, mediate=False)
            return self.out, accept, today - datetime.timedelta(days=days)
        if scenario == "due_soon":
            target = self._due_soon_day("handling", 50, 70)
            if target is not None:  # handling, its 60 days running out
                days = (today - target).days
                self.middle(days - 3, reply_at=None)
                return self.out, accept, target
            # Holidays leave no such day: replied instead, the follow-up (回访) clock running out.
            target = self._due_soon_day("follow_up", 8, 22) or today - datetime.timedelta(days=13)
            reply_day = rng.randint(12, 40)
            self.middle(reply_day, reply_at=reply_day)
            return self.out, self.reply(Outcome.SUPPORT, self.reply_gap), target
        if scenario == "extended":
            ext_days = rng.choice((15, 20, 30, 30, 30))
            days = rng.randint(56, 60 + ext_days - 3)
            self.middle(days, reply_at=None, extend=(rng.randint(44, 52), ext_days))
            return self.out, accept, today - datetime.timedelta(days=days)
        if scenario == "overdue":
            days = rng.randint(70, 80)
            last = self.middle(55, reply_at=None)
            self.add(
                "press",
                gap_days(rng, 61 - last, 64 - last),
                actor=self.agent,
                note=TEXTS["overdue"]["press"],
            )
            # By the district's supervisor (纪检): the action records it as 督办 (supervise).
            self.add(
                "press",
                gap_days(rng, 1, 3),
                actor=self.district.supervisor,
                note=TEXTS["overdue"]["supervise"],
            )
            return self.out, accept, today - datetime.timedelta(days=days)

        # Past the reply.
        resolved_path = scenario in ("closed_resolved", "accusation_closed") or (
            scenario in ("replied", "fed_back", "followed_up") and rng.random() < 0.7
        )
        reviewing = scenario in REVIEWING
        closing = scenario in ("closed_resolved", "closed_unresolved")
        roll = rng.random()
        extend = None
        late = closing and roll < 0.08
        if late:  # replied after the 60 days, without extension (on-time rate < 100%)
            reply_day = rng.randint(61, 68)
        elif closing and roll < 0.16:  # extended, then replied inside the extended limit
            extend = (rng.randint(44, 52), rng.choice((15, 20, 30)))
            reply_day = rng.randint(extend[0] + 5, 60 + extend[1] - 5)
        else:
            reply_day = rng.randint(12, 52)
        mediate = resolved_path and bool(self.topic.terms) and rng.random() < 0.35
        self.middle(reply_day, reply_at=reply_day, mediate=mediate, press=rng.random() < 0.3, extend=extend)
        if reviewing:
            outcome = Outcome.NOT_SUPPORT
        elif resolved_path:
            outcome = weighted(rng, ((Outcome.SUPPORT, 7), (Outcome.EXPLAIN, 3)))
        else:
            outcome = weighted(rng, ((Outcome.EXPLAIN, 5), (Outcome.NOT_SUPPORT, 5)))
        reply = self.reply(outcome, self.reply_gap, late=late)
        if scenario == "replied":
            return self.out, reply, ago(1, 10)
        fed = self.feedback()
        if scenario == "fed_back":
            return self.out, fed, ago(1, 8)
        if reviewing:
            self.follow_up(*self.satisfaction(False))
            return self._review(scenario)
        resolved = resolved_path
        followed = self.follow_up(*self.satisfaction(resolved))
        if scenario == "followed_up":
            return self.out, followed, ago(1, 5)
        self.close(resolved)
        return self.out, 0, self._closed_target()

    def _due_soon_day(self, limit: str, back_from: int, back_to: int) -> datetime.date | None:
        """A working day on which to start clock ``limit`` so that it ends today or within the due-soon
        window (a public holiday can leave no such day)."""
        today = self.p.today
        window = int(getattr(settings, "DUE_SOON_DAYS", 3))
        for back in range(back_from, back_to + 1):
            day = today - datetime.timedelta(days=back)
            if (
                self.p.cal.is_workday(day)
                and 0 <= (workcal.deadline_for(limit, day).due - today).days <= window
            ):
                return day
        return None

    def _review(self, scenario: str) -> Steps:
        rng = self.rng
        ago = self._ago
        request = self.add(
            "request_review",
            gap_days(rng, 1, 4),
            actor=self.agent,
            kind=ReviewKind.REVIEW,
            reason=rng.choice(TEXTS["review"]["reasons"]),
        )
        if scenario == "review":
            return self.out, request, ago(2, 24)
        review_unit = self.lead_unit.superior
        assert review_unit is not None
        review_handler = self.cast.handler(review_unit)
        self.add(
            "decide_review",
            gap_days(rng, 10, 24),
            actor=review_handler,
            outcome=Outcome.EXPLAIN,
            **TEXTS["review"]["decision"],
        )
        self.unserved = True  # the review opinion opens the re-examination window once served
        self.feedback()
        if scenario == "review_closed":
            resolved = rng.random() < 0.4
            self.follow_up(*self.satisfaction(resolved))
            self.close(resolved)
            return self.out, 0, self._closed_target()
        self.follow_up(*self.satisfaction(False))
        self.add(
            "request_review",
            gap_days(rng, 1, 8),
            actor=self.agent,
            kind=ReviewKind.REEXAM,
            reason=TEXTS["reexam"]["reason"],
        )
        reexam_unit = review_unit.superior
        assert reexam_unit is not None
        reexam_handler = self.cast.handler(reexam_unit)
        # 听证 in re-examination (daiban.hearings): its days end the day it is recorded, after the request.
        gap = gap_days(rng, 3, 9)
        said: dict[str, Any] = {k: str(v).format(unit=reexam_unit.name) for k, v in HEARING_TEXTS.items()}
        said["hearing_days"] = min(rng.randint(3, 10), gap[1])
        hearing = self.add("hearing_record", gap, actor=reexam_handler, **said)
        if scenario == "reexam":
            return self.out, hearing, ago(1, 12)
        decided = self.add(
            "decide_review",
            gap_days(rng, 5, 15),
            actor=reexam_handler,
            outcome=rng.choice((Outcome.EXPLAIN, Outcome.NOT_SUPPORT)),
            **TEXTS["reexam"]["decision"],
        )
        if scenario == "final_replied":
            return self.out, decided, ago(1, 8)
        self.feedback()
        self.follow_up(*self.satisfaction(False))
        self.close(False)
        # Some come back with the same facts: the new visit is registered and refused (art. 36).
        if self.return_visit:
            self.add("intake", gap_days(rng, 15, 40), **self.intake_args(self.agent, Channel.WINDOW))
            self.add(
                "not_accept",
                gap_min(rng, 20, 90),
                actor=self.agent,
                reason_kind=NotAcceptedReason.ALREADY_REEXAMINED,
                reason=TEXTS["reexam"]["return_refusal"],
            )
            self.matters = 2
        return self.out, 0, self._closed_target()
