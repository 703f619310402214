"""The matter page: what happened, what is due, and the buttons the user may press now; revealing a
number (logged) and downloading an attachment (sandboxed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from daiban.accounts.http import AuthedRequest
from daiban.accounts.login_throttle import client_ip
from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.core import clock
from daiban.matters import origins, panels, rules, workflow
from daiban.matters.attachments import SAFE_TYPES
from daiban.matters.deadlines import WINDOW_STEPS
from daiban.matters.models import Attachment, Matter, MatterPetitioner
from daiban.matters.views.access import matter_or_404
from daiban.pii.services import RevealLimitExceeded, reveal
from daiban.workcal.calendar import due_status


@require_GET
def matter_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    matter = matter_or_404(user, pk, for_page=True)
    return render(request, "matters/detail.html", _detail_context(user, matter))


def _detail_context(user: User, matter: Matter) -> dict[str, Any]:
    """``matter`` comes from ``matter_or_404(..., for_page=True)``: its relations are prefetched."""
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
    available = workflow.available(user, matter, recused=recused)
    return {
        "matter": matter,
        "links": list(matter.petitioner_links.select_related("petitioner")),
        "events": [
            (e, workflow.event_texts(e.kind, e.details))
            for e in matter.events.select_related("actor").order_by("seq")
        ],
        "deadlines": deadlines,
        "tasks": tasks,
        "opinions": list(matter.opinions.all()),
        "mediations": list(matter.mediations.all()),
        # The lookup code is the petitioner's secret: the network's own staff hand it out, nobody else sees it.
        "show_lookup_code": user.role in rules.HOLDER_ROLES,
        "reviews": list(matter.reviews.all()),
        "attachments": list(matter.attachments.all()),
        "leaders": list(matter.leaders.all()),
        "available": available,
        "can_reveal": _revealable(user, matter, recused=recused),
        "recused": recused,
        "origins": origins.links_for(user, matter),
        "panels": panels.panels_for(user, matter),
    }


REVEAL_FIELDS = ("id_number", "phone")


def _can_reveal(user: User, matter: Matter, *, recused: bool, field: str) -> bool:
    """Full numbers only for whoever must contact the person, and never for someone who stepped back from
    the matter (回避): the network's agents (not on an accusation) and the user who took the matter in see
    both numbers; the handler of the lead unit's open task (待受理/办理中) sees the phone only, to give the
    acceptance notice and reach the petitioner — never the ID number (on an accusation that unit is the
    discipline body handling it). Co-units, leaders, supervisors and administrators see masked numbers."""
    if recused or field not in REVEAL_FIELDS:
        return False
    if (user.role in AGENT_ROLES and not matter.is_accusation) or user.pk == matter.received_by_id:
        return True
    if field == "phone" and user.role == Role.UNIT_HANDLER and user.unit_id is not None:
        task = rules.lead_task(matter)
        return task is not None and task.unit_id == user.unit_id
    return False


# What the reveal form offers; the choice (and the note) is stored in the reveal log with the matter number.
REVEAL_REASONS = [
    ("notify", "联系信访人告知办理情况"),
    ("acceptance", "送达受理告知"),
    ("visit", "反馈或回访"),
    ("verify", "核实身份"),
    ("other", "其他（请说明）"),
]


@dataclass(frozen=True)
class RevealOffer:
    """What the page offers to reveal: ``"phone" in offer`` in a template; false when nothing is."""

    fields: frozenset[str]
    reasons: tuple[tuple[str, str], ...] = tuple(REVEAL_REASONS)

    def __contains__(self, field: object) -> bool:
        return field in self.fields

    def __bool__(self) -> bool:
        return bool(self.fields)


def _revealable(user: User, matter: Matter, *, recused: bool) -> RevealOffer:
    """The fields whose full value ``user`` may ask to see on this matter."""
    return RevealOffer(
        frozenset(f for f in REVEAL_FIELDS if _can_reveal(user, matter, recused=recused, field=f))
    )


class RevealForm(forms.Form):
    reason = forms.ChoiceField(
        label="查看事由",
        choices=[("", "请选择事由"), *REVEAL_REASONS],
        error_messages={"required": "请选择查看事由。", "invalid_choice": "请选择查看事由。"},
    )
    note = forms.CharField(label="说明", max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reason") == "other" and not data.get("note"):
            self.add_error("note", "选择“其他”时请说明查看事由。")
        return data

    def reason_text(self, matter: Matter) -> str:
        key, note = self.cleaned_data["reason"], self.cleaned_data.get("note", "")
        label = "其他" if key == "other" else dict(REVEAL_REASONS)[key]
        return f"{label}{'：' + note if note else ''}（事项 {matter.number}）"


@require_POST
def reveal_pii(request: AuthedRequest, pk: int, link_id: int, field: str) -> HttpResponse:
    """Show one full ID or phone number once (htmx fragment), for a stated reason and within the
    per-person limit; the reveal is logged (who, when, why, from where) and a burst is flagged to the
    supervisors (see ``daiban.pii.services``)."""
    user = request.user
    matter = matter_or_404(user, pk)
    if field not in REVEAL_FIELDS:
        raise Http404
    link = MatterPetitioner.objects.select_related("petitioner").filter(pk=link_id, matter=matter).first()
    if link is None:
        raise Http404
    if not _can_reveal(user, matter, recused=matter.recusals.filter(user=user).exists(), field=field):
        raise PermissionDenied("您的岗位不能查看完整个人信息。")
    form = RevealForm(request.POST)
    context = {
        "matter": matter,
        "link": link,
        "field": field,
        "masked": getattr(link.petitioner, f"{field}_masked"),
        "can_reveal": RevealOffer(frozenset([field])),
        "form": form,
        "open": True,
    }
    if not form.is_valid():
        return render(request, "matters/_reveal.html", context, status=400)
    try:
        value = reveal(
            actor=user,
            obj=link.petitioner,
            field=field,
            reason=form.reason_text(matter),
            ip=client_ip(request),
        )
    except RevealLimitExceeded as exc:
        return render(request, "matters/_reveal.html", {**context, "refused": exc.args[0]}, status=429)
    return render(request, "matters/_revealed.html", {"value": value, "field": field, "link": link})


@require_GET
def attachment_download(request: AuthedRequest, pk: int, attachment_id: int) -> FileResponse:
    """Serve a stored file with the type sniffed at upload (never one guessed from its name); images
    inline, anything else as a download; sandboxed so that even a disguised file cannot run script."""
    matter = matter_or_404(request.user, pk)
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
