"""Creating messages and their outbound copies (the body of ``services.notify``).

One message per (recipient, key): the insert, in its own savepoint, under the unique constraint decides,
so a notify() repeated by a retried task or a second consumer creates nothing. Each new message gets the
outbound rows its recipient asked for (SMS for the kinds chosen, when a mobile number is set; e-mail for
the kinds chosen, when an address is set), each with an idempotency key derived from the message, and the
sends are queued after the commit.

Scope: a message about a matter goes only to those ``matters_for`` includes at the time of sending — an
outsider never hears of a matter outside their jurisdiction. (Callers who must tell someone who has just
lost sight of a matter — a unit whose objection was upheld — send it without ``matter_id``: the text names
the number only, and no link is shown.)
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.template.loader import select_template

from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters.selectors import matters_for
from daiban.notify import kinds, outbox
from daiban.notify.models import Channel, Message, Outbound, OutboundStatus, Preference
from daiban.pii.crypto import encrypt
from daiban.pii.validators import validate_phone

logger = logging.getLogger(__name__)

MAX_KEY = 120
MAX_TEXT = 300


def _users(recipients: Iterable[Any]) -> list[User]:
    ids: list[int] = []
    for r in recipients:
        pk = r if isinstance(r, int) else getattr(r, "pk", None)
        if isinstance(pk, int) and pk not in ids:
            ids.append(pk)
    if not ids:
        return []
    found = User.objects.filter(pk__in=ids, is_active=True).select_related("region")
    by_id = {u.pk: u for u in found}
    return [by_id[i] for i in ids if i in by_id]


def may_see(user: User, matter_id: int) -> bool:
    return matters_for(user).filter(pk=matter_id).exists()


def render_outbound(channel: str, kind: str, text: str) -> str:
    template = select_template(
        [f"notify/outbound/{kind}.{channel}.txt", f"notify/outbound/default.{channel}.txt"]
    )
    rendered = template.render({"label": kinds.label(kind), "text": text})
    return " ".join(rendered.split())[:500]


def _insert(message: Message) -> bool:
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:
        if not Message.objects.filter(recipient_id=message.recipient_id, key=message.key).exists():
            raise  # another constraint: a bug, not a duplicate
        return False
    return True


def _outbound_rows(message: Message, pref: Preference | None, urgent: bool) -> list[Outbound]:
    if pref is None:
        return []
    now = message.created_at
    rows = []
    wanted: list[tuple[str, str]] = []  # (channel, encrypted address)
    if message.kind in pref.sms_kind_keys() and pref.phone_enc:
        wanted.append((Channel.SMS, pref.phone_enc))
    if message.kind in pref.email_kind_keys() and pref.email:
        wanted.append((Channel.EMAIL, encrypt(pref.email)))
    for channel, address in wanted:
        rows.append(
            Outbound(
                channel=channel,
                recipient_id=message.recipient_id,
                message=message,
                kind=message.kind,
                urgent=urgent,
                address_enc=address,
                text=render_outbound(channel, message.kind, message.text),
                key=f"msg{message.pk}-{channel}",
                status=OutboundStatus.PENDING,
                next_attempt_at=outbox.deferral(channel, message.kind, urgent, pref, now) or now,
                created_at=now,
            )
        )
    return rows


def create_messages(
    *,
    recipients: Iterable[Any],
    kind: str,
    key: str,
    text: str,
    matter_id: int | None,
    url: str,
    urgent: bool,
) -> int:
    if kind not in kinds.KINDS:
        raise ValueError(f"unknown message kind {kind!r}: register it in daiban/notify/kinds.py")
    if not key or len(key) > MAX_KEY:
        raise ValueError(f"a message key is 1–{MAX_KEY} characters")
    if url and not (url.startswith("/") and not url.startswith("//") and "\\" not in url):
        raise ValueError("a message url is a path on this site")
    users = _users(recipients)
    if matter_id is not None:
        users = [u for u in users if may_see(u, matter_id)]
    if not users:
        return 0
    prefs = {p.user_id: p for p in Preference.objects.filter(user__in=users)}
    now = clock.now()
    created = 0
    queued: list[str] = []
    with transaction.atomic():
        for user in users:
            message = Message(
                recipient=user,
                kind=kind,
                text=text[:MAX_TEXT],
                matter_id=matter_id,
                url=url[:200],
                key=key,
                created_at=now,
            )
            if not _insert(message):
                continue
            created += 1
            rows = _outbound_rows(message, prefs.get(user.pk), urgent)
            if rows:
                Outbound.objects.bulk_create(rows)
                queued.extend(r.key for r in rows)
    from daiban.notify import tasks  # the queue, imported late: models and services load without it

    for out_key in queued:
        transaction.on_commit(partial(tasks.enqueue, out_key), robust=True)
    return created


CITIZEN_KEY_PREFIX = "cit-"


def create_citizen_sms(*, phone: str, kind: str, key: str, text: str) -> bool:
    if kind not in kinds.CITIZEN_KINDS:
        raise ValueError(f"unknown citizen message kind {kind!r}: register it in daiban/notify/kinds.py")
    full_key = CITIZEN_KEY_PREFIX + key
    if not key or len(full_key) > 80:
        raise ValueError("a citizen message key is 1–76 characters")
    normalized = validate_phone(phone)
    now = clock.now()
    row = Outbound(
        channel=Channel.SMS,
        recipient=None,
        kind=kind,
        urgent=kinds.CITIZEN_KINDS[kind].ignores_quiet_hours,
        address_enc=encrypt(normalized),
        text=" ".join(f"【信访代办】{text}".split())[:500],
        key=full_key,
        status=OutboundStatus.PENDING,
        next_attempt_at=now,
        created_at=now,
    )
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        if not Outbound.objects.filter(key=full_key).exists():
            raise
        return False
    from daiban.notify import tasks

    transaction.on_commit(partial(tasks.enqueue, full_key), robust=True)
    return True
