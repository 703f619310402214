"""The matter list: filters, search, keyset pages; and the row every matter list shows."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from daiban.accounts.http import AuthedRequest
from daiban.core import clock
from daiban.core.dbrouter import reads_from_replica
from daiban.matters.choices import Status
from daiban.matters.listing import MatterFilterForm, apply_filters, paginate
from daiban.matters.models import Matter
from daiban.matters.queues import capped_count
from daiban.matters.selectors import matters_for
from daiban.pii.fields import search_q as pii_search_q
from daiban.workcal.calendar import due_status

# Queues of deadlines, listed by due date unless the reader chose otherwise.
DEADLINE_QUEUES = ("overdue", "due_soon")


@require_GET
@reads_from_replica
def matter_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    query = request.GET.copy()
    if query.get("queue") in DEADLINE_QUEUES and not query.get("order"):
        # A deadline queue reads soonest-due first, which is also its index (scope, due_date): ordered by
        # receipt, the overdue list walks every matter received since the oldest overdue one.
        query["order"] = "due"
    form = MatterFilterForm(query or None, user=user)
    # A filter that does not validate (a mistyped date, an id outside scope) is dropped on its own and
    # shown as an error on the form; the other filters still apply.
    data: dict[str, Any] = _valid_filters(form)
    if _looks_like_a_number(str(data.get("q", ""))):
        # Numbers are searched on the petitioner page (POST), never through a URL that gets copied on.
        form.add_error("q", "身份证号码、电话请在“信访人”页面查找，号码不会出现在网址中。")
        data.pop("q")
    today = clock.today()
    qs = apply_filters(matters_for(user), data, user, today)
    order = data.get("order") or "received"
    page = paginate(qs, order, query.get("after"))
    params: dict[str, str] = {
        k: str(v) for k, v in query.items() if k != "after" and v and not (k == "q" and "q" not in data)
    }
    next_url = f"?{urlencode({**params, 'after': page.next_cursor})}" if page.next_cursor else None
    # The filters as the links carry them: never a number typed into the search.
    filter_query = f"?{urlencode(params)}" if params else ""
    first_url = filter_query or "?"
    export_url = reverse("matter_export") + filter_query
    queue_count, queue_more = capped_count(qs) if data.get("queue") else (None, False)
    context = {
        "form": form,
        "queue_count": queue_count,
        "queue_more": queue_more,
        "rows": [list_row(m, today) for m in page.rows],
        "next_url": next_url,
        "first_url": first_url if page.has_previous else None,
        "export_url": export_url,
        "filter_query": filter_query,
    }
    return render(request, "matters/list.html", context)


def _looks_like_a_number(term: str) -> bool:
    """A valid ID or phone number (a matter number like 150102-2026-00001 is neither)."""
    if not term:
        return False
    try:
        return pii_search_q(term) is not None
    except ValidationError:
        return bool(re.fullmatch(r"[\d\s+-]{11,}[\dXx]?", term)) and not MATTER_NUMBER.fullmatch(term)


MATTER_NUMBER = re.compile(r"\d{6}-\d{4}-\d{5}")


def _valid_filters(form: MatterFilterForm) -> dict[str, Any]:
    if not form.is_bound:
        return {}
    form.is_valid()
    return {k: v for k, v in form.cleaned_data.items() if k not in form.errors}


@dataclass
class Row:
    matter: Matter
    due_state: str
    names: str
    # The shown deadline lies in (or was moved over) a year without an official holiday schedule.
    due_provisional: bool = False


def list_row(m: Matter, today: datetime.date) -> Row:
    """One line of a matter list: the matter, its deadline state (and whether the deadline is 暂定) and
    its petitioners' names."""
    has_due = bool(m.due_date) and m.status != Status.CLOSED
    state = due_status(m.due_date, today).value if has_due and m.due_date else ""
    names = "、".join(p.name for p in m.petitioners.all())
    return Row(matter=m, due_state=state, names=names, due_provisional=has_due and m.due_provisional)
