"""The one place a demo step becomes an action call.

A step's ``kind`` is the workflow key of its action (the event kind it records) and its ``args`` are that
action's own keyword arguments; the run adds ``matter_id`` and ``expected_version`` (or ``task_id`` for the
task actions), and the few inputs that depend on the step's day.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from daiban.core import clock
from daiban.demo.matters.steps import Plan, Step
from daiban.matters import actions, workflow
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
        # Art. 19 is the agent's decision: the demo's repeat visits name the matter they repeat.
        repeat_of=run.matter_id if step.kind == "repeat_visit" else None,
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


def _inputs(step: Step) -> dict[str, Any]:
    """The action's own keyword arguments: the step's, with the inputs that depend on the step's day."""
    inputs = {k: v for k, v in step.args.items() if k not in ("actor", "unit")}
    if "deadline_days" in inputs:
        inputs["performance_deadline"] = clock.today() + datetime.timedelta(days=inputs.pop("deadline_days"))
    if step.kind == "request_review":
        inputs["requested_on"] = clock.today()
    if step.kind == "serve":
        inputs["served_on"] = clock.today()
    if step.kind == "hearing_record":
        days = inputs.pop("hearing_days")
        inputs["last_day"] = clock.today()
        inputs["first_day"] = clock.today() - datetime.timedelta(days=days - 1)
    return inputs


def perform(run: Run, step: Step) -> None:
    """Take the step's action (through the workflow registry) as its actor, on the run's matter — or on
    the matter's task of the step's unit — at the version the run last saw."""
    if step.kind in ("intake", "repeat_visit"):
        run.version = _intake(run, step).version
        return
    assert run.matter_id is not None, "a step before the intake"
    action = workflow.REGISTRY.get(step.kind)
    if action is None or not action.has_button:
        raise DemoStepFailed(f"unknown step {step.kind}")
    m = workflow.perform(
        step.kind,
        actor=step.args["actor"],
        expected_version=run.version,
        matter_id=run.matter_id,
        task_id=_task_id(run, step.args["unit"]) if action.on_task else None,
        **_inputs(step),
    )
    run.version = m.version
