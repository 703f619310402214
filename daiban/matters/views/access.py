"""Fetching a matter for a page: through the user's jurisdiction, 404 outside it."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404

from daiban.accounts.models import User
from daiban.matters.models import Deadline, Matter, Opinion, UnitTask
from daiban.matters.selectors import matters_for

RELATED = ("region", "holder_region", "holder_unit", "responsible_agent", "received_by")
# Everything the matter page and its buttons' rules read, one query per relation.
DETAIL_PREFETCH = (
    Prefetch("tasks", queryset=UnitTask.objects.select_related("unit", "sent_from").order_by("role", "id")),
    Prefetch("tasks__deadlines", queryset=Deadline.objects.order_by("due_date")),
    "leaders",
    Prefetch("opinions", queryset=Opinion.objects.select_related("unit")),
    "reviews__unit",
    Prefetch("deadlines", queryset=Deadline.objects.select_related("task__unit")),
)


def matter_or_404(user: User, pk: int, *, for_page: bool = False) -> Matter:
    qs = matters_for(user).select_related(*RELATED)
    if for_page:
        qs = qs.prefetch_related(*DETAIL_PREFETCH)
    matter = qs.filter(pk=pk).first()
    if matter is None:
        raise Http404
    return matter
