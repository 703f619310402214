"""The account's own security pages (账号安全): password change, second factor, signed-in sessions.

Every signed-in user reaches them (no role check: each acts on the user themself only). Pages showing a
secret or a session list are never cached (``never_cache``: Cache-Control no-store)."""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticToken

from daiban.accounts import security
from daiban.accounts.forms import CodeForm, PasswordChangeForm
from daiban.accounts.http import AuthedRequest
from daiban.audit import record


def _no_navigation(request: AuthedRequest) -> None:
    """A user who still owes the second factor sees no navigation (nor its badges' counts)."""
    request.public_page = True  # type: ignore[attr-defined]


def _next(request: AuthedRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


@never_cache
@require_http_methods(["GET", "POST"])
def password_change(request: AuthedRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        security.password_change(
            request=request, user=request.user, new_password=form.cleaned_data["new_password1"]
        )
        messages.success(request, "密码已修改。您在其他设备上的登录已全部退出。")
        return redirect("home")
    context = {
        "form": form,
        "expired": security.password_expired(request.user),
        "max_age_days": settings.DAIBAN_PASSWORD_MAX_AGE_DAYS,
    }
    return render(request, "accounts/security/password_change.html", context)


@never_cache
@require_http_methods(["GET"])
def session_list(request: AuthedRequest) -> HttpResponse:
    current = request.session.get(security.SESSION_ROW)
    rows = [(row, row.pk == current) for row in security.sessions_of(request.user)]
    return render(
        request,
        "accounts/security/sessions.html",
        {
            "rows": rows,
            "others": sum(1 for _, mine in rows if not mine),
            "idle": settings.DAIBAN_IDLE_MINUTES,
        },
    )


@require_POST
def session_end(request: AuthedRequest, pk: int) -> HttpResponse:
    if not security.session_end(request=request, user=request.user, row_id=pk):
        raise Http404
    messages.success(request, "已结束该会话，那台设备需要重新登录。")
    return redirect("accounts:sessions")


@require_POST
def sessions_end_others(request: AuthedRequest) -> HttpResponse:
    count = security.sessions_end_others(request=request, user=request.user)
    messages.success(request, f"已结束其他 {count} 个会话。" if count else "没有其他会话。")
    return redirect("accounts:sessions")


def _qr_svg(url: str) -> str:
    # segno's own SVG of the otpauth URL: made here, no external service, no script.
    return mark_safe(segno.make(url, error="m").svg_inline(scale=4))  # noqa: S308


@never_cache
@require_http_methods(["GET", "POST"])
def mfa_enrol(request: AuthedRequest) -> HttpResponse:
    """Bind an authenticator app: the QR code and the secret in text; a current code confirms it; then
    the recovery codes, shown this once."""
    user = request.user
    if security.has_device(user):
        if not user.is_verified():  # type: ignore[attr-defined]
            return redirect("accounts:mfa_verify")  # a second device may not replace the code owed
        remaining = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
        return render(request, "accounts/security/mfa_status.html", {"remaining": remaining})
    device = security.totp_device_for_enrolment(user)
    if request.session.get(security.MFA_STATE) == "enrol":
        _no_navigation(request)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            codes = security.mfa_confirm(request=request, user=user, device=device)
            otp_login(request, device)
            request.session[security.MFA_STATE] = "ok"
            return render(
                request, "accounts/security/mfa_codes.html", {"codes": codes, "next": _next(request)}
            )
        record("mfa.failure", request=request, user=user, outcome="failure", detail={"step": "enrol"})
        form.add_error("code", "验证码不正确或已过期，请输入手机上当前显示的 6 位数字。")
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    context = {
        "form": form,
        "qr": _qr_svg(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "required": security.mfa_required(user),
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    return render(request, "accounts/security/mfa_enrol.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def mfa_verify(request: AuthedRequest) -> HttpResponse:
    """The code after the password: a TOTP code, or one of the recovery codes (each works once)."""
    user = request.user
    if user.is_verified():  # type: ignore[attr-defined]
        return HttpResponseRedirect(_next(request))
    if not security.has_device(user):
        state = security.mfa_state(user)
        request.session[security.MFA_STATE] = state
        return redirect("accounts:mfa_enrol") if state == "enrol" else HttpResponseRedirect(_next(request))
    _no_navigation(request)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_is_allowed()[0] and device.verify_token(code):
                otp_login(request, device)
                request.session[security.MFA_STATE] = "ok"
                kind = "recovery" if device.__class__.__name__ == "StaticDevice" else "totp"
                record("mfa.verify", request=request, user=user, detail={"kind": kind})
                return HttpResponseRedirect(_next(request))
        record("mfa.failure", request=request, user=user, outcome="failure", detail={"step": "verify"})
        form.add_error(
            "code", "验证码不正确、已过期或已使用过，请输入手机上当前显示的 6 位数字或一个未用过的恢复码。"
        )
    next_url = request.POST.get("next") or request.GET.get("next", "")
    return render(request, "accounts/security/mfa_verify.html", {"form": form, "next": next_url})
