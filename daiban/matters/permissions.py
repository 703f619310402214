"""Which actions a user may take on a matter now — the buttons on the matter page.

These predicates mirror the checks inside ``daiban.matters.actions`` (which stay authoritative: a button
shown by mistake still ends in a refusal, never in a wrong change). A test drives every action and checks
that the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.core import clock
from daiban.matters.actions import HOLDER_ROLES, LEADER_ASSIGNERS, _at_or_above_holder, is_involved
from daiban.matters.choices import ANSWERABLE_AT_ONCE, ReviewKind, Status, Step, TaskRole, TaskStatus
from daiban.matters.models import Matter, UnitTask
from daiban.regions.models import Level


@dataclass(frozen=True)
class Available:
    action: str
    task: UnitTask | None = None


def _is_holder(user: User, m: Matter) -> bool:
    return user.role in HOLDER_ROLES and m.holder_unit_id is None and m.holder_region_id == user.region_id


def _is_network_agent(user: User, m: Matter) -> bool:
    return user.role in AGENT_ROLES and (
        user.pk == m.responsible_agent_id
        or bool(user.region_path and m.holder_path.startswith(user.region_path))
    )


def _has_colleague(user: User) -> bool:
    """Recusal needs someone in the same post to take over."""
    return (
        User.objects.filter(role=user.role, region=user.region, unit=user.unit, is_active=True)
        .exclude(pk=user.pk)
        .exists()
    )


def available_actions(user: User, m: Matter, *, recused: bool = False) -> list[Available]:
    """The actions ``user`` may take on ``m`` now (the caller has already checked scope)."""
    if recused:
        return []
    today = clock.today()
    found: list[Available] = []
    add = found.append
    is_open = m.status != Status.CLOSED

    if _is_holder(user, m) and m.status in (Status.REGISTERED, Status.LOCAL):
        if m.holder_region and m.holder_region.level <= Level.COUNTY:
            add(Available("route"))
        if m.status == Status.REGISTERED and not m.is_accusation:
            add(Available("start_local"))
        if m.status == Status.LOCAL:
            add(Available("reply_local"))
            add(Available("mediate"))
        if m.purpose in ANSWERABLE_AT_ONCE:
            add(Available("answer"))
        if m.holder_region and m.holder_region.parent_id is not None:
            add(Available("escalate"))
        if not m.is_accusation:  # accusations only go up, to discipline inspection
            if len(m.region_path) > len(m.holder_path):
                add(Available("hand_down"))
            add(Available("guide_legal"))
            add(Available("not_accept"))

    if user.role == Role.UNIT_HANDLER and user.unit_id:
        tasks = [t for t in m.tasks.all() if t.unit_id == user.unit_id]
        for task in tasks:
            if task.status == TaskStatus.ASSIGNED:
                add(Available("accept", task))
                window = next((d for d in task.deadlines.all() if d.step == Step.OBJECTION), None)
                if window is not None and today <= window.due_date:
                    add(Available("object", task))
            elif (
                task.role == TaskRole.CO
                and task.status == TaskStatus.ACCEPTED
                and m.status == Status.HANDLING
            ):
                add(Available("submit_part", task))
        lead = next((t for t in tasks if t.role == TaskRole.LEAD and t.status == TaskStatus.ACCEPTED), None)
        if lead is not None and m.status == Status.HANDLING:
            add(Available("mediate"))
            handling = next((d for d in m.deadlines.all() if d.step == Step.HANDLING and d.is_open), None)
            if m.extended_days < 30 and handling is not None and today <= handling.due_date:
                add(Available("extend"))
            pending = [
                t
                for t in m.tasks.all()
                if t.role == TaskRole.CO and t.status in (TaskStatus.ASSIGNED, TaskStatus.ACCEPTED)
            ]
            if not pending:  # the opinion waits for every co-unit's part
                add(Available("reply"))
        if m.status in (Status.REVIEW, Status.REEXAM) and m.holder_unit_id == user.unit_id:
            if m.status == Status.REEXAM:
                add(Available("hearing"))
            add(Available("decide_review"))

    if m.status == Status.REPLIED and _is_network_agent(user, m):
        add(Available("feedback"))
        if m.feedback_at is not None:
            add(Available("follow_up"))
        if m.service_satisfaction:
            add(Available("close"))

    if (
        user.role in AGENT_ROLES
        and m.status in (Status.REPLIED, Status.CLOSED)
        and not m.is_final
        and m.review_window_until is not None
        and today <= m.review_window_until
    ):
        kinds = {r.kind: r for r in m.reviews.all()}
        if not kinds or (
            ReviewKind.REVIEW in kinds
            and ReviewKind.REEXAM not in kinds
            and kinds[ReviewKind.REVIEW].decided_at
        ):
            add(Available("request_review"))

    if is_open and user.role in LEADER_ASSIGNERS and _at_or_above_holder(user, m):
        add(Available("assign_leaders"))
    if is_open and is_involved(user, m) and _has_colleague(user):
        add(Available("recuse"))
    if is_open and user.role != Role.UNIT_HANDLER:
        add(Available("press"))
    return found
