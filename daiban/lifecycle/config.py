"""Retention periods (保存期限) per kind of personal record, from ``settings.DAIBAN_RETENTION_DAYS``.

Checked when the app starts (``apps.LifecycleConfig.ready``): every kind present, every value a positive
integer, so a typo in the environment stops the site instead of erasing data early or never.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KINDS: dict[str, str] = {
    "matter": "办结事项中信访人的个人信息（自办结之日起）",
    "accusation": "检举控告类办结事项的个人信息（自办结之日起）",
    "portal_request": "未转为事项的网上代办申请（自提交之日起）",
    "screening": "已结束的矛盾纠纷排查中当事人信息（自结束之日起）",
}


def validate(days: Mapping[str, object]) -> dict[str, int]:
    """The periods, or ImproperlyConfigured naming the first bad one."""
    out: dict[str, int] = {}
    for kind in KINDS:
        value = days.get(kind)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ImproperlyConfigured(
                f"DAIBAN_RETENTION_DAYS[{kind!r}] must be a positive integer (days), got {value!r}."
            )
        out[kind] = value
    unknown = set(days) - set(KINDS)
    if unknown:
        raise ImproperlyConfigured(f"DAIBAN_RETENTION_DAYS has unknown kinds: {sorted(unknown)}.")
    return out


def retention_days() -> dict[str, int]:
    return validate(getattr(settings, "DAIBAN_RETENTION_DAYS", {}))
