"""Brute-force protection for the login page, built on django-axes (configured in ``daiban.settings``).

* Failed logins are counted per account (username) and per address (client IP), each on its own: from
  ``AXES_FAILURE_LIMIT`` failures of either, every login of that account / from that address is refused,
  the right password included.
* The cool-off grows with the failures and always ends: ``LOGIN_COOLOFF_MINUTES`` after the first
  lockout, doubling with each further ``AXES_FAILURE_LIMIT`` failures, never more than
  ``LOGIN_COOLOFF_MAX_MINUTES`` after the last failure. There is no permanent lockout that an attacker
  could use to lock an agent out for good; an administrator can lift one early with
  ``manage.py axes_reset_username 用户名``.
* Every failure (``AccessFailureLog``) and every success (``AccessLog``) is recorded with time, address and
  browser.
* A throttled user sees the login page again with a Chinese message saying when to try again (HTTP 429).
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

__all__ = ["ThrottleBackend", "client_ip", "cool_off", "lockout_message", "lockout_response", "username_for"]


class ThrottleBackend(AxesStandaloneBackend):
    """Refuses every login of a throttled account or address (it authenticates nobody itself: the model
    backend after it does).

    A call without an HTTP request has no address and no user at a login page to throttle — the test
    client's ``login()`` or a management command — and is left to the next backend. Every web login passes
    its request (Django's LoginView and the admin login do), so the throttle cannot be bypassed from outside.
    """

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


# Usernames are at most 150 characters (Django's user model); the attempt log holds 255. A longer typed
# name cannot be an account, so it is recorded cut to the longest possible one instead of failing the insert.
USERNAME_MAX = 150


def username_for(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The username a login attempt is counted under (axes' AXES_USERNAME_CALLABLE)."""
    raw = (credentials or {}).get("username")
    if raw is None:
        raw = request.POST.get("username")
    return None if raw is None else str(raw)[:USERNAME_MAX]


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: behind our reverse proxy (``DAIBAN_BEHIND_PROXY``) the last X-Forwarded-For
    entry, the one the proxy itself appended (earlier entries are whatever the client sent); otherwise the
    socket's peer."""
    if settings.DAIBAN_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR") or None


def _recent_failures(request: HttpRequest | None) -> int:
    """The failures that still count against this request's account or address (the larger of the two)."""
    if request is None:
        return 0
    live = AccessAttempt.objects.filter(
        Q(expiration__isnull=True) | Q(expiration__expires_at__gt=timezone.now())
    )
    username = get_client_username(request, getattr(request, "axes_credentials", None))
    address = getattr(request, "axes_ip_address", None) or client_ip(request)
    totals = [0]
    for condition in (Q(username=username) if username else None, Q(ip_address=address) if address else None):
        if condition is not None:
            totals.append(live.filter(condition).aggregate(n=Sum("failures_since_start"))["n"] or 0)
    return max(totals)


def cool_off_for(failures: int) -> timedelta:
    """The cool-off after ``failures`` failures: the base until the second lockout, then doubling with each
    further ``AXES_FAILURE_LIMIT`` failures, capped."""
    limit = max(1, settings.AXES_FAILURE_LIMIT)
    base = settings.LOGIN_COOLOFF_MINUTES
    cap = max(base, settings.LOGIN_COOLOFF_MAX_MINUTES)
    doublings = min(max(0, failures // limit - 1), 16)
    return timedelta(minutes=min(base * 2**doublings, cap))


def cool_off(request: HttpRequest | None) -> timedelta:
    """``AXES_COOLOFF_TIME``: how long this request's failures are remembered and, once over the limit,
    how long its logins are refused."""
    return cool_off_for(_recent_failures(request))


def lockout_message(request: HttpRequest | None) -> str:
    minutes = max(1, math.ceil(cool_off(request).total_seconds() / 60))
    return (
        f"登录失败次数过多，为保护账号安全，该账号或本机地址已暂停登录。请在 {minutes} 分钟后再试"
        "（期间再次尝试会延长等待时间）；如忘记密码，请联系管理员重置。"
    )


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: the login page again, with the message, as 429 Too Many Requests.

    The form is unbound (a bound one would authenticate again while rendering its errors)."""
    username = get_client_username(request, credentials) or ""
    form = AuthenticationForm(request, initial={"username": username})
    context = {
        "form": form,
        "lockout_message": lockout_message(request),
        "next": request.POST.get("next", "") if request.method == "POST" else request.GET.get("next", ""),
    }
    return render(request, "core/login.html", context, status=429)
