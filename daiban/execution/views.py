"""Execution pages: the list of support items in the reader's scope (/execution/, filters 未落实 / 逾期,
bounded, on the scope columns' index), the evidence files (served only through the item's scope), and the
section on the matter page with the warning while a supported request is not carried out."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from daiban.accounts.http import AuthedRequest
from daiban.accounts.models import Role, User
from daiban.core import clock
from daiban.execution import rules, selectors
from daiban.execution.models import UNEXECUTED_STATUSES, Evidence, ExecutionRecord, SupportItem
from daiban.matters.attachments import SAFE_TYPES
from daiban.matters.choices import Outcome
from daiban.matters.models import Matter
from daiban.matters.selectors import matters_for
from daiban.network.jurisdiction import scope_path
from daiban.supervision.selectors import READER_ROLES

MAX_ID = 2**63 - 1


def can_read(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        scope_path(user) is not None and user.role in READER_ROLES
    )


class ItemFilterForm(forms.Form):
    show = forms.ChoiceField(
        label="显示",
        required=False,
        choices=[("", "全部"), ("unexecuted", "未落实（含部分落实）"), ("overdue", "逾期未落实")],
    )


@require_GET
def execution_list(request: AuthedRequest) -> HttpResponse:
    """支持事项 of the reader's scope, earliest due first, at most ``LIST_LIMIT``."""
    user = request.user
    if not can_read(user):
        raise PermissionDenied("您的岗位不使用支持事项落实功能。")
    form = ItemFilterForm(request.GET)
    show = form.cleaned_data.get("show", "") if form.is_valid() else ""
    today = clock.today()
    qs = selectors.items_for(user)
    if show == "unexecuted":
        qs = qs.filter(status__in=UNEXECUTED_STATUSES)
    elif show == "overdue":
        qs = qs.filter(status__in=UNEXECUTED_STATUSES, due_date__lt=today)
    found = list(
        qs.select_related("unit", "supervision_order").order_by("due_date", "id")[: selectors.LIST_LIMIT + 1]
    )
    more = len(found) > selectors.LIST_LIMIT
    found = found[: selectors.LIST_LIMIT]
    ids = {i.matter_id for i in found}
    numbers = dict(Matter.objects.filter(pk__in=ids).values_list("pk", "number")) if ids else {}
    titles = dict(matters_for(user).filter(pk__in=ids).values_list("pk", "title")) if ids else {}
    rows = [
        {
            "item": i,
            "number": numbers.get(i.matter_id, ""),
            "title": titles.get(i.matter_id, ""),
            "overdue": i.is_unexecuted and i.due_date < today,
        }
        for i in found
    ]
    return render(
        request,
        "execution/list.html",
        {"form": form, "rows": rows, "more": more, "limit": selectors.LIST_LIMIT},
    )


@require_GET
def evidence_download(request: AuthedRequest, pk: int) -> FileResponse:
    """One evidence file, if its item is in the reader's scope (else 404), with the sniffed type;
    sandboxed like the matter's attachments."""
    if pk > MAX_ID:
        raise Http404
    evidence = (
        Evidence.objects.filter(pk=pk, record__item__in=selectors.items_for(request.user))
        .select_related("record")
        .first()
    )
    if evidence is None:
        raise Http404
    content_type = (
        evidence.content_type if evidence.content_type in SAFE_TYPES else "application/octet-stream"
    )
    response = FileResponse(
        evidence.file.open("rb"),
        filename=evidence.name,
        as_attachment=not content_type.startswith("image/"),
        content_type=content_type,
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ------------------------------------------------------------------------------------ the matter page


def matter_panel(user: User, matter: Matter) -> dict[str, Any] | None:
    """支持事项及落实情况 on the matter page (anyone who may open the matter): each item with its records and
    evidence, and a warning while any is not carried out. None when the matter has no item and no 支持
    opinion waiting for items."""
    items = list(
        SupportItem.objects.filter(matter_id=matter.pk)
        .select_related("unit", "supervision_order")
        .order_by("due_date", "id")
    )
    opinion = rules.current_opinion(matter)
    awaiting = not items and opinion is not None and opinion.outcome == Outcome.SUPPORT
    if not items and not awaiting:
        return None
    records: dict[int, list[ExecutionRecord]] = {}
    for r in (
        ExecutionRecord.objects.filter(item__matter_id=matter.pk)
        .select_related("recorded_by")
        .prefetch_related("evidence")
        .order_by("recorded_at", "id")
    ):
        records.setdefault(r.item_id, []).append(r)
    today = clock.today()
    unexecuted = [i for i in items if i.is_unexecuted]
    return {
        "items": [
            {"item": i, "records": records.get(i.pk, []), "overdue": i.is_unexecuted and i.due_date < today}
            for i in items
        ],
        "unexecuted": unexecuted,
        "awaiting": awaiting,
    }


def close_hint(user: User, matter: Matter) -> dict[str, Any] | None:
    """Above 办结: a matter whose supported request is not carried out may be closed, but it does not count
    as resolved (化解) until every item is 已落实."""
    unexecuted = selectors.unexecuted_of(matter)
    opinion = rules.current_opinion(matter)
    no_items = (
        opinion is not None
        and opinion.outcome == Outcome.SUPPORT
        and not SupportItem.objects.filter(matter_id=matter.pk).exists()
    )
    if not unexecuted and not no_items:
        return None
    return {"unexecuted": unexecuted, "no_items": no_items}


HOME_SHOWN = 5


def home_items(user: Any) -> dict[str, Any] | None:
    """待落实的支持事项 on the home page of unit handlers and county centres: the earliest due of their
    scope not carried out (at most five, on the scope index); nothing shown when there are none."""
    if not isinstance(user, User) or not user.is_active or not can_read(user):
        return None
    if user.role not in (Role.UNIT_HANDLER, Role.COUNTY_STAFF):
        return None
    found = list(
        selectors.items_for(user)
        .filter(status__in=UNEXECUTED_STATUSES)
        .select_related("unit")
        .order_by("due_date", "id")[: HOME_SHOWN + 1]
    )
    if not found:
        return None
    today = clock.today()
    numbers = dict(Matter.objects.filter(pk__in={i.matter_id for i in found}).values_list("pk", "number"))
    return {
        "rows": [
            {"item": i, "number": numbers.get(i.matter_id, ""), "overdue": i.due_date < today}
            for i in found[:HOME_SHOWN]
        ],
        "more": len(found) > HOME_SHOWN,
    }
