"""The writes of notify, one function each, keyword-only, taking the acting user: mark one message read,
mark all read, change one's contact settings (消息接收设置: version-checked, with an event naming the
fields changed). A message of someone else does not exist (``OutOfScope``, a 404)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters.actions.base import fail
from daiban.matters.errors import ActionError, Conflict, OutOfScope
from daiban.notify import kinds
from daiban.notify.models import Message, Preference, PreferenceEvent
from daiban.pii.crypto import decrypt
from daiban.pii.fields import clear_pii, set_phone
from daiban.pii.validators import is_mobile, validate_phone

__all__ = ["message_mark_all_read", "message_mark_read", "preference_update"]

FIELD_LABELS = {
    "phone": "手机号码",
    "email": "电子邮箱",
    "sms_kinds": "短信提醒的消息类型",
    "email_kinds": "邮件提醒的消息类型",
    "quiet_start": "免打扰开始",
    "quiet_end": "免打扰结束",
}


class SettingsConflict(Conflict):
    """The settings were saved elsewhere (another tab) after this form was loaded: 409, input kept."""

    def __init__(self) -> None:
        ActionError.__init__(self, "您的消息接收设置刚刚在别处被修改，请核对后再提交；您填写的内容已保留。")


def message_mark_read(*, actor: User, message_id: int) -> Message:
    """已读: the actor's own message (someone else's does not exist). Marking a read message again
    changes nothing."""
    message = Message.objects.filter(pk=message_id, recipient=actor).first()
    if message is None:
        raise OutOfScope
    if message.read_at is None:
        now = clock.now()
        if Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=now):
            message.read_at = now
        else:
            message.refresh_from_db(fields=["read_at"])
    return message


def message_mark_all_read(*, actor: User) -> int:
    """全部已读: every unread message of the actor; how many."""
    return Message.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=clock.now())


def preference_of(user: User) -> Preference:
    """The user's settings, unsaved defaults when never saved."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def _kinds(field: str, values: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(values))
    unknown = [v for v in chosen if v not in kinds.KINDS]
    if unknown:
        raise fail(field, "请选择有效的消息类型。")
    return sorted(chosen)


def _quiet(
    start: datetime.time | None, end: datetime.time | None
) -> tuple[datetime.time | None, datetime.time | None]:
    if (start is None) != (end is None):
        raise fail(
            "quiet_end" if end is None else "quiet_start", "免打扰时段的开始和结束时间须同时填写或同时留空。"
        )
    if start is not None and start == end:
        raise fail("quiet_end", "免打扰结束时间不能与开始时间相同。")
    return start, end


def preference_update(
    *,
    actor: User,
    expected_version: int | None,
    phone: str = "",
    clear_phone: bool = False,
    email: str = "",
    sms_kinds: Iterable[str] = (),
    email_kinds: Iterable[str] = (),
    quiet_start: datetime.time | None = None,
    quiet_end: datetime.time | None = None,
) -> Preference:
    """消息接收设置: a mobile number for SMS (empty ``phone`` keeps the one saved; ``clear_phone``
    removes it), an e-mail address, the kinds that come by SMS and by e-mail, and quiet hours (both
    times or neither). Only the user changes their own settings."""
    sms = _kinds("sms_kinds", sms_kinds)
    mails = _kinds("email_kinds", email_kinds)
    start, end = _quiet(quiet_start, quiet_end)
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise fail("email", "请填写有效的电子邮箱地址。") from None
        if len(email) > 254:
            raise fail("email", "电子邮箱地址过长。")
    phone = (phone or "").strip()
    if phone and clear_phone:
        raise fail("phone", "填写了新的手机号码时不能同时选择删除手机号码。")
    if phone:
        try:
            phone = validate_phone(phone)
        except ValidationError as exc:
            raise fail("phone", exc.messages[0]) from None
        if not is_mobile(phone):
            raise fail("phone", "短信只能发送到手机号码，请填写以1开头的11位手机号码。")
    with transaction.atomic():
        pref = Preference.objects.select_for_update().filter(user=actor).first()
        if pref is None:
            if expected_version not in (None, 0):
                raise SettingsConflict
            pref = Preference(user=actor)
            pref.save()
        elif expected_version is not None and pref.version != expected_version:
            raise SettingsConflict
        before_phone = pref.phone_enc and decrypt(pref.phone_enc)
        changed: list[str] = []
        if phone:
            set_phone(pref, phone)  # normalized above; encrypted and indexed here
            if decrypt(pref.phone_enc) != before_phone:
                changed.append("phone")
        elif clear_phone and pref.phone_enc:
            clear_pii(pref, "phone")
            changed.append("phone")
        for field, value in (
            ("email", email),
            ("sms_kinds", sms),
            ("email_kinds", mails),
            ("quiet_start", start),
            ("quiet_end", end),
        ):
            if getattr(pref, field) != value:
                setattr(pref, field, value)
                changed.append(field)
        pref.version += 1
        pref.save()
        labels = [FIELD_LABELS[f] for f in changed]
        PreferenceEvent.objects.create(
            preference=pref,
            seq=pref.version,
            at=clock.now(),
            actor=actor,
            summary=("修改消息接收设置：" + "、".join(labels)) if labels else "保存消息接收设置（无变化）",
            details={"fields": changed},
        )
    return pref
