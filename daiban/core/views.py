from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from daiban.accounts.models import AGENT_ROLES, Role
from daiban.core import clock
from daiban.core.http import AuthedRequest
from daiban.matters.queues import QUEUES, ROLE_QUEUES, queue_matters
from daiban.matters.views import list_row


@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    """Each role's own home: its queues with counts (the same querysets the list page filters by),
    and the first queue's most urgent matters."""
    user = request.user
    today = clock.today()
    keys = ROLE_QUEUES.get(user.role, [])
    queues = [{"queue": QUEUES[k], "count": queue_matters(user, k, today).count()} for k in keys]
    urgent = []
    if keys:
        first = (
            queue_matters(user, keys[0], today)
            .filter(due_date__isnull=False)
            .order_by("due_date", "id")
            .select_related("region", "holder_region", "holder_unit", "responsible_agent")
            .prefetch_related("petitioners")[:10]
        )
        urgent = [list_row(m, today) for m in first]
    return render(
        request,
        "core/home.html",
        {
            "queues": queues,
            "urgent": urgent,
            "first_queue": QUEUES[keys[0]] if keys else None,
            "can_intake": user.role in AGENT_ROLES or user.role == Role.LEADER,
        },
    )


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for the process manager: answers only if the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
