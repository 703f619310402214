"""Remembers the request being served, so that ``record()`` called deep in a service (which is handed the
acting user, not the request) still records the client's address."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

current_request: ContextVar[HttpRequest | None] = ContextVar("daiban_audit_request", default=None)


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)


# The pages an audit administrator (审计管理员) may reach: the audit log, their own account's security
# pages, signing in and out. Everything else answers 403 (三员分立: the audit administrator reads the audit
# log and nothing else); the home page sends them to the audit log.
AUDIT_ADMIN_NAMESPACES = frozenset({"audit", "accounts"})
AUDIT_ADMIN_NAMES = frozenset({"login", "logout", "healthz"})


class AuditAdminConfinementMiddleware:
    """Confines the audit administrator to the audit log (placed after the account security middleware, so
    the second factor and password-age rules still come first)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from daiban.audit.scope import is_audit_admin

        if is_audit_admin(getattr(request, "user", None)):
            refusal = self._refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        from django.core.exceptions import PermissionDenied
        from django.shortcuts import redirect
        from django.urls import Resolver404, resolve

        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None  # the ordinary 404
        if match.namespace in AUDIT_ADMIN_NAMESPACES or match.url_name in AUDIT_ADMIN_NAMES:
            return None
        if match.url_name == "home" and not match.namespace:
            return redirect("audit:log")
        from django.views.defaults import permission_denied

        return permission_denied(request, PermissionDenied())
