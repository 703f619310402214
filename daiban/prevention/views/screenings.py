"""矛盾纠纷排查台账: the register of a level's subtree, one screening with its timeline and buttons, the
record page, and the page of each life-cycle step; 未诉先办 (a screening turned into a matter through the
intake page) and the agent's "to follow up" panel on the home page."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from daiban.accounts.http import AuthedRequest
from daiban.accounts.models import User
from daiban.core import clock, home
from daiban.matters import origins
from daiban.matters.choices import Category, Channel
from daiban.matters.errors import Conflict
from daiban.matters.models import Matter
from daiban.matters.selectors import matters_for
from daiban.prevention import listing, selectors
from daiban.prevention.actions import screenings as act
from daiban.prevention.forms import screenings as sf
from daiban.prevention.models import Screening, Source, Visit
from daiban.prevention.models.screenings import OPEN_SCREENING_STATUSES, ConflictKind
from daiban.prevention.views.common import is_stale, run

# Days ahead that count as "to follow up" (home panel, the register's 待跟进 filter).
DUE_AHEAD_DAYS = 3
HOME_LIMIT = 10

NO_LONGER_AVAILABLE = "该排查记录已有新的进展，您现在不能再办理此操作，请返回排查记录页查看最新情况。"


def _require_reader(user: User) -> None:
    if not selectors.can_read(user):
        raise PermissionDenied("您的岗位不使用排查台账。")


def _require_writer(user: User) -> None:
    if not selectors.can_write(user):
        raise PermissionDenied("只有代办机构工作人员可以登记和办理排查记录。")


def _int_or_404(raw: object) -> int:
    text = str(raw or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise Http404
    return int(text)


# ---------------------------------------------------------------------------------------------- list


def due_q(today: datetime.date) -> Q:
    """Open screenings whose follow-up date is today, past, or within ``DUE_AHEAD_DAYS``."""
    return Q(
        status__in=OPEN_SCREENING_STATUSES,
        review_on__lte=today + datetime.timedelta(days=DUE_AHEAD_DAYS),
    )


def apply_filters(qs: QuerySet[Screening], data: dict[str, Any], today: datetime.date) -> QuerySet[Screening]:
    status = data.get("status")
    if status == sf.OPEN:
        qs = qs.filter(status__in=OPEN_SCREENING_STATUSES)
    elif status == sf.DUE:
        qs = qs.filter(due_q(today))
    elif status:
        qs = qs.filter(status=status)
    if data.get("risk"):
        qs = qs.filter(risk=data["risk"])
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    if data.get("region"):
        region = data["region"]
        qs = qs.filter(selectors.region_q(region.path, region.pk))
    if data.get("date_from"):
        qs = qs.filter(found_on__gte=data["date_from"])
    if data.get("date_to"):
        qs = qs.filter(found_on__lte=data["date_to"])
    term = (data.get("q") or "").strip()
    if term:
        qs = qs.filter(Q(number__iexact=term) | Q(title__icontains=term))
    return qs


@require_GET
def screening_list(request: AuthedRequest) -> HttpResponse:
    """The register of the user's subtree, newest found first, one keyset page at a time."""
    user = request.user
    _require_reader(user)
    form = sf.ScreeningFilterForm(request.GET or None, user=user)
    data: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()
        # A filter that does not validate is dropped on its own (and shown on the form).
        data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    today = clock.today()
    qs = apply_filters(selectors.scoped(user, Screening), data, today).select_related("region")
    page = listing.paginate(qs, "found_on", str(request.GET.get("after", "")) or None)
    params = {k: str(v) for k, v in request.GET.items() if k != "after" and v and k in form.fields}
    next_url = f"?{urlencode({**params, 'after': page.next_cursor})}" if page.next_cursor else None
    context = {
        "form": form,
        "page": page,
        "today": today,
        "due_until": today + datetime.timedelta(days=DUE_AHEAD_DAYS),
        "next_url": next_url,
        "first_url": (f"?{urlencode(params)}" if params else "?") if page.has_previous else None,
        "can_write": selectors.can_write(user),
        "filtered": any(k in form.fields and k != "q" and v for k, v in request.GET.items()),
    }
    return render(request, "prevention/screenings/list.html", context)


# -------------------------------------------------------------------------------------------- detail


EVENT_TEXTS = (
    ("note", "情况"),
    ("outcome", "化解情况"),
    ("measures", "稳控措施"),
    ("reason", "理由"),
)


@require_GET
def screening_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_reader(user)
    s = selectors.get_or_404(user, Screening, pk, "region", "found_by", "responsible", "visit", "matter")
    events = [
        (e, [(label, str(e.details[key])) for key, label in EVENT_TEXTS if e.details.get(key)])
        for e in s.events.select_related("actor").order_by("seq")
    ]
    matter_visible = s.matter_id is not None and matters_for(user).filter(pk=s.matter_id).exists()
    visit_visible = s.visit_id is not None and selectors.scoped(user, Visit).filter(pk=s.visit_id).exists()
    steps = [(step, _step_url(step, s)) for step in sf.available(user, s)]
    today = clock.today()
    context = {
        "s": s,
        "events": events,
        "steps": steps,
        "matter_visible": matter_visible,
        "visit_visible": visit_visible,
        "today": today,
        "due_soon": s.is_open
        and s.review_on is not None
        and s.review_on <= today + datetime.timedelta(days=DUE_AHEAD_DAYS),
    }
    return render(request, "prevention/screenings/detail.html", context)


def intake_url(screening_id: int) -> str:
    return reverse("matter_intake") + "?" + urlencode({"origin": f"screening:{screening_id}"})


def _step_url(step: sf.Step, s: Screening) -> str:
    if step.form is None:
        return intake_url(s.pk)
    return reverse("screening_action", args=[s.pk, step.key])


# ------------------------------------------------------------------------------------------- record


@require_http_methods(["GET", "POST"])
def screening_new(request: AuthedRequest) -> HttpResponse:
    """登记排查. ``?visit=<id>`` (from a visit's page) fills in the place and source and links the visit."""
    user = request.user
    _require_writer(user)
    visit: Visit | None = None
    raw_visit = request.GET.get("visit") if request.method == "GET" else None
    if raw_visit is not None:
        visit = (
            selectors.scoped(user, Visit).filter(pk=_int_or_404(raw_visit)).select_related("region").first()
        )
        if visit is None:
            raise Http404
    if request.method == "GET":
        initial: dict[str, Any] = {"found_on": clock.today()}
        if visit is not None:
            initial = {
                "visit": visit.pk,
                "region": visit.region_id,
                "place": visit.place,
                "source": Source.VISIT,
                "found_on": visit.visited_on,
            }
        form = sf.ScreeningForm(user=user, initial=initial)
        return render(request, "prevention/screenings/new.html", {"form": form, "visit": visit})
    form = sf.ScreeningForm(request.POST, user=user)
    status = 400
    if form.is_valid():
        created, status_or_none = run(form, lambda: act.screening_record(actor=user, **form.to_kwargs()))
        if status_or_none is None:
            due = created.review_on
            messages.success(
                request, f"已登记排查，编号 {created.number}，下次跟进 {due.month}月{due.day}日。"
            )
            return redirect("screening_detail", pk=created.pk)
        status = status_or_none
    visit_id = form.cleaned_data.get("visit")
    if visit_id:
        visit = selectors.scoped(user, Visit).filter(pk=visit_id).first()
    return render(request, "prevention/screenings/new.html", {"form": form, "visit": visit}, status=status)


# ------------------------------------------------------------------------------------------- action


@require_http_methods(["GET", "POST"])
def screening_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    _require_reader(user)
    s = selectors.get_or_404(user, Screening, pk, "region")
    step = sf.STEPS.get(action)
    if step is None:
        raise Http404
    _require_writer(user)
    allowed = step.allows(user, s)
    stale = request.method == "POST" and is_stale(request.POST.get("version"), s.version)
    if not allowed and not stale:
        raise PermissionDenied("该排查记录当前不能办理此操作。")
    if step.form is None:
        return redirect(intake_url(s.pk))
    form = step.form(request.POST if request.method == "POST" else None, user=user, screening=s)
    status = 200
    if stale:
        status = 409
        form.add_error(None, Conflict().message)
        if not allowed:
            form.add_error(None, NO_LONGER_AVAILABLE)
        form.is_valid()  # so that the fields show what was typed, checked
    elif request.method == "POST":
        status = 400
        if form.is_valid():
            service = step.service
            assert service is not None
            _, failed = run(
                form,
                lambda: service(
                    actor=user,
                    screening_id=s.pk,
                    expected_version=form.expected_version,
                    **form.to_kwargs(),
                ),
            )
            if failed is None:
                messages.success(request, f"已办理：{step.label}。")
                return redirect("screening_detail", pk=s.pk)
            status = failed
    return render(
        request,
        "prevention/screenings/action.html",
        {"s": s, "form": form, "step": step},
        status=status,
    )


# ------------------------------------------------------------------------------- 未诉先办 (origins)

CATEGORY_FOR_KIND = {
    ConflictKind.LAND: Category.LAND,
    ConflictKind.LABOUR: Category.LABOUR,
    ConflictKind.NEIGHBOUR: Category.NEIGHBOUR,
    ConflictKind.FAMILY: Category.CIVIL_AFFAIRS,
    ConflictKind.DEMOLITION: Category.URBAN_CONSTRUCTION,
    ConflictKind.PROPERTY: Category.URBAN_CONSTRUCTION,
    ConflictKind.ENVIRONMENT: Category.ENVIRONMENT,
    ConflictKind.CONTRACT: Category.ECONOMY,
    ConflictKind.ACCIDENT: Category.POLITICS_LAW,
    ConflictKind.MEDICAL: Category.HEALTH,
    ConflictKind.OTHER: Category.OTHER,
}


def origin_prefill(user: User, pk: int) -> origins.Prefill | None:
    """The intake form filled in from an open screening the (writing) user may see; None → 404."""
    if not selectors.can_write(user):
        return None
    s = selectors.scoped(user, Screening).filter(pk=pk, status__in=OPEN_SCREENING_STATUSES).first()
    if s is None:
        return None
    content = s.description + (f"\n当事人：{s.parties}" if s.parties else "")
    return origins.Prefill(
        banner=f"由排查台账 {s.number} 转为信访事项（未诉先办）。请与当事人核实后填写信访人和诉求。",
        initial={
            "title": s.title,
            "content": content,
            "request": "",
            "category": CATEGORY_FOR_KIND.get(ConflictKind(s.kind), Category.OTHER),
            "channel": Channel.SCREENING,
            "region": s.region_id,
            "headcount": s.headcount,
        },
        back_url=reverse("screening_detail", args=[s.pk]),
    )


def origin_link(actor: User, pk: int, matter: Matter, linked_existing: bool) -> None:
    act.screening_link_matter(actor=actor, screening_id=pk, matter=matter, linked_existing=linked_existing)


def origin_links_for(user: User, matter: Matter) -> list[origins.OriginLink]:
    found = selectors.scoped(user, Screening).filter(matter=matter).order_by("found_on", "id")
    return [
        origins.OriginLink(
            label="排查台账", text=f"{s.number} {s.title}", url=reverse("screening_detail", args=[s.pk])
        )
        for s in found
    ]


# -------------------------------------------------------------------------------------------- home


def home_panel(user: Any) -> dict[str, Any] | None:
    """待跟进的矛盾纠纷: the writer's open screenings due for follow-up within a few days, soonest first
    (the (status, review_on) index, narrowed to the user's scope)."""
    if not isinstance(user, User) or not selectors.can_write(user):
        return None
    today = clock.today()
    rows = list(
        selectors.scoped(user, Screening)
        .filter(due_q(today))
        .select_related("region")
        .order_by("review_on", "id")[:HOME_LIMIT]
    )
    return {
        "rows": rows,
        "today": today,
        "due_until": today + datetime.timedelta(days=DUE_AHEAD_DAYS),
        "list_url": reverse("screening_list") + "?" + urlencode({"status": sf.DUE}),
        "new_url": reverse("screening_new"),
    }


def connect() -> None:
    origins.register(
        origins.Origin(kind="screening", prefill=origin_prefill, link=origin_link, links_for=origin_links_for)
    )
    home.register(home.Panel("prevention.screenings", 20, "prevention/screenings/_home.html", home_panel))


urlpatterns: list[URLPattern] = [
    path("screenings/", screening_list, name="screening_list"),
    path("screenings/new/", screening_new, name="screening_new"),
    path("screenings/<int:pk>/", screening_detail, name="screening_detail"),
    path("screenings/<int:pk>/act/<slug:action>/", screening_action, name="screening_action"),
]
