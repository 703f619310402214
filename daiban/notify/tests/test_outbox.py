"""The outbox: retries with backoff then failed, quiet hours, the periodic re-send, abandoned claims."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings

from conftest import Personas
from daiban.core import clock
from daiban.matters.tests.factories import at
from daiban.notify import outbox as box
from daiban.notify import tasks
from daiban.notify.models import Outbound, OutboundStatus
from daiban.notify.tests.helpers import Recorder, prefer, tell

PHONE = "13904719999"


def _row() -> Outbound:
    return Outbound.objects.get()


@override_settings(NOTIFY_MAX_ATTEMPTS=3, NOTIFY_RETRY_BASE_SECONDS=60)
def test_a_failing_backend_is_retried_with_backoff_then_marked_failed(
    personas: Personas, outbox: Recorder
) -> None:
    outbox.fail = 99
    prefer(personas.unit_handler, phone=PHONE)
    t0 = at(2026, 6, 1, 10)
    with clock.frozen(t0):
        tell([personas.unit_handler])
        key = _row().key
        assert box.deliver(key) == "retry"
    row = _row()
    assert (row.status, row.attempts) == (OutboundStatus.PENDING, 1)
    assert row.next_attempt_at == t0 + datetime.timedelta(seconds=60)
    assert PHONE not in row.last_error and "HTTP 503" in row.last_error  # the address is never stored
    with clock.frozen(t0 + datetime.timedelta(seconds=30)):
        assert box.deliver(key) == "not_due" and box.resend_due() == {}
    with clock.frozen(t0 + datetime.timedelta(seconds=60)):
        assert box.resend_due() == {"retry": 1}
    row = _row()
    assert row.attempts == 2 and row.next_attempt_at == t0 + datetime.timedelta(seconds=60 + 120)
    with clock.frozen(t0 + datetime.timedelta(seconds=180)):
        assert box.resend_due() == {"failed": 1}
    row = _row()
    assert (row.status, row.attempts) == (OutboundStatus.FAILED, 3)
    with clock.frozen(t0 + datetime.timedelta(days=1)):
        assert box.resend_due() == {} and box.deliver(key) == "failed"
    assert outbox.calls == 3 and outbox.sent == []


def test_a_retry_that_succeeds_is_sent_once(personas: Personas, outbox: Recorder) -> None:
    outbox.fail = 1
    prefer(personas.unit_handler, phone=PHONE)
    t0 = at(2026, 6, 1, 10)
    with clock.frozen(t0):
        tell([personas.unit_handler])
        assert box.deliver(_row().key) == "retry"
    with clock.frozen(t0 + datetime.timedelta(hours=1)):
        assert box.resend_due() == {"sent": 1}
        assert box.resend_due() == {}
        assert box.deliver(_row().key) == "sent"  # already sent: nothing more
    row = _row()
    assert (row.status, row.attempts, row.last_error, row.provider_ref) == ("sent", 2, "", "ref-1")
    assert len(outbox.sent) == 1


@pytest.mark.parametrize(
    ("kind", "urgent", "deferred"),
    [
        ("assigned", False, True),
        ("overdue", False, False),
        ("supervision_order", False, False),
        ("assigned", True, False),
    ],
)
def test_quiet_hours_defer_non_urgent_sms_to_their_end(
    kind: str, urgent: bool, deferred: bool, personas: Personas, outbox: Recorder
) -> None:
    prefer(
        personas.unit_handler,
        phone=PHONE,
        sms_kinds=["assigned", "overdue", "supervision_order"],
        quiet_start=datetime.time(22, 0),
        quiet_end=datetime.time(7, 0),
    )
    night = at(2026, 6, 1, 23)
    with clock.frozen(night):
        tell([personas.unit_handler], kind=kind, urgent=urgent)
        outcome = box.deliver(_row().key)
    morning = at(2026, 6, 2, 7)
    if deferred:
        assert outcome == "not_due" and _row().next_attempt_at == morning
        with clock.frozen(morning - datetime.timedelta(minutes=1)):
            assert box.resend_due() == {}
        with clock.frozen(morning):
            assert box.resend_due() == {"sent": 1}
    else:
        assert outcome == "sent"
    assert len(outbox.sent) == 1


def test_a_retry_landing_in_quiet_hours_waits_for_morning(personas: Personas, outbox: Recorder) -> None:
    outbox.fail = 1
    prefer(
        personas.unit_handler, phone=PHONE, quiet_start=datetime.time(22, 0), quiet_end=datetime.time(7, 0)
    )
    with clock.frozen(at(2026, 6, 1, 21)):
        tell([personas.unit_handler])
        assert box.deliver(_row().key) == "retry"
    with clock.frozen(at(2026, 6, 1, 23)):
        assert box.resend_due() == {"deferred": 1}
    assert _row().next_attempt_at == at(2026, 6, 2, 7)
    with clock.frozen(at(2026, 6, 2, 7)):
        assert box.resend_due() == {"sent": 1}


def test_email_ignores_quiet_hours(personas: Personas, outbox: Recorder) -> None:
    prefer(
        personas.unit_handler,
        email="h@example.cn",
        email_kinds=["assigned"],
        quiet_start=datetime.time(22, 0),
        quiet_end=datetime.time(7, 0),
    )
    with clock.frozen(at(2026, 6, 1, 23)):
        tell([personas.unit_handler])
        assert box.deliver(_row().key) == "sent"
    assert outbox.sent[0].channel == "email" and outbox.sent[0].address == "h@example.cn"


def test_quiet_window_arithmetic() -> None:
    t = datetime.time
    assert box.in_quiet_hours(t(22), t(7), t(23)) and box.in_quiet_hours(t(22), t(7), t(6, 59))
    assert not box.in_quiet_hours(t(22), t(7), t(7)) and not box.in_quiet_hours(t(22), t(7), t(12))
    assert box.in_quiet_hours(t(12), t(14), t(13)) and not box.in_quiet_hours(t(12), t(14), t(14))
    assert not box.in_quiet_hours(None, None, t(3)) and not box.in_quiet_hours(t(3), t(3), t(3))


@override_settings(NOTIFY_CLAIM_TIMEOUT_SECONDS=300, NOTIFY_MAX_ATTEMPTS=5)
def test_a_send_claimed_and_never_finished_is_taken_back(personas: Personas, outbox: Recorder) -> None:
    prefer(personas.unit_handler, phone=PHONE)
    t0 = at(2026, 6, 1, 10)
    with clock.frozen(t0):
        tell([personas.unit_handler])
    # A consumer claimed it and died.
    Outbound.objects.update(status=OutboundStatus.SENDING, claimed_at=t0, attempts=1)
    with clock.frozen(t0 + datetime.timedelta(seconds=299)):
        assert box.resend_due() == {}
    with clock.frozen(t0 + datetime.timedelta(seconds=301)):
        assert box.resend_due() == {"taken_back": 1, "sent": 1}
    assert _row().status == OutboundStatus.SENT and _row().attempts == 2
    # The key the provider saw is the same on every attempt.
    assert outbox.sent[0].key == _row().key


def test_the_periodic_task_is_registered_and_runs(personas: Personas, outbox: Recorder) -> None:
    from huey.contrib.djhuey import HUEY

    assert tasks.RESEND_TASK in {t.__name__ for t in HUEY._registry._periodic_tasks}
    prefer(personas.unit_handler, phone=PHONE)
    tell([personas.unit_handler])
    assert tasks.run_resend() == {"sent": 1}
