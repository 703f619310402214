"""The one place a demo step becomes an action call.

A step's ``kind`` is the workflow key of its action (the event kind it records) and its ``args`` are that
action's own keyword arguments; the run adds ``matter_id`` and ``expected_version`` (or ``task_id`` for the
task actions), and the few inputs that depend on the step's day.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from daiban.core import clock
from daiban.demo.matters.steps import Plan, Step
from daiban.matters import actions
from daiban.matters.models import Matter, UnitTask
from daiban.network.models import ResponsibleUnit


@dataclass
class Run:
    plan: Plan
    matter_id: int | None = None
    version: int = 0
    created: list[int] = field(default_factory=list)


class DemoStepFailed(RuntimeError):
    pass


def _task_id(run: Run, unit: ResponsibleUnit) -> int:
    """The matter's latest task for ``unit``."""
    assert run.matter_id is not None
    found = (
        UnitTask.objects.filter(matter_id=run.matter_id, unit=unit)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    assert found is not None
    return found


def _intake(run: Run, step: Step) -> Matter:
    a = step.args
    result = actions.matter_intake(
        actor=a["actor"],
        petitioners=a["petitioners"],
        channel=a["channel"],
        consent=a["consent"],
        region=a["region"],
        title=a["title"],
        content=a["content"],
        request=a["request"],
        category=a["category"],
        purpose=a["purpose"],
        headcount=a["headcount"],
        leader=a["leader"],
        new_matter_reason=a["new_matter_reason"],
    )
    if step.kind == "repeat_visit":
        if not result.linked_existing or result.matter.pk != run.matter_id:
            raise DemoStepFailed("重复来访未并入原事项")
    else:
        if result.linked_existing:
            raise DemoStepFailed("新登记的事项被并入了已有事项")
        run.matter_id = result.matter.pk
        run.created.append(result.matter.pk)
    return result.matter


def perform(run: Run, step: Step) -> None:
    """Call the step's action as its actor, on the run's matter at the version the run last saw."""
    key, a = step.kind, step.args
    if key in ("intake", "repeat_visit"):
        run.version = _intake(run, step).version
        return
    mid, version = run.matter_id, run.version
    assert mid is not None, "a step before the intake"
    m: Matter
    if key == "escalate":
        m = actions.matter_escalate(actor=a["actor"], matter_id=mid, expected_version=version, note=a["note"])
    elif key == "hand_down":
        m = actions.matter_hand_down(
            actor=a["actor"],
            matter_id=mid,
            expected_version=version,
            to_region=a["to_region"],
            note=a["note"],
        )
    elif key == "start_local":
        m = actions.matter_start_local(
            actor=a["actor"], matter_id=mid, expected_version=version, note=a["note"]
        )
    elif key == "answer":
        m = actions.matter_answer(
            actor=a["actor"], matter_id=mid, expected_version=version, answer=a["answer"]
        )
    elif key == "guide_legal":
        m = actions.matter_guide_legal(
            actor=a["actor"],
            matter_id=mid,
            expected_version=version,
            legal_channel=a["legal_channel"],
            guidance=a["guidance"],
        )
    elif key == "not_accept":
        m = actions.matter_not_accept(
            actor=a["actor"],
            matter_id=mid,
            expected_version=version,
            reason_kind=a["reason_kind"],
            reason=a["reason"],
        )
    elif key == "route":
        m = actions.matter_route(
            actor=a["actor"],
            matter_id=mid,
            expected_version=version,
            lead_unit=a["lead_unit"],
            lead_instructions=a["lead_instructions"],
            co_units=a["co_units"],
        )
    elif key == "object":
        m = actions.task_object(
            actor=a["actor"],
            task_id=_task_id(run, a["unit"]),
            expected_version=version,
            reasons=a["reasons"],
        )
    elif key == "accept":
        m = actions.task_accept(
            actor=a["actor"],
            task_id=_task_id(run, a["unit"]),
            expected_version=version,
            notice_method=a["notice_method"],
        )
    elif key == "submit_part":
        m = actions.task_submit_part(
            actor=a["actor"],
            task_id=_task_id(run, a["unit"]),
            expected_version=version,
            content=a["content"],
        )
    elif key == "mediate":
        m = actions.matter_mediate(
            actor=a["actor"],
            matter_id=mid,
            expected_version=version,
            participants=a["participants"],
            terms=a["terms"],
            performance_manner=a["performance_manner"],
            performance_deadline=clock.today() + datetime.timedelta(days=a["deadline_days"]),
            signed=a["signed"],
        )
    elif key == "extend":
        m = actions.matter_extend(
            actor=a["actor"],
            matter_id=mid,
            expected_version=version,
            days=a["days"],
            approver=a["approver"],
            reason=a["reason"],
            notified_how=a["notified_how"],
        )
    elif key == "reply":
        m = actions.matter_reply(
            actor=a["actor"],
            matter_id=mid,
            expected_version=version,
            outcome=a["outcome"],
            facts=a["facts"],
            reasons=a["reasons"],
            basis=a["basis"],
        )
    elif key == "reply_local":
        m = actions.matter_reply_local(
            actor=a["actor"],
            matter_id=mid,
            expected_version=version,
            outcome=a["outcome"],
            facts=a["facts"],
            reasons=a["reasons"],
            basis=a["basis"],
        )
    elif key == "decide_review":
        m = actions.matter_decide_review(
            actor=a["actor"],
            matter_id=mid,
            expected_version=version,
            outcome=a["outcome"],
            facts=a["facts"],
            reasons=a["reasons"],
            basis=a["basis"],
        )
    elif key == "feedback":
        m = actions.matter_feedback(
            actor=a["actor"], matter_id=mid, expected_version=version, method=a["method"], note=a["note"]
        )
    elif key == "follow_up":
        m = actions.matter_follow_up(
            actor=a["actor"],
            matter_id=mid,
            expected_version=version,
            service_satisfaction=a["service_satisfaction"],
            unit_satisfaction=a["unit_satisfaction"],
            method=a["method"],
            note=a["note"],
        )
    elif key == "close":
        m = actions.matter_close(
            actor=a["actor"], matter_id=mid, expected_version=version, resolved=a["resolved"], note=a["note"]
        )
    elif key == "request_review":
        m = actions.matter_request_review(
            actor=a["actor"],
            matter_id=mid,
            expected_version=version,
            kind=a["kind"],
            requested_on=clock.today(),
            reason=a["reason"],
        )
    elif key == "hearing":
        m = actions.matter_hearing(actor=a["actor"], matter_id=mid, expected_version=version, days=a["days"])
    elif key == "assign_leaders":
        m = actions.matter_assign_leaders(
            actor=a["actor"], matter_id=mid, expected_version=version, leaders=a["leaders"]
        )
    elif key == "press":
        m = actions.matter_press(actor=a["actor"], matter_id=mid, expected_version=version, note=a["note"])
    else:  # pragma: no cover
        raise DemoStepFailed(f"unknown step {key}")
    run.version = m.version
