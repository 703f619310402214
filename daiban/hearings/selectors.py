"""Reads of hearing records, always through the reader's jurisdiction (outside scope: 404).

A record copies its matter's scope columns, so the levels that see every matter of their subtree (county
centres, 纪检, the city administrator) read an equality on one indexed column; everyone else sees the
records of the matters they may open (``matters_for``)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from daiban.accounts.models import Role, User
from daiban.hearings.models import HearingRecord
from daiban.matters.models import SCOPE_COLUMNS, Matter
from daiban.matters.selectors import matters_for
from daiban.network.jurisdiction import NOTHING, scope_path
from daiban.regions import geometry

WHOLE_REGION_ROLES = {Role.SUPERVISOR, Role.COUNTY_STAFF, Role.CITY_ADMIN}
LIST_LIMIT = 50


def _region_q(path: str) -> Q:
    codes = geometry.codes(path)
    if 1 <= len(codes) <= len(SCOPE_COLUMNS):
        return Q(**{SCOPE_COLUMNS[len(codes) - 1]: codes[-1]})
    return geometry.subtree_q(path)


def records_for(user: User) -> QuerySet[HearingRecord]:
    """The hearing records ``user`` may read."""
    path = scope_path(user)
    if path is None:
        return HearingRecord.objects.filter(NOTHING)
    if user.role in WHOLE_REGION_ROLES:
        return HearingRecord.objects.filter(_region_q(path))
    return HearingRecord.objects.filter(matter_id__in=matters_for(user).values("pk"))


def recent_for(user: User) -> list[HearingRecord]:
    """The latest hearing records in the user's jurisdiction (bounded)."""
    return list(
        records_for(user).select_related("matter", "unit").order_by("-recorded_at", "-id")[:LIST_LIMIT]
    )


def of_matter(matter: Matter) -> list[HearingRecord]:
    """A matter's hearing records (the caller has already checked that the user may open the matter)."""
    return list(
        HearingRecord.objects.filter(matter=matter).select_related("unit").order_by("first_day", "id")[:20]
    )


def get_record_or_404(user: User, pk: int) -> HearingRecord:
    found = records_for(user).select_related("matter", "unit", "review", "recorded_by").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found
