"""查询办理进度: the petitioner types the matter's number and lookup code and sees its progress, the
current deadline, the written replies served on them, and whom to ask; within 30 days of a reply they
rate it (网上评价).

Enumeration-proof: a wrong number and a wrong code get the same page, byte for byte (the CSRF token
aside, which differs on every page), after the same work; every attempt is counted per address and per
number before it is checked (``throttle``), and over the limit right and wrong pairs alike get 429. The
code never enters a URL: a right pair is remembered in the session (``session``) and the browser is sent
to the result page. None of these views reads ``request.user``.
"""

from __future__ import annotations

import io
import math
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from daiban.documents import render as paper
from daiban.portal import throttle
from daiban.portal.lookup import actions, selectors, session
from daiban.portal.lookup.forms import LookupForm, RatingForm
from daiban.portal.public import page, public

FORM = "portal/lookup/form.html"
RESULT = "portal/lookup/result.html"
THROTTLED = "portal/lookup/throttled.html"
WRONG_PAIR = "事项编号或查询码不正确"
ENDED = "查询已结束（超过 30 分钟，或查询码已重新生成），请重新输入事项编号和查询码。"


def _see_other(name: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(reverse(name))
    response.status_code = 303
    return response


def _throttled(request: HttpRequest, rule: str, what: str) -> HttpResponse:
    seconds = throttle.RULES()[rule].window_seconds
    minutes = max(1, math.ceil(seconds / 60))
    response = page(request, THROTTLED, {"minutes": minutes, "what": what}, status=429)
    response["Retry-After"] = str(seconds)
    return response


@public
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        raw = request.GET.get("number", "")
        number = session.normalise_number(raw) if isinstance(raw, str) and len(raw) <= 40 else ""
        initial = {"number": number} if number.isascii() and len(number) <= 24 else {}
        return page(request, FORM, {"form": LookupForm(initial=initial)})
    form = LookupForm(request.POST)
    if not form.is_valid():
        return page(request, FORM, {"form": form}, status=400)
    number, code = form.cleaned_data["number"], form.cleaned_data["code"]
    # Counted before it is checked: the answer to an attempt never depends on an earlier one being right.
    if not throttle.allow(request, "lookup", number):
        return _throttled(request, "lookup", "查询")
    matter_id = session.check(number, code)
    if matter_id is None:
        # Nothing typed is shown again: the page is the same whichever of the two was wrong.
        return page(request, FORM, {"form": LookupForm(), "wrong": WRONG_PAIR}, status=400)
    session.remember(request, matter_id, code)
    return _see_other("portal:lookup_result")


def _result_context(matter: Any, form: RatingForm | None = None, rating_error: str = "") -> dict[str, Any]:
    view = selectors.public_view(matter)
    state = selectors.rating_state(matter)
    unit_label = "有关单位" if view.accusation else "办理单位"
    if form is None and state.open:
        form = RatingForm(initial={"reply": state.reply_token}, unit_label=unit_label)
    return {
        "view": view,
        "rating": state,
        "form": form if state.open else None,
        "rating_error": rating_error,
        "rating_days": selectors.rating_days(),
        "review": selectors.review_right(matter) if selectors.dissatisfied_with_unit(state.rating) else None,
    }


@public
@require_GET
def result(request: HttpRequest) -> HttpResponse:
    matter, ended = session.current(request)
    if matter is None:
        if ended:
            messages.info(request, ENDED)
        return HttpResponseRedirect(reverse("portal:lookup"))
    return page(request, RESULT, _result_context(matter))


@public
@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    """退出查询: this browser forgets the matter (on a shared phone, the next person sees nothing)."""
    session.forget(request)
    messages.info(request, "已退出查询。")
    return _see_other("portal:lookup")


@public
@require_GET
def document(request: HttpRequest, pk: int) -> HttpResponse:
    """A written reply served on the petitioner, as PDF — only one of the looked-up matter's own."""
    matter, _ = session.current(request)
    doc = selectors.reply_document(matter, pk) if matter is not None else None
    if doc is None:
        raise Http404
    content = paper.render_pdf(doc.body_html, title=f"{doc.title} {doc.number_label}")
    response = FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=f"{doc.title}-{doc.number_label}.pdf",
        content_type="application/pdf",
    )
    # ``public`` only sets headers, which a streamed response has too (its type says HttpResponse).
    return cast(HttpResponse, response)


@public
@require_POST
def rate(request: HttpRequest) -> HttpResponse:
    matter, ended = session.current(request)
    if matter is None:
        if ended:
            messages.info(request, ENDED)
        return _see_other("portal:lookup")
    if not throttle.allow(request, "rate", str(matter.pk)):
        return _throttled(request, "rate", "评价")
    unit_label = "有关单位" if matter.is_accusation else "办理单位"
    form = RatingForm(request.POST, unit_label=unit_label)
    if not form.is_valid():
        return page(request, RESULT, _result_context(matter, form), status=400)
    data = form.cleaned_data
    try:
        actions.rating_submit(
            matter_id=matter.pk,
            reply_token=data["reply"],
            service=data["service"],
            unit=data["unit"],
            comment=data["comment"],
        )
    except actions.AlreadyRated as exc:
        messages.info(request, exc.message)
        return _see_other("portal:lookup_result")
    except actions.RatingRefused as exc:
        # Shown with the page as it now is (a newer reply gets a fresh form).
        return page(request, RESULT, _result_context(matter, None, exc.message), status=409)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return page(request, RESULT, _result_context(matter, form), status=400)
    messages.success(request, "谢谢您的评价，已记录。")
    return _see_other("portal:lookup_result")
