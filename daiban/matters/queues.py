"""Work queues: what is waiting on whom. The home page counts and the list page filter use the same
functions, so a count on the home page always equals the list it links to."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

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
    # A UNION of three index ranges ((holder_region, status), (responsible_agent, status), the tasks'
    # sent_from) rather than an OR, which the database can only answer by filtering the whole scope.
    held = Matter.objects.filter(
        holder_unit__isnull=True, holder_region_id=user.region_id, status__in=OPEN_STATUSES
    )
    replies = Matter.objects.filter(responsible_agent=user, status=Status.REPLIED)
    objections = UnitTask.objects.filter(status=TaskStatus.OBJECTION_PENDING, sent_from_id=user.region_id)
    ids = (
        held.order_by()
        .values("pk")
        .union(replies.order_by().values("pk"), objections.order_by().values("matter_id"))
    )
    return _open(user).filter(pk__in=ids)


def my_matters(user: User, today: datetime.date) -> QuerySet[Matter]:
    """首接即代办: every open matter I am responsible for, wherever it is now."""
    return _open(user).filter(responsible_agent=user)


def unit_tasks(user: User, today: datetime.date) -> QuerySet[Matter]:
    """Unit handlers: tasks to accept, handle or answer, and reviews to decide."""
    if user.role != Role.UNIT_HANDLER or not user.unit_id:
        return Matter.objects.none()
    # Two index ranges on the unit (its tasks by (unit, status), the reviews it holds by holder_unit),
    # joined to the matters by primary key: the queue costs what the unit has, not what the table has.
    tasks = UnitTask.objects.filter(
        unit_id=user.unit_id,
        status__in=[TaskStatus.ASSIGNED, TaskStatus.OBJECTION_PENDING, TaskStatus.ACCEPTED],
    )
    reviews = Matter.objects.filter(holder_unit_id=user.unit_id, status__in=[Status.REVIEW, Status.REEXAM])
    return _open(user).filter(
        pk__in=tasks.order_by().values("matter_id").union(reviews.order_by().values("pk"))
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
        Queue("tasks", "本单位待办", unit_tasks),
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


# Counts shown on the home page and above a queue's list stop here ("999+"): counting a city's half a
# million overdue bench matters costs a scan of them, and past a few hundred the exact number tells no one
# what to do next. Both places use the same cap, so the home page still equals the list it links to.
COUNT_CAP = 999


def capped_count(qs: QuerySet[Matter]) -> tuple[int, bool]:
    """(count, more): the queryset's count up to ``COUNT_CAP``, and whether there are more."""
    n = qs.order_by()[: COUNT_CAP + 1].count()  # unordered: any COUNT_CAP + 1 rows will do
    return min(n, COUNT_CAP), n > COUNT_CAP


def queue_matters(user: User, key: str, today: datetime.date) -> QuerySet[Matter]:
    """A queue's matters, distinct (joins through tasks or leaders can repeat a row)."""
    queue = QUEUES[key]
    qs = queue.fetch(user, today)
    return Matter.objects.filter(pk__in=qs.values("pk")) if queue.joins else qs
