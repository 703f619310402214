"""The urgent pages: the level's list of active 重大紧急 matters (/urgent/) and one marking with who was
told and when (/urgent/<pk>/). The marking and downgrading themselves go through the matter's action page."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from daiban.accounts.http import AuthedRequest
from daiban.accounts.models import User
from daiban.matters.models import Matter
from daiban.urgent import selectors

HOME_SHOWN = 5


@require_GET
def urgent_list(request: AuthedRequest) -> HttpResponse:
    if not selectors.can_read(request.user):
        raise PermissionDenied("您没有查看重大紧急事项的权限。")
    rows, more = selectors.active_for(request.user)
    return render(request, "urgent/list.html", {"rows": rows, "more": more, "limit": selectors.LIST_LIMIT})


@require_GET
def marking_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    marking = selectors.get_marking_or_404(request.user, pk)
    return render(request, "urgent/detail.html", {"marking": marking, "told": selectors.notices(marking)})


def home_panel(user: Any) -> dict[str, Any] | None:
    """重大紧急事项, pinned at the top of the home page of every level whose subtree holds one."""
    if not isinstance(user, User) or not user.is_active or not selectors.can_read(user):
        return None
    rows, more = selectors.active_for(user, HOME_SHOWN)
    if not rows:
        return None
    return {"rows": rows, "more": more}


def matter_panel(user: User, matter: Matter) -> dict[str, Any] | None:
    """The badge and record on the matter page (the caller fetched the matter through the user's scope)."""
    markings = selectors.for_matter(matter)
    if not markings:
        return None
    active = next((k for k in markings if k.active), None)
    return {
        "active": active,
        "told": selectors.notices(active) if active is not None else [],
        "past": [k for k in markings if not k.active],
    }
