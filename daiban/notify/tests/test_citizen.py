"""Texting a member of the public (``services.text_citizen``): the phone validated and kept only
encrypted, sent after commit by the same backends and retries, once per key, citizen kinds only."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from daiban.notify import outbox as box
from daiban.notify import services
from daiban.notify.models import Outbound, OutboundStatus
from daiban.notify.tests.helpers import Recorder

PHONE = "13904719999"


@pytest.mark.django_db(transaction=True)
def test_a_citizen_is_texted_once_per_key(outbox: Recorder) -> None:
    assert services.text_citizen(phone=PHONE, kind="citizen_code", key="code-1", text="您的验证码是123456。")
    assert not services.text_citizen(phone=PHONE, kind="citizen_code", key="code-1", text="again")
    row = Outbound.objects.get()
    assert row.recipient_id is None and row.key == "cit-code-1" and PHONE not in row.address_enc
    assert row.status == OutboundStatus.SENT  # sent after commit (the queue runs at once in tests)
    assert [(d.address, d.text) for d in outbox.sent] == [(PHONE, "【信访代办】您的验证码是123456。")]


@pytest.mark.django_db(transaction=True)
@override_settings(NOTIFY_MAX_ATTEMPTS=2, NOTIFY_RETRY_BASE_SECONDS=60)
def test_a_failed_send_is_retried_like_any_other(outbox: Recorder) -> None:
    outbox.fail = 1
    services.text_citizen(phone=PHONE, kind="citizen_request", key="req-1", text="已收到。")
    row = Outbound.objects.get()
    assert (row.status, row.attempts) == (OutboundStatus.PENDING, 1)
    assert PHONE not in row.last_error
    Outbound.objects.filter(pk=row.pk).update(next_attempt_at=row.created_at)
    assert box.deliver(row.key) == "sent"
    assert len(outbox.sent) == 1


@pytest.mark.django_db
def test_bad_input_is_refused() -> None:
    with pytest.raises(ValidationError):
        services.text_citizen(phone="123", kind="citizen_code", key="k", text="x")
    with pytest.raises(ValueError, match="citizen message kind"):
        services.text_citizen(phone=PHONE, kind="assigned", key="k", text="x")
    assert not Outbound.objects.exists()
