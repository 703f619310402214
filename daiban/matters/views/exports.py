"""CSV export of a filtered matter list."""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q, QuerySet
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from daiban.accounts.http import AuthedRequest
from daiban.audit import record
from daiban.core import clock
from daiban.matters.choices import Category, Status
from daiban.matters.listing import MatterFilterForm, apply_filters
from daiban.matters.models import _OFFICE_SUFFIX, Matter, MatterPetitioner, office_label_of
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

    def rows() -> Iterator[str | bytes]:
        yield "\ufeff" + _csv([HEADER])
        if COPY_ON_POSTGRESQL and connections[qs.db].vendor == "postgresql":
            yield from _copy_rows(qs)
            return
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
COPY_ON_POSTGRESQL = True  # PostgreSQL formats and streams the rows itself (``_copy_rows``); tests switch it
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


# ----------------------------------------------------------------------------- PostgreSQL: COPY … TO STDOUT
# The same rows, formatted by the database and streamed as CSV by COPY: no row is decoded into Python
# objects and written again (most of the Python path's time; issue 15 asks a county's year at ≥ 20,000
# rows/s). Each cell is the Python path's cell — the tests compare the two row by row on PostgreSQL.
_FORMULA_START = "('=', '+', '-', '@', chr(9), chr(13))"


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _labels(column: str, labels: dict[Any, str]) -> str:
    whens = " ".join(f"WHEN {_lit(str(k))} THEN {_lit(v)}" for k, v in labels.items())
    return f"CASE {column} {whens} ELSE {column} END"


def _esc(expr: str) -> str:
    """``_cell`` in SQL; an empty cell becomes NULL, which COPY writes as nothing (it quotes "")."""
    quote = _lit("'")
    return f"NULLIF(CASE WHEN left({expr}, 1) IN {_FORMULA_START} THEN {quote} || {expr} ELSE {expr} END, '')"


_ALIASES = (
    "id, received_at, number, title, region, category, status, unit, holder, level, due, provisional, "
    "agent_name, agent_username, resolved"
)  # COLUMNS, in order


def _copy_sql(qs: QuerySet[Matter]) -> tuple[str, tuple[Any, ...]]:
    inner, params = qs.order_by("-received_at", "-id").values_list(*COLUMNS).query.sql_with_params()
    names = (
        "(SELECT string_agg(p.name, '、' ORDER BY mp.id) FROM matters_matterpetitioner mp "
        "JOIN matters_petitioner p ON p.id = mp.petitioner_id WHERE mp.matter_id = t.id)"
    )
    suffix = " ".join(f"WHEN {int(k)} THEN {_lit(v)}" for k, v in _OFFICE_SUFFIX.items())
    holder = (
        "CASE WHEN COALESCE(unit, '') <> '' THEN unit "
        f"WHEN COALESCE(holder, '') <> '' THEN holder || CASE level {suffix} ELSE '' END ELSE '—' END"
    )
    due = (
        "CASE WHEN due IS NULL THEN '' "
        "ELSE to_char(due, 'YYYY-MM-DD') || CASE WHEN provisional THEN '（暂定）' ELSE '' END END"
    )
    cells = [
        "number",
        f"to_char(received_at AT TIME ZONE {_lit(settings.TIME_ZONE)}, 'YYYY-MM-DD HH24:MI')",
        "title",
        f"COALESCE({names}, '')",
        "region",
        _labels("category", _CATEGORY),
        _labels("status", _STATUS),
        holder,
        due,
        "COALESCE(NULLIF(agent_name, ''), agent_username, '')",
        "CASE WHEN resolved THEN '已化解' WHEN NOT resolved THEN '未化解' ELSE '' END",
    ]
    select = ", ".join(_esc(c) for c in cells)
    sql = (
        # Only code constants (labels, the time zone) and the ORM's own parameterised query go in.
        f"COPY (SELECT {select} FROM ({inner}) AS t({_ALIASES}) ORDER BY t.received_at DESC, t.id DESC) "  # noqa: S608
        "TO STDOUT WITH (FORMAT csv)"
    )
    return sql, tuple(params)


def _copy_rows(qs: QuerySet[Matter]) -> Iterator[bytes]:
    """The rows as CSV bytes, streamed in the chunks the server sends (one statement, whatever the size)."""
    try:
        sql, params = _copy_sql(qs)
    except EmptyResultSet:  # a scope or filter that can match nothing (e.g. ``none()``): no rows, no query
        return
    connection = connections[qs.db]
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(sql, params or None) as copy:
        for chunk in copy:
            yield bytes(chunk)
