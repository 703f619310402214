from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from daiban.core import home as home_panels


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each role's own home: the panels the apps contribute for this user (see ``daiban.core.home``)."""
    return render(request, "core/home.html", {"panels": home_panels.panels_for(request.user)})


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for the process manager: answers only if the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
