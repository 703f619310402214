"""The staff side of online requests: the village point's intake queue (网上代办申请), a request's page, its
photos, and 不予代办. 转为信访事项 is the intake page with ``origin=online:<id>`` (see wiring.py).

Every read goes through ``selectors.requests_for(user)``: outside the user's subtree is 404, as for a
request that does not exist. The phone is shown masked only.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from daiban.accounts.http import AuthedRequest
from daiban.accounts.login_throttle import client_ip
from daiban.matters.attachments import SAFE_TYPES
from daiban.matters.views.actions import run_action
from daiban.pii.services import RevealLimitExceeded, reveal
from daiban.portal.models import OnlineRequestPhoto
from daiban.portal.requests import actions, selectors
from daiban.portal.requests.forms import DeclineForm

LIST_LIMIT = 200


def intake_url(request_id: int) -> str:
    return reverse("matter_intake") + "?" + urlencode({"origin": f"online:{request_id}"})


def _require_handler(request: AuthedRequest) -> None:
    if not selectors.can_handle(request.user):
        raise PermissionDenied("网上代办申请由村（社区）、乡镇（街道）和县级代办人员处理。")


@require_GET
def request_list(request: AuthedRequest) -> HttpResponse:
    """网上代办申请: the requests of the user's subtree, pending first, newest first."""
    _require_handler(request)
    rows = list(selectors.queue_for(request.user)[:LIST_LIMIT])
    pending = sum(1 for r in rows if r.is_pending)
    return render(
        request,
        "portal/requests/staff/list.html",
        {"rows": rows, "pending": pending, "limit": LIST_LIMIT},
    )


def _detail(
    request: AuthedRequest,
    pk: int,
    form: DeclineForm | None = None,
    status: int = 200,
    **extra: object,
) -> HttpResponse:
    req = selectors.get_or_404(request.user, pk)
    context = {
        **extra,
        "req": req,
        "photos": list(req.photos.order_by("pk")),
        "events": list(req.events.select_related("actor").order_by("seq")),
        "form": form or DeclineForm(initial={"version": req.version}),
        "intake_url": intake_url(req.pk),
    }
    return render(request, "portal/requests/staff/detail.html", context, status=status)


@require_GET
def request_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


@require_POST
def request_decline(request: AuthedRequest, pk: int) -> HttpResponse:
    """不予代办, with the reason the person is told by SMS (optimistic version check: 409 on a conflict)."""
    req = selectors.get_or_404(request.user, pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _detail(request, req.pk, form, status=400)
    done, status = run_action(
        form,
        lambda: actions.request_decline(
            actor=request.user,
            request_id=req.pk,
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        ),
        conflict="该申请刚刚被他人处理或修改，请核对后再提交；您填写的理由已保留。",
    )
    if done is None:
        return _detail(request, req.pk, form, status=status or 400)
    return redirect("portal:request_detail", pk=req.pk)


@require_GET
def request_photo(request: AuthedRequest, pk: int) -> FileResponse:
    """A request's photo, only for those who may see the request; served with its sniffed type."""
    photo = OnlineRequestPhoto.objects.filter(pk=pk).select_related("request").first()
    if photo is None or not selectors.requests_for(request.user).filter(pk=photo.request_id).exists():
        raise Http404
    content_type = photo.content_type if photo.content_type in SAFE_TYPES else "application/octet-stream"
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        filename=photo.name,
        as_attachment=not content_type.startswith("image/"),
        content_type=content_type,
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def request_phone(request: AuthedRequest, pk: int) -> HttpResponse:
    """查看完整号码 to call the person: revealed once, on this answer only, and logged with its reason
    (``daiban.pii.services.reveal``: per-person limit, a burst flagged to the supervisors)."""
    req = selectors.get_or_404(request.user, pk)
    try:
        phone = reveal(
            actor=request.user,
            obj=req,
            field="phone",
            reason=f"联系网上代办申请 {req.number} 的申请人核实情况",
            ip=client_ip(request),
        )
    except RevealLimitExceeded as exc:
        return _detail(request, req.pk, status=429, reveal_refused=exc.args[0])
    response = _detail(request, req.pk, revealed_phone=phone)
    response["Cache-Control"] = "no-store"
    return response
