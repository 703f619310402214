"""Every signed-in request passes here (after django-otp's OTPMiddleware and the messages middleware):

1. the session's limits, by the project clock: DAIBAN_IDLE_MINUTES without a request, DAIBAN_SESSION_MAX_HOURS
   since signing in → signed out, sent to the login page with a message;
2. the session register: last activity noted once a minute; a session ended from another device is gone
   (its stored session deleted, or at the latest its UserSession row found missing) → signed out;
3. the second factor: a user who owes a code (or must first bind a device) reaches only the code or
   enrolment page, logout and static files — every other URL redirects there;
4. the password's age: an expired password → only the change page (and the above) until it is changed.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from daiban.accounts import security
from daiban.accounts.models import User
from daiban.audit import record

ENDED_MESSAGES = {
    "idle": "您已超过 {idle} 分钟未操作，为保护账号安全已自动退出，请重新登录。",
    "absolute": "本次登录已超过 {hours} 小时，为保护账号安全已自动退出，请重新登录。",
    "ended": "该会话已在其他设备上被结束（或密码已修改），请重新登录。",
}


class AccountSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not hasattr(request, "session"):
            return self.get_response(request)
        assert isinstance(user, User)
        path = request.path_info
        if path.startswith(settings.STATIC_URL):
            return self.get_response(request)
        ended = security.session_expiry(request)
        if ended is None and not security.session_touch(request, user):
            ended = "ended"
        if ended is not None:
            return self._sign_out(request, user, ended)
        mfa_paths = (reverse("accounts:mfa_verify"), reverse("accounts:mfa_enrol"), reverse("logout"))
        state = request.session.get(security.MFA_STATE)
        if state is None:
            state = request.session[security.MFA_STATE] = security.mfa_state(user)
        if state != "ok" and not user.is_verified():  # type: ignore[attr-defined]
            owed = reverse("accounts:mfa_verify" if state == "verify" else "accounts:mfa_enrol")
            if path not in (owed, reverse("logout")):
                return _redirect(owed, request)
            return self.get_response(request)
        if security.password_expired(user):
            change = reverse("accounts:password_change")
            if path not in (change, *mfa_paths):
                if not request.session.get(security.PASSWORD_EXPIRED_NOTED):
                    request.session[security.PASSWORD_EXPIRED_NOTED] = True
                    record("password.expired", request=request, user=user, target=f"user:{user.pk}")
                messages.warning(
                    request,
                    f"您的密码已超过 {settings.DAIBAN_PASSWORD_MAX_AGE_DAYS} 天未修改（或从未按新规则设置），"
                    "请先修改密码再继续使用。",
                )
                return _redirect(change, request)
        return self.get_response(request)

    def _sign_out(self, request: HttpRequest, user: User, why: str) -> HttpResponse:
        record("session.end", request=request, user=user, target=f"user:{user.pk}", detail={"by": why})
        logout(request)  # the logout signal drops the register row
        messages.info(
            request,
            ENDED_MESSAGES[why].format(
                idle=settings.DAIBAN_IDLE_MINUTES, hours=settings.DAIBAN_SESSION_MAX_HOURS
            ),
        )
        return _redirect(reverse(settings.LOGIN_URL), request)


def _redirect(to: str, request: HttpRequest) -> HttpResponse:
    """To ``to`` with the page asked for as ``next``: a GET's path only (its query may hold a search term;
    a POST is not repeated)."""
    if request.method == "GET":
        to = f"{to}?{urlencode({'next': request.path})}"
    response = HttpResponseRedirect(to)
    if request.headers.get("HX-Request"):
        response["HX-Redirect"] = to
    return response
