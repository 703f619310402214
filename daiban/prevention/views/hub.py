"""排查预防: the entry page of the network's work before a petition, with what needs doing in each area."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from daiban.accounts.http import AuthedRequest
from daiban.core import nav
from daiban.prevention import selectors


@require_GET
def prevention_hub(request: AuthedRequest) -> HttpResponse:
    if not selectors.can_read(request.user):
        raise PermissionDenied("您的岗位不使用排查预防功能。")
    return render(request, "prevention/hub.html", {"can_write": selectors.can_write(request.user)})


def connect() -> None:
    nav.register(
        nav.Item(
            "prevention",
            order=30,
            label="排查预防",
            url_name="prevention_hub",
            visible=selectors.can_read,
            active=("prevention_", "screening_", "visit_", "session_", "errand_", "alert_"),
        )
    )


urlpatterns: list[URLPattern] = [path("prevention/", prevention_hub, name="prevention_hub")]
