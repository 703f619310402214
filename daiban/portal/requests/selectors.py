"""Reads of online requests, always through the user's jurisdiction.

Who handles the queue: the network's agents (村/乡/县 代办人员), each within the region subtree of their
grant — a village agent sees their village's requests, a township or county agent their subtree. Nobody
else sees a request (outside scope: 404, as for a record that does not exist).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from daiban.accounts.models import AGENT_ROLES, User
from daiban.matters.selectors import matter_region_q
from daiban.network.jurisdiction import NOTHING, scope_path
from daiban.portal.models import OnlineRequest, RequestStatus


def can_handle(user: Any) -> bool:
    return isinstance(user, User) and scope_path(user) is not None and user.role in AGENT_ROLES


def scope_q(user: Any) -> Q:
    if not can_handle(user):
        return NOTHING
    path = scope_path(user)
    assert path is not None
    return matter_region_q(path, user.region_id)


def requests_for(user: Any) -> QuerySet[OnlineRequest]:
    """The online requests ``user`` may see and act on."""
    return OnlineRequest.objects.filter(scope_q(user))


def queue_for(user: Any) -> QuerySet[OnlineRequest]:
    """The queue: pending first, then the newest."""
    pending_first = Case(
        When(status=RequestStatus.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return requests_for(user).select_related("region", "matter").order_by(pending_first, "-created_at", "-id")


PENDING_LIMIT = 100
_MEMO = "_portal_pending_requests"


def pending_count(user: Any) -> int:
    """How many requests wait in the user's scope, counted up to ``PENDING_LIMIT`` (one bounded, indexed
    read, remembered on the user object for the rest of the request: the nav badge and the home panel
    ask the same question)."""
    if not can_handle(user):
        return 0
    found = getattr(user, _MEMO, None)
    if found is None:
        qs = requests_for(user).filter(status=RequestStatus.PENDING).values_list("pk", flat=True)
        found = len(list(qs[:PENDING_LIMIT]))
        setattr(user, _MEMO, found)
    return int(found)


def get_or_404(user: Any, pk: int) -> OnlineRequest:
    found = requests_for(user).select_related("region", "matter").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found
