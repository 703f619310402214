"""政务服务代办 pages: the register (scoped, newest first, keyset pages) with the user's workload at the
top, the record page, the errand page with its events and the finish form, the correction and finish pages,
and the agents' home panel (my open errands due soonest, and how many are overdue)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from daiban.accounts.http import AuthedRequest
from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.core import clock, home
from daiban.matters.errors import Conflict
from daiban.prevention import selectors
from daiban.prevention.actions.errands import errand_finish, errand_record, errand_update
from daiban.prevention.forms.errands import ErrandFilterForm, ErrandFinishForm, ErrandForm, ErrandUpdateForm
from daiban.prevention.listing import paginate
from daiban.prevention.models import Errand, ErrandStatus
from daiban.prevention.views.common import is_stale, run

NOT_READER = "您的岗位不使用排查预防功能。"
NOT_WRITER = "只有代办机构工作人员可以办理政务服务代办。"
CLOSED = "该代办已办结，不能再办理此操作。"
# Counts on the summary stop here ("999+"): a count is one bounded index range, never a table scan.
COUNT_CAP = 999
HOME_SHOWN = 5


def _require_reader(user: User) -> None:
    if not selectors.can_read(user):
        raise PermissionDenied(NOT_READER)


def _capped(qs: QuerySet[Errand]) -> str:
    # Without the model's ordering (requested_on): ordered, the capped subquery would walk the register's
    # date index instead of the (scope, status, date) index that bounds the count.
    n = qs.order_by()[: COUNT_CAP + 1].count()
    return f"{COUNT_CAP}+" if n > COUNT_CAP else str(n)


def workload_base(user: User) -> QuerySet[Errand]:
    """Whose errands the workload counts: a village agent's own; a township's, county's (or a leader's,
    supervisor's, the city's) whole subtree."""
    qs = selectors.scoped(user, Errand)
    return qs.filter(agent=user) if user.role == Role.VILLAGE_AGENT else qs


def workload_counts(user: User, today: datetime.date) -> dict[str, QuerySet[Errand]]:
    """The three workload counts, each an equality on the level's scope column and the status and a range
    of one date — the (scope, status, promised_on) and (scope, status, finished_on) indexes bound them."""
    qs = workload_base(user)
    open_ = qs.filter(status=ErrandStatus.OPEN)
    return {
        "open": open_,
        "overdue": open_.filter(promised_on__lt=today),
        "done_month": qs.filter(status=ErrandStatus.DONE, finished_on__gte=today.replace(day=1)),
    }


def workload(user: User, today: datetime.date) -> dict[str, str]:
    return {
        **{name: _capped(qs) for name, qs in workload_counts(user, today).items()},
        "own": "我的" if user.role == Role.VILLAGE_AGENT else "本辖区",
        "mine": "&mine=on" if user.role == Role.VILLAGE_AGENT else "",
    }


@require_GET
def errand_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    _require_reader(user)
    today = clock.today()
    form = ErrandFilterForm(request.GET or None)
    qs = selectors.scoped(user, Errand)
    if form.is_bound:
        form.is_valid()
        if status := form.value("status"):
            qs = qs.filter(status=status)
        if service := form.value("service"):
            qs = qs.filter(service=service)
        if form.value("overdue"):
            qs = qs.filter(status=ErrandStatus.OPEN, promised_on__lt=today)
        if form.value("mine"):
            qs = qs.filter(agent=user)
    page = paginate(qs.select_related("region", "agent"), "requested_on", request.GET.get("after"))
    params = {k: str(v) for k, v in request.GET.items() if k != "after" and v}
    context = {
        "form": form,
        "page": page,
        "today": today,
        "summary": workload(user, today),
        "can_write": selectors.can_write(user),
        "next_url": f"?{urlencode({**params, 'after': page.next_cursor})}" if page.next_cursor else None,
        "first_url": (f"?{urlencode(params)}" if params else "?") if page.has_previous else None,
        "filtered": any(k in request.GET for k in ("status", "service", "overdue", "mine")),
    }
    return render(request, "prevention/errands/list.html", context)


@require_http_methods(["GET", "POST"])
def errand_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not selectors.can_write(user):
        raise PermissionDenied(NOT_WRITER)
    form = ErrandForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            errand, failed = run(form, lambda: errand_record(actor=user, **form.to_kwargs()))
            if errand is not None:
                messages.success(request, "已登记政务服务代办。")
                return redirect("errand_detail", pk=errand.pk)
            status = failed or 400
    return render(request, "prevention/errands/new.html", {"form": form}, status=status)


@require_GET
def errand_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_reader(user)
    errand = selectors.get_or_404(user, Errand, pk, "region", "agent")
    can_act = selectors.can_write(user) and errand.status == ErrandStatus.OPEN
    context = {
        "errand": errand,
        "events": list(errand.events.select_related("actor").order_by("seq")),
        "can_act": can_act,
        "overdue": errand.status == ErrandStatus.OPEN and errand.promised_on < clock.today(),
        "finish_form": ErrandFinishForm(initial={"version": errand.version}) if can_act else None,
    }
    return render(request, "prevention/errands/detail.html", context)


def _action_page(
    request: AuthedRequest,
    pk: int,
    form_class: type[ErrandFinishForm] | type[ErrandUpdateForm],
    perform: Any,
    title: str,
    done_message: str,
) -> HttpResponse:
    """The finish and correction pages: 403 for a reader who may not act or once the errand is closed,
    409 with the input kept when someone else changed it after the form was loaded."""
    user = request.user
    _require_reader(user)
    errand = selectors.get_or_404(user, Errand, pk, "region", "agent")
    if not selectors.can_write(user):
        raise PermissionDenied(NOT_WRITER)
    stale = request.method == "POST" and is_stale(request.POST.get("version"), errand.version)
    if errand.status != ErrandStatus.OPEN and not stale:
        raise PermissionDenied(CLOSED)
    if request.method != "POST":
        initial = (
            ErrandUpdateForm.initial_for(errand)
            if form_class is ErrandUpdateForm
            else {"version": errand.version}
        )
        form = form_class(initial=initial)
        return render(
            request, "prevention/errands/action.html", {"errand": errand, "form": form, "title": title}
        )
    form = form_class(request.POST)
    valid = form.is_valid()
    if stale:
        form.add_error(None, Conflict().message)
        status = 409
    elif valid:
        done, failed = run(
            form,
            lambda: perform(
                actor=user, errand_id=errand.pk, expected_version=form.expected_version, **form.to_kwargs()
            ),
        )
        if done is not None:
            messages.success(request, done_message)
            return redirect("errand_detail", pk=errand.pk)
        status = failed or 400
    else:
        status = 400
    context = {"errand": errand, "form": form, "title": title}
    return render(request, "prevention/errands/action.html", context, status=status)


@require_http_methods(["GET", "POST"])
def errand_finish_page(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action_page(request, pk, ErrandFinishForm, errand_finish, "办结", "已办结，并记录了告知方式。")


@require_http_methods(["GET", "POST"])
def errand_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action_page(request, pk, ErrandUpdateForm, errand_update, "修改代办", "已保存修改。")


# ------------------------------------------------------------------------------------ home panel


def home_panel(user: Any) -> dict[str, Any] | None:
    """政务服务代办 on an agent's home: their open errands due soonest, and how many are overdue."""
    if not isinstance(user, User) or user.role not in AGENT_ROLES or not selectors.can_write(user):
        return None
    today = clock.today()
    mine = selectors.scoped(user, Errand).filter(agent=user, status=ErrandStatus.OPEN)
    due = list(mine.select_related("region").order_by("promised_on", "id")[:HOME_SHOWN])
    return {"errands": due, "overdue": _capped(mine.filter(promised_on__lt=today)), "today": today}


def connect() -> None:
    home.register(home.Panel("prevention.errands", 40, "prevention/errands/_home_panel.html", home_panel))


urlpatterns: list[URLPattern] = [
    path("errands/", errand_list, name="errand_list"),
    path("errands/new/", errand_new, name="errand_new"),
    path("errands/<int:pk>/", errand_detail, name="errand_detail"),
    path("errands/<int:pk>/finish/", errand_finish_page, name="errand_finish"),
    path("errands/<int:pk>/edit/", errand_edit, name="errand_edit"),
]
