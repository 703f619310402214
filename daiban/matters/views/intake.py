"""受理登记 (intake) and recognising a known person while the agent types a number."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from daiban.accounts.http import AuthedRequest
from daiban.accounts.models import AGENT_ROLES, Role
from daiban.matters import actions
from daiban.matters import forms as mf
from daiban.matters.errors import ActionError, PersonInputError
from daiban.matters.models import Petitioner
from daiban.matters.selectors import matters_for, petitioners_for
from daiban.pii.fields import search_q as pii_search_q


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
        total = int(raw_total) if raw_total.isascii() and raw_total.isdigit() else 1
        copy["p-TOTAL_FORMS"] = str(min(total + 1, 5))
        formset = mf.PetitionerFormSet(copy, prefix="p")
        form = mf.IntakeForm(copy, user=user)
        return render(
            request, "matters/intake.html", {"form": form, "formset": formset, "suppress_errors": True}
        )
    if data is not None:
        form_ok, formset_ok = form.is_valid(), formset.is_valid()
        if form_ok and formset_ok:
            people = [f.to_input() for f in formset.forms if f.has_person()]
            d = form.cleaned_data
            try:
                result = actions.matter_intake(actor=user, petitioners=people, **form.to_kwargs())
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
                    actions.attachments_add(actor=user, matter_id=matter.pk, files=d.get("photos") or [])
                    messages.success(
                        request, f"已受理登记，事项编号 {matter.number}，查询码 {matter.lookup_code}。"
                    )
                return redirect("matter_detail", pk=matter.pk)
    return render(
        request, "matters/intake.html", {"form": form, "formset": formset}, status=400 if data else 200
    )


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
            form.add_error(field if field in form.fields else None, message)


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
