"""Accountability pages: the failures per level (the reader's region and each child region, counts per kind
linking to the matters), the matters behind one count (bounded pages), the correction orders a reader may
see, one order with its 整改 report form. Plus the section on the matter page."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from daiban.accountability import failures
from daiban.accountability.actions import correction_report
from daiban.accountability.forms import ReportForm
from daiban.accountability.models import CorrectionOrder, FailureKind, OrderStatus
from daiban.accounts.http import AuthedRequest
from daiban.accounts.models import Role, User
from daiban.core import clock
from daiban.matters.errors import Conflict
from daiban.matters.models import Matter
from daiban.matters.selectors import matters_for
from daiban.matters.views.actions import run_action
from daiban.regions.models import Region

MAX_ID = 2**63 - 1


def _reader(request: AuthedRequest) -> User:
    if not failures.can_read(request.user):
        raise PermissionDenied("只有代办中心（站）、信访部门工作人员查看失职情形。")
    return request.user


def _int(raw: object, upper: int = MAX_ID) -> int | None:
    text = str(raw or "").strip()
    if text.isascii() and text.isdigit() and len(text) <= 19 and int(text) <= upper:
        return int(text)
    return None


class PeriodForm(forms.Form):
    year = forms.TypedChoiceField(label="年度（期限届满）", coerce=int, required=False)

    def __init__(self, *args: Any, today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(str(y), f"{y}年") for y in failures.years(today)]
        self.today = today

    def chosen_year(self) -> int:
        if self.is_valid() and self.cleaned_data.get("year"):
            return int(self.cleaned_data["year"])
        return self.today.year


def _region(request: AuthedRequest, user: User) -> Region:
    raw = request.GET.get("region")
    region_id = None
    if raw:
        region_id = _int(raw)
        if region_id is None:
            raise Http404
    region = failures.region_for(user, region_id)
    if region is None:
        raise Http404
    return region


@require_GET
def overview(request: AuthedRequest) -> HttpResponse:
    """失职情形: per level, how many matters show each failure the regulation names."""
    user = _reader(request)
    today = clock.today()
    region = _region(request, user)
    form = PeriodForm(request.GET or None, today=today)
    year = form.chosen_year()
    rows = failures.level_rows(user, region, year, today)
    kinds = [(k, FailureKind(k).label, failures.ARTICLES[k]) for k in FailureKind.values]
    table = [
        {
            "row": row,
            "cells": [
                (
                    row.shown(k),
                    row.counts.get(k, 0),
                    "?" + urlencode({"region": row.region.pk, "year": year}),
                    k,
                )
                for k in FailureKind.values
            ],
        }
        for row in rows
    ]
    parent = None
    if region.pk != user.region_id and region.parent_id is not None:
        parent = region.parent
    return render(
        request,
        "accountability/overview.html",
        {
            "form": form,
            "region": region,
            "parent": parent,
            "year": year,
            "kinds": kinds,
            "table": table,
            "cap": failures.COUNT_CAP,
        },
    )


@require_GET
def failure_list(request: AuthedRequest, kind: str) -> HttpResponse:
    """The matters behind one count: newest first, 25 a page, at most 40 pages."""
    user = _reader(request)
    if kind not in FailureKind.values:
        raise Http404
    today = clock.today()
    region = _region(request, user)
    form = PeriodForm(request.GET or None, today=today)
    year = form.chosen_year()
    page = _int(request.GET.get("page"), failures.MAX_PAGES) or 1
    page = max(1, page)
    qs = failures.failing_matters(user, kind, region, year, today).select_related(
        "holder_region", "holder_unit", "region"
    )
    offset = (page - 1) * failures.PAGE_SIZE
    found = list(qs.order_by("-received_at", "-id")[offset : offset + failures.PAGE_SIZE + 1])
    more = len(found) > failures.PAGE_SIZE and page < failures.MAX_PAGES
    found = found[: failures.PAGE_SIZE]
    clocks = failures.failing_clocks(kind, [m.pk for m in found], today)
    kept = {"region": region.pk, "year": year}
    return render(
        request,
        "accountability/list.html",
        {
            "kind": kind,
            "kind_label": FailureKind(kind).label,
            "article": failures.ARTICLES[kind],
            "region": region,
            "year": year,
            "is_clock": kind in failures.CLOCK_KINDS,
            "rows": [(m, clocks.get(m.pk)) for m in found],
            "page": page,
            "next_url": "?" + urlencode({**kept, "page": page + 1}) if more else None,
            "prev_url": "?" + urlencode({**kept, "page": page - 1}) if page > 1 else None,
            "back_url": "?" + urlencode(kept),
        },
    )


def _orders_reader(request: AuthedRequest) -> User:
    if not failures.can_read_orders(request.user):
        raise PermissionDenied("您的岗位不使用责令改正。")
    return request.user


@require_GET
def order_list(request: AuthedRequest) -> HttpResponse:
    """责令改正: what the reader's level or unit was ordered to correct, and the orders in its subtree."""
    user = _orders_reader(request)
    status = str(request.GET.get("status") or "")
    qs = failures.orders_for(user)
    if status in OrderStatus.values:
        qs = qs.filter(status=status)
    page = _int(request.GET.get("page"), failures.MAX_PAGES) or 1
    page = max(1, page)
    offset = (page - 1) * failures.PAGE_SIZE
    found = list(
        qs.select_related("to_unit", "to_region", "ordered_by_region", "matter").order_by(
            "-ordered_at", "-id"
        )[offset : offset + failures.PAGE_SIZE + 1]
    )
    more = len(found) > failures.PAGE_SIZE and page < failures.MAX_PAGES
    found = found[: failures.PAGE_SIZE]
    kept = {"status": status} if status in OrderStatus.values else {}
    return render(
        request,
        "accountability/orders.html",
        {
            "orders": found,
            "status": status,
            "statuses": OrderStatus.choices,
            "next_url": "?" + urlencode({**kept, "page": page + 1}) if more else None,
            "prev_url": "?" + urlencode({**kept, "page": page - 1}) if page > 1 else None,
        },
    )


def _order_or_404(user: User, pk: int) -> CorrectionOrder:
    if pk > MAX_ID:
        raise Http404
    order = (
        failures.orders_for(user)
        .select_related("to_unit", "to_region", "ordered_by_region", "ordered_by", "reported_by", "matter")
        .filter(pk=pk)
        .first()
    )
    if order is None:
        raise Http404
    return order


@require_GET
def order_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = _orders_reader(request)
    order = _order_or_404(user, pk)
    may_report = failures.may_report(user, order) and order.status == OrderStatus.PENDING
    return render(
        request,
        "accountability/order.html",
        {
            "order": order,
            "article": failures.ARTICLES.get(order.failure, ""),
            "matter_visible": matters_for(user).filter(pk=order.matter_id).exists(),
            "may_report": may_report,
        },
    )


@require_http_methods(["GET", "POST"])
def order_report(request: AuthedRequest, pk: int) -> HttpResponse:
    """整改报告: the ordered party records its correction (the conflict page keeps what was typed)."""
    user = _orders_reader(request)
    order = _order_or_404(user, pk)
    if not failures.may_report(user, order):
        raise PermissionDenied("只有被责令改正的单位（层级）可以报告整改情况。")
    data = request.POST if request.method == "POST" else None
    form = ReportForm(data, initial={"version": order.version})
    status = 200
    if data is not None:
        if not form.is_valid():
            status = 400
        else:
            expected = int(form.cleaned_data["version"])
            text = form.cleaned_data["report"]
            done, failed = run_action(
                form,
                lambda: correction_report(
                    actor=user, order_id=order.pk, expected_version=expected, report=text
                ),
                conflict=Conflict().message,
            )
            if done is not None:
                messages.success(request, "已报告整改情况。")
                return redirect("accountability:correction_order", pk=order.pk)
            status = failed or 400
    elif order.status != OrderStatus.PENDING:
        messages.info(request, "该责令改正已报告整改情况。")
        return redirect("accountability:correction_order", pk=order.pk)
    return render(request, "accountability/report.html", {"order": order, "form": form}, status=status)


# ------------------------------------------------------------------------------------- matter page


def matter_panel(user: User, matter: Matter) -> dict[str, Any] | None:
    """失职情形与责令改正 on the matter page: the matter's failures (for staff who read them) and its
    correction orders the reader may see; None when there is neither."""
    found = failures.findings(user, matter, clock.today()) if failures.can_read(user) else []
    orders = (
        list(
            failures.orders_for(user)
            .filter(matter_id=matter.pk)
            .select_related("to_unit", "to_region", "ordered_by_region")
            .order_by("-ordered_at", "-id")[:20]
        )
        if failures.can_read_orders(user)
        else []
    )
    if not found and not orders:
        return None
    return {"findings": found, "orders": orders}


HOME_SHOWN = 5


def home_orders(user: Any) -> dict[str, Any] | None:
    """责令改正 on the home page of those ordered to correct: the pending orders addressed to their unit
    or their own level (index ranges on (to_unit, status) / (to_region, status)); None when there are none."""
    if not isinstance(user, User) or not user.is_active or not failures.can_read_orders(user):
        return None
    mine = failures.orders_for(user).filter(status=OrderStatus.PENDING)
    if user.role == Role.UNIT_HANDLER:
        mine = mine.filter(to_unit_id=user.unit_id)
    elif user.region_id is not None:
        mine = mine.filter(to_region_id=user.region_id)
    else:
        return None
    shown = list(
        mine.select_related("to_unit", "to_region", "ordered_by_region", "matter").order_by("due_date", "id")[
            : HOME_SHOWN + 1
        ]
    )
    if not shown:
        return None
    return {"orders": shown[:HOME_SHOWN], "more": len(shown) > HOME_SHOWN}
