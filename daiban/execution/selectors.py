"""Reads of 支持事项 (support items), always through the reader's jurisdiction.

Who sees an item: whoever may open its matter (``matters_for``), restricted for the list page to an index
range on the item's own scope columns (region-wide readers) or to the unit's own items (a unit handler).
Outside scope is 404, like an item that does not exist.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from daiban.accounts.models import Role, User
from daiban.core import clock
from daiban.execution.models import UNEXECUTED_STATUSES, SupportItem
from daiban.matters.models import Matter
from daiban.matters.selectors import matters_for
from daiban.network.jurisdiction import NOTHING, scope_path
from daiban.supervision.selectors import READER_ROLES, WHOLE_REGION_ROLES, region_q

LIST_LIMIT = 200


def items_for(user: User) -> QuerySet[SupportItem]:
    """The support items ``user`` may see: a unit handler those its unit must carry out or whose opinion
    its unit issued (and whose matter it may open); region-wide readers their subtree (a scope-column
    equality); other readers the items of matters they may open."""
    path = scope_path(user)
    if path is None or user.role not in READER_ROLES:
        return SupportItem.objects.filter(NOTHING)
    if user.role == Role.UNIT_HANDLER:
        if not user.unit_id:
            return SupportItem.objects.filter(NOTHING)
        own = Q(unit_id=user.unit_id) | Q(opinion__unit_id=user.unit_id)
        return SupportItem.objects.filter(own, matter_id__in=matters_for(user).values("pk"))
    if user.role in WHOLE_REGION_ROLES:
        return SupportItem.objects.filter(region_q(path))
    return SupportItem.objects.filter(region_q(path), matter_id__in=matters_for(user).values("pk"))


def overdue_items_for(user: User, today: datetime.date | None = None) -> QuerySet[SupportItem]:
    """逾期未落实: the user's items not (fully) carried out whose date has passed."""
    today = today or clock.today()
    return items_for(user).filter(status__in=UNEXECUTED_STATUSES, due_date__lt=today)


def overdue_unexecuted(user: User, today: datetime.date | None = None) -> QuerySet[Matter]:
    """The matters in ``user``'s scope (``matters_for``) with at least one 支持事项 (an item of a 支持 opinion,
    art. 32 of the 信访工作条例) that is not, or only partly, carried out (未落实 / 部分落实) although its
    due date (落实期限) is before ``today`` (default: today, local time). Art. 42(4) makes failing to carry
    out a 支持 opinion a ground for accountability; ``daiban.accountability`` reads its cases here.

    Returns a queryset of ``Matter`` (no duplicates, unordered); the item rows are found on their
    ``(status, due_date)`` index."""
    today = today or clock.today()
    late = SupportItem.objects.filter(
        matter_id=OuterRef("pk"), status__in=UNEXECUTED_STATUSES, due_date__lt=today
    )
    return matters_for(user).filter(Exists(late))


def unexecuted_exists() -> Exists:
    """For a ``Matter`` queryset: the matter has a 支持事项 not fully carried out (未落实 / 部分落实).
    Such a matter does not count as resolved (化解) in the statistics."""
    return Exists(SupportItem.objects.filter(matter_id=OuterRef("pk"), status__in=UNEXECUTED_STATUSES))


def unexecuted_matter_ids(ids: list[int]) -> set[int]:
    """Of the matters ``ids``, those with a 支持事项 not fully carried out."""
    return set(
        SupportItem.objects.filter(matter_id__in=ids, status__in=UNEXECUTED_STATUSES).values_list(
            "matter_id", flat=True
        )
    )


def unexecuted_of(matter: Matter) -> list[SupportItem]:
    """The matter's items not fully carried out (for the matter page's warning), by due date."""
    return list(
        SupportItem.objects.filter(matter_id=matter.pk, status__in=UNEXECUTED_STATUSES)
        .select_related("unit")
        .order_by("due_date", "id")
    )
