"""督办 pages: the supervision list of a level (挂牌督办 first, then 督办单; keyset pages), the unit's list
of orders addressed to it, an order with its events, feedback and 纪检 records, and the three actions
(the unit's written feedback; the 纪检's 约谈/通报/问责 record and closing of a 挂牌督办) with the conflict
page. Also the ladder's section on the matter page and the home panel of supervisors and unit handlers.

An order is read by its level and its unit, but its matter may be hidden from some of them: pages name the
matter by its number, and add its title and link only where ``matters_for`` of the reader includes it."""

from __future__ import annotations

import base64
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_http_methods

from daiban.accounts.http import AuthedRequest
from daiban.accounts.models import Role, User
from daiban.core import home, nav
from daiban.matters import panels
from daiban.matters.errors import ActionError, Conflict, OutOfScope
from daiban.matters.models import Matter
from daiban.matters.selectors import matters_for
from daiban.matters.views.actions import merge_errors
from daiban.supervision import selectors
from daiban.supervision.actions.ladder import order_close, order_feedback, order_record_discipline
from daiban.supervision.forms.ladder import (
    CloseForm,
    DisciplineForm,
    FeedbackForm,
    OrderFilterForm,
    VersionedForm,
)
from daiban.supervision.models import OPEN_ORDER_STATUSES, OrderStatus, Rung, SupervisionOrder

PAGE_SIZE = 25
HOME_SHOWN = 5
MAX_ID = 2**63 - 1


# ------------------------------------------------------------------------------------------- helpers


def _reader(request: AuthedRequest) -> User:
    if not selectors.can_read(request.user):
        raise PermissionDenied("您的岗位不使用督办功能。")
    return request.user


def _get_order(user: User, pk: int) -> SupervisionOrder:
    if pk > MAX_ID:
        raise Http404
    return selectors.get_order_or_404(user, pk)


def _titles(user: User, orders: list[SupervisionOrder]) -> dict[int, str]:
    """Titles of the orders' matters the reader may open (one query for the whole list)."""
    ids = {o.matter_id for o in orders}
    if not ids:
        return {}
    return dict(matters_for(user).filter(pk__in=ids).values_list("pk", "title"))


@dataclass
class Row:
    order: SupervisionOrder
    matter_number: str
    title: str  # "" when the reader may not open the matter


def _rows(user: User, orders: list[SupervisionOrder]) -> list[Row]:
    titles = _titles(user, orders)
    numbers = dict(Matter.objects.filter(pk__in={o.matter_id for o in orders}).values_list("pk", "number"))
    return [Row(o, numbers.get(o.matter_id, ""), titles.get(o.matter_id, "")) for o in orders]


def _is_stale(posted: object, current: int) -> bool:
    raw = str(posted or "").strip()
    return raw.isascii() and raw.isdigit() and len(raw) <= 18 and int(raw) < current


def _run(form: forms.Form, call: Callable[[], Any]) -> int | None:
    """Call the action; None on success, or the status to answer (400/409) with the error on the form."""
    try:
        call()
    except OutOfScope as exc:
        raise Http404 from exc
    except Conflict as exc:
        form.add_error(None, exc.message)
        return 409
    except ActionError as exc:
        form.add_error(None, exc.message)
        return 400
    except ValidationError as exc:
        merge_errors(form, exc)
        return 400
    return None


# ----------------------------------------------------------------------------------- keyset listing


def _encode(order: SupervisionOrder) -> str:
    raw = f"{order.rung}|{order.issued_at.isoformat()}|{order.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _after(qs: QuerySet[SupervisionOrder], cursor: str) -> QuerySet[SupervisionOrder]:
    """Rows after ``cursor`` in (rung, -issued_at, -id) order; a bad cursor means the first page."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        rung, at_raw, pk_raw = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
        at = datetime.datetime.fromisoformat(at_raw)
    except (ValueError, UnicodeDecodeError, OverflowError):
        return qs
    if rung not in Rung.values or at.tzinfo is None or not (pk_raw.isascii() and pk_raw.isdigit()):
        return qs
    if len(pk_raw) > 18 or not (
        datetime.datetime(1900, 1, 2, tzinfo=datetime.UTC)
        < at
        < datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC)
    ):
        return qs
    pk = int(pk_raw)
    return qs.filter(
        Q(rung__gt=rung) | Q(rung=rung, issued_at__lt=at) | Q(rung=rung, issued_at=at, id__lt=pk)
    )


def _page(request: AuthedRequest, user: User, qs: QuerySet[SupervisionOrder], template: str) -> HttpResponse:
    form = OrderFilterForm(request.GET)
    statuses = form.statuses()
    if statuses is not None:
        qs = qs.filter(status__in=statuses)
    if form.rung_value():
        qs = qs.filter(rung=form.rung_value())
    # 挂牌督办 ("listed") sorts before 督办单 ("order"): the listed ones of the scope come first.
    qs = qs.select_related("unit", "issued_by").order_by("rung", "-issued_at", "-id")
    cursor = str(request.GET.get("after") or "")
    if cursor:
        qs = _after(qs, cursor)
    found = list(qs[: PAGE_SIZE + 1])
    more = len(found) > PAGE_SIZE
    found = found[:PAGE_SIZE]
    kept = {k: v for k, v in ((k, str(request.GET.get(k) or "")) for k in ("status", "rung")) if v}
    return render(
        request,
        template,
        {
            "form": form,
            "rows": _rows(user, found),
            "next_url": f"?{urlencode({**kept, 'after': _encode(found[-1])})}" if more and found else None,
            "first_url": f"?{urlencode(kept)}" if cursor else None,
        },
    )


# ----------------------------------------------------------------------------------------------- pages


@require_GET
def supervision_list(request: AuthedRequest) -> HttpResponse:
    """The level's list (纪检, centres, leaders, the city): 挂牌督办 of the scope first, then 督办单."""
    user = _reader(request)
    if user.role == Role.UNIT_HANDLER:
        raise PermissionDenied("事权单位请在“本单位督办”中查看。")
    return _page(request, user, selectors.orders_for(user), "supervision/ladder/list.html")


@require_GET
def supervision_unit_list(request: AuthedRequest) -> HttpResponse:
    """The orders addressed to the reader's unit."""
    user = _reader(request)
    if user.role != Role.UNIT_HANDLER:
        raise PermissionDenied("只有事权单位经办人使用此页面。")
    return _page(request, user, selectors.orders_for(user), "supervision/ladder/unit_list.html")


def _offered(user: User, order: SupervisionOrder) -> dict[str, str]:
    """The actions the reader is offered on the order's page: key → label."""
    offered = {}
    if selectors.may_answer(user, order) and order.status == OrderStatus.OPEN:
        offered["feedback"] = "书面反馈"
    if selectors.may_discipline(user, order) and order.status != OrderStatus.CLOSED:
        offered["discipline"] = "登记约谈/通报/问责"
        offered["close"] = "结束挂牌督办"
    return offered


@require_GET
def order_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = _reader(request)
    order = _get_order(user, pk)
    visible = matters_for(user).filter(pk=order.matter_id).exists()
    chain = [
        o
        for o in selectors.orders_for(user).filter(matter_id=order.matter_id).order_by("issued_at", "id")
        if o.pk != order.pk
    ]
    return render(
        request,
        "supervision/ladder/detail.html",
        {
            "order": order,
            "matter_number": order.matter.number,
            "matter_title": order.matter.title if visible else "",
            "matter_visible": visible,
            "events": order.events.select_related("actor"),
            "records": order.discipline.select_related("recorded_by"),
            "chain": chain,
            "offered": _offered(user, order),
        },
    )


ACTIONS: dict[str, tuple[str, type[VersionedForm], Callable[..., Any]]] = {
    "feedback": ("书面反馈", FeedbackForm, order_feedback),
    "discipline": ("登记约谈/通报/问责", DisciplineForm, order_record_discipline),
    "close": ("结束挂牌督办", CloseForm, order_close),
}


def _action(request: AuthedRequest, pk: int, key: str) -> HttpResponse:
    user = _reader(request)
    order = _get_order(user, pk)
    if key == "feedback" and not selectors.may_answer(user, order):
        raise PermissionDenied("只有被督办单位的经办人可以书面反馈。")
    if key != "feedback" and not selectors.may_discipline(user, order):
        raise PermissionDenied("只有本辖区纪检监督员可以办理挂牌督办。")
    label, form_class, action = ACTIONS[key]
    data = request.POST if request.method == "POST" else None
    form = form_class(data, initial={"version": order.version})
    status = 200
    if data is not None:
        if _is_stale(data.get("version"), order.version):
            # Someone else changed the order since this form was loaded: the conflict page, input kept.
            form.is_valid()
            form.add_error(None, Conflict().message)
            status = 409
        elif not form.is_valid():
            status = 400
        else:
            kwargs = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            expected = form.expected_version
            failed = _run(
                form, lambda: action(actor=user, order_id=order.pk, expected_version=expected, **kwargs)
            )
            if failed is None:
                messages.success(request, f"已{label}。")
                return redirect("order_detail", pk=order.pk)
            status = failed
    return render(
        request,
        "supervision/ladder/action.html",
        {"order": order, "form": form, "key": key, "label": label},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def order_feedback_view(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action(request, pk, "feedback")


@require_http_methods(["GET", "POST"])
def order_discipline_view(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action(request, pk, "discipline")


@require_http_methods(["GET", "POST"])
def order_close_view(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action(request, pk, "close")


# ------------------------------------------------------------------------------- panels and navigation


def matter_ladder(user: User, matter: Matter) -> dict[str, Any] | None:
    """The ladder on the matter page: the matter's orders the reader may see (None when there are none)."""
    if not selectors.can_read(user):
        return None
    orders = list(
        selectors.orders_for(user)
        .filter(matter_id=matter.pk)
        .select_related("unit", "issued_by", "discipline_region")
        .order_by("issued_at", "id")
    )
    if not orders:
        return None
    return {"orders": orders}


def home_orders(user: Any) -> dict[str, Any] | None:
    """督办 on the home page of supervisors and unit handlers: their open orders, 挂牌督办 first."""
    if not isinstance(user, User) or not user.is_active or not selectors.can_read(user):
        return None
    if user.role not in (Role.SUPERVISOR, Role.UNIT_HANDLER):
        return None
    open_orders = selectors.orders_for(user).filter(status__in=OPEN_ORDER_STATUSES)
    shown = list(open_orders.select_related("unit").order_by("rung", "-issued_at", "-id")[: HOME_SHOWN + 1])
    more = len(shown) > HOME_SHOWN
    shown = shown[:HOME_SHOWN]
    return {
        "rows": _rows(user, shown),
        "more": more,
        "list_url": "supervision_unit_list" if user.role == Role.UNIT_HANDLER else "supervision_list",
    }


def _level_reader(user: Any) -> bool:
    return isinstance(user, User) and selectors.can_read(user) and user.role != Role.UNIT_HANDLER


def _unit_reader(user: Any) -> bool:
    return isinstance(user, User) and selectors.can_read(user) and user.role == Role.UNIT_HANDLER


def connect() -> None:
    panels.register(
        panels.Panel(
            "supervision.ladder", order=10, template="supervision/ladder/_matter.html", context=matter_ladder
        )
    )
    home.register(home.Panel("supervision.orders", 14, "supervision/ladder/_home.html", home_orders))
    nav.register(
        nav.Item(
            "supervision",
            order=45,
            label="督办",
            url_name="supervision_list",
            visible=_level_reader,
            active=("supervision_", "order_"),
        )
    )
    nav.register(
        nav.Item(
            "supervision_unit",
            order=45,
            label="本单位督办",
            url_name="supervision_unit_list",
            visible=_unit_reader,
            active=("supervision_", "order_"),
        )
    )


urlpatterns: list[URLPattern] = [
    path("supervision/", supervision_list, name="supervision_list"),
    path("supervision/unit/", supervision_unit_list, name="supervision_unit_list"),
    path("supervision/orders/<int:pk>/", order_detail, name="order_detail"),
    path("supervision/orders/<int:pk>/feedback/", order_feedback_view, name="order_feedback"),
    path("supervision/orders/<int:pk>/discipline/", order_discipline_view, name="order_discipline"),
    path("supervision/orders/<int:pk>/close/", order_close_view, name="order_close"),
]
