"""The matters' panels on the home page (see ``daiban.core.home``): the intake button, the user's work
queues with counts (the same querysets the list page filters by) and the first queue's most urgent
matters, and the cards to the list and the petitioner search."""

from __future__ import annotations

from typing import Any

from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.core import clock, home
from daiban.matters.models import Matter
from daiban.matters.queues import QUEUES, ROLE_QUEUES, capped_count, queue_matters
from daiban.matters.views.lists import list_row


def _intake(user: User) -> dict[str, Any] | None:
    return {} if user.role in AGENT_ROLES or user.role == Role.LEADER else None


def _queues(user: User) -> dict[str, Any] | None:
    today = clock.today()
    keys = ROLE_QUEUES.get(user.role, [])
    queues = []
    for k in keys:
        count, more = capped_count(queue_matters(user, k, today))
        queues.append({"queue": QUEUES[k], "count": count, "more": more})
    urgent = []
    if keys:
        # The ten ids first, then those rows with their relations: joined in one statement, the planner
        # (estimating the correlated scope and queue at one row) loops over the units for every queue row
        # (1.3 s at 10M matters; 76 ms this way, bench/README.md).
        ids = list(
            queue_matters(user, keys[0], today)
            .filter(due_date__isnull=False)
            .order_by("due_date", "id")
            .values_list("pk", flat=True)[:10]
        )
        first = (
            Matter.objects.filter(pk__in=ids)
            .order_by("due_date", "id")
            .select_related("region", "holder_region", "holder_unit", "responsible_agent")
            .prefetch_related("petitioners")
            if ids
            else []
        )
        urgent = [list_row(m, today) for m in first]
    return {"queues": queues, "urgent": urgent, "first_queue": QUEUES[keys[0]] if keys else None}


def register() -> None:
    home.register(home.Panel("matters.intake", 10, "matters/_home_intake.html", _intake, slot="head"))
    home.register(home.Panel("matters.queues", 10, "matters/_home_queues.html", _queues))
    home.register(home.Panel("matters.cards", 10, "matters/_home_cards.html", lambda user: {}, slot="cards"))
