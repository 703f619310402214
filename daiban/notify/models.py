"""In-app messages (站内消息), the outbox of SMS and e-mail (待发送短信/邮件), and each person's choices.

A message stores the matter's id and number only: its text never names a person or a matter's title, and a
page shows the title only when ``matters_for(reader)`` includes the matter. The outbox holds a staff phone
or e-mail address — or a citizen's phone, for the public pages' verification codes and replies —
encrypted (``daiban.pii``): never plaintext in the database, a log or a file.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from daiban.notify import kinds
from daiban.pii.fields import EncryptedTextField, PhoneFieldsMixin


class Message(models.Model):  # 站内消息
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notify_messages",
    )
    # No choices in the schema: a kind added to the registry needs no migration (notify() checks it).
    kind = models.CharField("类型", max_length=32)
    text = models.CharField("内容", max_length=300)
    matter = models.ForeignKey(
        "matters.Matter",
        verbose_name="事项",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    url = models.CharField("链接", max_length=200, blank=True)
    # What the message is about, unique per recipient ("event:123", "deadline:45:overdue"): a second
    # notify() with the same key, from a retried task or a second consumer, creates nothing.
    key = models.CharField("唯一键", max_length=120)
    created_at = models.DateTimeField("时间")
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notify_message_once_per_key"),
        ]
        indexes = [
            # Unread first (read_at IS NULL), newest first: the bell's count and the home panel.
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notify_msg_unread"),
            # The list, newest first, keyset on (created_at, id).
            models.Index(fields=["recipient", "-created_at", "-id"], name="notify_msg_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.kind_label} → {self.recipient_id}"

    @property
    def kind_label(self) -> str:
        return kinds.label(self.kind)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Channel(models.TextChoices):
    SMS = "sms", "短信"
    EMAIL = "email", "电子邮件"


class OutboundStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class Outbound(models.Model):  # 待发送短信/邮件
    channel = models.CharField("渠道", max_length=8, choices=Channel.choices)
    # None: a member of the public texted at a phone number they gave (``services.text_citizen``).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    message = models.ForeignKey(
        Message, verbose_name="站内消息", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField("类型", max_length=32)
    urgent = models.BooleanField("紧急", default=False)
    # The phone or e-mail address at the time of sending, encrypted (a Fernet token; daiban.pii).
    address_enc = EncryptedTextField("地址（密文）")
    text = models.CharField("内容", max_length=500)
    # Passed to the provider too (HTTP header and body), so a retry after a lost answer is not a second SMS.
    key = models.CharField("幂等键", max_length=80, unique=True)
    status = models.CharField(
        "状态", max_length=8, choices=OutboundStatus.choices, default=OutboundStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试时间")
    claimed_at = models.DateTimeField("开始发送时间", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=200, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    provider_ref = models.CharField("服务商回执", max_length=100, blank=True)
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = "待发送短信/邮件"
        verbose_name_plural = "待发送短信/邮件"
        indexes = [
            # The periodic re-send reads (status=pending, next_attempt_at <= now) and stale claims
            # (status=sending, claimed_at < …): both ranges of this index.
            models.Index(fields=["status", "next_attempt_at"], name="notify_out_due"),
            models.Index(fields=["status", "claimed_at"], name="notify_out_claimed"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.key} {self.get_status_display()}"


DEFAULT_QUIET_START = datetime.time(22, 0)
DEFAULT_QUIET_END = datetime.time(7, 0)


class Preference(PhoneFieldsMixin, models.Model):  # 消息接收设置
    """How a person wants to be reached beyond the site. ``sms_kinds`` None means the defaults of
    ``kinds.KINDS`` (``sms_default``); an SMS goes out only when a mobile number is set. Quiet hours
    (免打扰) defer SMS (not e-mail, not the in-app message) to their end, except kinds that ignore them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.CASCADE, related_name="notify_pref"
    )
    email = models.EmailField("电子邮箱", blank=True)
    sms_kinds = models.JSONField("短信提醒的消息类型", null=True, blank=True, default=None)
    email_kinds = models.JSONField("邮件提醒的消息类型", default=list, blank=True)
    quiet_start = models.TimeField("免打扰开始", null=True, blank=True, default=DEFAULT_QUIET_START)
    quiet_end = models.TimeField("免打扰结束", null=True, blank=True, default=DEFAULT_QUIET_END)
    version = models.PositiveIntegerField("版本", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "消息接收设置"
        verbose_name_plural = "消息接收设置"
        constraints = [
            models.CheckConstraint(
                condition=(Q(quiet_start__isnull=True) & Q(quiet_end__isnull=True))
                | (Q(quiet_start__isnull=False) & Q(quiet_end__isnull=False)),
                name="notify_pref_quiet_both_or_neither",
            ),
        ]

    def __str__(self) -> str:
        return f"消息接收设置 {self.user_id}"

    def sms_kind_keys(self) -> set[str]:
        if self.sms_kinds is None:
            return {k.key for k in kinds.KINDS.values() if k.sms_default}
        return {k for k in self.sms_kinds if k in kinds.KINDS}

    def email_kind_keys(self) -> set[str]:
        return {k for k in (self.email_kinds or []) if k in kinds.KINDS}


class PreferenceEvent(models.Model):  # 消息接收设置变更记录
    """Who changed a person's contact settings, when, and which fields (never the values: a phone number
    stays out of the record)."""

    preference = models.ForeignKey(Preference, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField("序号")
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    summary = models.CharField("摘要", max_length=200)
    details = models.JSONField("详情", default=dict, blank=True)

    class Meta:
        verbose_name = "消息接收设置变更记录"
        verbose_name_plural = "消息接收设置变更记录"
        constraints = [
            models.UniqueConstraint(fields=["preference", "seq"], name="notify_pref_event_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.preference_id}#{self.seq}"
