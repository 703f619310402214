"""Pages of the workbench. Views are thin: they fetch through the scoped selectors, call one action, and
turn the action's errors into 404, 403 or a plain message next to the form (input kept)."""

from __future__ import annotations

import csv
import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.core import clock
from daiban.core.http import AuthedRequest
from daiban.matters import actions
from daiban.matters import forms as mf
from daiban.matters.attachments import SAFE_TYPES, attachments_add
from daiban.matters.choices import Status
from daiban.matters.deadlines import WINDOW_STEPS
from daiban.matters.errors import ActionError, Conflict, NotAllowed, OutOfScope
from daiban.matters.listing import MatterFilterForm, apply_filters, paginate
from daiban.matters.models import Attachment, Deadline, Matter, MatterPetitioner, Petitioner, UnitTask
from daiban.matters.permissions import available_actions
from daiban.matters.petitioners import PetitionerInput
from daiban.matters.selectors import matters_for, petitioners_for
from daiban.pii.fields import search_q as pii_search_q
from daiban.pii.services import reveal
from daiban.workcal.calendar import due_status

_RELATED = ("region", "holder_region", "holder_unit", "responsible_agent", "received_by")
# Everything the matter page and its permission checks read, one query per relation.
_DETAIL_PREFETCH = (
    Prefetch("tasks", queryset=UnitTask.objects.select_related("unit").order_by("role", "id")),
    Prefetch("tasks__deadlines", queryset=Deadline.objects.order_by("due_date")),
    "leaders",
    "reviews__unit",
    Prefetch("deadlines", queryset=Deadline.objects.select_related("task__unit")),
)


def _matter_or_404(user: User, pk: int, *, for_page: bool = False) -> Matter:
    qs = matters_for(user).select_related(*_RELATED)
    if for_page:
        qs = qs.prefetch_related(*_DETAIL_PREFETCH)
    matter = qs.filter(pk=pk).first()
    if matter is None:
        raise Http404
    return matter


# ---------------------------------------------------------------------------------------------- list


@require_GET
def matter_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = MatterFilterForm(request.GET or None, user=user)
    # A filter that does not validate (a mistyped date, an id outside scope) is dropped on its own and
    # shown as an error on the form; the other filters still apply.
    data: dict[str, Any] = _valid_filters(form)
    if _looks_like_a_number(str(data.get("q", ""))):
        # Numbers are searched on the petitioner page (POST), never through a URL that gets copied on.
        form.add_error("q", "身份证号码、电话请在“信访人”页面查找，号码不会出现在网址中。")
        data.pop("q")
    today = clock.today()
    qs = apply_filters(matters_for(user), data, user, today)
    order = data.get("order") or "received"
    page = paginate(qs, order, request.GET.get("after"))
    params: dict[str, str] = {
        k: str(v) for k, v in request.GET.items() if k != "after" and v and not (k == "q" and "q" not in data)
    }
    next_url = f"?{urlencode({**params, 'after': page.next_cursor})}" if page.next_cursor else None
    first_url = f"?{urlencode(params)}" if params else "?"
    export_url = reverse("matter_export") + (f"?{urlencode(params)}" if params else "")
    queue_key = data.get("queue")
    context = {
        "form": form,
        "queue_count": qs.count() if queue_key else None,
        "rows": [list_row(m, today) for m in page.rows],
        "next_url": next_url,
        "first_url": first_url if page.has_previous else None,
        "export_url": export_url,
    }
    return render(request, "matters/list.html", context)


def _looks_like_a_number(term: str) -> bool:
    """A valid ID or phone number (a matter number like 150102-2026-00001 is neither)."""
    if not term:
        return False
    try:
        return pii_search_q(term) is not None
    except ValidationError:
        return bool(re.fullmatch(r"[\d\s+-]{11,}[\dXx]?", term)) and not MATTER_NUMBER.fullmatch(term)


MATTER_NUMBER = re.compile(r"\d{6}-\d{4}-\d{5}")


def _valid_filters(form: MatterFilterForm) -> dict[str, Any]:
    if not form.is_bound:
        return {}
    form.is_valid()
    return {k: v for k, v in form.cleaned_data.items() if k not in form.errors}


@dataclass
class Row:
    matter: Matter
    due_state: str
    names: str


def list_row(m: Matter, today: datetime.date) -> Row:
    """One line of a matter list: the matter, its deadline state and its petitioners' names."""
    state = due_status(m.due_date, today).value if m.due_date and m.status != Status.CLOSED else ""
    names = "、".join(p.name for p in m.petitioners.all())
    return Row(matter=m, due_state=state, names=names)


@require_GET
def matter_export(request: AuthedRequest) -> StreamingHttpResponse:
    """CSV of the filtered list (scoped exactly as the page; no ID or phone numbers)."""
    user = request.user
    form = MatterFilterForm(request.GET or None, user=user)
    if form.is_bound and not form.is_valid():
        # Never export more than asked for: an invalid filter is an error, not "no filter".
        return HttpResponseBadRequest(  # type: ignore[return-value]
            "筛选条件有误：" + "；".join(f"{form.fields[f].label}" for f in form.errors if f in form.fields),
            content_type="text/plain; charset=utf-8",
        )
    data = form.cleaned_data if form.is_bound else {}
    qs = apply_filters(matters_for(user), data, user, clock.today()).order_by("-received_at", "-id")
    qs = qs.select_related(*_RELATED).prefetch_related("petitioners")

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())

    def cell(value: object) -> str:
        # The export is opened in spreadsheets: a cell that starts like a formula is kept as text.
        text = str(value)
        return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

    def rows() -> Any:
        yield "\ufeff"
        yield writer.writerow(
            [
                "事项编号",
                "受理时间",
                "事项摘要",
                "信访人",
                "问题发生地",
                "内容分类",
                "状态",
                "当前承办",
                "当前期限",
                "责任代办员",
                "化解",
            ]
        )
        for m in qs.iterator(chunk_size=500):
            yield writer.writerow(
                [
                    cell(v)
                    for v in (
                        m.number,
                        clock_local(m.received_at),
                        m.title,
                        "、".join(p.name for p in m.petitioners.all()),
                        m.region.name,
                        m.get_category_display(),
                        m.get_status_display(),
                        m.holder_label,
                        m.due_date.isoformat() if m.due_date else "",
                        str(m.responsible_agent),
                        {True: "已化解", False: "未化解", None: ""}[m.resolved],
                    )
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="matters.csv"'
    return response


def clock_local(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


# ---------------------------------------------------------------------------------------------- detail


@require_GET
def matter_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    matter = _matter_or_404(user, pk, for_page=True)
    return render(request, "matters/detail.html", _detail_context(user, matter))


def _detail_context(user: User, matter: Matter) -> dict[str, Any]:
    """``matter`` comes from ``_matter_or_404(..., for_page=True)``: its relations are prefetched."""
    today = clock.today()
    tasks = list(matter.tasks.all())
    recused = matter.recusals.filter(user=user).exists()
    deadlines = [
        {
            "row": d,
            "window": d.step in WINDOW_STEPS,
            "state": "" if d.step in WINDOW_STEPS else due_status(d.due_date, today).value,
        }
        for d in matter.deadlines.all()
        if d.is_open
    ]
    available = available_actions(user, matter, recused=recused)
    return {
        "matter": matter,
        "links": list(matter.petitioner_links.select_related("petitioner")),
        "events": list(matter.events.select_related("actor").order_by("seq")),
        "deadlines": deadlines,
        "tasks": tasks,
        "opinions": list(matter.opinions.select_related("unit").all()),
        "mediations": list(matter.mediations.all()),
        "reviews": list(matter.reviews.all()),
        "attachments": list(matter.attachments.all()),
        "leaders": list(matter.leaders.all()),
        "available": _ordered(available),
        "can_reveal": _can_reveal(user, matter, recused=recused),
        "recused": recused,
    }


# The step that moves the matter forward comes first and is the highlighted button.
_PRIMARY = [
    "route",
    "accept",
    "reply",
    "reply_local",
    "decide_review",
    "feedback",
    "follow_up",
    "close",
    "answer",
    "start_local",
    "escalate",
    "submit_part",
]


def _ordered(available: list[Any]) -> list[tuple[Any, str, bool]]:
    known = [a for a in available if a.action in ACTIONS]
    rank = {name: i for i, name in enumerate(_PRIMARY)}
    known.sort(key=lambda a: rank.get(a.action, len(rank)))
    return [(a, ACTIONS[a.action].label, i == 0 and a.action in rank) for i, a in enumerate(known)]


def _can_reveal(user: User, matter: Matter, *, recused: bool) -> bool:
    """Full ID and phone only for the network that must contact the person (not units, not leaders), and
    never for someone who stepped back from the matter (回避)."""
    if recused:
        return False
    return (user.role in AGENT_ROLES and not matter.is_accusation) or user.pk == matter.received_by_id


@require_POST
def reveal_pii(request: AuthedRequest, pk: int, link_id: int, field: str) -> HttpResponse:
    """Show one full ID or phone number once, logging who saw it (htmx fragment)."""
    user = request.user
    matter = _matter_or_404(user, pk)
    if field not in ("id_number", "phone"):
        raise Http404
    link = MatterPetitioner.objects.select_related("petitioner").filter(pk=link_id, matter=matter).first()
    if link is None:
        raise Http404
    if not _can_reveal(user, matter, recused=matter.recusals.filter(user=user).exists()):
        raise PermissionDenied("您的岗位不能查看完整个人信息。")
    value = reveal(
        actor=user, obj=link.petitioner, field=field, reason=f"办理事项 {matter.number}", ip=_ip(request)
    )
    return render(request, "matters/_revealed.html", {"value": value})


def _ip(request: AuthedRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


@require_GET
def attachment_download(request: AuthedRequest, pk: int, attachment_id: int) -> FileResponse:
    """Serve a stored file with the type sniffed at upload (never one guessed from its name); images
    inline, anything else as a download; sandboxed so that even a disguised file cannot run script."""
    matter = _matter_or_404(request.user, pk)
    attachment = Attachment.objects.filter(pk=attachment_id, matter=matter).first()
    if attachment is None:
        raise Http404
    content_type = (
        attachment.content_type if attachment.content_type in SAFE_TYPES else "application/octet-stream"
    )
    response = FileResponse(
        attachment.file.open("rb"),
        filename=attachment.name,
        as_attachment=not content_type.startswith("image/"),
        content_type=content_type,
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------- actions


@dataclass(frozen=True)
class ActionSpec:
    label: str
    form: type[mf.ActionForm]
    run: Callable[[User, Matter, UnitTask | None, dict[str, Any]], Matter]
    needs_task: bool = False
    danger: bool = False


def _opinion(data: dict[str, Any]) -> dict[str, Any]:
    return {k: data[k] for k in ("outcome", "facts", "reasons", "basis")}


def _v(data: dict[str, Any]) -> int:
    return int(data["version"])


ACTIONS: dict[str, ActionSpec] = {
    "route": ActionSpec(
        "交办事权单位",
        mf.RouteForm,
        lambda u, m, t, d: actions.matter_route(
            actor=u,
            matter_id=m.pk,
            expected_version=_v(d),
            lead_unit=d["lead_unit"],
            lead_instructions=d["lead_instructions"],
            co_units=[(unit, d["co_instructions"]) for unit in d["co_units"]],
        ),
    ),
    "start_local": ActionSpec(
        "就地办理",
        mf.OptionalNoteForm,
        lambda u, m, t, d: actions.matter_start_local(
            actor=u, matter_id=m.pk, expected_version=_v(d), note=d["note"]
        ),
    ),
    "reply_local": ActionSpec(
        "就地办理答复",
        mf.OpinionForm,
        lambda u, m, t, d: actions.matter_reply_local(
            actor=u, matter_id=m.pk, expected_version=_v(d), **_opinion(d)
        ),
    ),
    "answer": ActionSpec(
        "即时答复办结",
        mf.AnswerForm,
        lambda u, m, t, d: actions.matter_answer(
            actor=u, matter_id=m.pk, expected_version=_v(d), answer=d["answer"]
        ),
    ),
    "escalate": ActionSpec(
        "上报上一级",
        mf.NoteForm,
        lambda u, m, t, d: actions.matter_escalate(
            actor=u, matter_id=m.pk, expected_version=_v(d), note=d["note"]
        ),
    ),
    "hand_down": ActionSpec(
        "交由下级办理",
        mf.HandDownForm,
        lambda u, m, t, d: actions.matter_hand_down(
            actor=u, matter_id=m.pk, expected_version=_v(d), to_region=d["to_region"], note=d["note"]
        ),
    ),
    "guide_legal": ActionSpec(
        "引导依法解决",
        mf.GuideForm,
        lambda u, m, t, d: actions.matter_guide_legal(
            actor=u,
            matter_id=m.pk,
            expected_version=_v(d),
            legal_channel=d["legal_channel"],
            guidance=d["guidance"],
        ),
        danger=True,
    ),
    "not_accept": ActionSpec(
        "不予受理",
        mf.NotAcceptForm,
        lambda u, m, t, d: actions.matter_not_accept(
            actor=u, matter_id=m.pk, expected_version=_v(d), reason_kind=d["reason_kind"], reason=d["reason"]
        ),
        danger=True,
    ),
    "accept": ActionSpec(
        "受理交办",
        mf.TaskAcceptForm,
        lambda u, m, t, d: actions.task_accept(
            actor=u, task_id=_task_id(t), expected_version=_v(d), notice_method=d["notice_method"]
        ),
        needs_task=True,
    ),
    "object": ActionSpec(
        "提出异议",
        mf.ObjectForm,
        lambda u, m, t, d: actions.task_object(
            actor=u, task_id=_task_id(t), expected_version=_v(d), reasons=d["reasons"]
        ),
        needs_task=True,
        danger=True,
    ),
    "submit_part": ActionSpec(
        "报送协办意见",
        mf.PartForm,
        lambda u, m, t, d: actions.task_submit_part(
            actor=u, task_id=_task_id(t), expected_version=_v(d), content=d["content"]
        ),
        needs_task=True,
    ),
    "mediate": ActionSpec(
        "记录调解",
        mf.MediateForm,
        lambda u, m, t, d: actions.matter_mediate(
            actor=u,
            matter_id=m.pk,
            expected_version=_v(d),
            participants=d["participants"],
            terms=d["terms"],
            performance_manner=d["performance_manner"],
            performance_deadline=d["performance_deadline"],
            signed=d["signed"],
        ),
    ),
    "extend": ActionSpec(
        "申请延期",
        mf.ExtendForm,
        lambda u, m, t, d: actions.matter_extend(
            actor=u,
            matter_id=m.pk,
            expected_version=_v(d),
            days=d["days"],
            approver=d["approver"],
            reason=d["reason"],
            notified_how=d["notified_how"],
        ),
    ),
    "reply": ActionSpec(
        "出具处理意见书",
        mf.OpinionForm,
        lambda u, m, t, d: actions.matter_reply(
            actor=u, matter_id=m.pk, expected_version=_v(d), **_opinion(d)
        ),
    ),
    "feedback": ActionSpec(
        "反馈办理结果",
        mf.FeedbackForm,
        lambda u, m, t, d: actions.matter_feedback(
            actor=u, matter_id=m.pk, expected_version=_v(d), method=d["method"], note=d["note"]
        ),
    ),
    "follow_up": ActionSpec(
        "回访",
        mf.FollowUpForm,
        lambda u, m, t, d: actions.matter_follow_up(
            actor=u,
            matter_id=m.pk,
            expected_version=_v(d),
            service_satisfaction=d["service_satisfaction"],
            unit_satisfaction=d["unit_satisfaction"],
            method=d["method"],
            note=d["note"],
        ),
    ),
    "close": ActionSpec(
        "办结",
        mf.CloseForm,
        lambda u, m, t, d: actions.matter_close(
            actor=u, matter_id=m.pk, expected_version=_v(d), resolved=d["resolved"], note=d["note"]
        ),
    ),
    "request_review": ActionSpec(
        "登记复查（复核）申请",
        mf.ReviewRequestForm,
        lambda u, m, t, d: actions.matter_request_review(
            actor=u,
            matter_id=m.pk,
            expected_version=_v(d),
            kind=d["kind"],
            requested_on=d["requested_on"],
            reason=d["reason"],
        ),
    ),
    "hearing": ActionSpec(
        "记录听证",
        mf.HearingForm,
        lambda u, m, t, d: actions.matter_hearing(
            actor=u, matter_id=m.pk, expected_version=_v(d), days=d["days"]
        ),
    ),
    "decide_review": ActionSpec(
        "出具复查（复核）意见书",
        mf.OpinionForm,
        lambda u, m, t, d: actions.matter_decide_review(
            actor=u, matter_id=m.pk, expected_version=_v(d), **_opinion(d)
        ),
    ),
    "assign_leaders": ActionSpec(
        "确定包案领导",
        mf.LeadersForm,
        lambda u, m, t, d: actions.matter_assign_leaders(
            actor=u, matter_id=m.pk, expected_version=_v(d), leaders=list(d["leaders"])
        ),
    ),
    "recuse": ActionSpec(
        "申请回避",
        mf.RecusalForm,
        lambda u, m, t, d: actions.matter_recuse(
            actor=u, matter_id=m.pk, expected_version=_v(d), reason=d["reason"], replacement=d["replacement"]
        ),
        danger=True,
    ),
    "press": ActionSpec(
        "催办 / 督办",
        mf.NoteForm,
        lambda u, m, t, d: actions.matter_press(
            actor=u, matter_id=m.pk, expected_version=_v(d), note=d["note"]
        ),
    ),
}


def _task_id(task: UnitTask | None) -> int:
    if task is None:
        raise Http404
    return task.pk


@require_http_methods(["GET", "POST"])
def matter_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    matter = _matter_or_404(user, pk, for_page=True)
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    task = None
    if spec.needs_task:
        task_id = request.POST.get("task") or request.GET.get("task")
        task = (
            UnitTask.objects.filter(pk=task_id or 0, matter=matter).first()
            if task_id and str(task_id).isdigit()
            else None
        )
        if task is None:
            raise Http404
    recused = matter.recusals.filter(user=user).exists()
    allowed = {
        (a.action, a.task.pk if a.task else None) for a in available_actions(user, matter, recused=recused)
    }
    if (action, task.pk if task else None) not in allowed:
        raise PermissionDenied("您现在不能对该事项办理此操作。")
    form = spec.form(request.POST or None, user=user, matter=matter, task=task)
    if request.method == "POST" and form.is_valid():
        try:
            spec.run(user, matter, task, form.cleaned_data)
        except OutOfScope as exc:
            raise Http404 from exc
        except Conflict as exc:
            form.add_error(None, exc.message)
        except NotAllowed as exc:
            form.add_error(None, exc.message)
        except ActionError as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            _merge_errors(form, exc)
        else:
            messages.success(request, f"已{spec.label}。")
            return redirect("matter_detail", pk=matter.pk)
    # 409 when someone else changed the matter meanwhile (the form, with what was typed, is shown again).
    conflict = (
        any("刚刚被他人修改" in e for e in form.non_field_errors()) if request.method == "POST" else False
    )
    status = 200 if request.method == "GET" else (409 if conflict else 400)
    return render(
        request,
        "matters/action.html",
        {"matter": matter, "form": form, "spec": spec, "action": action, "task": task},
        status=status,
    )


def _merge_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error.messages[0] if hasattr(error, "messages") else str(error))
    else:
        for message in exc.messages:
            form.add_error(None, message)


# ---------------------------------------------------------------------------------------------- intake


@require_http_methods(["GET", "POST"])
def matter_intake(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if user.role not in AGENT_ROLES and user.role != Role.LEADER:
        raise PermissionDenied("您的岗位不受理登记信访事项。")
    data = request.POST if request.method == "POST" else None
    form = mf.IntakeForm(data, request.FILES if data is not None else None, user=user)
    formset = mf.PetitionerFormSet(data, prefix="p")
    if data is not None and "add_person" in data:
        # Add a row without losing anything typed: rebuild the formset with one more empty form.
        copy = data.copy()
        raw_total = str(copy.get("p-TOTAL_FORMS", "1"))
        total = int(raw_total) if raw_total.isdigit() else 1
        copy["p-TOTAL_FORMS"] = str(min(total + 1, 5))
        formset = mf.PetitionerFormSet(copy, prefix="p")
        form = mf.IntakeForm(copy, user=user)
        return render(
            request, "matters/intake.html", {"form": form, "formset": formset, "suppress_errors": True}
        )
    if data is not None:
        form_ok, formset_ok = form.is_valid(), formset.is_valid()
        if form_ok and formset_ok:
            people = [
                PetitionerInput(
                    name=f.cleaned_data.get("name", ""),
                    id_number=f.cleaned_data.get("id_number", ""),
                    phone=f.cleaned_data.get("phone", ""),
                    address=f.cleaned_data.get("address", ""),
                    group=f.cleaned_data.get("group") or "other",
                    is_representative=bool(f.cleaned_data.get("is_representative")),
                )
                for f in formset.forms
                if f.has_person()
            ]
            d = form.cleaned_data
            try:
                result = actions.matter_intake(
                    actor=user,
                    petitioners=people,
                    channel=d["channel"],
                    consent=d["consent"],
                    region=d["region"],
                    title=d["title"],
                    content=d["content"],
                    request=d["request"],
                    category=d["category"],
                    purpose=d["purpose"],
                    headcount=d.get("headcount"),
                    leader=d.get("leader"),
                    new_matter_reason=d.get("new_matter_reason", ""),
                )
            except ValidationError as exc:
                _merge_intake_errors(form, formset, exc)
            except ActionError as exc:
                form.add_error(None, exc.message)
            else:
                matter = result.matter
                if result.linked_existing:
                    messages.info(
                        request,
                        f"该信访人已有在办事项 {matter.number}，依《信访工作条例》第十九条已并入原事项，未另行受理。"
                        "如确属新的问题，请返回并填写“另立新事项的理由”。",
                    )
                else:
                    attachments_add(actor=user, matter_id=matter.pk, files=d.get("photos") or [])
                    messages.success(
                        request, f"已受理登记，事项编号 {matter.number}，查询码 {matter.lookup_code}。"
                    )
                return redirect("matter_detail", pk=matter.pk)
    return render(
        request, "matters/intake.html", {"form": form, "formset": formset}, status=400 if data else 200
    )


def _merge_intake_errors(form: forms.Form, formset: Any, exc: ValidationError) -> None:
    person_fields = {"name", "id_number", "phone", "group"}
    error_dict = exc.error_dict if hasattr(exc, "error_dict") else {"__all__": exc.error_list}
    for field, errors in error_dict.items():
        for error in errors:
            message = error.messages[0]
            if field in person_fields:
                index = _person_index(message, len(formset.forms))
                formset.forms[index].add_error(field, message)
            elif field == "petitioners":
                form.add_error(None, message)
            else:
                form.add_error(field if field in form.fields else None, message)


def _person_index(message: str, count: int) -> int:
    import re

    match = re.search(r"第 (\d+) 位", message)
    return min(int(match.group(1)) - 1, count - 1) if match else 0


@require_POST
def petitioner_lookup(request: AuthedRequest) -> HttpResponse:
    """htmx: while typing an ID or phone at intake, show the person's earlier matters in scope."""
    user = request.user
    candidates = [
        str(request.POST.get(k, "")).strip()
        for k in request.POST
        if k.endswith(("-id_number", "-phone")) or k == "term"
    ]
    term = next((v for v in candidates if v), "")
    people: QuerySet[Petitioner] = Petitioner.objects.none()
    if term:
        try:
            q = pii_search_q(term)
        except ValidationError:
            q = None
        if q is not None:
            people = petitioners_for(user).filter(q)
    matters = (
        matters_for(user)
        .filter(petitioners__in=people)
        .select_related("holder_region", "holder_unit")
        .order_by("-received_at")[:10]
        if people
        else []
    )
    return render(
        request,
        "matters/_lookup.html",
        {"people": list(people[:3]), "matters": list(matters), "term": bool(term)},
    )


# ---------------------------------------------------------------------------------------------- petitioners


@require_http_methods(["GET", "POST"])
def petitioner_search(request: AuthedRequest) -> HttpResponse:
    """Find people by ID, phone or name. POST only, so no one's number or name ends up in a URL, the
    browser history or an access log."""
    user = request.user
    form = mf.PetitionerSearchForm(
        request.POST if request.method == "POST" and "term" in request.POST else None
    )
    results: list[Petitioner] = []
    name = (request.POST.get("name") or "").strip() if request.method == "POST" else ""
    if name:
        results = list(petitioners_for(user).filter(name__startswith=name).order_by("name", "id")[:50])
    elif request.method == "POST" and form.is_valid():
        try:
            q = pii_search_q(form.cleaned_data["term"])
        except ValidationError as exc:
            form.add_error("term", exc.messages[0])
            q = None
        if q is None and not form.errors:
            form.add_error("term", "请输入有效的身份证号码或联系电话。")
        elif q is not None:
            results = list(petitioners_for(user).filter(q)[:20])
    return render(request, "matters/petitioner_search.html", {"form": form, "results": results, "name": name})


@require_GET
def petitioner_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    person = petitioners_for(user).filter(pk=pk).first()
    if person is None:
        raise Http404
    today = clock.today()
    matters = (
        matters_for(user)
        .filter(petitioners=person)
        .select_related(*_RELATED)
        .prefetch_related("petitioners")
        .order_by("-received_at")
    )
    return render(
        request,
        "matters/petitioner.html",
        {"person": person, "rows": [list_row(m, today) for m in matters]},
    )
