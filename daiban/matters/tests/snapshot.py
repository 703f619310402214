"""What a refused action must leave untouched: a compact picture of every domain row.

``db_state()`` reads every matter (with the fields a transition can change), its leaders, events, tasks,
clocks, opinions, reviews, mediations, recusals and petitioner links, plus the petitioner and number
counters. The test database is small, so taking the whole picture is cheap and catches a write to the
"wrong" matter as well as to the right one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Model

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
TASK_FIELDS = ("id", "matter", "unit", "role", "status", "accepted_at", "notice_method", "part_content")
DEADLINE_FIELDS = ("id", "matter", "task", "step", "due_date", "extra_days", "excluded_days", "is_open")
REVIEW_FIELDS = ("id", "matter", "kind", "unit", "hearing_days", "decided_at", "opinion")

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@functools.cache
def _select(model: type[Model], fields: tuple[str, ...]) -> str:
    meta = model._meta
    columns = ", ".join(connection.ops.quote_name(meta.get_field(f).column) for f in fields)  # type: ignore[union-attr,arg-type]
    return f"SELECT {columns} FROM {connection.ops.quote_name(meta.db_table)} ORDER BY 1, 2"


# Plain SQL: this runs before and after every step of the property test, where the ORM's query building
# would be most of the cost.
_QUERIES: dict[str, tuple[type[Model], tuple[str, ...]]] = {
    "matters": (Matter, MATTER_FIELDS),
    "leaders": (Matter.leaders.through, ("matter", "user")),
    "events": (Event, ("id", "matter", "seq", "kind")),
    "tasks": (UnitTask, TASK_FIELDS),
    "deadlines": (Deadline, DEADLINE_FIELDS),
    "opinions": (Opinion, ("id", "matter", "stage", "review_limit", "served_on", "service_manner")),
    "reviews": (Review, REVIEW_FIELDS),
    "mediations": (Mediation, ("id", "matter", "signed")),
    "recusals": (Recusal, ("id", "matter", "user")),
    "links": (MatterPetitioner, ("id", "matter", "petitioner")),
    "petitioners": (Petitioner, ("id", "name", "phone_hash", "id_number_hash")),
    "numbers": (NumberSequence, ("id", "county_code", "year", "last")),
}


def db_state() -> dict[str, Any]:
    state: dict[str, Any] = {}
    with connection.cursor() as cursor:
        for key, (model, fields) in _QUERIES.items():
            cursor.execute(_select(model, fields))
            state[key] = [tuple(row) for row in cursor.fetchall()]
    return state


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
