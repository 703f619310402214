"""干部问题通报: the discipline channel's most recent notices to organisation departments (art. 30), the
cadre's name and post masked. The notice itself is a matter action on the accusation's page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from daiban.accounts.http import AuthedRequest
from daiban.cadres import selectors


@require_GET
def notice_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not selectors.can_read(user):
        raise PermissionDenied("只有纪检监察机关查看干部问题通报。")
    return render(
        request,
        "cadres/list.html",
        {"notices": selectors.recent(user), "limit": selectors.LIST_LIMIT},
    )
