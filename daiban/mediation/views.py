"""Pages of the mediation dossier: the dossier of a matter (sessions, agreements with their 调解协议书,
司法确认, each obligation's performance, the dossier's events), recording a session, drafting and editing an
agreement (parties and obligations as repeated rows), a change after signing (变更协议), 司法确认 and
performance records. The matter page's 调解卷宗 section and the hint shown to whoever closes the matter are in
``reading``.

Every page fetches the matter through ``matters_for`` (outside scope 404); writing needs
``selectors.may_write`` (else 403, so supervisors and leaders not on the matter only read); a form loaded
before someone else changed the record answers 409 with everything typed kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from daiban.accounts.http import AuthedRequest
from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters.errors import ActionError, Conflict, OutOfScope
from daiban.matters.models import Matter
from daiban.matters.views.actions import merge_errors, run_action
from daiban.mediation import actions, selectors
from daiban.mediation.forms import (
    AgreementForm,
    EditAgreementForm,
    JudicialForm,
    ObligationFormSet,
    PartyFormSet,
    PerformForm,
    ReviseForm,
    SessionForm,
)
from daiban.mediation.models import (
    JUDICIAL_DECIDED,
    Agreement,
    AgreementStatus,
    Dossier,
    MediationSession,
    ObligationStatus,
    PartyRole,
)
from daiban.mediation.reading import agreement_views, dossier_url

T = TypeVar("T")
MAX_ID = 2**63 - 1

NOT_SIGNED = "调解协议尚未签署生效。"
REPLACED = "该调解协议已被变更协议取代。"


# ------------------------------------------------------------------------------------------- helpers


def _pk(pk: int) -> int:
    if pk > MAX_ID:
        raise Http404
    return pk


def _matter_or_404(user: User, pk: int) -> Matter:
    matter = selectors.matter_for(user, _pk(pk))
    if matter is None:
        raise Http404
    return matter


def _require_writer(user: User, matter: Matter) -> None:
    refusal = selectors.write_refusal(user, matter)
    if refusal is not None:
        raise PermissionDenied(refusal)


def _agreement_or_404(user: User, pk: int) -> Agreement:
    found = selectors.agreements_for(user).select_related("matter", "office").filter(pk=_pk(pk)).first()
    if found is None:
        raise Http404
    return found


def _is_stale(posted: object, current: int) -> bool:
    raw = str(posted or "").strip()
    return raw.isascii() and raw.isdigit() and len(raw) <= 18 and int(raw) < current


def _run(form: forms.Form, call: Callable[[], T]) -> tuple[T | None, int | None]:
    """Call the action; (its result, None), or (None, 400 / 409) with the error on the form."""
    return run_action(form, call)


def _versioned_page(
    request: AuthedRequest,
    *,
    row_version: int,
    allowed: str | None,
    form: forms.Form,
    perform: Callable[[Any], Any],
    template: str,
    context: dict[str, Any],
    done: str,
    done_url: str,
) -> HttpResponse:
    """A page that changes an existing record: 403 when it may not be changed now (``allowed`` is the
    reason) unless the form is stale (then 409, everything typed kept); the action's refusal 400."""
    stale = request.method == "POST" and _is_stale(request.POST.get("version"), row_version)
    if allowed is not None and not stale:
        raise PermissionDenied(allowed)
    if request.method != "POST":
        return render(request, template, {**context, "form": form})
    valid = form.is_valid()
    if stale:
        form.add_error(None, Conflict().message)
        status = 409
    elif valid:
        result, failed = _run(form, lambda: perform(form))
        if result is not None:
            messages.success(request, done)
            return redirect(done_url)
        status = failed or 400
    else:
        status = 400
    return render(request, template, {**context, "form": form}, status=status)


# ------------------------------------------------------------------------------------------ reading


def _sessions(dossier: Dossier | None) -> list[MediationSession]:
    if dossier is None:
        return []
    return list(
        dossier.sessions.select_related("recorded_by")
        .prefetch_related("mediators")
        .order_by("-held_at", "-id")
    )


@require_GET
def dossier(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    matter = _matter_or_404(user, pk)
    found = selectors.dossier_of(matter.pk)
    can_write = selectors.may_write(user, matter)
    start_refusal = selectors.may_start(matter)
    rows = agreement_views(matter.pk, can_write, can_write and start_refusal is None)
    has_draft = any(r["agreement"].status == AgreementStatus.DRAFT for r in rows)
    context = {
        "matter": matter,
        "dossier": found,
        "sessions": _sessions(found),
        "agreements": rows,
        "events": list(found.events.select_related("actor").order_by("-seq")) if found else [],
        "can_write": can_write,
        "can_start": can_write and start_refusal is None,
        "start_refusal": start_refusal,
        "can_draft": can_write and start_refusal is None and not has_draft,
        "old_mediations": list(matter.mediations.order_by("mediated_at")),
        "kind": selectors.KIND,
    }
    return render(request, "mediation/dossier.html", context)


# ------------------------------------------------------------------------------------------- sessions


@require_http_methods(["GET", "POST"])
def session_new(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    matter = _matter_or_404(user, pk)
    _require_writer(user, matter)
    refusal = selectors.may_start(matter)
    if refusal is not None and request.method != "POST":
        raise PermissionDenied(refusal)
    initial: dict[str, Any] = {
        "held_on": clock.today(),
        "held_time": timezone.localtime(clock.now()).strftime("%H:%M"),
    }
    if request.method != "POST":
        last = MediationSession.objects.filter(dossier__matter_id=matter.pk).order_by("-held_at").first()
        if last is not None:
            initial |= {"place": last.place, "mediator_names": last.mediator_names}
            initial["mediators"] = [u.pk for u in last.mediators.all()]
        else:
            initial["mediators"] = [user.pk]
    form = SessionForm(request.POST or None, matter=matter, initial=initial)
    status = 200
    if request.method == "POST" and refusal is not None:
        # The matter was closed (or became unfit) while the form was open: what was typed comes back.
        form.is_valid()
        form.add_error(None, refusal)
        return render(request, "mediation/session_form.html", {"matter": matter, "form": form}, status=409)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            made, failed = _run(
                form, lambda: actions.session_record(actor=user, matter_id=matter.pk, **form.to_kwargs())
            )
            if made is not None:
                messages.success(request, "已记录本次调解。")
                return redirect(dossier_url(matter.pk))
            status = failed or 400
    return render(request, "mediation/session_form.html", {"matter": matter, "form": form}, status=status)


# ------------------------------------------------------------------------------------------ agreements


def _bump_total(data: QueryDict, prefix: str, cap: int) -> QueryDict:
    copy = data.copy()
    raw = str(copy.get(f"{prefix}-TOTAL_FORMS", "0"))
    total = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 6 else 0
    copy[f"{prefix}-TOTAL_FORMS"] = str(min(total + 1, cap))
    return copy


Content = tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]


def _initial_content(matter: Matter, user: User) -> Content:
    """A new agreement starts from the matter and its sessions: the place and mediators of the last
    session, the petitioner (the representative first) as 甲方, the matter's content as its facts and its
    request as the dispute."""
    sessions = list(
        MediationSession.objects.filter(dossier__matter_id=matter.pk).prefetch_related("mediators")
    )
    last = max(sessions, key=lambda s: s.held_at, default=None)
    mediators = {u.pk for s in sessions for u in s.mediators.all()} or {user.pk}
    main = {
        "committee": f"{matter.region.name}人民调解委员会",
        "place": last.place if last else "",
        "facts": matter.content,
        "issues": matter.request,
        "mediators": sorted(mediators),
        "mediator_names": last.mediator_names if last else "",
    }
    link = matter.petitioner_links.select_related("petitioner").order_by("-is_representative", "id").first()
    first = {"name": link.petitioner.name, "petitioner": link.petitioner_id} if link else {}
    parties: list[dict[str, Any]] = [first, {}]
    obligations: list[dict[str, Any]] = [{"party_role": PartyRole.B}]
    return main, parties, obligations


def _existing_content(a: Agreement) -> Content:
    main = {
        "committee": a.committee,
        "place": a.place,
        "facts": a.facts,
        "issues": a.issues,
        "other_terms": a.other_terms,
        "mediators": [u.pk for u in a.mediators.all()],
        "mediator_names": a.mediator_names,
        "version": a.version,
    }
    parties = [
        {"name": p.name, "description": p.description, "petitioner": p.petitioner_id} for p in a.parties.all()
    ]
    obligations = [
        {"party_role": o.party.role, "what": o.what, "manner": o.manner, "deadline": o.deadline}
        for o in a.obligations.select_related("party")
    ]
    return main, parties, obligations


def _merge_row_errors(form: forms.Form, rows: dict[str, tuple[Any, list[int]]], exc: ValidationError) -> None:
    """A row's error on that row's field (its index among the rows sent); the others on the main form
    (those about the rows as a whole, such as too few parties, at its top)."""
    if isinstance(exc, actions.RowError) and exc.rows in rows:
        formset, indices = rows[exc.rows]
        if indices:
            target = formset.forms[indices[min(exc.index, len(indices) - 1)]]
            field = exc.field if exc.field in target.fields else None
            target.add_error(field, exc.messages[0])
            return
    merge_errors(form, exc)


def _agreement_page(
    request: AuthedRequest, matter: Matter, agreement: Agreement | None, refusal: str | None = None
) -> HttpResponse:
    """``refusal``: the matter changed while the form was open (closed, or another draft saved): the form
    comes back with what was typed and the reason (409), nothing saved."""
    user = request.user
    form_class: Any = EditAgreementForm if agreement is not None else AgreementForm
    title = f"修改{agreement.label}" if agreement is not None else "起草调解协议"
    context: dict[str, Any] = {"matter": matter, "agreement": agreement, "title": title}
    if agreement is not None:
        doc = selectors.valid_documents(matter.pk, [agreement]).get(agreement.pk)
        context["document"] = doc
    if request.method != "POST":
        main, first_parties, first_obligations = (
            _existing_content(agreement) if agreement is not None else _initial_content(matter, user)
        )
        return render(
            request,
            "mediation/agreement_form.html",
            {
                **context,
                "form": form_class(matter=matter, initial=main),
                "parties": PartyFormSet(
                    prefix="party", initial=first_parties, form_kwargs={"matter": matter}
                ),
                "obligations": ObligationFormSet(prefix="ob", initial=first_obligations),
            },
        )
    data = request.POST
    for button, prefix, cap in (("add_party", "party", 5), ("add_obligation", "ob", 20)):
        if button in data:
            copy = _bump_total(data, prefix, cap)
            return render(
                request,
                "mediation/agreement_form.html",
                {
                    **context,
                    "form": form_class(copy, matter=matter),
                    "parties": PartyFormSet(copy, prefix="party", form_kwargs={"matter": matter}),
                    "obligations": ObligationFormSet(copy, prefix="ob"),
                    "suppress_errors": True,
                },
            )
    form = form_class(data, matter=matter)
    parties = PartyFormSet(data, prefix="party", form_kwargs={"matter": matter})
    if refusal is not None:
        refused = {
            **context,
            "refusal": refusal,
            "form": form,
            "parties": parties,
            "obligations": ObligationFormSet(data, prefix="ob"),
            "suppress_errors": True,
        }
        return render(request, "mediation/agreement_form.html", refused, status=409)
    obligations = ObligationFormSet(data, prefix="ob")
    shown = {**context, "form": form, "parties": parties, "obligations": obligations}
    stale = agreement is not None and _is_stale(data.get("version"), agreement.version)
    if agreement is not None and agreement.status != AgreementStatus.DRAFT and not stale:
        raise PermissionDenied("调解协议已签署生效，不能修改；各方同意变更的，请起草变更协议。")
    status = 400
    valid = form.is_valid() & parties.is_valid() & obligations.is_valid()
    if stale:
        form.add_error(None, Conflict().message)
        status = 409
    elif valid:
        party_rows = [i for i, f in enumerate(parties.forms) if f.has_content()]
        ob_rows = [i for i, f in enumerate(obligations.forms) if f.has_content()]
        content = {
            **form.content_kwargs(),
            "parties": [
                parties.forms[i].to_input(PartyRole.values[i] if i < len(PartyRole.values) else "")
                for i in party_rows
            ],
            "obligations": [obligations.forms[i].to_input() for i in ob_rows],
        }
        try:
            if agreement is None:
                saved = actions.agreement_draft(actor=user, matter_id=matter.pk, **content)
            else:
                saved = actions.agreement_edit(
                    actor=user, agreement_id=agreement.pk, expected_version=form.expected_version, **content
                )
        except OutOfScope as exc:
            raise Http404 from exc
        except Conflict as exc:
            form.add_error(None, exc.message)
            status = 409
        except ActionError as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            _merge_row_errors(
                form, {"parties": (parties, party_rows), "obligations": (obligations, ob_rows)}, exc
            )
        else:
            doc = context.get("document")
            if doc is not None:
                messages.success(
                    request,
                    f"已保存{saved.label}。协议书 {doc.number} 已出具：请在文书页“更正”生成新版本，再请各方签署。",
                )
            else:
                messages.success(request, f"已保存{saved.label}。请预览并出具调解协议书，再请各方签署。")
            return redirect(dossier_url(matter.pk))
    return render(request, "mediation/agreement_form.html", shown, status=status)


@require_http_methods(["GET", "POST"])
def agreement_new(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    matter = _matter_or_404(user, pk)
    _require_writer(user, matter)
    refusal = selectors.may_start(matter)
    if (
        refusal is None
        and Agreement.objects.filter(matter_id=matter.pk, status=AgreementStatus.DRAFT).exists()
    ):
        refusal = "本事项已有一份待签署的调解协议，请修改或签署该协议。"
    if refusal is not None:
        if request.method != "POST":
            raise PermissionDenied(refusal)
        return _agreement_page(request, matter, None, refusal=refusal)  # typed meanwhile: kept
    return _agreement_page(request, matter, None)


@require_http_methods(["GET", "POST"])
def agreement_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    agreement = _agreement_or_404(user, pk)
    matter = _matter_or_404(user, agreement.matter_id)
    _require_writer(user, matter)
    stale = request.method == "POST" and _is_stale(request.POST.get("version"), agreement.version)
    if not stale:
        if agreement.status != AgreementStatus.DRAFT:
            raise PermissionDenied("调解协议已签署生效，不能修改；各方同意变更的，请起草变更协议。")
        reason = selectors.may_start(matter)
        if reason is not None:
            raise PermissionDenied(reason)
    return _agreement_page(request, matter, agreement)


@require_http_methods(["GET", "POST"])
def agreement_revise(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    agreement = _agreement_or_404(user, pk)
    matter = _matter_or_404(user, agreement.matter_id)
    _require_writer(user, matter)
    allowed = None
    if agreement.status != AgreementStatus.SIGNED:
        allowed = "只有已签署生效的调解协议可以变更；未签署的协议请直接修改。"
    elif selectors.may_start(matter) is not None:
        allowed = selectors.may_start(matter)
    elif Agreement.objects.filter(matter_id=matter.pk, status=AgreementStatus.DRAFT).exists():
        allowed = "本事项已有一份待签署的调解协议，请修改或签署该协议。"
    form = ReviseForm(request.POST or None, initial={"version": agreement.version})
    return _versioned_page(
        request,
        row_version=agreement.version,
        allowed=allowed,
        form=form,
        perform=lambda f: actions.agreement_revise(
            actor=user, agreement_id=agreement.pk, expected_version=f.expected_version, **f.to_kwargs()
        ),
        template="mediation/revise.html",
        context={"matter": matter, "agreement": agreement, "title": "起草变更协议"},
        done="已起草变更协议：请修改后出具并签署；签署后取代原协议。",
        done_url=dossier_url(matter.pk),
    )


# ----------------------------------------------------------------------------------- after signing


def _in_force_refusal(agreement: Agreement) -> str | None:
    if agreement.status == AgreementStatus.DRAFT:
        return NOT_SIGNED
    if agreement.status == AgreementStatus.SUPERSEDED:
        return REPLACED
    return None


@require_http_methods(["GET", "POST"])
def judicial(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    agreement = _agreement_or_404(user, pk)
    matter = _matter_or_404(user, agreement.matter_id)
    _require_writer(user, matter)
    allowed = _in_force_refusal(agreement)
    if allowed is None and agreement.judicial_status in JUDICIAL_DECIDED:
        allowed = "人民法院已作出裁定，司法确认情况不能再更改。"
    initial = {
        "version": agreement.version,
        "status": agreement.judicial_status or "",
        "court": agreement.judicial_court,
        "applied_on": agreement.judicial_applied_on,
        "note": agreement.judicial_note,
    }
    form = JudicialForm(request.POST or None, initial=initial)
    return _versioned_page(
        request,
        row_version=agreement.version,
        allowed=allowed,
        form=form,
        perform=lambda f: actions.judicial_record(
            actor=user, agreement_id=agreement.pk, expected_version=f.expected_version, **f.to_kwargs()
        ),
        template="mediation/judicial.html",
        context={
            "matter": matter,
            "agreement": agreement,
            "title": "登记司法确认",
            "window": selectors.judicial_text(agreement, clock.today()),
        },
        done="已登记司法确认情况。",
        done_url=dossier_url(matter.pk),
    )


@require_http_methods(["GET", "POST"])
def perform(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    ob = selectors.obligations_for(user).select_related("agreement", "party").filter(pk=_pk(pk)).first()
    if ob is None:
        raise Http404
    agreement = ob.agreement
    matter = _matter_or_404(user, agreement.matter_id)
    _require_writer(user, matter)
    allowed = _in_force_refusal(agreement)
    if allowed is None and ob.status in (ObligationStatus.DONE, ObligationStatus.LATE):
        allowed = "该义务已登记履行完毕。"
    form = PerformForm(request.POST or None, initial={"version": agreement.version})
    today = clock.today()
    return _versioned_page(
        request,
        row_version=agreement.version,
        allowed=allowed,
        form=form,
        perform=lambda f: actions.performance_record(
            actor=user, obligation_id=ob.pk, expected_version=f.expected_version, **f.to_kwargs()
        ),
        template="mediation/perform.html",
        context={
            "matter": matter,
            "agreement": agreement,
            "title": "登记履行情况",
            "ob": ob,
            "state": selectors.STATE_LABELS[selectors.obligation_state(ob, today)],
            "records": list(ob.performances.select_related("recorded_by")),
        },
        done="已登记履行情况。",
        done_url=dossier_url(matter.pk),
    )
