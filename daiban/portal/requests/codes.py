"""SMS verification codes (短信验证码) proving that the person who fills in an online request holds the phone.

A code is 6 random digits, sent through the outbox ("您的验证码是123456，10分钟内有效。" and nothing else),
stored only as a keyed hash, valid for ``CODE_MINUTES`` minutes and for ``MAX_ATTEMPTS`` tries. A new code
for the same phone replaces the earlier ones. ``check`` counts every try in its own committed update (a
wrong code still counts when the page then fails), and ``consume`` uses a matching code exactly once,
inside the transaction that saves the request.
"""

from __future__ import annotations

import datetime
import hmac
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils.crypto import salted_hmac

from daiban.core import clock
from daiban.notify import services as notify
from daiban.pii.fields import lookup_hash_for_phone
from daiban.portal.models import SmsCode

CODE_MINUTES = 10
MAX_ATTEMPTS = 5
CODE_DIGITS = 6


def _code_hash(phone_hash: str, code: str) -> str:
    return salted_hmac("daiban.portal.sms_code", f"{phone_hash}:{code}").hexdigest()


def issue(phone: str) -> SmsCode:
    """Create a new code for the (valid, normalized) mobile ``phone``, void the earlier ones and queue the
    SMS (sent after commit)."""
    phone_hash = lookup_hash_for_phone(phone)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    now = clock.now()
    with transaction.atomic():
        SmsCode.objects.filter(phone_hash=phone_hash, used_at__isnull=True).update(used_at=now)
        row = SmsCode.objects.create(
            phone_hash=phone_hash,
            code_hash=_code_hash(phone_hash, code),
            created_at=now,
            expires_at=now + datetime.timedelta(minutes=CODE_MINUTES),
        )
        notify.text_citizen(
            phone=phone,
            kind="citizen_code",
            key=f"code-{row.pk}",
            text=f"您的验证码是{code}，{CODE_MINUTES}分钟内有效。",
        )
    return row


@dataclass(frozen=True)
class Checked:
    code_id: int | None  # the matching code, not yet used; None when refused
    error: str = ""


def check(phone: str, code: str) -> Checked:
    """Try ``code`` against the phone's current code. Every try counts, committed at once."""
    phone_hash = lookup_hash_for_phone(phone)
    now = clock.now()
    row = (
        SmsCode.objects.filter(phone_hash=phone_hash, used_at__isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )
    if row is None or row.expires_at <= now:
        return Checked(None, "验证码已失效，请点“获取验证码”重新获取。")
    if row.attempts >= MAX_ATTEMPTS:
        return Checked(None, "验证码输错次数过多，请点“获取验证码”重新获取。")
    with transaction.atomic():
        SmsCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
    typed = (code or "").strip()
    if not hmac.compare_digest(_code_hash(phone_hash, typed), row.code_hash):
        left = MAX_ATTEMPTS - row.attempts - 1
        if left <= 0:
            return Checked(None, "验证码输错次数过多，请点“获取验证码”重新获取。")
        return Checked(None, f"验证码不正确，还可以再试 {left} 次。")
    return Checked(row.pk)


def consume(code_id: int) -> bool:
    """Mark a matching code used; False when it was used (or replaced) meanwhile. Call inside the
    transaction that saves what it proves."""
    return bool(SmsCode.objects.filter(pk=code_id, used_at__isnull=True).update(used_at=clock.now()))
