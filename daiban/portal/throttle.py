"""The public pages' throttle: fixed-window counters in the database, shared by every web worker.

    from daiban.portal import throttle

    if not throttle.allow(request, "lookup", number=number):
        return throttled_page(...)

Each *rule* (``RULES``) counts hits of one kind per address, and optionally per another value (a matter
number, a phone number), in a fixed window; a request is allowed only while every count of its rule stays
within its limit. Every attempt counts, right or wrong, so the answer to an attempt never depends on
whether an earlier one was right. The counters are rows (``ThrottleHit``): an atomic ``UPDATE … SET count =
count + 1`` (a concurrent first hit loses an insert race and retries the update), so several workers and
several machines count together. Old windows are deleted by the periodic ``portal.purge_throttle`` task.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from daiban.accounts.login_throttle import client_ip
from daiban.portal.models import ThrottleHit

__all__ = ["RULES", "Rule", "allow", "count", "purge"]


@dataclass(frozen=True)
class Rule:
    per_address: int  # hits allowed per address per window
    window_seconds: int
    per_value: int | None = None  # hits allowed per counted value (number, phone) per window


def _rules() -> dict[str, Rule]:
    limits: dict[str, tuple[int, int, int | None]] = getattr(settings, "PORTAL_THROTTLE", {})
    return {name: Rule(*limit) for name, limit in limits.items()}


RULES = _rules  # a function, so tests that override settings see their values


def _key(rule: str, what: str, value: str) -> str:
    return salted_hmac(f"daiban.portal.throttle.{rule}.{what}", value).hexdigest()[:64]


def _window(now: datetime.datetime, seconds: int) -> datetime.datetime:
    epoch = int(now.timestamp())
    return datetime.datetime.fromtimestamp(epoch - epoch % seconds, tz=datetime.UTC)


def _hit(key: str, window: datetime.datetime) -> int:
    rows = ThrottleHit.objects.filter(key=key, window=window)
    if not rows.update(count=F("count") + 1):
        try:
            with transaction.atomic():
                ThrottleHit.objects.create(key=key, window=window, count=1)
                return 1
        except IntegrityError:  # another worker inserted the first hit meanwhile
            rows.update(count=F("count") + 1)
    return rows.values_list("count", flat=True).first() or 1


def address(request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


def allow(request: HttpRequest, rule: str, value: str | None = None) -> bool:
    """Count this request under ``rule`` (per address, and per ``value`` if the rule counts one) and say
    whether it is still within the limits. Both counters are incremented even when one is already over,
    so probing one number from many addresses, or many numbers from one address, is slowed alike."""
    spec = RULES()[rule]
    window = _window(timezone.now(), spec.window_seconds)
    allowed = _hit(_key(rule, "address", address(request)), window) <= spec.per_address
    if spec.per_value is not None and value:
        allowed = _hit(_key(rule, "value", value), window) <= spec.per_value and allowed
    return allowed


def count(request: HttpRequest, rule: str) -> int:
    """How many hits this address has in the current window of ``rule`` (for tests and the admin)."""
    spec = RULES()[rule]
    window = _window(timezone.now(), spec.window_seconds)
    row = ThrottleHit.objects.filter(key=_key(rule, "address", address(request)), window=window).first()
    return row.count if row else 0


def purge(now: datetime.datetime | None = None) -> int:
    """Delete the windows that ended more than a day ago (no rule's window is longer than a day)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=2)
    deleted, _ = ThrottleHit.objects.filter(window__lt=cutoff).delete()
    return deleted
