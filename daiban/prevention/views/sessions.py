"""接访活动的页面: the scoped list, scheduling, a session's page (who sits, who came and what became of
each), its action pages; the "session" intake origin (接访即代办) and the panel that publishes a region's
upcoming sessions on its network page."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from daiban.accounts.http import AuthedRequest
from daiban.accounts.models import Role, User
from daiban.core import clock, region_panels
from daiban.matters import origins
from daiban.matters.choices import Channel
from daiban.matters.models import Matter
from daiban.matters.selectors import matters_for
from daiban.prevention import listing, selectors
from daiban.prevention.actions import sessions as actions
from daiban.prevention.forms.sessions import AnswerForm, CancelForm, CloseForm, FilterForm, SessionForm
from daiban.prevention.models.sessions import (
    Reception,
    ReceptionSession,
    SessionEvent,
    SessionKind,
    SessionStatus,
)
from daiban.prevention.views.common import is_stale, run
from daiban.regions.geometry import ancestor_paths, contains
from daiban.regions.models import Level, Region

# The list shows this many upcoming sessions ahead of the (paginated) past ones.
UPCOMING_WINDOW = 50
# The network page publishes this many of a region's upcoming sessions.
PUBLISHED = 10

CONFLICT = "该接访活动刚刚被他人修改，请核对最新情况后再提交；您填写的内容已保留。"


def _require_reader(user: User) -> None:
    if not selectors.can_read(user):
        raise PermissionDenied("您的岗位不使用接访活动功能。")


def _session(user: User, pk: int) -> ReceptionSession:
    _require_reader(user)
    return selectors.get_or_404(user, ReceptionSession, pk, "region", "organised_by")


def _leaders(session: ReceptionSession) -> list[User]:
    """The session's leaders in the order they were chosen (the first is the default receiving leader)."""
    return actions.ordered_leaders(session)


# ------------------------------------------------------------------------------------------ the list


@require_GET
def session_list(request: AuthedRequest) -> HttpResponse:
    """Upcoming sessions first (soonest first, a bounded window), then the past ones, newest first, one
    keyset page at a time — both ranges of the level's (scope column, starts_at) index."""
    user = request.user
    _require_reader(user)
    filters = FilterForm(request.GET or None)
    qs = selectors.scoped(user, ReceptionSession)
    if filters.is_valid():
        if filters.cleaned_data.get("kind"):
            qs = qs.filter(kind=filters.cleaned_data["kind"])
        if filters.cleaned_data.get("status"):
            qs = qs.filter(status=filters.cleaned_data["status"])
    today_start = timezone.make_aware(
        datetime.datetime.combine(clock.today(), datetime.time.min), timezone.get_current_timezone()
    )
    cursor = str(request.GET.get("cursor", ""))[:200] or None
    leaders = Prefetch("leaders", queryset=User.objects.order_by("region_path", "username"))
    upcoming: list[ReceptionSession] = []
    if cursor is None:
        upcoming = list(
            qs.filter(starts_at__gte=today_start)
            .select_related("region")
            .prefetch_related(leaders)
            .order_by("starts_at", "id")[:UPCOMING_WINDOW]
        )
    past = listing.paginate(
        qs.filter(starts_at__lt=today_start).select_related("region").prefetch_related(leaders),
        "starts_at",
        cursor,
    )
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(
        request,
        "prevention/sessions/list.html",
        {
            "filters": filters,
            "upcoming": upcoming,
            "past": past,
            "query": query.urlencode(),
            "can_write": actions.may_organise(user),
        },
    )


# --------------------------------------------------------------------------------------- scheduling


@require_http_methods(["GET", "POST"])
def session_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not actions.may_organise(user):
        raise PermissionDenied("只有代办机构工作人员可以安排接访活动。")
    form = SessionForm(request.POST or None, user=user, creating=True)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            session, status_code = run(
                form, lambda: actions.session_schedule(actor=user, data=form.to_input())
            )
            if session is not None:
                messages.success(request, f"已安排接访活动「{session.title}」。")
                return redirect("session_detail", pk=session.pk)
            status = status_code or 400
    return render(request, "prevention/sessions/form.html", {"form": form, "session": None}, status=status)


# ------------------------------------------------------------------------------------- a session's page


@require_GET
def session_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    session = _session(user, pk)
    leaders = _leaders(session)
    receptions = list(
        session.receptions.select_related("received_by", "matter").order_by("received_at", "id")
    )
    # A matter taken in here is shown (title, number, status, link) only to a reader who may see it:
    # an accusation, or a matter filed to a region outside the reader's subtree, stays "a matter".
    taken = [r.matter_id for r in receptions if r.matter_id is not None]
    visible = set(matters_for(user).filter(pk__in=taken).values_list("pk", flat=True)) if taken else set()
    scheduled = session.status == SessionStatus.SCHEDULED
    writer = actions.may_organise(user)
    deadline = actions.reception_deadline(session)
    refusal = actions.reception_refusal(session, deadline)
    recorder = session.status != SessionStatus.CANCELLED and actions.may_record(user, leaders)
    now = clock.now()
    started = now >= session.starts_at - actions.EARLY_RECEPTION
    return render(
        request,
        "prevention/sessions/detail.html",
        {
            "session": session,
            "leaders": leaders,
            "receptions": [(r, r.matter_id in visible) for r in receptions],
            "answered": sum(1 for r in receptions if r.matter_id is None),
            "taken_in": len(taken),
            "events": _events(
                session, {r.pk for r in receptions if r.matter_id and r.matter_id not in visible}
            ),
            "can_edit": writer and scheduled,
            "can_close": writer and scheduled and now >= session.starts_at,
            "can_receive": recorder and not refusal,
            # The one intake page takes agents and leaders (a city administrator records answers only).
            "can_intake": recorder and not refusal and (user.is_agent or user.role == Role.LEADER),
            "not_started": recorder and not started,
            # After the end, receptions may still be added for a few days (补录), then no more.
            "late_until": deadline if recorder and not refusal and now > session.ends_at else None,
            "late_closed": recorder and started and bool(refusal),
            "late_days": actions.LATE_RECEPTION.days,
            "deadline": deadline,
        },
    )


def _events(session: ReceptionSession, hidden: set[int]) -> list[tuple[SessionEvent, str]]:
    """The session's record, newest first; a matter the reader may not see (its reception in ``hidden``)
    is not named by its number."""
    events = list(session.events.select_related("actor").order_by("-seq")[:50])
    shown: list[tuple[SessionEvent, str]] = []
    for e in events:
        text = e.summary
        if e.kind == "receive_matter" and e.details.get("reception") in hidden:
            text = f"{e.details.get('leader', '')} 接待，已登记为信访事项"
        shown.append((e, text))
    return shown


def _action_page(
    request: AuthedRequest,
    pk: int,
    *,
    label: str,
    make_form: Callable[[Any, ReceptionSession, User], forms.Form],
    call: Callable[[User, ReceptionSession, Any], object],
    available: Callable[[User, ReceptionSession], str],
    template: str = "prevention/sessions/action.html",
) -> HttpResponse:
    """GET shows the form; POST runs the action. A form loaded before someone else changed the session is
    a conflict (409, what was typed shown again), even when the change took the action away."""
    user = request.user
    session = _session(user, pk)
    stale = request.method == "POST" and is_stale(request.POST.get("version"), session.version)
    reason = available(user, session)
    if reason and not stale:
        raise PermissionDenied(reason)
    form = make_form(request.POST or None, session, user)
    status = 200
    if stale:
        form.is_valid()
        form.add_error(None, CONFLICT)
        if reason:
            form.add_error(None, reason)
        status = 409
    elif request.method == "POST":
        status = 400
        if form.is_valid():
            _, failed = run(form, lambda: call(user, session, form))
            if failed is None:
                messages.success(request, f"已{label}。")
                return redirect("session_detail", pk=session.pk)
            if failed == 409:
                form.errors[NON_FIELD_ERRORS] = form.error_class([CONFLICT])
            status = failed
    return render(
        request,
        template,
        {"session": session, "form": form, "label": label, "leaders": _leaders(session)},
        status=status,
    )


def _versioned(form_class: type[forms.Form]) -> Callable[[Any, ReceptionSession, User], forms.Form]:
    def make(data: Any, session: ReceptionSession, user: User) -> forms.Form:
        return form_class(data, initial={"version": session.version})

    return make


def _session_form(data: Any, session: ReceptionSession, user: User) -> forms.Form:
    return SessionForm(data, initial=SessionForm.initial_for(session), user=user, creating=False)


def _answer_form(data: Any, session: ReceptionSession, user: User) -> forms.Form:
    return AnswerForm(data, session=session, user=user)


def _writer_while_scheduled(what: str) -> Any:
    def available(user: User, session: ReceptionSession) -> str:
        if not actions.may_organise(user):
            return "只有代办机构工作人员可以办理。"
        if session.status != SessionStatus.SCHEDULED:
            return f"该接访活动{session.get_status_display()}，不能{what}。"
        return ""

    return available


def _closable(user: User, session: ReceptionSession) -> str:
    reason = _writer_while_scheduled("记录接访情况")(user, session)
    if not reason and clock.now() < session.starts_at:
        return "接访活动尚未开始，开始后才能记录接访情况。"
    return reason


def _receivable(user: User, session: ReceptionSession) -> str:
    if not actions.may_record(user, list(session.leaders.all())):
        return "只有代办机构工作人员或本次活动的接访领导可以登记。"
    if session.status == SessionStatus.CANCELLED:
        return "该接访活动已取消，不能在其中登记接待情况。"
    if clock.now() < session.starts_at - actions.EARLY_RECEPTION:
        return "接访活动尚未开始，开始后才能登记接待情况。"
    # Past the deadline for forgotten entries the form is still shown, and the action refuses on it
    # with the reason (400, what was typed kept): a form opened in time may be sent a little late.
    return ""


@require_http_methods(["GET", "POST"])
def session_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action_page(
        request,
        pk,
        label="修改接访活动",
        make_form=_session_form,
        available=_writer_while_scheduled("修改"),
        template="prevention/sessions/form.html",
        call=lambda user, session, form: actions.session_update(
            actor=user, session_id=session.pk, expected_version=form.expected_version, data=form.to_input()
        ),
    )


@require_http_methods(["GET", "POST"])
def session_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action_page(
        request,
        pk,
        label="取消接访活动",
        make_form=_versioned(CancelForm),
        available=_writer_while_scheduled("取消"),
        call=lambda user, session, form: actions.session_cancel(
            actor=user,
            session_id=session.pk,
            expected_version=form.expected_version,
            reason=form.cleaned_data["reason"],
        ),
    )


@require_http_methods(["GET", "POST"])
def session_close(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action_page(
        request,
        pk,
        label="记录接访情况",
        make_form=_versioned(CloseForm),
        available=_closable,
        call=lambda user, session, form: actions.session_close(
            actor=user,
            session_id=session.pk,
            expected_version=form.expected_version,
            summary=form.cleaned_data["summary"],
        ),
    )


@require_http_methods(["GET", "POST"])
def session_answer(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action_page(
        request,
        pk,
        label="记录当场答复",
        make_form=_answer_form,
        available=_receivable,
        call=lambda user, session, form: actions.session_receive_answered(
            actor=user, session_id=session.pk, **form.cleaned_data
        ),
    )


# ------------------------------------------------------------------------------ the intake origin


def _channel(session: ReceptionSession) -> str:
    return Channel.LIVESTREAM if session.kind == SessionKind.LIVESTREAM else Channel.LEADER_DAY


def _prefill(user: User, pk: int) -> origins.Prefill | None:
    """Any session the user may see (cancelled or closed included: None is a 404). One where no reception
    may be taken in any more still prefills; the banner says why, and ``_link`` refuses on "origin" so
    the intake form is shown again with what was typed."""
    session = selectors.scoped(user, ReceptionSession).select_related("region").filter(pk=pk).first()
    if session is None:
        return None
    leaders = _leaders(session)
    leader = next((x for x in leaders if x.pk == user.pk), leaders[0] if leaders else None)
    initial: dict[str, Any] = {"channel": _channel(session)}
    if leader is not None:
        initial["leader"] = leader.pk
    if session.region.level >= Level.COUNTY:
        initial["region"] = session.region_id
    refusal = actions.reception_refusal(session)
    banner = f"接访活动「{session.title}」现场登记（接访即代办：接访领导为包案领导）"
    if refusal:
        banner = f"接访活动「{session.title}」：{refusal}"
    return origins.Prefill(
        banner=banner,
        initial=initial,
        back_url=reverse("session_detail", args=[session.pk]),
    )


def _link(actor: User, pk: int, matter: Matter, linked_existing: bool) -> None:
    actions.session_link_matter(actor=actor, session_id=pk, matter=matter, linked_existing=linked_existing)


def _links_for(user: User, matter: Matter) -> list[origins.OriginLink]:
    found = (
        Reception.objects.filter(matter=matter, session__in=selectors.scoped(user, ReceptionSession))
        .select_related("session", "received_by")
        .order_by("id")[:5]
    )
    return [
        origins.OriginLink(
            label="接访活动",
            text=f"{r.session.get_kind_display()}「{r.session.title}」"
            f"{timezone.localtime(r.session.starts_at):%Y-%m-%d}，接待领导 {r.received_by}",
            url=reverse("session_detail", args=[r.session_id]),
        )
        for r in found
    ]


# ------------------------------------------------------------------------- the network page's panel


def upcoming_for_region(region: Region) -> QuerySet[ReceptionSession]:
    """The scheduled sessions of ``region`` and the levels above it that have not ended: ≤ 4 region ids
    and a starts_at range on the (region, starts_at) index, bounded."""
    now = clock.now()
    ids = list(Region.objects.filter(path__in=ancestor_paths(region.path)).values_list("id", flat=True))
    return (
        ReceptionSession.objects.filter(
            region_id__in=ids,
            status=SessionStatus.SCHEDULED,
            starts_at__gte=now - actions.MAX_DURATION,
            ends_at__gte=now,
        )
        .select_related("region")
        .prefetch_related(
            Prefetch(
                "leaders", queryset=User.objects.select_related("region").order_by("region_path", "username")
            )
        )
        .order_by("starts_at", "id")
    )


def _region_panel(user: Any, region: Region) -> dict[str, Any] | None:
    # Published: whoever may see the region's network page sees when and where its leaders receive; the
    # session's own page is linked only for a reader whose subtree holds the session's region (a village
    # agent sees the county's sessions listed, not linked to a page that would be a 404).
    sessions = list(upcoming_for_region(region)[:PUBLISHED])
    scope = selectors.scope_path(user) if selectors.can_read(user) else None
    return {
        "region": region,
        "sessions": [(s, contains(scope, s.region_path)) for s in sessions],
        "can_read": selectors.can_read(user),
    }


def connect() -> None:
    origins.register(origins.Origin(kind="session", prefill=_prefill, link=_link, links_for=_links_for))
    region_panels.register(
        region_panels.Panel(
            "prevention.sessions",
            order=10,
            template="prevention/sessions/_region_panel.html",
            context=_region_panel,
        )
    )


urlpatterns: list[URLPattern] = [
    path("sessions/", session_list, name="session_list"),
    path("sessions/new/", session_new, name="session_new"),
    path("sessions/<int:pk>/", session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", session_edit, name="session_edit"),
    path("sessions/<int:pk>/cancel/", session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/close/", session_close, name="session_close"),
    path("sessions/<int:pk>/answer/", session_answer, name="session_answer"),
]
