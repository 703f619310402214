"""What a refused action must leave untouched: a compact picture of every domain row.

``db_state()`` reads every matter (with the fields a transition can change), its leaders, events, tasks,
clocks, opinions, reviews, mediations, recusals and petitioner links, plus the petitioner and number
counters. The test database is small, so taking the whole picture is cheap and catches a write to the
"wrong" matter as well as to the right one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from daiban.matters.models import (
    Deadline,
    Event,
    Matter,
    MatterPetitioner,
    Mediation,
    NumberSequence,
    Opinion,
    Petitioner,
    Recusal,
    Review,
    UnitTask,
)

MATTER_FIELDS = (
    "id",
    "status",
    "version",
    "holder_region_id",
    "holder_unit_id",
    "holder_path",
    "due_date",
    "due_step",
    "responsible_agent_id",
    "extended_days",
    "replied_at",
    "review_window_until",
    "feedback_at",
    "service_satisfaction",
    "unit_satisfaction",
    "closed_at",
    "closure_kind",
    "resolved",
    "is_final",
    "repeat_visits",
)
TASK_FIELDS = ("id", "matter_id", "unit_id", "role", "status", "accepted_at", "notice_method", "part_content")
DEADLINE_FIELDS = ("id", "matter_id", "task_id", "step", "due_date", "extra_days", "excluded_days", "is_open")
REVIEW_FIELDS = ("id", "matter_id", "kind", "unit_id", "hearing_days", "decided_at", "opinion_id")

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def db_state() -> dict[str, Any]:
    return {
        "matters": list(Matter.objects.order_by("id").values_list(*MATTER_FIELDS)),
        "leaders": sorted(Matter.leaders.through.objects.values_list("matter_id", "user_id")),
        "events": list(Event.objects.order_by("id").values_list("id", "matter_id", "seq", "kind")),
        "tasks": list(UnitTask.objects.order_by("id").values_list(*TASK_FIELDS)),
        "deadlines": list(Deadline.objects.order_by("id").values_list(*DEADLINE_FIELDS)),
        "opinions": list(Opinion.objects.order_by("id").values_list("id", "matter_id", "stage")),
        "reviews": list(Review.objects.order_by("id").values_list(*REVIEW_FIELDS)),
        "mediations": Mediation.objects.count(),
        "recusals": list(Recusal.objects.order_by("id").values_list("id", "matter_id", "user_id")),
        "links": list(MatterPetitioner.objects.order_by("id").values_list("matter_id", "petitioner_id")),
        "petitioners": list(Petitioner.objects.order_by("id").values_list("id", "name", "phone_hash")),
        "numbers": list(NumberSequence.objects.order_by("id").values_list("county_code", "year", "last")),
    }


def assert_refused(exc_type: type[Exception], call: Callable[[], Any], field: str | None = None) -> Any:
    """``call()`` raises ``exc_type`` and changes nothing in the database.

    For a ``ValidationError`` pass ``field``: the error must name it, with a Chinese message.
    Returns the exception for further checks.
    """
    before = db_state()
    with pytest.raises(exc_type) as info:
        call()
    after = db_state()
    for key in before:
        assert after[key] == before[key], f"a refused action changed {key}"
    error = info.value
    if isinstance(error, ValidationError):
        assert field is not None, "say which field the ValidationError must name"
        assert hasattr(error, "error_dict"), f"ValidationError without a field: {error}"
        assert field in error.error_dict, f"expected an error on {field!r}, got {list(error.error_dict)}"
        messages = [m for e in error.error_dict[field] for m in e.messages]
        assert messages and all(CHINESE.search(m) for m in messages), messages
    elif hasattr(error, "message"):
        assert CHINESE.search(error.message), error.message
    return error
