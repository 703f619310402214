"""救助转介台账: the level's most recent referrals (or only those awaiting their outcome). Referring and
recording the outcome are matter actions, taken on the matter page through the workflow's action page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from daiban.accounts.http import AuthedRequest
from daiban.assistance import selectors


@require_GET
def referral_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not selectors.can_read(user):
        raise PermissionDenied("您的岗位不使用救助转介台账。")
    pending_only = request.GET.get("outcome") == "pending"
    return render(
        request,
        "assistance/list.html",
        {
            "referrals": selectors.recent(user, pending_only=pending_only),
            "pending_only": pending_only,
            "limit": selectors.LIST_LIMIT,
        },
    )
