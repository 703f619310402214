"""Work queues: what is waiting on whom. The home page counts and the list page filter use the same
functions, so a count on the home page always equals the list it links to."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.matters.choices import OPEN_STATUSES, Status, TaskStatus
from daiban.matters.models import Matter, UnitTask
from daiban.matters.selectors import matters_for


def _open(user: User) -> QuerySet[Matter]:
    return matters_for(user).filter(status__in=OPEN_STATUSES)


def todo(user: User, today: datetime.date) -> QuerySet[Matter]:
    """Agents: matters held by my own point/station/centre, replies I must carry back, and objections to
    tasks my level routed that wait for its decision (a subquery, so no row repeats)."""
    if user.role not in AGENT_ROLES:
        return Matter.objects.none()
    objections = UnitTask.objects.filter(status=TaskStatus.OBJECTION_PENDING, sent_from_id=user.region_id)
    return _open(user).filter(
        Q(holder_unit__isnull=True, holder_region_id=user.region_id)
        | Q(responsible_agent=user, status=Status.REPLIED)
        | Q(pk__in=objections.values("matter_id"))
    )


def my_matters(user: User, today: datetime.date) -> QuerySet[Matter]:
    """首接即代办: every open matter I am responsible for, wherever it is now."""
    return _open(user).filter(responsible_agent=user)


def unit_tasks(user: User, today: datetime.date) -> QuerySet[Matter]:
    """Unit handlers: tasks to accept, handle or answer, and reviews to decide."""
    if user.role != Role.UNIT_HANDLER or not user.unit_id:
        return Matter.objects.none()
    return _open(user).filter(
        Q(
            tasks__unit_id=user.unit_id,
            tasks__status__in=[TaskStatus.ASSIGNED, TaskStatus.OBJECTION_PENDING, TaskStatus.ACCEPTED],
        )
        | Q(holder_unit_id=user.unit_id, status__in=[Status.REVIEW, Status.REEXAM])
    )


def led(user: User, today: datetime.date) -> QuerySet[Matter]:
    """Leaders: matters in my personal charge (包案)."""
    return _open(user).filter(leaders=user)


def overdue(user: User, today: datetime.date) -> QuerySet[Matter]:
    # due_date is set exactly while a matter is open (a database constraint), so no status test is needed
    # and the count is answered from the (scope, due_date) index alone.
    return matters_for(user).filter(due_date__lt=today)


def due_soon(user: User, today: datetime.date) -> QuerySet[Matter]:
    from django.conf import settings

    return matters_for(user).filter(
        due_date__gte=today, due_date__lte=today + datetime.timedelta(days=settings.DUE_SOON_DAYS)
    )


def all_open(user: User, today: datetime.date) -> QuerySet[Matter]:
    return _open(user)


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    fetch: Callable[[User, datetime.date], QuerySet[Matter]]
    joins: bool = False  # filters through a to-many relation, so rows may repeat


QUEUES: dict[str, Queue] = {
    q.key: q
    for q in (
        Queue("todo", "待我办理", todo),
        Queue("mine", "我首接的在办事项", my_matters),
        Queue("tasks", "本单位待办", unit_tasks, joins=True),
        Queue("led", "我的包案", led, joins=True),
        Queue("overdue", "已超期", overdue),
        Queue("due_soon", "临期", due_soon),
        Queue("open", "全部在办", all_open),
    )
}

ROLE_QUEUES: dict[str, list[str]] = {
    Role.VILLAGE_AGENT: ["todo", "mine", "due_soon", "overdue"],
    Role.TOWNSHIP_STAFF: ["todo", "mine", "due_soon", "overdue"],
    Role.COUNTY_STAFF: ["todo", "mine", "due_soon", "overdue", "open"],
    Role.UNIT_HANDLER: ["tasks", "due_soon", "overdue"],
    Role.LEADER: ["led", "overdue", "open"],
    Role.SUPERVISOR: ["overdue", "due_soon", "open"],
    Role.CITY_ADMIN: ["overdue", "due_soon", "open"],
}


def queue_matters(user: User, key: str, today: datetime.date) -> QuerySet[Matter]:
    """A queue's matters, distinct (joins through tasks or leaders can repeat a row)."""
    queue = QUEUES[key]
    qs = queue.fetch(user, today)
    return Matter.objects.filter(pk__in=qs.values("pk")) if queue.joins else qs
