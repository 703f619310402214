"""The public throttle: every attempt counts, per address and per value, across workers (rows, not memory),
and the windows end."""

from __future__ import annotations

import datetime

import pytest
from django.test import RequestFactory, override_settings
from django.utils import timezone

from daiban.portal import tasks, throttle
from daiban.portal.models import ThrottleHit

pytestmark = pytest.mark.django_db

RULES = {"lookup": (3, 600, 2), "apply": (2, 86400, None)}


def _request(address: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
    return RequestFactory().post("/lookup/", REMOTE_ADDR=address)


@override_settings(PORTAL_THROTTLE=RULES)
def test_per_address_limit() -> None:
    assert [throttle.allow(_request(), "apply") for _ in range(4)] == [True, True, False, False]
    assert throttle.allow(_request("10.0.0.2"), "apply")  # another address has its own count
    assert throttle.count(_request(), "apply") == 4


@override_settings(PORTAL_THROTTLE=RULES)
def test_per_value_limit_holds_across_addresses() -> None:
    """One number probed from many addresses is slowed as much as from one."""
    answers = [throttle.allow(_request(f"10.0.1.{i}"), "lookup", "1501022026000001") for i in range(4)]
    assert answers == [True, True, False, False]
    assert throttle.allow(_request("10.0.1.9"), "lookup", "1501022026000002")


@override_settings(PORTAL_THROTTLE=RULES)
def test_no_address_or_number_is_stored_in_the_clear() -> None:
    throttle.allow(_request("203.0.113.77"), "lookup", "XC-2026-000123")
    keys = list(ThrottleHit.objects.values_list("key", flat=True))
    assert len(keys) == 2
    assert all("203.0.113" not in k and "000123" not in k for k in keys)


@override_settings(PORTAL_THROTTLE=RULES)
def test_a_new_window_starts_afresh_and_old_windows_are_purged() -> None:
    for _ in range(3):
        throttle.allow(_request(), "apply")
    assert not throttle.allow(_request(), "apply")
    ThrottleHit.objects.update(window=timezone.now() - datetime.timedelta(days=3))
    assert throttle.allow(_request(), "apply")
    assert tasks.run_purge() == 1
    assert ThrottleHit.objects.count() == 1
