"""Connects django.contrib.auth's login signals and the admin's LogEntry to the audit log."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest

from daiban.audit.api import record

CONFIG_APPS = frozenset({"workcal"})
_LONG_DIGITS = re.compile(r"\d{6,}")


def _mask(match: re.Match[str]) -> str:
    digits = match.group(0)
    return digits[:3] + "*" * (len(digits) - 5) + digits[-2:]


@receiver(user_logged_in, dispatch_uid="daiban.audit.login")
def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record("login.success", request=request, user=user)


@receiver(user_login_failed, dispatch_uid="daiban.audit.login_failed")
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # The username typed (credentials masks the password); no account may exist under it. Someone may type
    # a phone or ID number there: long digit runs are masked, as personal data never enters the log.
    username = _LONG_DIGITS.sub(_mask, str(credentials.get("username", "") or "")[:150])
    record("login.failure", request=request, outcome="failure", target=username)


@receiver(user_logged_out, dispatch_uid="daiban.audit.logout")
def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record("logout", request=request, user=user)


@receiver(post_save, sender=LogEntry, dispatch_uid="daiban.audit.admin")
def _admin_action(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    kind = {1: "add", 2: "change", 3: "delete"}.get(instance.action_flag, str(instance.action_flag))
    ct: Any = instance.content_type
    model = f"{ct.app_label}.{ct.model}" if ct is not None else ""
    # The working calendar and the statutory time limits are the site's configuration (config.change).
    action = "config.change" if ct is not None and ct.app_label in CONFIG_APPS else "admin.change"
    record(
        action,
        user=instance.user,
        target=f"{model}#{instance.object_id or ''}",
        detail={"operation": kind},
    )
