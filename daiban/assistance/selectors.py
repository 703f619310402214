"""Reads of assistance referrals, always through the reader's jurisdiction, and their counts for the
statistics.

* the county centres, the city administrator and the supervisors: every referral of their subtree (an
  equality on one scope column; referrals are never made on accusations);
* village and township agents and leaders: the referrals of matters they may open (``matters_for``);
* a unit's handlers: none (the receiving organ is told outside the system; the agent records its answer).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.assistance.models import Outcome, Referral, ReferralKind
from daiban.matters.models import SCOPE_COLUMNS
from daiban.matters.selectors import matters_for
from daiban.network.jurisdiction import NOTHING, scope_path
from daiban.regions import geometry

READER_ROLES = {*AGENT_ROLES, Role.LEADER, Role.SUPERVISOR, Role.CITY_ADMIN}
WHOLE_REGION_ROLES = {Role.SUPERVISOR, Role.COUNTY_STAFF, Role.CITY_ADMIN}
# The list shows the most recent referrals; older ones are found from their matter.
LIST_LIMIT = 100


def region_q(path: str) -> Q:
    """Referrals in the subtree at ``path``: the level's scope column, or the village's own path."""
    codes = geometry.codes(path)
    if 1 <= len(codes) <= len(SCOPE_COLUMNS):
        return Q(**{SCOPE_COLUMNS[len(codes) - 1]: codes[-1]})
    return Q(region_path=path)


def can_read(user: User) -> bool:
    return scope_path(user) is not None and user.role in READER_ROLES


def referrals_for(user: User) -> QuerySet[Referral]:
    path = scope_path(user)
    if path is None or user.role not in READER_ROLES:
        return Referral.objects.filter(NOTHING)
    if user.role in WHOLE_REGION_ROLES:
        return Referral.objects.filter(region_q(path))
    return Referral.objects.filter(matter_id__in=matters_for(user).values("pk"))


def for_matter(user: User, matter_id: int) -> list[Referral]:
    """The referrals of one matter the user has opened (the caller checked scope), oldest first."""
    if not can_read(user):
        return []
    return list(
        Referral.objects.filter(matter_id=matter_id)
        .select_related("organ", "referred_by", "outcome_by")
        .order_by("referred_at", "pk")
    )


def recent(user: User, *, pending_only: bool = False) -> list[Referral]:
    qs = referrals_for(user)
    if pending_only:
        qs = qs.filter(outcome=Outcome.PENDING)
    return list(
        qs.select_related("organ", "matter", "referred_by").order_by("-referred_at", "-pk")[:LIST_LIMIT]
    )


def get_or_404(user: User, pk: int) -> Referral:
    found = referrals_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


# ------------------------------------------------------------------------------------------ statistics


@dataclass(frozen=True)
class Counts:
    """转介 N: 社会救助 a, 司法救助 b; 已获救助 c — referrals made in the period, and how many of them were
    granted (by the outcome known today)."""

    total: int
    social: int
    judicial: int
    granted: int


def _period_q(start: datetime.date, end: datetime.date) -> Q:
    tz = timezone.get_current_timezone()
    lo = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    hi = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return Q(referred_at__gte=lo, referred_at__lt=hi)


def region_referrals(path: str, start: datetime.date, end: datetime.date) -> QuerySet[Referral]:
    """The referrals made in ``start``–``end`` (local days) on matters arising in the subtree at ``path``:
    one range of the level's ``(scope_…, referred_at)`` index."""
    return Referral.objects.filter(region_q(path), _period_q(start, end))


def counts(path: str, start: datetime.date, end: datetime.date) -> Counts:
    """The statistics' figures of one region and period (the caller checked the region is in scope)."""
    got = region_referrals(path, start, end).aggregate(
        total=Count("pk"),
        social=Count("pk", filter=Q(kind=ReferralKind.SOCIAL)),
        judicial=Count("pk", filter=Q(kind=ReferralKind.JUDICIAL)),
        granted=Count("pk", filter=Q(outcome=Outcome.GRANTED)),
    )
    return Counts(got["total"], got["social"], got["judicial"], got["granted"])
