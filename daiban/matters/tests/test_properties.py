"""Property test: random actions by random people (outsiders included) with random plausible input on a
few matters, the clock moving on, and after every step the invariants of the domain:

* every open matter has a responsible agent (who can see it), a holder, and a due date equal to its
  earliest open clock; a closed matter has no open clock and says whether it was resolved;
* events are complete and ordered: seqs are exactly 1..version, one per successful action, none for a
  refused one, never going back in time;
* a closed matter changes only through a review request;
* nobody acts outside their scope: the actor could see the matter before acting;
* a refusal changes nothing at all, and a success touches no other matter.

Each example runs inside a savepoint that is rolled back, so every example starts from the same tree and
people (Django TestCase-style isolation inside one pytest-django test).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from hypothesis import HealthCheck, settings
from hypothesis import event as note_statistic
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from conftest import Personas, Tree
from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters import actions
from daiban.matters.actions import PetitionerInput
from daiban.matters.choices import Status
from daiban.matters.deadlines import WINDOW_STEPS
from daiban.matters.errors import ActionError
from daiban.matters.models import Event, Matter, UnitTask
from daiban.matters.selectors import matters_for
from daiban.matters.tests.conftest import More
from daiban.matters.tests.factories import at, id_with_check
from daiban.matters.tests.snapshot import MATTER_FIELDS, db_state

MAX_MATTERS = 4
PEOPLE = [
    PetitionerInput(name="王建国", id_number=id_with_check("15010219680315123"), phone="13904711234"),
    PetitionerInput(name="李秀英", id_number=id_with_check("15010219720808224")),
    PetitionerInput(name="张伟", phone="0471-6661234"),
]

NETWORK = ["village_agent", "village_agent_2", "township_staff", "county_staff", "city_admin"]
UNITS = ["unit_handler", "unit_handler_2", "hr_handler", "discipline_handler", "city_housing_handler"]
REVIEWERS = ["city_housing_handler", "city_gov_handler"]
EVERYONE = [
    *NETWORK,
    *UNITS,
    "city_gov_handler",
    "township_staff_a2",
    "leader",
    "city_leader",
    "supervisor",
    "outsider",
    "outsider_village_agent",
    "outsider_unit_handler",
]

COLLEAGUES = ["village_agent", "village_agent_2", "unit_handler", "unit_handler_2"]

# action -> (function, who usually does it, whether it takes a task instead of a matter)
ACTIONS: dict[str, tuple[Callable[..., Any], list[str], bool]] = {
    "answer": (actions.matter_answer, NETWORK, False),
    "start_local": (actions.matter_start_local, NETWORK, False),
    "escalate": (actions.matter_escalate, NETWORK, False),
    "hand_down": (actions.matter_hand_down, NETWORK, False),
    "guide_legal": (actions.matter_guide_legal, NETWORK, False),
    "not_accept": (actions.matter_not_accept, NETWORK, False),
    "route": (actions.matter_route, ["county_staff", "city_admin"], False),
    "object": (actions.task_object, UNITS, True),
    "accept": (actions.task_accept, UNITS, True),
    "submit_part": (actions.task_submit_part, UNITS, True),
    "objection_agree": (actions.task_objection_agree, NETWORK, True),
    "objection_refuse": (actions.task_objection_refuse, NETWORK, True),
    "mediate": (actions.matter_mediate, ["unit_handler", "village_agent", "township_staff"], False),
    "extend": (actions.matter_extend, ["unit_handler", "hr_handler"], False),
    "reply": (actions.matter_reply, ["unit_handler", "hr_handler", "discipline_handler"], False),
    "reply_local": (actions.matter_reply_local, NETWORK, False),
    "feedback": (actions.matter_feedback, NETWORK, False),
    "follow_up": (actions.matter_follow_up, NETWORK, False),
    "close": (actions.matter_close, NETWORK, False),
    "request_review": (actions.matter_request_review, NETWORK, False),
    "serve": (actions.matter_serve, [*NETWORK, "unit_handler"], False),
    "hearing": (actions.matter_hearing, REVIEWERS, False),
    "decide": (actions.matter_decide_review, REVIEWERS, False),
    "assign_leaders": (actions.matter_assign_leaders, ["county_staff", "township_staff"], False),
    "recuse": (actions.matter_recuse, [*COLLEAGUES, "leader", "county_staff"], False),
    "press": (actions.matter_press, EVERYONE, False),
}


def inputs(name: str, draw: Any, ctx: Any, today: datetime.date, sloppy: bool) -> dict[str, Any]:
    """Plausible input for ``name``; when ``sloppy``, some of it may be invalid."""

    def pick(good: list[Any], bad: list[Any]) -> Any:
        return draw(st.sampled_from(good + bad if sloppy else good))

    def text(good: str) -> str:
        return str(pick([good], ["", "  "]))

    t = ctx.tree
    units = [t.unit_housing_a, t.unit_hr_a, t.unit_discipline_a, t.unit_housing_b, t.unit_housing_city]
    opinion = {
        "outcome": pick(["support", "explain", "not_support"], ["maybe"]),
        "facts": text("属实"),
        "reasons": "符合规定",
        "basis": "《信访工作条例》",
    }
    match name:
        case "answer":
            return {"answer": text("已当面解答")}
        case "start_local":
            return {"note": "就地化解"}
        case "escalate":
            return {"note": text("上报")}
        case "hand_down":
            regions = [t.town_a1, t.town_a2, t.county_a, t.village_a1x, t.town_b1]
            return {"to_region": draw(st.sampled_from(regions)), "note": text("交下级办理")}
        case "guide_legal":
            return {"legal_channel": pick(["litigation", "arbitration"], ["bogus"]), "guidance": "告知途径"}
        case "not_accept":
            return {"reason_kind": pick(["not_petition", "other"], ["bogus"]), "reason": text("说明")}
        case "route":
            lead = draw(st.sampled_from(units[:3] * 3 + units))
            co = draw(st.lists(st.sampled_from(units), max_size=2, unique_by=lambda u: u.pk))
            return {"lead_unit": lead, "lead_instructions": "请办理", "co_units": [(u, "") for u in co]}
        case "object":
            return {"reasons": text("不属本单位职责")}
        case "objection_agree":
            return {"note": "经核实"}
        case "objection_refuse":
            return {"reasons": text("职责清楚")}
        case "accept":
            return {"notice_method": pick(["written", "phone"], ["bogus"])}
        case "submit_part":
            return {"content": text("协办意见")}
        case "mediate":
            return {
                "participants": "各方",
                "terms": text("协议"),
                "performance_manner": "履行",
                "performance_deadline": today + datetime.timedelta(days=pick([0, 10, 30], [-2])),
                "signed": draw(st.booleans()),
            }
        case "extend":
            return {
                "days": pick([5, 15, 30], [31, 0]),
                "approver": "局长",
                "reason": "情况复杂",
                "notified_how": pick(["written"], ["bogus"]),
            }
        case "reply" | "reply_local" | "decide":
            return opinion
        case "feedback":
            return {"method": pick(["phone", "visit"], ["bogus"]), "note": text("已反馈")}
        case "follow_up":
            levels = ["satisfied", "basically", "dissatisfied"]
            return {
                "service_satisfaction": pick(levels, ["bogus"]),
                "unit_satisfaction": pick(levels, []),
                "method": "visit",
            }
        case "close":
            return {"resolved": pick([True, False], [None])}
        case "request_review":
            return {
                "kind": pick(["review", "reexam"], ["bogus"]),
                "requested_on": today - datetime.timedelta(days=pick([0, 1], [40, -1])),
                "reason": text("不服"),
            }
        case "serve":
            return {
                "served_on": today - datetime.timedelta(days=pick([0, 0, 1], [-1, 400])),
                "manner": pick(["direct", "mail"], ["bogus"]),
            }
        case "hearing":
            return {"days": pick([3, 10], [0])}
        case "assign_leaders":
            both = [ctx.more.city_leader, ctx.personas.leader]
            return {"leaders": pick([[ctx.personas.leader], both], [[]])}
        case "recuse":
            names = [
                "village_agent",
                "village_agent_2",
                "unit_handler",
                "unit_handler_2",
                "leader",
                "county_staff",
            ]
            return {"reason": "利害关系", "replacement": ctx.user(draw(st.sampled_from(names)))}
        case "press":
            return {"note": text("请抓紧办理")}
    raise AssertionError(name)


# What usually comes next in each state: the walk mostly follows these, sometimes anything at all.
NEXT: dict[str, list[str]] = {
    "registered_low": ["escalate"] * 6 + ["start_local", "answer", "guide_legal", "hand_down", "press"],
    "registered_high": ["route"] * 8 + ["hand_down", "escalate", "not_accept", "assign_leaders", "recuse"],
    Status.LOCAL: ["reply_local"] * 4 + ["mediate", "escalate", "answer", "guide_legal"],
    Status.ROUTED: ["accept"] * 8
    + ["object"] * 2
    + ["objection_agree", "objection_refuse"] * 2
    + ["press", "assign_leaders", "recuse"],
    Status.HANDLING: ["reply"] * 4 + ["accept", "submit_part"] * 3 + ["mediate", "extend", "press"],
    Status.REPLIED: ["feedback"] * 4 + ["serve"] * 3 + ["follow_up", "close"] + ["request_review"] * 2,
    "replied_fed_back": ["follow_up"] * 4 + ["serve", "feedback", "close"] + ["request_review"] * 2,
    "replied_followed_up": ["close"] * 4 + ["request_review"] * 3 + ["serve", "follow_up"],
    Status.REVIEW: ["decide"] * 3 + ["hearing", "press"],
    Status.REEXAM: ["decide"] * 3 + ["hearing", "hearing", "press"],
    Status.CLOSED: ["request_review"] * 3 + ["press", "recuse"],
    "closed_for_good": ["request_review", "serve", "press", "recuse", "recuse"],
}
COLLEAGUE = {
    "village_agent": "village_agent_2",
    "village_agent_2": "village_agent",
    "unit_handler": "unit_handler_2",
    "unit_handler_2": "unit_handler",
}
TASK_STATUS_FOR = {
    "accept": ["assigned", "objecting"],
    "object": ["assigned"],
    "submit_part": ["accepted"],
    "objection_agree": ["objecting"],
    "objection_refuse": ["objecting"],
}


class Context:
    tree: Tree
    personas: Personas
    more: More

    users_by_id: dict[int, User]

    def user(self, name: str) -> User:
        return getattr(self.personas, name, None) or getattr(self.more, name)


def matter_rows(state: dict[str, Any]) -> dict[int, tuple[Any, ...]]:
    return {row[0]: row for row in state["matters"]}


def event_counts(state: dict[str, Any]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for _id, matter_id, _seq, _kind in state["events"]:
        counts[matter_id] = counts.get(matter_id, 0) + 1
    return counts


class MatterMachine(RuleBasedStateMachine):
    ctx: ClassVar[Context]

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.now = at(2026, 6, 1, 9)

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # ---------------------------------------------------------------------------------------------- rules

    @initialize()
    def first_matters(self) -> None:
        self._intake(self.ctx.personas.village_agent, self.ctx.tree.village_a1x, "appeal", 0, "window", "")
        self._intake(self.ctx.personas.county_staff, self.ctx.tree.village_a2x, "appeal", 1, "window", "")

    @rule(days=st.sampled_from([0, 1, 1, 2, 3, 7, 20]), hours=st.integers(0, 8))
    def time_passes(self, days: int, hours: int) -> None:
        self.now += datetime.timedelta(days=days, hours=hours)

    @rule(
        actor=st.sampled_from(
            ["village_agent", "township_staff", "county_staff", "leader", "outsider", "unit_handler"]
        ),
        place=st.sampled_from(["village_a1x", "village_a1y", "village_a2x", "village_b1x"]),
        purpose=st.sampled_from(["appeal", "appeal", "consultation", "accusation", "help"]),
        person=st.integers(0, len(PEOPLE) - 1),
        channel=st.sampled_from(["window", "door", "leader_day"]),
        reason=st.sampled_from(["", "", "另一件事"]),
    )
    def take_in(self, actor: str, place: str, purpose: str, person: int, channel: str, reason: str) -> None:
        if Matter.objects.count() >= MAX_MATTERS:
            return
        self._intake(self.ctx.user(actor), getattr(self.ctx.tree, place), purpose, person, channel, reason)

    def _intake(self, actor: User, region: Any, purpose: str, person: int, channel: str, reason: str) -> None:
        before_state = db_state()
        leader = self.ctx.personas.leader if channel == "leader_day" and actor.role != "leader" else None
        try:
            with clock.frozen(self.now):
                result = actions.matter_intake(
                    actor=actor,
                    petitioners=[PEOPLE[person]],
                    channel=channel,
                    consent=True,
                    region=region,
                    title="事项",
                    content="反映内容",
                    request="诉求",
                    category="discipline" if purpose == "accusation" else "urban_construction",
                    purpose=purpose,
                    leader=leader,
                    new_matter_reason=reason,
                )
        except (ActionError, ValidationError):
            assert db_state() == before_state, "a refused intake changed something"
            return
        m = result.matter
        before_rows = matter_rows(before_state)
        assert matters_for(actor).filter(pk=m.pk).exists(), "the agent who took it in cannot see it"
        if result.linked_existing:
            assert m.pk in before_rows and m.version == before_rows[m.pk][2] + 1
            assert before_rows[m.pk][1] != Status.CLOSED
        else:
            assert m.pk not in before_rows and m.version == 1
        self._others_unchanged(m.pk, before_state)
        assert Event.objects.get(matter=m, seq=m.version).actor == actor

    def _likely_actors(self, m: Matter, name: str) -> list[User]:
        """Whoever the rules would normally have do ``name`` on ``m`` now (may be empty)."""
        users = [self.ctx.user(n) for n in EVERYONE]
        if name in ("hearing", "decide"):
            review_units = set(m.reviews.filter(decided_at=None).values_list("unit_id", flat=True))
            return [u for u in users if u.unit_id in review_units]
        if name in ("extend", "reply") or (name == "mediate" and m.holder_unit_id):
            return [u for u in users if u.unit_id and u.unit_id == m.holder_unit_id]
        if name in ("feedback", "follow_up", "close", "request_review", "serve"):
            return [m.responsible_agent, self.ctx.personas.county_staff]
        if name in ("assign_leaders", "recuse", "press"):
            return [self.ctx.user(n) for n in ACTIONS[name][1]]
        network = ("village_agent", "township_staff", "county_staff", "city_admin")
        return [u for u in users if u.role in network and u.region_id == m.holder_region_id]

    @rule(data=st.data())
    def act(self, data: Any) -> None:
        open_ids = list(
            Matter.objects.exclude(status=Status.CLOSED).order_by("id").values_list("id", flat=True)
        )
        all_ids = list(Matter.objects.order_by("id").values_list("id", flat=True))
        matter_id = data.draw(st.sampled_from(open_ids * 3 + all_ids), label="matter")
        m = Matter.objects.select_related("responsible_agent", "holder_region").get(pk=matter_id)
        wild = data.draw(st.sampled_from([False] * 5 + [True]), label="wild")
        task: UnitTask | None = None
        if wild:  # any action by anyone, outsiders included
            name = data.draw(st.sampled_from(sorted(ACTIONS)), label="action")
            actor = self.ctx.user(data.draw(st.sampled_from(EVERYONE), label="actor"))
        else:
            key: str = m.status
            if m.status == Status.REGISTERED:
                assert m.holder_region is not None
                key = "registered_high" if m.holder_region.level <= 2 else "registered_low"
            elif m.status == Status.CLOSED and (m.is_final or m.review_window_until is None):
                key = "closed_for_good"
            elif m.status == Status.REPLIED and m.feedback_at is not None:
                key = "replied_followed_up" if m.service_satisfaction else "replied_fed_back"
            name = data.draw(st.sampled_from(NEXT[key]), label="action")
            if name in TASK_STATUS_FOR:
                fitting = list(m.tasks.filter(status__in=TASK_STATUS_FOR[name]).order_by("id"))
                if not fitting:
                    return
                task = data.draw(st.sampled_from(fitting), label="task")
                if name.startswith("objection_"):  # decided by the level that routed the task
                    likely = [u for n in NETWORK if (u := self.ctx.user(n)).region_id == task.sent_from_id]
                else:
                    likely = [u for n in EVERYONE if (u := self.ctx.user(n)).unit_id == task.unit_id]
            else:
                likely = self._likely_actors(m, name)
            actor = data.draw(st.sampled_from(likely or [self.ctx.user(n) for n in EVERYONE]), label="actor")
        fn, _usual, on_task = ACTIONS[name]
        sloppy = data.draw(st.sampled_from([False] * 5 + [True]), label="sloppy")
        kwargs = inputs(name, data.draw, self.ctx, self.now.date(), sloppy)
        if name == "recuse" and not sloppy and actor.username in COLLEAGUE:
            kwargs["replacement"] = self.ctx.user(COLLEAGUE[actor.username])
        stale = data.draw(st.sampled_from([False] * 9 + [True]), label="stale")
        version = m.version - 1 if stale else m.version
        if on_task:
            if task is None:
                tasks = list(UnitTask.objects.filter(matter_id=matter_id).order_by("id"))
                if not tasks:
                    return
                task = data.draw(st.sampled_from(tasks), label="task")
            target = {"task_id": task.pk}
            could_see = matters_for(actor).filter(pk=matter_id).exists() or task.unit_id == actor.unit_id
        else:
            target = {"matter_id": matter_id}
            could_see = matters_for(actor).filter(pk=matter_id).exists()

        before_state = db_state()
        try:
            with clock.frozen(self.now):
                fn(actor=actor, expected_version=version, **target, **kwargs)
        except (ActionError, ValidationError):
            assert db_state() == before_state, f"refused {name} changed something"
            return
        # it succeeded
        assert could_see, f"{actor} did {name} on a matter outside their scope"
        assert not stale, f"{name} succeeded with a stale version"
        after = Matter.objects.get(pk=matter_id)
        assert after.version == m.version + 1, f"{name} did not write exactly one event"
        written = Event.objects.get(matter_id=matter_id, seq=after.version)
        assert written.actor == actor and written.at == self.now
        if m.status == Status.CLOSED:
            assert name in ("request_review", "serve"), f"{name} changed a closed matter"
        self._others_unchanged(matter_id, before_state)
        note_statistic(f"done: {name}")  # see --hypothesis-show-statistics

    # The walk spends most of its steps acting (three rules, one body), some taking in, some waiting.
    @rule(data=st.data())
    def act_again(self, data: Any) -> None:
        self.act(data)

    @rule(data=st.data())
    def act_once_more(self, data: Any) -> None:
        self.act(data)

    def _others_unchanged(self, matter_id: int, before: dict[str, Any]) -> None:
        after = db_state()
        rows, events = matter_rows(before), event_counts(before)
        now_rows, now_events = matter_rows(after), event_counts(after)
        for pk, row in rows.items():
            if pk != matter_id:
                assert now_rows[pk] == row and now_events.get(pk, 0) == events.get(pk, 0)

    # ------------------------------------------------------------------------------------------ invariants

    @invariant()
    def matters_are_consistent(self) -> None:
        state = db_state()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT matter_id, due_date, id, step, provisional FROM matters_deadline WHERE is_open"
                if connection.vendor == "postgresql"
                else "SELECT matter_id, due_date, id, step, provisional FROM matters_deadline WHERE is_open = 1"
            )
            open_clocks: dict[int, list[tuple[Any, ...]]] = {}
            for matter_id, *rest in cursor.fetchall():
                open_clocks.setdefault(matter_id, []).append(tuple(rest))
            cursor.execute("SELECT matter_id, seq, at FROM matters_event ORDER BY matter_id, seq")
            events: dict[int, list[tuple[int, Any]]] = {}
            for matter_id, seq, when in cursor.fetchall():
                events.setdefault(matter_id, []).append((seq, when))
        fields = {name: i for i, name in enumerate(MATTER_FIELDS)}
        by_agent: dict[int, set[int]] = {}
        for row in state["matters"]:
            pk, status, version = row[0], row[fields["status"]], row[fields["version"]]
            timeline = events.get(pk, [])
            assert [seq for seq, _ in timeline] == list(range(1, version + 1)), (
                f"matter {pk}: events {timeline}"
            )
            times = [when for _, when in timeline]
            assert times == sorted(times), f"matter {pk}: events out of order"
            all_clocks = open_clocks.get(pk, [])
            # Objection windows are rights, not duties: they never set the matter's due date.
            clocks = sorted(
                (c for c in all_clocks if c[2] not in WINDOW_STEPS), key=lambda c: (str(c[0]), c[1])
            )
            due, due_step = row[fields["due_date"]], row[fields["due_step"]]
            if status == Status.CLOSED:
                assert not all_clocks and due is None and row[fields["closed_at"]] is not None, f"matter {pk}"
                assert row[fields["resolved"]] in (True, False, 0, 1) and row[fields["closure_kind"]], (
                    f"matter {pk}"
                )
            else:
                assert row[fields["holder_region_id"]] or row[fields["holder_unit_id"]], (
                    f"matter {pk} has no holder"
                )
                assert clocks, f"matter {pk} is open without a running clock"
                assert (str(due), due_step) == (str(clocks[0][0]), clocks[0][2]), (
                    f"matter {pk}: stale due date"
                )
                by_agent.setdefault(row[fields["responsible_agent_id"]], set()).add(pk)
        for agent_id, pks in by_agent.items():
            agent = self.ctx.users_by_id[agent_id]
            seen = set(matters_for(agent).filter(pk__in=pks).values_list("pk", flat=True))
            assert agent.is_active and seen == pks, f"responsible agent {agent} cannot see {pks - seen}"


def test_random_walks_keep_the_invariants(
    tree: Tree, personas: Personas, more: More, django_capture_on_commit_callbacks: Any
) -> None:
    ctx = Context()
    ctx.tree, ctx.personas, ctx.more = tree, personas, more
    ctx.users_by_id = {u.pk: u for u in User.objects.all()}
    MatterMachine.ctx = ctx
    run_state_machine_as_test(
        MatterMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
