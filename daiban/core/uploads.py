"""Upload quotas (等保 level 3: resource limits): how many files and how many megabytes one submission may
carry, and how many one person may upload in one day.

    check_upload(files, label="附件", user_id=user.pk)

raises a ``ValidationError`` whose message names the field and the limit, for the form to show on that
field. The per-submission limits are DAIBAN_UPLOAD_MAX_FILES / DAIBAN_UPLOAD_MAX_TOTAL_MB; the daily ones
DAIBAN_UPLOAD_DAILY_FILES / DAIBAN_UPLOAD_DAILY_MB, counted from the stored upload rows of the project
clock's day (``daiban.core.clock``), midnight to midnight in the site's time zone.

core knows no upload model: each app that stores uploads registers a counter,
``register_usage(counter)``, that answers (files, bytes) stored by one user in a time window; the day's
usage is the sum of all counters. An anonymous public upload has no user: only the per-submission limits
apply, and the portal's throttle bounds how many submissions an address makes a day.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from daiban.core import clock

MB = 1024 * 1024


class Sized(Protocol):
    size: int | None


@dataclass(frozen=True)
class Usage:
    files: int = 0
    bytes: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(self.files + other.files, self.bytes + other.bytes)


UsageCounter = Callable[[Any, datetime.datetime, datetime.datetime], Usage]
_counters: list[UsageCounter] = []


def register_usage(counter: UsageCounter) -> UsageCounter:
    """Add a counter of stored uploads: ``counter(user_id, start, end)`` answers the files and bytes the
    user uploaded in [start, end). Usable as a decorator; registering the same function twice counts it
    once."""
    if counter not in _counters:
        _counters.append(counter)
    return counter


def day_window(day: datetime.date | None = None) -> tuple[datetime.datetime, datetime.datetime]:
    """[midnight, next midnight) of ``day`` (the project clock's today by default), in the site's zone."""
    day = day or clock.today()
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    return start, datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)


def used_today(user_id: Any) -> Usage:
    """What ``user_id`` has uploaded today, over every registered counter."""
    start, end = day_window()
    total = Usage()
    for counter in _counters:
        total = total + counter(user_id, start, end)
    return total


def _size(f: Sized) -> int:
    return int(f.size or 0)


def _mb(n: int) -> str:
    return f"{n / MB:.1f}".removesuffix(".0")


def check_upload(files: Sequence[Sized], *, label: str, user_id: Any = None) -> None:
    """Refuse ``files`` (one submission of the field ``label``) if they exceed the per-submission limits
    or, for a signed-in user, the day's limits. Nothing to check for an empty submission."""
    if not files:
        return
    count, total = len(files), sum(_size(f) for f in files)
    max_files: int = settings.DAIBAN_UPLOAD_MAX_FILES
    max_mb: int = settings.DAIBAN_UPLOAD_MAX_TOTAL_MB
    if count > max_files:
        raise ValidationError(
            f"{label}：一次最多上传 {max_files} 个文件，本次选择了 {count} 个，请分次上传。",
            code="upload_max_files",
        )
    if total > max_mb * MB:
        raise ValidationError(
            f"{label}：一次上传的文件合计不能超过 {max_mb} MB，本次合计 {_mb(total)} MB，请压缩或分次上传。",
            code="upload_max_total",
        )
    if user_id is None:
        return
    daily_files: int = settings.DAIBAN_UPLOAD_DAILY_FILES
    daily_mb: int = settings.DAIBAN_UPLOAD_DAILY_MB
    used = used_today(user_id)
    if used.files + count > daily_files:
        raise ValidationError(
            f"{label}：每人每天最多上传 {daily_files} 个文件，今天已上传 {used.files} 个，"
            f"本次 {count} 个将超过上限，请明天再上传或联系系统管理员。",
            code="upload_daily_files",
        )
    if used.bytes + total > daily_mb * MB:
        raise ValidationError(
            f"{label}：每人每天上传的文件合计不能超过 {daily_mb} MB，今天已上传 {_mb(used.bytes)} MB，"
            f"本次 {_mb(total)} MB 将超过上限，请明天再上传或联系系统管理员。",
            code="upload_daily_total",
        )
