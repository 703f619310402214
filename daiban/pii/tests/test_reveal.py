from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory

from daiban.console.admin.pii import RevealLogAdmin
from daiban.pii.fields import set_id_number, set_phone
from daiban.pii.models import RevealLog
from daiban.pii.services import reveal
from daiban.pii.tests.helpers import make_id

ID = make_id()

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(username="agent1", password="x" * 12)


@pytest.fixture
def target(person_model: Any) -> Iterator[Any]:
    # reveal() needs only a primary key, the <field>_enc attribute and a content type: no table required.
    # The test model's content type row is created inside the test transaction, so drop the manager's cache
    # around each test (it would otherwise keep the id of a rolled-back row).
    ContentType.objects.clear_cache()
    person = person_model(pk=42, name="王建国")
    set_id_number(person, ID)
    set_phone(person, "13912345678")
    yield person
    ContentType.objects.clear_cache()


def test_reveal_returns_plaintext_and_logs(actor: Any, target: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="daiban.pii.services")
    value = reveal(actor=actor, obj=target, field="id_number", reason="核实身份", ip="203.0.113.9")
    assert value == ID
    entry = RevealLog.objects.get()
    assert entry.actor == actor
    assert entry.content_type == ContentType.objects.get_for_model(target)
    assert entry.object_id == "42"
    assert entry.field == "id_number"
    assert entry.reason == "核实身份"
    assert entry.ip_address == "203.0.113.9"
    assert entry.created_at is not None
    assert ID not in str(entry)
    assert ID not in caplog.text and "pii reveal" in caplog.text

    assert reveal(actor=actor, obj=target, field="phone_enc", reason="回访", ip="not an ip") == "13912345678"
    second = RevealLog.objects.order_by("-id").first()
    assert second is not None and second.field == "phone" and second.ip_address is None
    assert RevealLog.objects.count() == 2


def test_reveal_of_empty_value_is_not_logged(actor: Any, target: Any) -> None:
    target.phone_enc = ""
    assert reveal(actor=actor, obj=target, field="phone", reason="回访") == ""
    assert not RevealLog.objects.exists()


def test_reveal_refuses_anonymous_inactive_and_unknown_fields(actor: Any, target: Any) -> None:
    with pytest.raises(PermissionDenied):
        reveal(actor=AnonymousUser(), obj=target, field="id_number", reason="核实身份")
    with pytest.raises(ValueError):
        reveal(actor=actor, obj=target, field="password", reason="核实身份")
    actor.is_active = False
    with pytest.raises(PermissionDenied):
        reveal(actor=actor, obj=target, field="id_number", reason="核实身份")
    assert not RevealLog.objects.exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_reveal_needs_a_reason(actor: Any, target: Any, reason: str) -> None:
    with pytest.raises(ValueError, match="reason"):
        reveal(actor=actor, obj=target, field="phone", reason=reason)
    assert not RevealLog.objects.exists()


def test_reveal_log_is_append_only(actor: Any, target: Any) -> None:
    reveal(actor=actor, obj=target, field="id_number", reason="核实身份")
    entry = RevealLog.objects.get()
    entry.reason = "篡改"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert RevealLog.objects.get().reason == "核实身份"


def test_admin_is_read_only(actor: Any) -> None:
    assert isinstance(site._registry[RevealLog], RevealLogAdmin)
    model_admin = site._registry[RevealLog]
    request = RequestFactory().get("/")
    request.user = type(actor).objects.create_superuser(username="root", password="x" * 12)
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request) is False
    assert model_admin.has_delete_permission(request) is False
    assert model_admin.has_view_permission(request) is True


def test_admin_pages(actor: Any, target: Any, client: Client) -> None:
    reveal(actor=actor, obj=target, field="id_number", reason="核实身份")
    entry = RevealLog.objects.get()
    root = type(actor).objects.create_superuser(username="root", password="x" * 12)
    client.force_login(root)
    changelist = client.get("/admin/pii/reveallog/")
    assert changelist.status_code == 200
    assert "核实身份" in changelist.content.decode()
    assert ID not in changelist.content.decode()
    detail = client.get(f"/admin/pii/reveallog/{entry.pk}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert client.get("/admin/pii/reveallog/add/").status_code == 403
    assert client.get(f"/admin/pii/reveallog/{entry.pk}/delete/").status_code == 403
    post = client.post(f"/admin/pii/reveallog/{entry.pk}/change/", {"reason": "x"})
    assert post.status_code == 403
    assert RevealLog.objects.get().reason == "核实身份"
