"""The public pages of the online request (网上代办申请): the form, "获取验证码", the staged village picker
and the done page.

Both buttons submit the same form, so what was typed is never lost: "获取验证码" posts everything to
/apply/code/, which sends a code and shows the form again with all input and "验证码已发送"; the
region picker's "选择" buttons post to /apply/ and show the form again with the next level's choices
(with htmx, /apply/regions/ swaps in the picker alone). Photos cannot be carried by a re-shown page: the
form says so. The phone travels only in POST bodies, never in a URL or a log line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from daiban.portal import throttle
from daiban.portal.public import page, public
from daiban.portal.requests import actions, codes
from daiban.portal.requests.forms import MAX_SECONDS, ApplyForm, CodeForm, new_stamp, stamp_age
from daiban.regions.models import Level, Region

DONE_KEY = "portal_apply_done"
TEMPLATE = "portal/requests/apply.html"


@dataclass
class Picker:
    counties: list[Region]
    townships: list[Region] = field(default_factory=list)
    villages: list[Region] = field(default_factory=list)
    county: Region | None = None
    township: Region | None = None
    village: Region | None = None


def _pick_id(raw: object) -> int | None:
    text = str(raw or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None


def _region(raw: object, level: Level, parent: Region | None = None) -> Region | None:
    pk = _pick_id(raw)
    if pk is None:
        return None
    qs = Region.objects.filter(pk=pk, level=level)
    if parent is not None:
        qs = qs.filter(parent=parent)
    return qs.first()


def picker(data: QueryDict) -> Picker:
    """The county → township → village choices for what was chosen so far: each level must lie in the
    one above it (a choice that does not is dropped); a village alone brings its township and county."""
    p = Picker(counties=list(Region.objects.filter(level=Level.COUNTY).order_by("code")))
    p.county = _region(data.get("county"), Level.COUNTY)
    if p.county is not None:
        p.township = _region(data.get("township"), Level.TOWNSHIP, p.county)
        if p.township is not None:
            p.village = _region(data.get("village"), Level.VILLAGE, p.township)
    elif not data.get("township"):
        village = _region(data.get("village"), Level.VILLAGE)
        if village is not None and village.parent is not None:
            p.village, p.township, p.county = village, village.parent, village.parent.parent
    if p.county is not None:
        p.townships = list(p.county.children.filter(level=Level.TOWNSHIP).order_by("code"))
    if p.township is not None:
        p.villages = list(p.township.children.filter(level=Level.VILLAGE).order_by("code"))
    return p


def _stamp_of(data: QueryDict) -> str:
    """Keep the time the form was first shown across re-displays (unless it is missing or too old)."""
    raw = str(data.get("ts", ""))
    age = stamp_age(raw)
    return raw if age is not None and 0 <= age <= MAX_SECONDS else new_stamp()


def _show(
    request: HttpRequest, form: ApplyForm, data: QueryDict, status: int = 200, **extra: Any
) -> HttpResponse:
    context = {"form": form, "picker": picker(data), "ts": _stamp_of(data), **extra}
    return page(request, TEMPLATE, context, status=status)


def _throttled(request: HttpRequest, what: str) -> HttpResponse:
    return page(request, "portal/requests/throttled.html", {"what": what}, status=429)


@public
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """网上申请代办."""
    if request.method != "POST":
        return _show(request, ApplyForm(), request.GET)
    data = request.POST
    if "pick" in data:  # the no-JS picker: show the next level's choices, keep everything typed
        return _show(request, ApplyForm(initial=_initial(data)), data, picked=True)
    form = ApplyForm(data, request.FILES)
    if not form.is_valid():
        return _show(request, form, data, status=400)
    phone = form.cleaned_data["phone"]
    checked = codes.check(phone, form.cleaned_data["code"])
    if checked.code_id is None:
        form.add_error("code", checked.error)
        return _show(request, form, data, status=400)
    if not throttle.allow(request, "apply", phone):
        return _throttled(request, "提交代办申请")
    submission = actions.Submission(
        name=form.cleaned_data["name"],
        phone=phone,
        region=form.cleaned_data["village"],
        happened=form.cleaned_data["happened"],
        wanted=form.cleaned_data["wanted"],
        photos=form.cleaned_data["photos"],
    )
    try:
        req = actions.request_submit(submission=submission, code_id=checked.code_id)
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return _show(request, form, data, status=400)
    request.session[DONE_KEY] = req.number
    return redirect("portal:apply_done")


@public
@require_POST
def apply_code(request: HttpRequest) -> HttpResponse:
    """获取验证码: send a code to the phone typed in the form, and show the form again as it was."""
    data = request.POST
    # What was typed is shown again without every other field's "required" errors.
    shown = ApplyForm(initial=_initial(data))
    code_form = CodeForm(data)
    if not code_form.is_valid():
        return _show(request, shown, data, status=400, phone_errors=code_form.errors.get("phone", []))
    phone = code_form.cleaned_data["phone"]
    if not throttle.allow(request, "sms_code", phone):
        return _throttled(request, "获取验证码")
    codes.issue(phone)
    return _show(request, shown, data, sent=True)


def _initial(data: QueryDict) -> dict[str, str]:
    names = ("name", "phone", "code", "happened", "wanted", "county", "township", "village")
    return {n: str(data.get(n, ""))[:2000] for n in names}


@public
@require_GET
def apply_regions(request: HttpRequest) -> HttpResponse:
    """htmx: the picker with the next level's choices (region ids only in the query string)."""
    return page(request, "portal/requests/_picker.html", {"picker": picker(request.GET)})


@public
@require_GET
def apply_done(request: HttpRequest) -> HttpResponse:
    """The number of the request just submitted, from the session (never from the URL)."""
    return page(request, "portal/requests/done.html", {"number": request.session.get(DONE_KEY, "")})
