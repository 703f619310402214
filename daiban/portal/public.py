"""What every public page shares: no login, no caching of what a visitor typed or was shown, no referrer
leaving the site, not indexed, and the visitor's view settings (大字 / 高对比), kept in a cookie.

    @public
    def lookup(request): ...
        return page(request, "portal/lookup/form.html", {...})

A public view never reads ``request.user``: what it shows depends on what was typed, not on a staff
session that may be open in the same browser.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

__all__ = ["VIEW_COOKIE", "page", "public", "set_view", "view_settings"]

VIEW_COOKIE = "portal_view"
VIEW_OPTIONS = ("large", "contrast")

View = Callable[..., HttpResponse]


def public(view: View) -> View:
    """A page anyone may open: exempt from the login requirement, never cached, never indexed."""

    @login_not_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # core's navigation then stays out (it would count the staff badges for a page that never shows them)
        setattr(request, "public_page", True)  # noqa: B010
        response = view(request, *args, **kwargs)
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers["Referrer-Policy"] = (
            "same-origin"  # no-referrer would make chromium post Origin: null
        )
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def view_settings(request: HttpRequest) -> set[str]:
    raw = request.COOKIES.get(VIEW_COOKIE, "")
    return {part for part in raw.split(",") if part in VIEW_OPTIONS}


# Pages that answer a POST at an address that only takes POST: the view toggle returns to the page a GET
# shows instead (a redirect to the POST address would be a 405).
POST_ONLY = {"portal:apply_code": "portal:apply", "portal:rate": "portal:lookup_result"}


def _next(request: HttpRequest) -> str:
    if request.method == "GET":
        return request.get_full_path()
    match = request.resolver_match
    name = POST_ONLY.get(match.view_name) if match is not None else None
    return reverse(name) if name else request.path


def page(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    view = view_settings(request)
    return render(
        request,
        template,
        {**(context or {}), "portal_view": view, "portal_next": _next(request)},
        status=status,
    )


@public
@require_POST
def set_view(request: HttpRequest) -> HttpResponse:
    """Toggle 大字 or 高对比 (a button per option in the page header) and go back to the page."""
    view = view_settings(request)
    option = request.POST.get("toggle", "")
    if option in VIEW_OPTIONS:
        view ^= {option}
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ) or not target.startswith("/"):
        target = "/public/"
    response = HttpResponseRedirect(target)
    if view:
        response.set_cookie(
            VIEW_COOKIE, ",".join(sorted(view)), max_age=365 * 86400, samesite="Lax", httponly=True
        )
    else:
        response.delete_cookie(VIEW_COOKIE)
    return response
