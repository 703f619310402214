"""``record()``: append one security event to the audit chain.

Who, when, from where, what and the outcome of every security-relevant event (等保2.0 第三级 安全审计):
logins, logouts, second-factor events, password changes, permission and configuration changes,
personal-data reveals, exports and imports, documents issued and administrator actions.

Never put personal data (ID or phone numbers, names) in ``target`` or ``detail``: describe the object
instead (a matter number, a petitioner's id).

The record is appended in its own (nested) transaction: called outside a transaction it is committed at
once; inside one it commits or rolls back with the caller's work, so the log says what really happened.
A refusal that rolls the caller's work back must therefore be recorded after the rollback.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest

__all__ = ["ACTIONS", "OUTCOMES", "client_address", "record"]

# The known actions and their labels. An unknown action is refused by an assertion (tests run with
# assertions on) rather than at runtime: a new caller's typo must not lose the event in production.
ACTIONS: dict[str, str] = {
    "login.success": "登录成功",
    "login.failure": "登录失败",
    "logout": "退出登录",
    "mfa.enrol": "绑定动态口令",
    "mfa.verify": "动态口令验证",
    "mfa.failure": "动态口令验证失败",
    "mfa.reset": "重置动态口令",
    "password.change": "修改密码",
    "password.expired": "密码过期",
    "session.end": "结束会话",
    "role.change": "角色或权限变更",
    "config.change": "配置变更",
    "pii.reveal": "查看完整个人信息",
    "pii.erase": "按保存期限删除个人信息",
    "pii.access_report": "个人信息查阅（所持信息清单）",
    "export.create": "导出",
    "export.download": "下载导出文件",
    "import.apply": "导入",
    "document.issue": "出具文书",
    "admin.change": "管理后台操作",
    "audit.read": "查阅审计记录",
    "audit.export": "导出审计记录",
}

OUTCOMES: dict[str, str] = {"success": "成功", "failure": "失败", "denied": "拒绝"}

_TEXT_LIMITS = {"username": 150, "role": 40, "region_code": 20, "address": 45, "target": 200}


def client_address(request: HttpRequest | None) -> str:
    """The client's address: REMOTE_ADDR, or the first X-Forwarded-For hop behind a trusted proxy."""
    if request is None:
        return ""
    raw = ""
    if getattr(settings, "DAIBAN_BEHIND_PROXY", False):
        raw = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip()
    if not raw:
        raw = str(request.META.get("REMOTE_ADDR", "") or "")
    return _clean_address(raw)


def _clean_address(raw: str) -> str:
    try:
        return str(ipaddress.ip_address(raw.strip()))
    except ValueError:
        return ""


def _actor_fields(user: Any | None) -> dict[str, Any]:
    if user is None or not getattr(user, "is_authenticated", False):
        return {"actor_id": None, "actor_username": "", "role": "", "region_code": "", "region_path": ""}
    # The region path holds the codes of the grant's region and its ancestors: the last is the region's
    # own (read without a query; this app does not import daiban.regions).
    path = str(getattr(user, "region_path", "") or "")
    codes = re.findall(r"\d+", path)
    region_code = codes[-1] if codes else ""
    return {
        "actor_id": user.pk,
        "actor_username": str(user.get_username())[: _TEXT_LIMITS["username"]],
        "role": str(getattr(user, "role", "") or "")[: _TEXT_LIMITS["role"]],
        "region_code": str(region_code or "")[: _TEXT_LIMITS["region_code"]],
        "region_path": path if len(path) <= 80 else "",
    }


def record(
    action: str,
    *,
    request: HttpRequest | None = None,
    user: Any | None = None,
    outcome: str = "success",
    target: str = "",
    detail: Mapping[str, Any] | None = None,
    address: str | None = None,
) -> None:
    """Append one audit record (see the module docstring). ``user`` defaults to the request's user;
    ``address`` to the request's client address (give it where there is no request, e.g. a service that was
    handed the address)."""
    assert action in ACTIONS, f"unknown audit action {action!r}: add it to daiban.audit.api.ACTIONS"
    assert outcome in OUTCOMES, f"unknown audit outcome {outcome!r}"
    if request is None:
        from daiban.audit.middleware import current_request

        request = current_request.get()  # the request being served, if any (for the address)
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and getattr(candidate, "is_authenticated", False):
            user = candidate
    from daiban.audit.chain import append

    append(
        action=action,
        outcome=outcome,
        target=str(target)[: _TEXT_LIMITS["target"]],
        detail=dict(detail or {}),
        address=_clean_address(address) if address is not None else client_address(request),
        **_actor_fields(user),
    )
