"""System checks of the audit settings (``manage.py check``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register


@register("security")
def audit_key_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if getattr(settings, "DAIBAN_AUDIT_KEY_DERIVED", False):
        return [
            Warning(
                "DAIBAN_AUDIT_KEY is not set: the audit chain's key is derived from DAIBAN_SECRET_KEY.",
                hint="Set DAIBAN_AUDIT_KEY to its own random secret of at least 32 characters (before the "
                "first audit record, or the existing chain no longer verifies: export and purge first).",
                id="audit.W001",
            )
        ]
    return []
