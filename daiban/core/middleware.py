"""Refuse requests that carry control characters before any view sees them.

A NUL byte cannot be stored in PostgreSQL (the database refuses it, and the page would end in a 500), and
no other C0 control character belongs in anything a person types into this site. Such a request is
answered once, here, with a 400 page in Chinese, instead of in every view and form.

In form and query values tab, line feed and carriage return are ordinary text (a pasted paragraph); in
the path and in field names nothing below U+0020 is ever legitimate.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template import loader

# C0 controls except \t \n \r (values); all of C0 (names and paths).
_IN_VALUE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_IN_NAME = re.compile(r"[\x00-\x1f]")

MESSAGE = "请求中含有不可见的控制字符（如空字符），无法办理。请删除从其他文档复制来的特殊字符后重新填写提交。"


def _bad_names(names: Iterable[str]) -> bool:
    return any(_IN_NAME.search(name) for name in names)


def has_control_characters(request: HttpRequest) -> bool:
    """Whether the path or a query or form field's name or value carries a control character that no
    person types."""
    if _IN_NAME.search(request.path):
        return True
    bodies = [request.GET]
    if request.method == "POST":
        bodies.append(request.POST)
    for data in bodies:
        for key, values in data.lists():
            if _IN_NAME.search(key) or any(_IN_VALUE.search(str(v)) for v in values):
                return True
    # Uploaded files' own names are cleaned by Django (non-printable characters removed); their fields'
    # names are checked like any other.
    return request.method == "POST" and _bad_names(request.FILES.keys())


def bad_request(request: HttpRequest, message: str = MESSAGE) -> HttpResponse:
    """The site's 400 page with ``message``."""
    body = loader.render_to_string("400.html", {"message": message})
    return HttpResponseBadRequest(body, content_type="text/html; charset=utf-8")


class RejectControlCharactersMiddleware:
    """Answer 400 (in Chinese) to a request whose path, parameters or form fields contain control
    characters, before the session, authentication or any view touches it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_control_characters(request):
            return bad_request(request)
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: private, no-store`` on every response the site generates, unless the view set
    Cache-Control itself (the portal's public agent photos may be cached; a download says its own).

    Every page a signed-in person sees may carry personal data or their jurisdiction's matters, and the
    public pages show what a visitor typed: none of it may stay in a shared proxy or the browser's disk
    cache (等保 level 3: residual information protection). Static files are answered by WhiteNoise before
    this middleware and keep their long cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "private, no-store"
        elif _authenticated(request) and not _directives(response.headers["Cache-Control"]) & {
            "public",
            "no-store",
        }:
            # A view's own directives (e.g. ``max-age``) stay; a signed-in page is never stored.
            response.headers["Cache-Control"] += ", private, no-store"
        return response


def _authenticated(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def _directives(cache_control: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in cache_control.split(",")}
