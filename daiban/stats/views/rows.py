"""The rows behind a figure: what a number on the dashboard counts, one matter (or screening) a line, each
linking to its page. ``figures.rows_behind`` gives the query (scoped to the user and the region, newest
first, 404 for an unknown figure); the pages are keyset pages (no OFFSET, no count over the table: the total
shown is the figure itself, read from the rollups)."""

from __future__ import annotations

import base64
import binascii
import datetime
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from daiban.accounts.http import AuthedRequest
from daiban.accounts.models import Role
from daiban.core import clock
from daiban.core.dbrouter import reads_from_replica
from daiban.matters.listing import paginate
from daiban.matters.models import Matter
from daiban.matters.views.lists import list_row
from daiban.prevention.models import Screening
from daiban.stats import definitions as defs
from daiban.stats.figures import Figures, figures_for, rows_behind
from daiban.stats.views.common import (
    breadcrumbs,
    dashboard_url,
    period_for,
    region_for,
    require_viewer,
)

PAGE_SIZE = 25
# Who may open every matter of their region, accusations (检举控告) included (matters.selectors).
ACCUSATION_READERS = {Role.SUPERVISOR, Role.COUNTY_STAFF, Role.CITY_ADMIN}


@dataclass(frozen=True)
class Figure:
    title: str  # what the rows are, e.g. "化解率 · 分子：已化解的事项"
    total: int  # the figure on the dashboard


def describe(figures: Figures, key: str, part: str) -> Figure:
    """The name and number of the figure ``key``/``part`` (already known to exist: rows_behind checked)."""
    if key in defs.RATES_BY_KEY:
        r = figures.rate(key)
        if part == "numerator":
            return Figure(f"{r.label} · 分子：{r.numerator_label}", r.numerator)
        return Figure(f"{r.label} · 分母：{r.denominator_label}", r.denominator)
    label = figures.count_labels.get(key, key)
    prefix, _, value = part.partition(":")
    if value and prefix in defs.BREAKDOWNS:
        _field, choices = defs.BREAKDOWNS[prefix]
        names = {"channel": "来源渠道", "category": "内容分类", "purpose": "信访目的"}
        total = figures.breakdown_keys.get(prefix, {}).get(value, 0)
        return Figure(f"{label} · {names.get(prefix, prefix)}：{choices(value).label}", total)
    return Figure(label, figures.counts.get(key, 0))


def _encode(found: datetime.date, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{found.isoformat()}|{pk}".encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime.date, int] | None:
    """The (found_on, id) a screening page starts after, or None for a cursor that is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
        found, pk = raw.split("|")
        return datetime.date.fromisoformat(found), int(pk)
    except (ValueError, UnicodeDecodeError, binascii.Error, OverflowError):
        return None


def _screening_page(qs: QuerySet[Screening], cursor: str | None) -> tuple[list[Screening], str | None]:
    qs = qs.order_by("-found_on", "-id")
    decoded = _decode(cursor[:200]) if cursor else None
    if decoded is not None and 0 < decoded[1] < 2**63:
        found, pk = decoded
        qs = qs.filter(Q(found_on__lt=found) | Q(found_on=found, id__lt=pk))
    rows = list(qs.select_related("region")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    last = rows[-1] if rows else None
    return rows, (_encode(last.found_on, last.pk) if more and last else None)


@require_GET
@reads_from_replica
def dashboard_rows(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require_viewer(user)
    region = region_for(user, request.GET.get("region"))
    choice = period_for(request.GET)
    if choice.period is None:
        raise Http404  # a figure's link always names a valid period
    period = choice.period
    key = (request.GET.get("key") or "").strip()[:40]
    part = (request.GET.get("part") or "count").strip()[:60]
    rows = rows_behind(user, region, period, key, part)
    figure = describe(figures_for(user, region, period), key, part)
    cursor = request.GET.get("after") or None
    today = clock.today()
    context: dict[str, Any] = {
        "region": region,
        "period": period,
        "figure": figure,
        "crumbs": breadcrumbs(user, region, period),
        "dashboard_url": dashboard_url(region, period),
        "today": today,
        "due_until": today + datetime.timedelta(days=3),
    }
    if rows.model is Matter:
        page = paginate(rows, "received", cursor)
        context["matter_rows"] = [list_row(m, today) for m in page.rows]
        # The figure counts every matter; the list only those the user may open (matters_for: an
        # accusation only for those who handle it), so it can be shorter by exactly those.
        context["partial_note"] = user.role not in ACCUSATION_READERS
        next_cursor = page.next_cursor
    else:
        context["screening_rows"], next_cursor = _screening_page(rows, cursor)
    params = {"region": region.code, **period.params(), "key": key, "part": part}
    context["next_url"] = f"?{urlencode({**params, 'after': next_cursor})}" if next_cursor else ""
    context["first_url"] = f"?{urlencode(params)}" if cursor else ""
    return render(request, "stats/rows.html", context)
