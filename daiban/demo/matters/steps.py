"""The plan of a matter: what to make (``Spec``) and the steps that make it (``Step``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

Gap = tuple[str, int, int]  # ("min" | "wd" | "d", amount, minute of the day for day gaps)


@dataclass
class Step:
    """One action call: ``kind`` is the workflow key (the event kind), ``args`` the action's own keyword
    arguments, except those the run supplies (``matter_id``, ``expected_version``), ``unit`` for the task
    of that unit (``task_id``), and ``deadline_days`` / the request and service days, which depend on
    the step's day."""

    kind: str
    gap: Gap
    args: dict[str, Any]
    at: datetime.datetime | None = None
    # Statutory windows this step must respect: (index of the step that started the clock, limit key,
    # extra days). Scheduling pulls the step back to the limit's last day if the gaps overshoot it.
    within: list[tuple[int, str, int]] = field(default_factory=list)
    late: bool = False  # a written opinion deliberately given after its time limit


@dataclass
class Spec:
    """One matter to make (before its steps are drawn)."""

    scenario: str
    county: str
    desk: str = ""  # username of the desk that takes it in; "" = drawn
    topic: str = ""  # "" = drawn
    group: bool | None = None
    leaders: int | None = None  # 0, 1 (包案) or 2 (双包案)
    repeat: bool | None = None  # a repeat visit while it is handled (art. 19)
    objection: bool | None = None  # first sent to a wrong unit, which objects
    story: str = ""  # a fixed story from the newspaper report
    return_visit: bool | None = None  # after a final re-examination, comes back with the same facts


@dataclass
class Plan:
    spec: Spec
    steps: list[Step]
    matters: int = 1  # how many matters the plan creates
