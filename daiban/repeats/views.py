"""The intake's likely-repeats panel (htmx, POST: the numbers typed never enter a URL), the agent's
answer on the matter page, and what the merge (并案) shows: both matters side by side above its form, and
the merged matters on the earlier matter's page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from daiban.accounts.http import AuthedRequest
from daiban.accounts.models import User
from daiban.matters.choices import ClosureKind
from daiban.matters.errors import ActionError, OutOfScope
from daiban.matters.models import Attachment, Matter
from daiban.matters.selectors import matters_for
from daiban.network import jurisdiction
from daiban.pii.fields import search_q
from daiban.repeats import actions, rules, selectors
from daiban.repeats.models import DecisionKind, RepeatDecision
from daiban.repeats.wiring import may_decide

MAX_ID = 2**63 - 1
MAX_TEXT = 4000


def _person_q(post: QueryDict) -> Q | None:
    """The petitioners typed in the intake form, as a blind-index filter on matters (None: no number)."""
    q = Q()
    for key in list(post.keys())[:40]:
        if key.endswith(("-id_number", "-phone")):
            value = str(post.get(key, "")).strip()[:32]
            found = search_q(value, prefix="petitioners__") if value else None
            if found is not None:
                q |= found
    return q or None


@require_POST
def candidates(request: AuthedRequest) -> HttpResponse:
    """htmx from the intake form: at most five likely repeats within the agent's jurisdiction."""
    user = request.user
    if not may_decide(user):
        raise PermissionDenied("您的岗位不受理登记信访事项。")
    post = request.POST
    text = (str(post.get("title", "")) + str(post.get("content", "")))[:MAX_TEXT]
    raw_region = str(post.get("region", ""))
    region_id = None
    if raw_region.isascii() and raw_region.isdigit() and len(raw_region) < 12:
        region_id = (
            jurisdiction.regions_for(user).filter(pk=int(raw_region)).values_list("pk", flat=True).first()
        )
    found = selectors.candidates(user, text=text, region_id=region_id, person_q=_person_q(post))
    return render(request, "repeats/_candidates.html", {"candidates": found})


class DecideForm(forms.Form):
    kind = forms.ChoiceField(choices=DecisionKind.choices)
    reason = forms.CharField(max_length=200, required=False)


@require_POST
def decide(request: AuthedRequest, pk: int, candidate: int) -> HttpResponse:
    """是重复信访 / 不是重复: the agent's answer for one candidate shown on the matter page."""
    if pk > MAX_ID or candidate > MAX_ID:
        raise Http404
    user = request.user
    form = DecideForm(request.POST)
    if not form.is_valid():
        return HttpResponse("请选择确认结果。", status=400, content_type="text/plain; charset=utf-8")
    action = (
        actions.repeat_link if form.cleaned_data["kind"] == DecisionKind.LINK else actions.repeat_declare_new
    )
    try:
        decision = action(
            actor=user,
            matter_id=pk,
            candidate_id=candidate,
            reason=form.cleaned_data["reason"],
        )
    except OutOfScope as exc:
        raise Http404 from exc
    except ActionError as exc:
        if not may_decide(user):
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
        return redirect("matter_detail", pk=pk)
    except forms.ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("matter_detail", pk=pk)
    messages.success(request, f"已确认：{decision.get_kind_display()}（事项 {decision.candidate.number}）。")
    return redirect("matter_detail", pk=pk)


# ------------------------------------------------------------------------------------------ 并案


@dataclass(frozen=True)
class Brief:
    """One matter as the merge shows it: enough to compare the two, names masked."""

    matter: Matter
    names: str
    attachments: int
    merged_at: datetime.datetime | None = None
    reason: str = ""


def _briefs(matters: list[Matter], **extra: dict[int, Any]) -> list[Brief]:
    names = selectors.names_of([m.pk for m in matters])
    counts = dict(
        Attachment.objects.filter(matter_id__in=[m.pk for m in matters])
        .values("matter_id")
        .annotate(n=Count("id"))
        .values_list("matter_id", "n")
    )
    return [
        Brief(
            m,
            names.get(m.pk, ""),
            counts.get(m.pk, 0),
            **{k: v.get(m.pk) for k, v in extra.items()},  # type: ignore[arg-type]
        )
        for m in matters
    ]


def merge_hint(user: User, matter: Matter) -> dict[str, Any] | None:
    """Above the form of 并入原事项: the new matter and each earlier matter it may be merged into, side by
    side, so that nothing is merged without both being seen."""
    targets = list(rules.merge_targets(user, matter)[:20])
    if not targets:
        return None
    mine, *theirs = _briefs([matter, *targets])
    return {"new": mine, "targets": theirs}


def merged_panel(user: User, matter: Matter) -> dict[str, Any] | None:
    """并入本事项的事项 on the earlier matter's page (each opens with its petitioners, content and files), or
    on the merged matter's page the matter it went into."""
    if matter.closure_kind != ClosureKind.MERGED and not matter.repeat_visits:
        # Only a matter merged away, or one counted as repeated (a merge follows a link, and the link
        # counted the visit), can be in a merge: most matter pages ask nothing here.
        return None
    rows = list(
        RepeatDecision.objects.filter(merged_at__isnull=False)
        .filter(Q(matter_id=matter.pk) | Q(candidate_id=matter.pk))
        .values_list("matter_id", "candidate_id", "merged_at", "merge_reason")
    )
    if not rows:
        return None
    # The other matter of each merge: where this one went, or what went into this one.
    other = {(c if m == matter.pk else m): (m == matter.pk, at, why) for m, c, at, why in rows}
    visible = list(
        matters_for(user).filter(pk__in=other).select_related("region").order_by("received_at", "id")
    )
    if not visible:
        return None
    at = {pk: when for pk, (_, when, _) in other.items()}
    why = {pk: reason for pk, (_, _, reason) in other.items()}
    shown = _briefs(visible, merged_at=at, reason=why)
    return {
        "into": [b for b in shown if other[b.matter.pk][0]],
        "merged": [b for b in shown if not other[b.matter.pk][0]],
    }
