"""CSV export of a filtered matter list."""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from daiban.accounts.http import AuthedRequest
from daiban.audit import record
from daiban.core import clock
from daiban.matters.choices import Category, Status
from daiban.matters.listing import MatterFilterForm, apply_filters
from daiban.matters.models import Matter, MatterPetitioner, office_label_of
from daiban.matters.selectors import matters_for


@require_GET
def matter_export(request: AuthedRequest) -> StreamingHttpResponse:
    """CSV of the filtered list (scoped exactly as the page; no ID or phone numbers)."""
    user = request.user
    form = MatterFilterForm(request.GET or None, user=user)
    if form.is_bound and not form.is_valid():
        # Never export more than asked for: an invalid filter is an error, not "no filter".
        return HttpResponseBadRequest(  # type: ignore[return-value]
            "筛选条件有误：" + "；".join(f"{form.fields[f].label}" for f in form.errors if f in form.fields),
            content_type="text/plain; charset=utf-8",
        )
    data = form.cleaned_data if form.is_bound else {}
    qs = apply_filters(matters_for(user), data, user, clock.today())

    def rows() -> Iterator[str]:
        yield "\ufeff" + _csv([HEADER])
        for batch in _batches(qs):
            yield _csv(_line(row, names) for row, names in batch)

    record(
        "export.create",
        request=request,
        target="matters.csv",
        detail={"filters": sorted(k for k, v in data.items() if v)},
    )
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="matters.csv"'
    return response


HEADER = [
    "事项编号",
    "受理时间",
    "事项摘要",
    "信访人",
    "问题发生地",
    "内容分类",
    "状态",
    "当前承办",
    "当前期限",
    "责任代办员",
    "化解",
]
# Rows are read as tuples, not model instances: building six model objects a row was most of the
# export's time. The names of the related rows come from the same query (joins on primary keys).
COLUMNS = (
    "id",
    "received_at",
    "number",
    "title",
    "region__name",
    "category",
    "status",
    "holder_unit__name",
    "holder_region__name",
    "holder_region__level",
    "due_date",
    "due_provisional",
    "responsible_agent__display_name",
    "responsible_agent__username",
    "resolved",
)
BATCH = 2000
_CATEGORY = dict(Category.choices)
_STATUS = dict(Status.choices)
_RESOLVED = {True: "已化解", False: "未化解", None: ""}


def _batches(qs: QuerySet[Matter]) -> Iterator[list[tuple[tuple[Any, ...], list[str]]]]:
    """The rows newest first, ``BATCH`` at a time: two queries a batch (the rows from where the last batch
    ended — an index range on the scope's (received_at, id) ordering — and their petitioners' names)."""
    ordered = qs.order_by("-received_at", "-id").values_list(*COLUMNS)
    after: tuple[datetime.datetime, int] | None = None
    while True:
        page = ordered
        if after is not None:
            at, pk = after
            # received_at <= at bounds the range; the OR only settles ties on the same instant.
            page = ordered.filter(Q(received_at__lt=at) | Q(received_at=at, id__lt=pk), received_at__lte=at)
        rows = list(page[:BATCH])
        if not rows:
            return
        names: dict[int, list[str]] = defaultdict(list)
        links = MatterPetitioner.objects.filter(matter_id__in=[r[0] for r in rows]).order_by(
            "matter_id", "id"
        )
        for matter_id, name in links.values_list("matter_id", "petitioner__name"):
            names[matter_id].append(name)
        yield [(r, names[r[0]]) for r in rows]
        if len(rows) < BATCH:
            return
        after = (rows[-1][1], rows[-1][0])


def _line(row: tuple[Any, ...], names: list[str]) -> list[str]:
    (_, received_at, number, title, region, category, status, unit, holder, level, due, provisional,
     agent_name, agent_username, resolved) = row  # fmt: skip
    if unit:
        holder_label = unit
    elif holder:
        holder_label = office_label_of(holder, level)
    else:
        holder_label = "—"
    # The current deadline, "2027-01-04（暂定）" when it rests on a year without an official schedule.
    due_text = due.isoformat() + ("（暂定）" if provisional else "") if due else ""
    return [
        _cell(v)
        for v in (
            number,
            clock_local(received_at),
            title,
            "、".join(names),
            region,
            _CATEGORY.get(category, category),
            _STATUS.get(status, status),
            holder_label,
            due_text,
            agent_name or agent_username,
            _RESOLVED[resolved],
        )
    ]


def _cell(value: str) -> str:
    # The export is opened in spreadsheets: a cell that starts like a formula is kept as text.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _csv(lines: Iterable[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(lines)
    return out.getvalue()


def clock_local(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
