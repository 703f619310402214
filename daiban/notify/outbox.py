"""The outbox: each outbound SMS or e-mail is one ``Outbound`` row, sent by ``deliver(key)``.

Sending exactly once with several consumers: ``deliver`` claims the row with one conditional update
(pending and due → sending, attempts + 1); only the consumer whose update changed the row sends, so a task
that runs twice, or on two consumers at once, sends once. A failure puts the row back to pending with the
next attempt NOTIFY_RETRY_BASE_SECONDS × 2^(attempts-1) later, until NOTIFY_MAX_ATTEMPTS attempts: then
it is failed. A consumer that dies between claiming and finishing leaves the row "sending"; the periodic
``resend_due`` takes it back after NOTIFY_CLAIM_TIMEOUT_SECONDS — the one case where a provider may see a
key twice, which is why the key is passed to it.

Quiet hours (免打扰) defer a non-urgent SMS to the end of the recipient's quiet period, both when the row is
created and when it comes due (a retry may land in the night); kinds that ignore quiet hours (overdue
supervision) and ``urgent`` messages go at once. E-mail is not deferred.
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from daiban.core import clock
from daiban.notify import kinds
from daiban.notify.backends import Delivery, SendError, backend_for
from daiban.notify.models import Channel, Outbound, OutboundStatus, Preference
from daiban.pii.crypto import decrypt
from daiban.pii.log_filters import redact

logger = logging.getLogger(__name__)


# ------------------------------------------------------------------------------------------ quiet hours


def in_quiet_hours(start: datetime.time | None, end: datetime.time | None, at: datetime.time) -> bool:
    """Whether local time ``at`` lies in [start, end), a window that may cross midnight."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= at < end
    return at >= start or at < end


def quiet_until(pref: Preference | None, now: datetime.datetime) -> datetime.datetime | None:
    """The end of the quiet period ``now`` lies in, or None when it lies in none."""
    if pref is None:
        return None
    start, end = pref.quiet_start, pref.quiet_end
    local = timezone.localtime(now)
    if end is None or not in_quiet_hours(start, end, local.time()):
        return None
    until = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if until <= local:
        until += datetime.timedelta(days=1)
    return until


def deferral(
    channel: str, kind: str, urgent: bool, pref: Preference | None, now: datetime.datetime
) -> datetime.datetime | None:
    """When a send of ``kind`` now must wait for the end of quiet hours, that moment; else None."""
    if channel != Channel.SMS or urgent:
        return None
    registered = kinds.KINDS.get(kind)
    if registered is not None and registered.ignores_quiet_hours:
        return None
    return quiet_until(pref, now)


# --------------------------------------------------------------------------------------------- sending


def backoff(attempts: int) -> datetime.timedelta:
    """The wait after the ``attempts``-th failed attempt: base, 2 × base, 4 × base …"""
    return datetime.timedelta(seconds=settings.NOTIFY_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))


def _safe_error(exc: BaseException) -> str:
    text = str(exc) if isinstance(exc, SendError) else f"发送异常：{type(exc).__name__}"
    return redact(text)[:200]


def deliver(key: str) -> str:
    """Send the outbound row ``key`` if it is pending and due and this call claims it. The outcome:
    "sent", "retry", "failed", "deferred" (quiet hours), or why nothing was done ("missing", "not_due",
    "taken" — another consumer claimed it —, or the row's status: "sent", "failed", "sending")."""
    now = clock.now()
    row = Outbound.objects.filter(key=key).first()
    if row is None:
        return "missing"
    if row.status != OutboundStatus.PENDING:
        return str(row.status)
    if row.next_attempt_at > now:
        return "not_due"
    # A citizen's SMS (no account) has no preferences: it is never deferred.
    pref = (
        Preference.objects.filter(user_id=row.recipient_id).first() if row.recipient_id is not None else None
    )
    wait = deferral(row.channel, row.kind, row.urgent, pref, now)
    if wait is not None:
        Outbound.objects.filter(pk=row.pk, status=OutboundStatus.PENDING).update(next_attempt_at=wait)
        return "deferred"
    claimed = Outbound.objects.filter(
        pk=row.pk, status=OutboundStatus.PENDING, next_attempt_at__lte=now
    ).update(status=OutboundStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return "taken"
    row.refresh_from_db()
    mine = Outbound.objects.filter(pk=row.pk, status=OutboundStatus.SENDING, claimed_at=now)
    try:
        address = decrypt(row.address_enc)
        delivery = Delivery(
            channel=row.channel,
            address=address,
            subject=f"【信访代办】{kinds.label(row.kind)}",
            text=row.text,
            key=row.key,
        )
        ref = backend_for(row.channel).send(delivery)
    except Exception as exc:  # SendError, an unreadable address, a backend's bug: retried, then failed
        error = _safe_error(exc)
        if row.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
            mine.update(status=OutboundStatus.FAILED, last_error=error)
            logger.warning(
                "notify: %s %s failed after %d attempts: %s", row.channel, row.key, row.attempts, error
            )
            return "failed"
        mine.update(
            status=OutboundStatus.PENDING, last_error=error, next_attempt_at=now + backoff(row.attempts)
        )
        logger.info("notify: %s %s attempt %d failed: %s", row.channel, row.key, row.attempts, error)
        return "retry"
    mine.update(status=OutboundStatus.SENT, sent_at=clock.now(), provider_ref=str(ref)[:100], last_error="")
    return "sent"


def resend_due(limit: int | None = None) -> dict[str, int]:
    """The periodic pass: take back sends claimed long ago and never finished, then deliver what is due
    (retries and the end of quiet hours), oldest first, at most NOTIFY_RESEND_BATCH. Safe on several
    consumers at once: each row is claimed by ``deliver``."""
    now = clock.now()
    stale = now - datetime.timedelta(seconds=settings.NOTIFY_CLAIM_TIMEOUT_SECONDS)
    abandoned = Outbound.objects.filter(status=OutboundStatus.SENDING, claimed_at__lt=stale)
    gave_up = abandoned.filter(attempts__gte=settings.NOTIFY_MAX_ATTEMPTS).update(
        status=OutboundStatus.FAILED, last_error="发送未完成（超时）"
    )
    taken_back = abandoned.update(
        status=OutboundStatus.PENDING, next_attempt_at=now, last_error="发送未完成（超时），重新发送"
    )
    due = list(
        Outbound.objects.filter(status=OutboundStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("key", flat=True)[: limit or settings.NOTIFY_RESEND_BATCH]
    )
    outcomes: Counter[str] = Counter(deliver(key) for key in due)
    if gave_up:
        outcomes["failed"] += gave_up
    if taken_back:
        outcomes["taken_back"] += taken_back
    return dict(outcomes)
