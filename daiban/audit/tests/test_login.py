"""Logins (success and failure, with the address), logouts and admin actions become audit records."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from daiban.audit.chain import verify
from daiban.audit.models import AuditRecord

PASSWORD = "persona-pass-123"


def _login(client: Client, username: str, password: str, **extra: Any) -> None:
    client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_login_success_and_logout(db: None, personas: Any) -> None:
    client = Client(REMOTE_ADDR="10.1.2.3")
    _login(client, "leader", PASSWORD)
    success = AuditRecord.objects.get(action="login.success")
    assert (success.actor_id, success.actor_username, success.outcome) == (
        personas.leader.pk,
        "leader",
        "success",
    )
    assert success.address == "10.1.2.3"
    assert success.role == personas.leader.role
    assert success.region_code == personas.leader.region.code
    client.post(reverse("logout"))
    out = AuditRecord.objects.get(action="logout")
    assert out.actor_username == "leader" and out.address == "10.1.2.3"
    assert verify().ok


def test_login_failure_has_address_and_outcome(db: None, personas: Any) -> None:
    client = Client(REMOTE_ADDR="10.9.8.7")
    _login(client, "leader", "wrong-password-1")
    failure = AuditRecord.objects.get(action="login.failure")
    assert (failure.outcome, failure.address, failure.target) == ("failure", "10.9.8.7", "leader")
    assert failure.actor_id is None
    assert "wrong-password-1" not in str(failure.detail) + failure.target


def test_a_number_typed_as_username_is_masked(db: None) -> None:
    _login(Client(), "13904711234", "whatever-1")
    assert AuditRecord.objects.get(action="login.failure").target == "139******34"


def test_proxy_header_only_behind_a_proxy(db: None, personas: Any) -> None:
    client = Client(REMOTE_ADDR="10.0.0.1")
    _login(client, "leader", "wrong-password-1", HTTP_X_FORWARDED_FOR="203.0.113.5, 10.0.0.1")
    with override_settings(DAIBAN_BEHIND_PROXY=True):
        _login(client, "leader", "wrong-password-2", HTTP_X_FORWARDED_FOR="203.0.113.5, 10.0.0.1")
    assert list(AuditRecord.objects.order_by("seq").values_list("address", flat=True)) == [
        "10.0.0.1",
        "203.0.113.5",
    ]


def test_admin_log_entry_is_recorded(db: None, personas: Any) -> None:
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.create(
        user=personas.city_admin,
        content_type=ContentType.objects.get_for_model(personas.leader),
        object_id=str(personas.leader.pk),
        object_repr="leader",
        action_flag=CHANGE,
    )
    entry = AuditRecord.objects.get(action="admin.change")
    assert entry.actor_username == "city_admin"
    assert entry.target == f"accounts.user#{personas.leader.pk}"
    assert entry.detail == {"operation": "change"}


@pytest.mark.parametrize("action", ["login.success", "login.failure", "logout"])
def test_known_actions(action: str) -> None:
    from daiban.audit.api import ACTIONS

    assert action in ACTIONS


def test_a_calendar_change_in_the_admin_is_a_config_change(db: None, personas: Any) -> None:
    from django.contrib.admin.models import ADDITION, LogEntry
    from django.contrib.contenttypes.models import ContentType

    from daiban.workcal.models import TimeLimit

    LogEntry.objects.create(
        user=personas.city_admin,
        content_type=ContentType.objects.get_for_model(TimeLimit),
        object_id="1",
        object_repr="x",
        action_flag=ADDITION,
    )
    entry = AuditRecord.objects.get()
    assert (entry.action, entry.target, entry.detail) == (
        "config.change",
        "workcal.timelimit#1",
        {"operation": "add"},
    )
