"""走访 pages: the register of visits (scoped, newest first, keyset pages), the phone-quick record, the
visit page (what was found on it: screenings and matters, each as far as the reader may see them) and the
correction page; and the intake origin "visit" (a matter registered from a visit keeps the link both
ways)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from daiban.accounts.http import AuthedRequest
from daiban.accounts.models import User
from daiban.core import home
from daiban.matters import origins
from daiban.matters.choices import Channel
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope
from daiban.matters.models import Matter
from daiban.matters.selectors import matters_for
from daiban.prevention import selectors
from daiban.prevention.actions.visits import CHANGE_LABELS, visit_link_matter, visit_record, visit_update
from daiban.prevention.forms.visits import VisitEditForm, VisitFilterForm, VisitForm
from daiban.prevention.listing import paginate
from daiban.prevention.models import Screening, Visit, VisitEvent, VisitKind
from daiban.prevention.views.common import is_stale, run

NOT_READER = "您的岗位不使用排查预防功能。"
NOT_WRITER = "只有代办机构工作人员可以记录走访。"
SHOWN = 50  # screenings or matters listed on a visit page

# The intake channel of a matter registered from a visit of each kind.
CHANNEL_FOR_KIND = {
    VisitKind.DOOR_TO_DOOR: Channel.DOOR,
    VisitKind.OPEN_DOOR: Channel.WINDOW,
    VisitKind.ONLINE: Channel.ONLINE,
}


def _require_reader(user: User) -> None:
    if not selectors.can_read(user):
        raise PermissionDenied(NOT_READER)


@require_GET
def visit_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    _require_reader(user)
    form = VisitFilterForm(request.GET or None, user=user)
    qs = selectors.scoped(user, Visit)
    if form.is_bound:
        form.is_valid()
        if kind := form.value("kind"):
            qs = qs.filter(kind=kind)
        if region := form.value("region"):
            qs = qs.filter(selectors.region_q(region.path, region.pk))
        date_from, date_to = form.date_range()
        if date_from:
            qs = qs.filter(visited_on__gte=date_from)
        if date_to:
            qs = qs.filter(visited_on__lte=date_to)
    page = paginate(qs.select_related("region", "recorded_by"), "visited_on", request.GET.get("after"))
    params = {k: str(v) for k, v in request.GET.items() if k != "after" and v}
    context = {
        "form": form,
        "page": page,
        "can_write": selectors.can_write(user),
        "next_url": f"?{urlencode({**params, 'after': page.next_cursor})}" if page.next_cursor else None,
        "first_url": (f"?{urlencode(params)}" if params else "?") if page.has_previous else None,
        "filtered": any(k in request.GET for k in ("kind", "region", "date_from", "date_to")),
    }
    return render(request, "prevention/visits/list.html", context)


@require_http_methods(["GET", "POST"])
def visit_new(request: AuthedRequest) -> HttpResponse:
    """记录走访 — on a phone in under a minute: the kind, the date (today), households, findings; the rest
    folded under 更多 with the agent's own village and the agent as defaults."""
    user = request.user
    if not selectors.can_write(user):
        raise PermissionDenied(NOT_WRITER)
    form = VisitForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            visit, failed = run(form, lambda: visit_record(actor=user, **form.to_kwargs()))
            if visit is not None:
                messages.success(request, "走访记录已保存。")
                return redirect("visit_detail", pk=visit.pk)
            status = failed or 400
    return render(request, "prevention/visits/form.html", {"form": form, "visit": None}, status=status)


@require_GET
def visit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_reader(user)
    visit = selectors.get_or_404(user, Visit, pk, "region", "recorded_by")
    screenings = (
        selectors.scoped(user, Screening)
        .filter(visit=visit)
        .select_related("region")
        .order_by("-found_on", "-id")[:SHOWN]
    )
    matters = matters_for(user).filter(visits=visit).select_related("region").order_by("-received_at")[:SHOWN]
    events = visit.events.select_related("actor").order_by("-seq")[:SHOWN]
    context = {
        "visit": visit,
        "events": [(e, _changes(e)) for e in reversed(events)],
        "members": list(visit.members.select_related("region").order_by("region_path", "display_name")),
        "screenings": list(screenings),
        "matters": list(matters),
        "can_write": selectors.can_write(user),
        "intake_url": f"{reverse('matter_intake')}?{urlencode({'origin': f'visit:{visit.pk}'})}",
        "screening_url": f"/screenings/new/?{urlencode({'visit': visit.pk})}",
    }
    return render(request, "prevention/visits/detail.html", context)


@require_http_methods(["GET", "POST"])
def visit_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """更正走访记录. A form loaded before someone else corrected the record is a conflict (409), with
    what was typed shown again."""
    user = request.user
    _require_reader(user)
    visit = selectors.get_or_404(user, Visit, pk, "region", "recorded_by")
    if not selectors.can_write(user):
        raise PermissionDenied(NOT_WRITER)
    if request.method != "POST":
        form = VisitEditForm(user=user, visit=visit, initial=VisitEditForm.initial_for(visit))
        return render(request, "prevention/visits/form.html", {"form": form, "visit": visit})
    form = VisitEditForm(request.POST, user=user, visit=visit)
    valid = form.is_valid()
    if is_stale(request.POST.get("version"), visit.version):
        form.add_error(None, Conflict().message)
        status = 409
    elif valid:
        done, failed = run(
            form,
            lambda: visit_update(
                actor=user, visit_id=visit.pk, expected_version=form.expected_version, **form.to_kwargs()
            ),
        )
        if done is not None:
            messages.success(request, "走访记录已更正。")
            return redirect("visit_detail", pk=visit.pk)
        status = failed or 400
    else:
        status = 400
    return render(request, "prevention/visits/form.html", {"form": form, "visit": visit}, status=status)


def _changes(event: VisitEvent) -> list[tuple[str, object, object]]:
    """A correction's changed fields as (label, before, after), in the form's order."""
    if event.kind != "update" or not isinstance(event.details, dict):
        return []
    return [
        (label, *event.details[name][:2])
        for name, label in CHANGE_LABELS.items()
        if isinstance(event.details.get(name), list) and len(event.details[name]) >= 2
    ]


# ------------------------------------------------------------------------------ the intake origin


def _banner(visit: Visit) -> str:
    day = visit.visited_on
    return f"由走访记录（{day.year}年{day.month}月{day.day}日 {visit.get_kind_display()}）登记信访事项"


def origin_prefill(user: User, pk: int) -> origins.Prefill | None:
    if not selectors.can_write(user):
        return None
    visit = selectors.scoped(user, Visit).filter(pk=pk).first()
    if visit is None:
        return None
    return origins.Prefill(
        banner=_banner(visit),
        initial={"channel": CHANNEL_FOR_KIND[VisitKind(visit.kind)], "region": visit.region_id},
        back_url=reverse("visit_detail", args=[visit.pk]),
    )


def origin_link(actor: User, pk: int, matter: Matter, linked_existing: bool) -> None:
    """Inside the intake transaction: the matter (new, or the open one this repeat visit went to) is one
    registered from the visit (the link and the visit's event are written by the action)."""
    try:
        visit_link_matter(actor=actor, visit_id=pk, matter=matter, linked_existing=linked_existing)
    except (OutOfScope, NotAllowed) as exc:
        raise ValidationError(
            {"origin": ["该走访记录不存在或不在您的管辖范围内，请从走访记录重新进入登记。"]}
        ) from exc


def origin_links_for(user: User, matter: Matter) -> list[origins.OriginLink]:
    visits = selectors.scoped(user, Visit).filter(matters=matter).order_by("-visited_on", "-id")[:10]
    return [
        origins.OriginLink(
            label="走访记录",
            text=f"{v.visited_on.year}年{v.visited_on.month}月{v.visited_on.day}日 {v.get_kind_display()}",
            url=reverse("visit_detail", args=[v.pk]),
        )
        for v in visits
    ]


def home_button(user: object) -> dict[str, object] | None:
    """＋ 记录走访 beside ＋ 受理登记 on an agent's home: the visit form is one tap away."""
    return {} if isinstance(user, User) and selectors.can_write(user) else None


def connect() -> None:
    home.register(
        home.Panel("prevention.visit_new", 12, "prevention/visits/_home_button.html", home_button, "head")
    )
    origins.register(
        origins.Origin(kind="visit", prefill=origin_prefill, link=origin_link, links_for=origin_links_for)
    )


urlpatterns: list[URLPattern] = [
    path("visits/", visit_list, name="visit_list"),
    path("visits/new/", visit_new, name="visit_new"),
    path("visits/<int:pk>/", visit_detail, name="visit_detail"),
    path("visits/<int:pk>/edit/", visit_edit, name="visit_edit"),
]
