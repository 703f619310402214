"""Pages of two supervision areas that grow out of a matter's hard cases:

* 督查件 (inspections): the list of a level (督查中 first, then 已办结; keyset pages), an inspection with its
  events, recording a finding and closing it;
* 专家团队研判 (expert consultations): convening one from a difficult matter, the list, a consultation with
  its experts, opinions, conclusion and events, recording an opinion and concluding.

Both show on the matter page as panels, and ``connect()`` subscribes the inspection opener to the matter
hooks. Every page reads through ``inspections_for`` / ``consultations_for`` (records of matters the reader
can open); outside scope is 404, a role that does not use the page 403, a stale form 409 with the input
kept."""

from __future__ import annotations

import base64
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_http_methods

from daiban.accounts.http import AuthedRequest
from daiban.accounts.models import User
from daiban.core import home, nav
from daiban.matters import hooks, panels
from daiban.matters.choices import EventKind
from daiban.matters.errors import Conflict
from daiban.matters.models import Matter
from daiban.matters.selectors import matters_for
from daiban.matters.views.actions import run_action
from daiban.network.jurisdiction import scope_path
from daiban.supervision.actions import consultations as cons
from daiban.supervision.actions import inspections as insp
from daiban.supervision.forms.consultations import ConcludeForm, ConveneForm, OpinionForm
from daiban.supervision.forms.inspections import CloseForm, FindingForm, InspectionFilterForm
from daiban.supervision.models import (
    Consultation,
    ConsultationStatus,
    Inspection,
    InspectionStatus,
    Opinion,
)

PAGE_SIZE = 25
MAX_ID = 2**63 - 1
COUNT_CAP = 99

NOT_INSPECTION_READER = "您的岗位不使用督查件。"
NOT_INSPECTION_ACTOR = "只有代办服务中心工作人员或纪检监督员可以办理督查件。"
INSPECTION_CLOSED = "督查件已办结，不能再办理。"
NOT_CONSULTATION_READER = "您的岗位不使用专家研判。"
NOT_CONSULTATION_MANAGER = "只有本县（区）代办服务中心工作人员可以组织专家研判。"
CONSULTATION_CONCLUDED = "研判已形成结论，不能再办理。"

T = TypeVar("T")


# ------------------------------------------------------------------------------------------- helpers


def is_stale(posted: object, current: int) -> bool:
    raw = str(posted or "").strip()
    return raw.isascii() and raw.isdigit() and len(raw) <= 18 and int(raw) < current


def run(form: forms.Form, call: Callable[[], T]) -> tuple[T | None, int | None]:
    """Call the action; (its result, None), or (None, 400 / 409) with the error put on the form."""
    return run_action(form, call)


def _pk(pk: int) -> int:
    if pk > MAX_ID:
        raise Http404
    return pk


def _capped(qs: QuerySet[Any]) -> str:
    n = qs.order_by()[: COUNT_CAP + 1].count()
    return f"{COUNT_CAP}+" if n > COUNT_CAP else str(n)


@dataclass
class Page(Generic[T]):
    rows: list[T]
    next_cursor: str | None
    has_previous: bool


def _encode(phase: int, at: datetime.datetime, pk: int) -> str:
    raw = f"{phase}|{at.isoformat()}|{pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str | None) -> tuple[int, datetime.datetime, int] | None:
    if not cursor or len(cursor) > 200:
        return None
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
        phase, at, pk = raw.split("|")
        when = datetime.datetime.fromisoformat(at)
    except (ValueError, UnicodeDecodeError):
        return None
    if phase not in ("0", "1") or not (pk.isascii() and pk.isdigit()) or len(pk) > 18:
        return None
    if when.tzinfo is None or not (
        datetime.datetime(1900, 1, 2, tzinfo=datetime.UTC)
        < when
        < datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC)
    ):
        return None
    return int(phase), when, int(pk)


def paginate_phased(
    phases: list[QuerySet[Any]], field: str, cursor: str | None, page_size: int | None = None
) -> Page[Any]:
    """Keyset pages over up to two querysets shown one after the other (督查中 first, then 已办结), each
    newest first on (``field``, id): no OFFSET and no COUNT; a bad cursor means the first page."""
    page_size = page_size or PAGE_SIZE
    start = _decode(cursor)
    rows: list[Any] = []
    for phase, qs in enumerate(phases):
        if start is not None and phase < start[0]:
            continue
        qs = qs.order_by(f"-{field}", "-id")
        if start is not None and phase == start[0]:
            _, at, pk = start
            qs = qs.filter(Q(**{f"{field}__lt": at}) | Q(**{field: at, "id__lt": pk}))
        got = list(qs[: page_size + 1 - len(rows)])
        rows += [(phase, r) for r in got]
        if len(rows) > page_size:
            break
    more = len(rows) > page_size
    rows = rows[:page_size]
    next_cursor = None
    if more and rows:
        phase, row = rows[-1]
        next_cursor = _encode(phase, getattr(row, field), row.pk)
    return Page(rows=[r for _, r in rows], next_cursor=next_cursor, has_previous=bool(cursor))


def _page_links(request: AuthedRequest, page: Page[Any]) -> dict[str, str | None]:
    params = {k: str(v) for k, v in request.GET.items() if k != "after" and v}
    return {
        "next_url": f"?{urlencode({**params, 'after': page.next_cursor})}" if page.next_cursor else None,
        "first_url": (f"?{urlencode(params)}" if params else "?") if page.has_previous else None,
    }


def _action_page(
    request: AuthedRequest,
    *,
    row: Any,
    form_class: Any,
    initial: dict[str, Any],
    form_kwargs: dict[str, Any],
    perform: Callable[..., Any],
    id_kwarg: str,
    template: str,
    context: dict[str, Any],
    is_open: bool,
    closed_message: str,
    done_message: str,
    done_url: str,
) -> HttpResponse:
    """A changing page: 403 once the record is finished (unless the form is stale: then 409), the form
    again with the input kept on a refusal (400) or when someone else changed the record meanwhile (409)."""
    stale = request.method == "POST" and is_stale(request.POST.get("version"), row.version)
    if not is_open and not stale:
        raise PermissionDenied(closed_message)
    if request.method != "POST":
        form = form_class(initial=initial, **form_kwargs)
        return render(request, template, {**context, "form": form})
    form = form_class(request.POST, **form_kwargs)
    valid = form.is_valid()
    if stale:
        form.add_error(None, Conflict().message)
        status = 409
    elif valid:
        done, failed = run(
            form,
            lambda: perform(
                actor=request.user,
                **{id_kwarg: row.pk},
                expected_version=form.expected_version,
                **form.to_kwargs(),
            ),
        )
        if done is not None:
            messages.success(request, done_message)
            return redirect(done_url)
        status = failed or 400
    else:
        status = 400
    return render(request, template, {**context, "form": form}, status=status)


# ---------------------------------------------------------------------------------------- inspections


def _inspection_reader(request: AuthedRequest) -> User:
    user = request.user
    if scope_path(user) is None or user.role not in insp.READER_ROLES:
        raise PermissionDenied(NOT_INSPECTION_READER)
    return user


def _get_inspection(user: User, pk: int) -> Inspection:
    found = (
        insp.inspections_for(user).select_related("matter", "unit", "closed_by").filter(pk=_pk(pk)).first()
    )
    if found is None:
        raise Http404
    return found


@require_GET
def inspection_list(request: AuthedRequest) -> HttpResponse:
    user = _inspection_reader(request)
    form = InspectionFilterForm(request.GET or None)
    status = form.status_value() if form.is_bound else ""
    base = insp.inspections_for(user)
    phases = (
        [base.filter(status=status)]
        if status
        else [base.filter(status=InspectionStatus.OPEN), base.filter(status=InspectionStatus.CLOSED)]
    )
    page = paginate_phased(
        [qs.select_related("matter", "unit") for qs in phases], "opened_at", request.GET.get("after")
    )
    context = {
        "form": form,
        "page": page,
        "open_count": _capped(base.filter(status=InspectionStatus.OPEN)),
        **_page_links(request, page),
    }
    return render(request, "supervision/inspections/list.html", context)


@require_GET
def inspection_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = _inspection_reader(request)
    inspection = _get_inspection(user, pk)
    can_act = insp.may_act(user, inspection) and inspection.status == InspectionStatus.OPEN
    context = {
        "inspection": inspection,
        "events": list(inspection.events.select_related("actor").order_by("seq")),
        "can_act": can_act,
        "close_form": CloseForm(initial=CloseForm.initial_for(inspection)) if can_act else None,
    }
    return render(request, "supervision/inspections/detail.html", context)


def _inspection_action(
    request: AuthedRequest, pk: int, form_class: type[FindingForm], perform: Any, title: str, done: str
) -> HttpResponse:
    user = _inspection_reader(request)
    inspection = _get_inspection(user, pk)
    if not insp.may_act(user, inspection):
        raise PermissionDenied(NOT_INSPECTION_ACTOR)
    return _action_page(
        request,
        row=inspection,
        form_class=form_class,
        initial=form_class.initial_for(inspection),
        form_kwargs={},
        perform=perform,
        id_kwarg="inspection_id",
        template="supervision/inspections/action.html",
        context={"inspection": inspection, "title": title},
        is_open=inspection.status == InspectionStatus.OPEN,
        closed_message=INSPECTION_CLOSED,
        done_message=done,
        done_url=f"/inspections/{inspection.pk}/",
    )


@require_http_methods(["GET", "POST"])
def inspection_finding(request: AuthedRequest, pk: int) -> HttpResponse:
    return _inspection_action(
        request, pk, FindingForm, insp.inspection_finding, "记录督查情况", "已记录督查情况。"
    )


@require_http_methods(["GET", "POST"])
def inspection_close(request: AuthedRequest, pk: int) -> HttpResponse:
    return _inspection_action(request, pk, CloseForm, insp.inspection_close, "办结督查件", "督查件已办结。")


def inspections_panel(user: User, matter: Matter) -> dict[str, Any] | None:
    """The matter page's 督查件 section: the matter's inspections the reader may see."""
    rows = list(
        insp.inspections_for(user).filter(matter_id=matter.pk).select_related("unit").order_by("-opened_at")
    )
    return {"inspections": rows} if rows else None


# -------------------------------------------------------------------------------------- consultations


def _consultation_reader(request: AuthedRequest) -> User:
    user = request.user
    if scope_path(user) is None or user.role not in cons.READER_ROLES:
        raise PermissionDenied(NOT_CONSULTATION_READER)
    return user


def _with_members(qs: QuerySet[Consultation]) -> QuerySet[Consultation]:
    return qs.prefetch_related(
        Prefetch("experts", to_attr="expert_list"),
        Prefetch("opinions", queryset=Opinion.objects.select_related("expert"), to_attr="opinion_list"),
    )


def _get_consultation(user: User, pk: int) -> Consultation:
    found = (
        _with_members(cons.consultations_for(user).select_related("matter", "convened_by"))
        .filter(pk=_pk(pk))
        .first()
    )
    if found is None:
        raise Http404
    return found


@require_GET
def consultation_list(request: AuthedRequest) -> HttpResponse:
    user = _consultation_reader(request)
    status = request.GET.get("status", "")
    base = cons.consultations_for(user)
    if status in ConsultationStatus.values:
        phases = [base.filter(status=status)]
    else:
        status = ""
        phases = [
            base.filter(status=ConsultationStatus.OPEN),
            base.filter(status=ConsultationStatus.CONCLUDED),
        ]
    page = paginate_phased(
        [qs.select_related("matter") for qs in phases], "convened_at", request.GET.get("after")
    )
    context = {
        "page": page,
        "status": status,
        "statuses": ConsultationStatus.choices,
        "open_count": _capped(base.filter(status=ConsultationStatus.OPEN)),
        **_page_links(request, page),
    }
    return render(request, "supervision/consultations/list.html", context)


def _matter_or_404(user: User, pk: int) -> Matter:
    matter = matters_for(user).select_related("region").filter(pk=_pk(pk)).first()
    if matter is None:
        raise Http404
    return matter


@require_http_methods(["GET", "POST"])
def consultation_new(request: AuthedRequest, pk: int) -> HttpResponse:
    """召集专家研判 from the matter page (county centre staff, difficult open matters)."""
    user = request.user
    matter = _matter_or_404(user, pk)
    if not cons.may_manage(user, matter.region_path):
        raise PermissionDenied(NOT_CONSULTATION_MANAGER)
    reasons = cons.difficulty(matter)
    if not cons.can_convene(user, matter):
        raise PermissionDenied(
            "该事项已办结，不能再组织专家研判。"
            if not matter.is_open
            else f"只有疑难事项（重复来访、集体访或受理超过 {cons.long_open_days()} 天未办结）可以组织专家研判。"
        )
    form = ConveneForm(request.POST or None, user=user, matter=matter)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            made, failed = run(
                form, lambda: cons.consultation_convene(actor=user, matter_id=matter.pk, **form.to_kwargs())
            )
            if made is not None:
                messages.success(request, f"已召集专家研判 {made.number}。")
                return redirect("consultation_detail", pk=made.pk)
            status = failed or 400
    context = {"form": form, "matter": matter, "reasons": reasons}
    return render(request, "supervision/consultations/new.html", context, status=status)


@require_GET
def consultation_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = _consultation_reader(request)
    consultation = _get_consultation(user, pk)
    can_act = (
        cons.may_manage(user, consultation.region_path) and consultation.status == ConsultationStatus.OPEN
    )
    context = {
        "consultation": consultation,
        "outside": cons.outside_names(consultation.outside_members),
        "events": list(consultation.events.select_related("actor").order_by("seq")),
        "can_act": can_act,
    }
    return render(request, "supervision/consultations/detail.html", context)


def _consultation_action(
    request: AuthedRequest, pk: int, form_class: Any, perform: Any, title: str, done: str
) -> HttpResponse:
    user = _consultation_reader(request)
    consultation = _get_consultation(user, pk)
    if not cons.may_manage(user, consultation.region_path):
        raise PermissionDenied(NOT_CONSULTATION_MANAGER)
    form_kwargs = {"consultation": consultation} if form_class is OpinionForm else {}
    return _action_page(
        request,
        row=consultation,
        form_class=form_class,
        initial={"version": consultation.version},
        form_kwargs=form_kwargs,
        perform=perform,
        id_kwarg="consultation_id",
        template="supervision/consultations/action.html",
        context={"consultation": consultation, "title": title},
        is_open=consultation.status == ConsultationStatus.OPEN,
        closed_message=CONSULTATION_CONCLUDED,
        done_message=done,
        done_url=f"/consultations/{consultation.pk}/",
    )


@require_http_methods(["GET", "POST"])
def consultation_opinion(request: AuthedRequest, pk: int) -> HttpResponse:
    return _consultation_action(
        request, pk, OpinionForm, cons.consultation_opinion, "记录专家意见", "已记录专家意见。"
    )


@require_http_methods(["GET", "POST"])
def consultation_conclude(request: AuthedRequest, pk: int) -> HttpResponse:
    return _consultation_action(
        request,
        pk,
        ConcludeForm,
        cons.consultation_conclude,
        "形成研判结论",
        "已形成研判结论并告知相关人员。",
    )


def consultations_panel(user: User, matter: Matter) -> dict[str, Any] | None:
    """The matter page's 专家研判 section: the matter's consultations (question, experts, opinions,
    conclusion) and, for county centre staff on a difficult open matter, the button to convene one."""
    rows = list(
        _with_members(cons.consultations_for(user).filter(matter_id=matter.pk)).order_by("-convened_at")
    )
    can_convene = cons.can_convene(user, matter)
    if not rows and not can_convene:
        return None
    return {
        "consultations": [(c, cons.outside_names(c.outside_members)) for c in rows],
        "can_convene": can_convene,
        "reasons": cons.difficulty(matter) if can_convene else [],
    }


# ------------------------------------------------------------------------------------------ home panel


def home_panel(user: Any) -> dict[str, Any] | None:
    """督查件 and 专家研判 in progress, for the county centre and 纪检 (only when there are some)."""
    if not isinstance(user, User) or user.role not in insp.ACTOR_ROLES or scope_path(user) is None:
        return None
    inspections = insp.inspections_for(user).filter(status=InspectionStatus.OPEN)
    consultations = cons.consultations_for(user).filter(status=ConsultationStatus.OPEN)
    counts = {"inspections": _capped(inspections), "consultations": _capped(consultations)}
    if counts == {"inspections": "0", "consultations": "0"}:
        return None
    return counts


def _inspection_nav(user: Any) -> bool:
    return isinstance(user, User) and scope_path(user) is not None and user.role in insp.READER_ROLES


def connect() -> None:
    hooks.subscribe(insp.open_for_follow_up, [EventKind.FOLLOW_UP])
    panels.register(
        panels.Panel("supervision.inspections", 30, "supervision/inspections/_matter.html", inspections_panel)
    )
    panels.register(
        panels.Panel(
            "supervision.consultations", 31, "supervision/consultations/_matter.html", consultations_panel
        )
    )
    home.register(home.Panel("supervision.hard_cases", 32, "supervision/inspections/_home.html", home_panel))
    nav.register(
        nav.Item(
            "supervision_hard_cases",
            order=46,
            label="督查研判",
            url_name="inspection_list",
            visible=_inspection_nav,
            active=("inspection_", "consultation_"),
        )
    )


urlpatterns: list[URLPattern] = [
    path("inspections/", inspection_list, name="inspection_list"),
    path("inspections/<int:pk>/", inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/finding/", inspection_finding, name="inspection_finding"),
    path("inspections/<int:pk>/close/", inspection_close, name="inspection_close"),
    path("matters/<int:pk>/consultations/new/", consultation_new, name="consultation_new"),
    path("consultations/", consultation_list, name="consultation_list"),
    path("consultations/<int:pk>/", consultation_detail, name="consultation_detail"),
    path("consultations/<int:pk>/opinion/", consultation_opinion, name="consultation_opinion"),
    path("consultations/<int:pk>/conclude/", consultation_conclude, name="consultation_conclude"),
]
