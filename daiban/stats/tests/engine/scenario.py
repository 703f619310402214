"""A random-ish series of real actions (seeded): matters and screenings in both counties over a summer,
each action's after-commit hooks run as they would in production (refreshing the rollups)."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from typing import Any

from daiban.core import clock
from daiban.matters import actions
from daiban.matters.actions import PetitionerInput
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow
from daiban.portal.lookup import actions as lookup_actions
from daiban.portal.lookup import selectors as lookup_selectors
from daiban.prevention.actions import screenings as prevention_actions
from daiban.stats import tasks


class Story:
    def __init__(self, flow: Flow, tree: Any, personas: Any, on_commit: Any, seed: int = 13) -> None:
        self.flow, self.t, self.p = flow, tree, personas
        self.on_commit = on_commit
        self.rng = random.Random(seed)
        self.n = 0

    def person(self) -> list[PetitionerInput]:
        self.n += 1
        return [PetitionerInput(name=f"李{self.n}", phone=f"1390471{self.n:04d}", group="resident")]

    def kw(self) -> dict[str, Any]:
        return {
            "new_matter": True,
            "petitioners": self.person(),
            "channel": self.rng.choice(["window", "phone", "letter", "door"]),
            "category": self.rng.choice(["urban_construction", "land", "labour", "neighbour"]),
        }

    # -- builders: each drives one matter (or screening) some way through its life

    def closed_resolved(self) -> None:
        self.flow.closed(resolved=True, **self.kw())

    def closed_unresolved(self) -> None:
        self.flow.closed(resolved=False, **self.kw())

    def local(self) -> None:
        self.flow.local(**self.kw())

    def local_replied(self) -> None:
        m = self.flow.local(**self.kw())
        self.flow.later(days=2)
        self.flow.act(
            actions.matter_reply_local,
            self.p.village_agent,
            m,
            outcome="explain",
            facts="已核实",
            reasons="已解释",
            basis="《信访工作条例》",
        )

    def routed(self) -> None:
        self.flow.routed(**self.kw())

    def handling(self) -> None:
        self.flow.handling(**self.kw())

    def replied_rated_online(self) -> None:
        m = self.flow.replied(**self.kw())
        state = lookup_selectors.rating_state(Matter.objects.get(pk=m.pk))
        self.flow.later(days=1)
        self.flow.call(
            lookup_actions.rating_submit,
            matter_id=m.pk,
            reply_token=state.reply_token,
            service="dissatisfied",
            unit="basically",
        )

    def answered(self) -> None:
        m = self.flow.at_village(**{**self.kw(), "purpose": "consultation"})
        self.flow.act(actions.matter_answer, self.p.village_agent, m, answer="已当面解答")

    def guided(self) -> None:
        m = self.flow.at_county(**self.kw())
        self.flow.act(
            actions.matter_guide_legal,
            self.p.county_staff,
            m,
            legal_channel="litigation",
            guidance="属于民事纠纷，引导诉讼",
        )

    def not_accepted(self) -> None:
        m = self.flow.at_county(**self.kw())
        self.flow.act(
            actions.matter_not_accept,
            self.p.county_staff,
            m,
            reason_kind="not_petition",
            reason="不属于信访事项",
        )

    def repeat(self) -> None:
        people = self.person()
        m = self.flow.at_village(**{**self.kw(), "petitioners": people})
        self.flow.later(days=1)
        self.flow.intake(self.p.village_agent, self.t.village_a1x, petitioners=people, repeat_of=m.pk)

    def other_county(self) -> None:
        self.flow.intake(self.p.outsider_village_agent, self.t.village_b1x, **self.kw())

    def screening(self) -> None:
        s = self.flow.call(
            prevention_actions.screening_record,
            actor=self.p.village_agent,
            region=self.t.village_a1x,
            kind="neighbour",
            title="邻里漏水纠纷",
            description="楼上漏水",
            risk="general",
            risk_reason="一般",
            source="visit",
            found_on=self.flow.today,
        )
        if self.rng.random() < 0.6:
            self.flow.later(days=1)
            self.flow.call(
                prevention_actions.screening_resolve,
                actor=self.p.village_agent,
                screening_id=s.pk,
                expected_version=None,
                outcome="双方达成一致",
            )

    def builders(self) -> list[Callable[[], None]]:
        return [
            self.closed_resolved,
            self.closed_unresolved,
            self.local,
            self.local_replied,
            self.routed,
            self.handling,
            self.replied_rated_online,
            self.answered,
            self.guided,
            self.not_accepted,
            self.repeat,
            self.other_county,
            self.screening,
        ]

    def play(self, steps: int) -> datetime.date:
        """Every builder once, then ``steps`` random ones, days apart; returns the last day."""
        todo = self.builders() + [self.rng.choice(self.builders()) for _ in range(steps)]
        for build in todo:
            with clock.frozen(self.flow.now), self.on_commit(execute=True):
                build()
            with clock.frozen(self.flow.now):
                tasks.run_refresh_rated()  # the periodic sweep of online ratings
            self.flow.later(days=self.rng.randrange(0, 6), hours=self.rng.randrange(0, 10))
        return self.flow.today
