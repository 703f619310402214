"""CSV export of a filtered matter list."""

from __future__ import annotations

import csv
import datetime
from typing import Any

from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from daiban.accounts.http import AuthedRequest
from daiban.audit import record
from daiban.core import clock
from daiban.matters.listing import MatterFilterForm, apply_filters
from daiban.matters.models import Matter
from daiban.matters.selectors import matters_for
from daiban.matters.views.access import RELATED


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
    qs = apply_filters(matters_for(user), data, user, clock.today()).order_by("-received_at", "-id")
    qs = qs.select_related(*RELATED).prefetch_related("petitioners")

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())

    def cell(value: object) -> str:
        # The export is opened in spreadsheets: a cell that starts like a formula is kept as text.
        text = str(value)
        return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

    def rows() -> Any:
        yield "\ufeff"
        yield writer.writerow(
            [
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
        )
        for m in qs.iterator(chunk_size=500):
            yield writer.writerow(
                [
                    cell(v)
                    for v in (
                        m.number,
                        clock_local(m.received_at),
                        m.title,
                        "、".join(p.name for p in m.petitioners.all()),
                        m.region.name,
                        m.get_category_display(),
                        m.get_status_display(),
                        m.holder_label,
                        due_cell(m),
                        str(m.responsible_agent),
                        {True: "已化解", False: "未化解", None: ""}[m.resolved],
                    )
                ]
            )

    record(
        "export.create",
        request=request,
        target="matters.csv",
        detail={"filters": sorted(k for k, v in data.items() if v)},
    )
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="matters.csv"'
    return response


def due_cell(m: Matter) -> str:
    """The current deadline, "2027-01-04（暂定）" when it rests on a year without an official schedule."""
    if not m.due_date:
        return ""
    return m.due_date.isoformat() + ("（暂定）" if m.due_provisional else "")


def clock_local(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
