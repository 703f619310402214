"""预警 pages: the list of the user's jurisdiction (open ones by default, newest first, keyset pages), an
alert with its reason, subject and history, and the three actions (知悉/处置/排除) with the conflict page.
The home page shows the newest open alerts of the user's scope.

An alert is read by everyone at its level, but its matter or person may be hidden from some of them (an
accusation, 检举控告, from a leader or a township station): the stored reason names neither, and these
pages add a title or a name only where ``matters_for`` / ``petitioners_for`` / the screening scope of the
reader include it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from daiban.accounts.http import AuthedRequest
from daiban.accounts.models import User
from daiban.core import home
from daiban.matters.errors import Conflict
from daiban.matters.selectors import matters_for, petitioners_for
from daiban.network.jurisdiction import scope_path
from daiban.prevention import selectors
from daiban.prevention.actions.alerts import alert_acknowledge, alert_act, alert_dismiss
from daiban.prevention.forms.alerts import AcknowledgeForm, ActForm, AlertFilterForm, DismissForm
from daiban.prevention.listing import paginate
from daiban.prevention.models import Alert, AlertStatus, Screening, Visit
from daiban.prevention.models.alerts import OPEN_ALERT_STATUSES
from daiban.prevention.views.common import VersionedForm, is_stale, run
from daiban.prevention.views.hub import bounded
from daiban.regions import geometry

HOME_SHOWN = 5
MAX_ID = 2**63 - 1
ACTIONS: dict[str, tuple[str, Callable[..., Alert]]] = {
    "acknowledge": ("确认知悉", alert_acknowledge),
    "act": ("登记处置", alert_act),
    "dismiss": ("排除预警", alert_dismiss),
}


def _reader(request: AuthedRequest) -> User:
    if not selectors.can_read(request.user):
        raise PermissionDenied("您的岗位不使用预警功能。")
    return request.user


def _url(name: str, pk: int) -> str | None:
    """The page of another area's record, when that area has one."""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


HIDDEN = "（不在您的查看范围内）"


@dataclass
class Subject:
    label: str
    text: str
    url: str | None


@dataclass
class Row:
    """An alert in a list, with what the reader may see of its subject (a title, a name) — "" if none."""

    alert: Alert
    headline: str


def _rows(user: User, alerts: list[Alert]) -> list[Row]:
    """``alerts`` with their headlines: the person's name, the matter's and the screening's title, each
    read through the user's selectors (at most three queries for the whole list)."""

    def ids(field: str) -> set[int]:
        return {v for a in alerts if (v := getattr(a, field))}

    matter_ids, person_ids, screening_ids = ids("matter_id"), ids("petitioner_id"), ids("screening_id")
    titles = (
        dict(matters_for(user).filter(pk__in=matter_ids).values_list("pk", "title")) if matter_ids else {}
    )
    names = (
        dict(petitioners_for(user).filter(pk__in=person_ids).values_list("pk", "name")) if person_ids else {}
    )
    screenings = (
        dict(selectors.scoped(user, Screening).filter(pk__in=screening_ids).values_list("pk", "title"))
        if screening_ids
        else {}
    )
    rows = []
    for a in alerts:
        parts = []
        if a.petitioner_id in names:
            parts.append(f"信访人：{names[a.petitioner_id]}")
        if a.matter_id in titles:
            parts.append(f"事项：{titles[a.matter_id]}")
        if a.screening_id in screenings:
            parts.append(f"纠纷：{screenings[a.screening_id]}")
        rows.append(Row(a, "；".join(parts)))
    return rows


def _subjects(user: User, alert: Alert) -> list[Subject]:
    """What the alert is about, with titles and names and linked only where the user may see them."""
    found = []
    if alert.matter_id and alert.matter is not None:
        visible = matters_for(user).filter(pk=alert.matter_id).exists()
        found.append(
            Subject(
                "信访事项",
                f"{alert.matter.number} {alert.matter.title}" if visible else alert.matter.number,
                reverse("matter_detail", args=[alert.matter_id]) if visible else None,
            )
        )
    if alert.petitioner_id and alert.petitioner is not None:
        visible = petitioners_for(user).filter(pk=alert.petitioner_id).exists()
        found.append(
            Subject(
                "信访人",
                alert.petitioner.name if visible else HIDDEN,
                reverse("petitioner_detail", args=[alert.petitioner_id]) if visible else None,
            )
        )
    if alert.screening_id and alert.screening is not None:
        s = alert.screening
        visible = selectors.scoped(user, Screening).filter(pk=s.pk).exists()
        found.append(
            Subject(
                "矛盾纠纷排查",
                f"{s.number} {s.title}" if visible else s.number,
                _url("screening_detail", s.pk) if visible else None,
            )
        )
        if visible:
            if s.place:
                found.append(Subject("具体地点", s.place, None))
            found.append(Subject("风险研判", f"{s.get_risk_display()}：{s.risk_reason}", None))
            found.append(Subject("责任人", str(s.responsible), None))
    if alert.subject_region is not None:
        region = alert.subject_region
        mine = geometry.contains(scope_path(user), region.path)
        found.append(
            Subject(
                "地点",
                region.full_name(),
                reverse("network_region", args=[region.code]) if mine else None,
            )
        )
    return found


def _acted_on(user: User, alert: Alert) -> Subject | None:
    if alert.acted_screening is not None:
        s = alert.acted_screening
        visible = selectors.scoped(user, Screening).filter(pk=s.pk).exists()
        if not visible:
            return Subject("矛盾纠纷排查", s.number, None)
        return Subject("矛盾纠纷排查", f"{s.number} {s.title}", _url("screening_detail", s.pk))
    if alert.acted_matter is not None:
        m = alert.acted_matter
        if not matters_for(user).filter(pk=m.pk).exists():
            return Subject("信访事项", m.number, None)
        return Subject("信访事项", f"{m.number} {m.title}", reverse("matter_detail", args=[m.pk]))
    if alert.acted_visit is not None:
        v = alert.acted_visit
        visible = selectors.scoped(user, Visit).filter(pk=v.pk).exists()
        text = f"{v.visited_on} {v.get_kind_display()}"
        return Subject("走访", text, _url("visit_detail", v.pk) if visible else None)
    return None


def _get_alert(user: User, pk: int) -> Alert:
    if pk > MAX_ID:
        raise Http404
    return selectors.get_or_404(
        user,
        Alert,
        pk,
        "region",
        "subject_region",
        "matter",
        "petitioner",
        "screening",
        "screening__responsible",
        "acted_screening",
        "acted_matter",
        "acted_visit",
        "handled_by",
    )


def _forms(user: User, alert: Alert) -> dict[str, forms.Form]:
    """The action forms the user is offered on the alert's page."""
    if not selectors.can_write(user) or alert.status not in OPEN_ALERT_STATUSES:
        return {}
    initial = {"version": alert.version}
    shown: dict[str, forms.Form] = {}
    if alert.status == AlertStatus.OPEN:
        shown["acknowledge"] = AcknowledgeForm(initial=initial)
    shown["act"] = ActForm(initial=initial, user=user, alert=alert)
    shown["dismiss"] = DismissForm(initial=initial)
    return shown


# ----------------------------------------------------------------------------------------------- pages


@require_GET
def alert_list(request: AuthedRequest) -> HttpResponse:
    user = _reader(request)
    form = AlertFilterForm(request.GET)
    qs = selectors.scoped(user, Alert).select_related("region", "subject_region")
    statuses = form.statuses()
    if statuses is not None:
        qs = qs.filter(status__in=statuses)
    if form.rule_value():
        qs = qs.filter(rule=form.rule_value())
    page = paginate(qs, "raised_at", request.GET.get("after"))
    kept = {k: v for k, v in ((k, str(request.GET.get(k) or "")) for k in ("status", "rule")) if v}
    return render(
        request,
        "prevention/alerts/list.html",
        {
            "form": form,
            "page": page,
            "rows": _rows(user, page.rows),
            "next_url": f"?{urlencode({**kept, 'after': page.next_cursor})}" if page.next_cursor else None,
            "first_url": f"?{urlencode(kept)}" if page.has_previous else None,
        },
    )


@require_GET
def alert_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = _reader(request)
    alert = _get_alert(user, pk)
    return _detail(request, user, alert)


def _detail(request: AuthedRequest, user: User, alert: Alert) -> HttpResponse:
    return render(
        request,
        "prevention/alerts/detail.html",
        {
            "alert": alert,
            "subjects": _subjects(user, alert),
            "acted_on": _acted_on(user, alert),
            "events": alert.events.select_related("actor"),
            "forms": _forms(user, alert),
        },
    )


def _action(request: AuthedRequest, pk: int, key: str) -> HttpResponse:
    user = _reader(request)
    alert = _get_alert(user, pk)
    if not selectors.can_write(user):
        raise PermissionDenied("只有代办机构工作人员可以办理预警。")
    label, action = ACTIONS[key]
    data = request.POST if request.method == "POST" else None
    form: VersionedForm
    if key == "act":
        form = ActForm(data, initial={"version": alert.version}, user=user, alert=alert)
    elif key == "dismiss":
        form = DismissForm(data, initial={"version": alert.version})
    else:
        form = AcknowledgeForm(data, initial={"version": alert.version})
    status = 200
    if data is not None:
        if is_stale(data.get("version"), alert.version):
            # Someone else acted on the alert since this form was loaded: the conflict page, input kept.
            form.is_valid()
            form.add_error(None, Conflict().message)
            status = 409
        elif not form.is_valid():
            status = 400
        else:
            kwargs: dict[str, Any] = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            expected = form.expected_version
            _done, failed = run(
                form,
                lambda: action(actor=user, alert_id=alert.pk, expected_version=expected, **kwargs),
            )
            if failed is None:
                messages.success(request, f"已{label}。")
                return redirect("alert_detail", pk=alert.pk)
            status = failed
    return render(
        request,
        "prevention/alerts/action.html",
        {"alert": alert, "form": form, "key": key, "label": label},
        status=status,
    )


@require_POST
def alert_acknowledge_view(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action(request, pk, "acknowledge")


@require_http_methods(["GET", "POST"])
def alert_act_view(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action(request, pk, "act")


@require_http_methods(["GET", "POST"])
def alert_dismiss_view(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action(request, pk, "dismiss")


# ------------------------------------------------------------------------------------------- home panel


def home_alerts(user: Any) -> dict[str, Any] | None:
    """预警 on the home page: the newest open alerts of the user's scope, and how many are open — counted
    up to ``hub.CAP`` ("99+") on the (scope, status, raised_at) index, never the whole subtree."""
    if not isinstance(user, User) or not user.is_active or not selectors.can_read(user):
        return None
    open_alerts = selectors.scoped(user, Alert).filter(status__in=OPEN_ALERT_STATUSES)
    shown = list(open_alerts.select_related("subject_region").order_by("-raised_at", "-id")[:HOME_SHOWN])
    count = str(len(shown)) if len(shown) < HOME_SHOWN else bounded(open_alerts)
    return {"alerts": _rows(user, shown), "count": count}


def connect() -> None:
    home.register(home.Panel("prevention.alerts", 16, "prevention/alerts/_home.html", home_alerts))


urlpatterns: list[URLPattern] = [
    path("alerts/", alert_list, name="alert_list"),
    path("alerts/<int:pk>/", alert_detail, name="alert_detail"),
    path("alerts/<int:pk>/acknowledge/", alert_acknowledge_view, name="alert_acknowledge"),
    path("alerts/<int:pk>/act/", alert_act_view, name="alert_act"),
    path("alerts/<int:pk>/dismiss/", alert_dismiss_view, name="alert_dismiss"),
]
