"""The matter page: what happened, what is due, and the buttons the user may press now; revealing a
number (logged) and downloading an attachment (sandboxed)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from daiban.accounts.http import AuthedRequest
from daiban.accounts.models import AGENT_ROLES, User
from daiban.core import clock
from daiban.matters import workflow
from daiban.matters.attachments import SAFE_TYPES
from daiban.matters.deadlines import WINDOW_STEPS
from daiban.matters.models import Attachment, Matter, MatterPetitioner
from daiban.matters.views.access import matter_or_404
from daiban.pii.services import reveal
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
        "opinions": list(matter.opinions.select_related("unit").all()),
        "mediations": list(matter.mediations.all()),
        "reviews": list(matter.reviews.all()),
        "attachments": list(matter.attachments.all()),
        "leaders": list(matter.leaders.all()),
        "available": available,
        "can_reveal": _can_reveal(user, matter, recused=recused),
        "recused": recused,
    }


# The step that moves the matter forward comes first and is the highlighted button.
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
    matter = matter_or_404(user, pk)
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
