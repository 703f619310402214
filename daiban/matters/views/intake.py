"""受理登记 (intake) and recognising a known person while the agent types a number."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from daiban.accounts.http import AuthedRequest
from daiban.accounts.models import AGENT_ROLES, Role
from daiban.core import clock
from daiban.matters import actions, origins, panels, uploads
from daiban.matters import forms as mf
from daiban.matters.errors import ActionError, PersonInputError, RepeatVisitUndecided
from daiban.matters.models import Matter, Petitioner
from daiban.matters.selectors import matters_for, open_matters_of, petitioners_for
from daiban.pii.fields import search_q as pii_search_q


@require_http_methods(["GET", "POST"])
def matter_intake(request: AuthedRequest) -> HttpResponse:
    """受理登记. Whatever is typed or uploaded survives every re-display of the form: a field to correct,
    a person added, or the art. 19 question (a repeat visit on an open matter, or a new matter)."""
    user = request.user
    if user.role not in AGENT_ROLES and user.role != Role.LEADER:
        raise PermissionDenied("您的岗位不受理登记信访事项。")
    raw_origin = str((request.POST if request.method == "POST" else request.GET).get("origin", ""))
    came_from = origins.prefill(user, raw_origin) if raw_origin else None
    if raw_origin and came_from is None and request.method != "POST":
        raise Http404  # an origin this user may not see, or none at all
    # On a POST the record may have changed meanwhile (resolved, cancelled, handed over): the intake
    # action refuses the origin on its field and the form is shown again with everything kept.
    shown_origin = {"origin": came_from, "intake_panels": panels.intake_templates()}
    if request.method != "POST":
        form = mf.IntakeForm(
            user=user, initial={**(came_from.initial if came_from else {}), "origin": raw_origin}
        )
        return render(
            request,
            "matters/intake.html",
            {
                "form": form,
                "formset": mf.PetitionerFormSet(
                    prefix="p", initial=(came_from.people or None) if came_from else None
                ),
                **shown_origin,
            },
        )
    data = request.POST
    kept_files, kept = uploads.redeem(data.getlist("kept"), user)
    if "add_person" in data:
        # Add a row without losing anything typed: rebuild the formset with one more empty form.
        copy = data.copy()
        raw_total = str(copy.get("p-TOTAL_FORMS", "1"))
        total = int(raw_total) if raw_total.isascii() and raw_total.isdigit() else 1
        copy["p-TOTAL_FORMS"] = str(min(total + 1, 5))
        form = mf.IntakeForm(copy, user=user)
        kept += _keep_new_uploads(mf.IntakeForm(data, request.FILES, user=user, kept_files=kept_files), user)
        shown = {
            "form": form,
            "formset": mf.PetitionerFormSet(copy, prefix="p"),
            "suppress_errors": True,
            **shown_origin,
        }
        return render(request, "matters/intake.html", {**shown, "kept": kept})
    form = mf.IntakeForm(data, request.FILES, user=user, kept_files=kept_files)
    formset = mf.PetitionerFormSet(data, prefix="p")
    context: dict[str, Any] = {"form": form, "formset": formset, **shown_origin}
    if form.is_valid() & formset.is_valid():
        people = [f.to_input() for f in formset.forms if f.has_person()]
        files = [*kept_files, *(form.cleaned_data.get("photos") or [])]
        try:
            result = actions.matter_intake(actor=user, petitioners=people, **form.to_kwargs())
        except RepeatVisitUndecided as exc:
            context["decision_matters"] = decision_options(exc.matters)
            context["chosen_decision"] = str(data.get("decision", ""))
        except ValidationError as exc:
            _merge_intake_errors(form, formset, exc)
            if "origin" in getattr(exc, "error_dict", {}):
                _drop_origin(form)
                context["origin"] = None
        except ActionError as exc:
            form.add_error(None, exc.message)
        else:
            matter = result.matter
            actions.attachments_add(actor=user, matter_id=matter.pk, files=files)
            uploads.discard(data.getlist("kept"), user)
            if result.linked_existing:
                messages.success(
                    request,
                    f"已作为事项 {matter.number} 的重复来访登记（《信访工作条例》第十九条），"
                    "本次反映的内容" + ("和材料" if files else "") + "已记入该事项。",
                )
            else:
                messages.success(
                    request, f"已受理登记，事项编号 {matter.number}，查询码 {matter.lookup_code}。"
                )
            return redirect("matter_detail", pk=matter.pk)
    kept += _keep_new_uploads(form, user)
    status = 200 if "decision_matters" in context else 400
    return render(request, "matters/intake.html", {**context, "kept": kept}, status=status)


def _drop_origin(form: mf.IntakeForm) -> None:
    """The record this intake came from can no longer be linked: say so, and re-show the form without it
    (everything typed kept), so that a second submit registers the matter on its own — or the agent
    cancels."""
    data = cast(QueryDict, form.data).copy()  # a bound form's data is the request's QueryDict
    data["origin"] = ""
    form.data = data
    form.add_error(None, "再次提交将不再关联该记录，作为一般信访事项登记；如不需要登记，请点“取消”。")


def decision_options(matters: Sequence[Matter]) -> list[tuple[str, Matter]]:
    """The radio values of the art. 19 question, one per open matter."""
    return [(f"repeat:{m.pk}", m) for m in matters]


def _keep_new_uploads(form: mf.IntakeForm, user: Any) -> list[uploads.Kept]:
    """Keep this submission's valid uploads aside so that the re-shown form still carries them."""
    field = form.fields["photos"]
    try:
        files = field.clean(form.files.getlist("photos"))
        form.check_quota(files)
    except ValidationError:
        return []  # the field shows its own error (a file, or over a quota); nothing valid to keep
    return uploads.keep(files, user)


def _merge_intake_errors(form: forms.Form, formset: Any, exc: ValidationError) -> None:
    """A person's error goes on that person's row and field; the others on the form."""
    if isinstance(exc, PersonInputError):
        index = min(exc.index, len(formset.forms) - 1)
        formset.forms[index].add_error(exc.field, exc.messages[0])
        return
    error_dict = exc.error_dict if hasattr(exc, "error_dict") else {"__all__": exc.error_list}
    for field, errors in error_dict.items():
        for error in errors:
            message = error.messages[0]
            shown = field in form.fields and not form.fields[field].widget.is_hidden
            form.add_error(field if shown else None, message)


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
    open_ones = list(open_matters_of(user, people, today=clock.today())) if people else []
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
        {
            "people": list(people[:3]),
            "matters": list(matters),
            "term": bool(term),
            "decision_matters": decision_options(open_ones),
        },
    )
