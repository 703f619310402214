"""The hearing record's printable page, the list of recent records, and the matter page's section."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from daiban.accounts.http import AuthedRequest
from daiban.accounts.models import User
from daiban.hearings import selectors
from daiban.hearings.models import HearingStage
from daiban.matters import workflow
from daiban.matters.choices import EventKind
from daiban.matters.models import Matter


@require_GET
def record_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """听证记录 as a printable page; outside the reader's jurisdiction it does not exist (404)."""
    row = selectors.get_record_or_404(request.user, pk)
    return render(
        request,
        "hearings/record.html",
        {"row": row, "matter": row.matter, "reexam": row.stage == HearingStage.REEXAM},
    )


@require_GET
def record_list(request: AuthedRequest) -> HttpResponse:
    """The latest hearing records of the reader's jurisdiction."""
    rows = selectors.recent_for(request.user)
    return render(request, "hearings/list.html", {"rows": rows, "limit": selectors.LIST_LIMIT})


def matter_panel(user: User, matter: Matter) -> dict[str, Any] | None:
    """听证记录 on the matter page: each record with a link to its full page, and the button's place
    when the user may record one now."""
    rows = selectors.of_matter(matter)
    action = workflow.get(EventKind.HEARING_RECORD.value)
    may_record = action is not None and action.allows(user, matter)
    if not rows and not may_record:
        return None
    return {"rows": rows, "may_record": may_record}
