"""The audit log page (审计日志) for the audit administrator: read-only list, filters, verification, CSV.

Reading and exporting are audit records themselves (``audit.read``, ``audit.export``).
"""

from __future__ import annotations

import csv
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from daiban.audit.api import ACTIONS, OUTCOMES, record
from daiban.audit.chain import HASHED_FIELDS, compute_hash
from daiban.audit.models import AuditRecord
from daiban.audit.scope import can_read, path_consistent, scope_q
from daiban.core import clock

PAGE_SIZE = 50
EXPORT_LIMIT = 20000


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label="事件",
        required=False,
        choices=[("", "全部"), *ACTIONS.items()],
        error_messages={"invalid_choice": "“事件”不是可选的值。"},
    )
    outcome = forms.ChoiceField(
        label="结果",
        required=False,
        choices=[("", "全部"), *OUTCOMES.items()],
        error_messages={"invalid_choice": "“结果”不是可选的值。"},
    )
    date_from = forms.DateField(
        label="起始日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "“起始日期”请填写有效日期（年-月-日）。"},
    )
    date_to = forms.DateField(
        label="截止日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "“截止日期”请填写有效日期（年-月-日）。"},
    )
    user = forms.CharField(
        label="操作人",
        required=False,
        max_length=150,
        error_messages={"max_length": "“操作人”最多 150 个字符。"},
    )
    before = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=2**62,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": "“翻页位置”无效。",
            "min_value": "“翻页位置”无效。",
            "max_value": "“翻页位置”无效。",
        },
    )

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "“截止日期”不能早于“起始日期”。")
        return data


def _require_reader(request: HttpRequest) -> None:
    if not can_read(request.user):
        raise PermissionDenied


def _filtered(request: HttpRequest, data: dict[str, Any]) -> QuerySet[AuditRecord]:
    qs = AuditRecord.objects.filter(scope_q(request.user))
    if data.get("action"):
        qs = qs.filter(action=data["action"])
    if data.get("outcome"):
        qs = qs.filter(outcome=data["outcome"])
    if data.get("date_from"):
        qs = qs.filter(at__date__gte=data["date_from"])
    if data.get("date_to"):
        qs = qs.filter(at__date__lte=data["date_to"])
    if data.get("user"):
        qs = qs.filter(actor_username__icontains=data["user"])
    return qs.order_by("-seq")


def _filters_detail(data: dict[str, Any]) -> dict[str, str]:
    keys = ("action", "outcome", "date_from", "date_to")
    detail = {k: str(data[k]) for k in keys if data.get(k)}
    if data.get("user"):
        detail["user"] = "（已填写）"  # what was searched is not repeated into the log
    return detail


def _verify_rows(rows: list[AuditRecord]) -> list[str]:
    """The verify_audit checks over the shown rows: each row's hash, the link between neighbouring seqs,
    and the (unhashed) region path against the hashed region code."""
    problems: list[str] = []
    by_seq = {row.seq: row for row in rows}
    for row in rows:
        values = {name: getattr(row, name) for name in HASHED_FIELDS}
        if compute_hash(values, row.prev_hash) != row.hash:
            problems.append(f"记录 #{row.seq} 的内容与摘要不符（被篡改）")
        previous = by_seq.get(row.seq - 1)
        if previous is not None and row.prev_hash != previous.hash:
            problems.append(f"记录 #{row.seq} 的前一摘要与前一条记录不符（被改动或插入）")
        if not path_consistent(row):
            problems.append(f"记录 #{row.seq} 的区域路径与区域代码不符（被改动）")
    return problems


@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    form = AuditFilterForm(request.GET or None)
    rows: list[AuditRecord] = []
    next_before: int | None = None
    problems: list[str] = []
    if form.is_bound and not form.is_valid():
        data: dict[str, Any] | None = None
    else:
        data = form.cleaned_data if form.is_bound else {}
    if data is not None:
        qs = _filtered(request, data)
        if data.get("before"):
            qs = qs.filter(seq__lt=data["before"])
        rows = list(qs[: PAGE_SIZE + 1])
        if len(rows) > PAGE_SIZE:
            rows = rows[:PAGE_SIZE]
            next_before = rows[-1].seq
        problems = _verify_rows(rows)
        for row in rows:
            setattr(row, "action_label", ACTIONS.get(row.action, row.action))  # noqa: B010 (not a field)
            setattr(row, "outcome_label", OUTCOMES.get(row.outcome, row.outcome))  # noqa: B010
        record("audit.read", request=request, detail={**_filters_detail(data), "count": len(rows)})
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "rows": rows,
            "next_before": next_before,
            "problems": problems,
            "base_query": query.urlencode(),
            "actions": ACTIONS,
            "outcomes": OUTCOMES,
        },
    )


def _csv_cell(value: object) -> str:
    text = str(value if value is not None else "")
    # A cell that a spreadsheet would run as a formula is quoted as text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_GET
def audit_export(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        record("audit.export", request=request, outcome="failure", detail={"reason": "invalid filters"})
        return render(request, "audit/log.html", {"form": form, "rows": [], "problems": []}, status=400)
    data = form.cleaned_data if form.is_bound else {}
    rows = list(_filtered(request, data)[:EXPORT_LIMIT])
    record("audit.export", request=request, detail={**_filters_detail(data), "count": len(rows)})
    stamp = clock.today().strftime("%Y%m%d")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        ["序号", "时间", "操作人", "角色", "区域代码", "来源地址", "事件", "结果", "对象", "摘要"]
    )
    for row in rows:
        writer.writerow(
            [
                _csv_cell(v)
                for v in (
                    row.seq,
                    row.at.isoformat(),
                    row.actor_username,
                    row.role,
                    row.region_code,
                    row.address,
                    ACTIONS.get(row.action, row.action),
                    OUTCOMES.get(row.outcome, row.outcome),
                    row.target,
                    row.hash,
                )
            ]
        )
    return response
