"""The one way other apps tell people something: ``notify(...)``.

    from daiban.notify import services

    services.notify(recipients=[user], kind="overdue", key=f"deadline:{d.pk}:overdue",
                    text=f"事项 {m.number} 已超过办理期限。", matter_id=m.pk, url=f"/matters/{m.pk}/")

``text`` is Chinese and names no person, no matter title, no ID or phone number: it may go out by SMS,
and it is shown to a reader who may since have lost sight of the matter. Pages add the title only when
``matters_for(reader)`` includes the matter.

A member of the public (no account) is texted at the number they gave with ``text_citizen(...)``: the same
outbox, backends and retries, the number encrypted.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from daiban.notify import delivery


def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    key: str,
    text: str,
    matter_id: int | None = None,
    url: str = "",
    urgent: bool = False,
) -> int:
    """Create at most one in-app message per (recipient, key) — a second call with the same key does
    nothing — and the outbound SMS/e-mail each recipient's preferences ask for, sent after commit through
    the queue. ``recipients``: users (or their ids); inactive accounts and, when ``matter_id`` is given,
    anyone ``matters_for`` does not include are left out. ``kind``: a key of ``kinds.KINDS``. ``urgent``:
    the SMS ignores quiet hours (as the overdue supervision kinds always do). Returns how many messages
    were created."""
    return delivery.create_messages(
        recipients=recipients,
        kind=kind,
        key=key,
        text=text,
        matter_id=matter_id,
        url=url,
        urgent=urgent,
    )


def text_citizen(*, phone: str, kind: str, key: str, text: str) -> bool:
    """Queue one SMS to a member of the public at ``phone`` (validated and normalized here; stored only
    encrypted), sent after commit through the outbox like every other SMS. ``kind``: a key of
    ``kinds.CITIZEN_KINDS``. ``key`` makes it idempotent: a second call with the same key queues nothing.
    ``text`` is the whole message (the site's signature is added). Returns whether a row was created.
    Raises ``ValidationError`` for an invalid phone number."""
    return delivery.create_citizen_sms(phone=phone, kind=kind, key=key, text=text)
