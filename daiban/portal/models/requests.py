"""The requests area's tables: the online proxy request (网上代办申请), its photos and event trail, the SMS
verification codes that prove the phone, and the per-county numbering of requests.

A request belongs to a village and copies its ancestors into ``scope_city``/``scope_county``/
``scope_township`` (like a matter), so "the requests of my subtree, pending first" is an equality on one
indexed column at every level. The phone is stored encrypted with a keyed hash (``daiban.pii``); a
verification code is stored only as a keyed hash.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from daiban.matters.models import scope_columns
from daiban.pii.fields import BlindIndexField, PhoneFieldsMixin
from daiban.regions.models import Region

__all__ = [
    "OnlineRequest",
    "OnlineRequestEvent",
    "OnlineRequestPhoto",
    "OnlineRequestSequence",
    "RequestStatus",
    "SmsCode",
]


class RequestStatus(models.TextChoices):
    PENDING = "pending", "待处理"
    CONVERTED = "converted", "已转为信访事项"
    DECLINED = "declined", "不予代办"


class OnlineRequest(PhoneFieldsMixin, models.Model):  # 网上代办申请
    number = models.CharField("申请编号", max_length=32, unique=True)
    region = models.ForeignKey(
        Region, verbose_name="所在村（社区）", on_delete=models.PROTECT, related_name="+"
    )
    region_path = models.CharField(max_length=80, db_index=True, editable=False)
    scope_city = models.CharField(max_length=12, editable=False, default="")
    scope_county = models.CharField(max_length=12, editable=False, default="")
    scope_township = models.CharField(max_length=12, editable=False, default="")
    name = models.CharField("姓名", max_length=32)
    happened = models.TextField("发生了什么")
    wanted = models.TextField("希望解决什么")
    status = models.CharField(
        "状态", max_length=12, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decline_reason = models.CharField("不予代办的理由", max_length=200, blank=True)
    matter = models.ForeignKey(
        "matters.Matter",
        verbose_name="信访事项",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField("版本", default=0)
    created_at = models.DateTimeField("提交时间")
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "网上代办申请"
        verbose_name_plural = "网上代办申请"
        indexes = [
            # A level's queue, pending first, newest first; and its pending count (home panel, nav badge).
            models.Index(fields=["scope_county", "status", "-created_at"], name="portal_req_county"),
            models.Index(fields=["scope_township", "status", "-created_at"], name="portal_req_town"),
            models.Index(fields=["region", "status", "-created_at"], name="portal_req_village"),
            models.Index(fields=["scope_city", "status", "-created_at"], name="portal_req_city"),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.region_id and not self.region_path:
            self.region_path = self.region.path
        self.scope_city, self.scope_county, self.scope_township = scope_columns(self.region_path)
        super().save(*args, **kwargs)

    @property
    def is_pending(self) -> bool:
        return self.status == RequestStatus.PENDING


class OnlineRequestPhoto(models.Model):  # 申请附带的照片
    request = models.ForeignKey(OnlineRequest, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField("文件", upload_to="portal/requests/%Y/%m/", max_length=200)
    name = models.CharField("文件名", max_length=100)
    content_type = models.CharField("类型", max_length=40)
    size = models.PositiveIntegerField("大小")

    class Meta:
        verbose_name = "网上代办申请照片"
        verbose_name_plural = "网上代办申请照片"

    def __str__(self) -> str:
        return self.name


class OnlineRequestEvent(models.Model):  # 网上代办申请处理记录
    """One change of a request, written in the same transaction (``seq`` = the request's version after
    it). ``actor`` is None for the person's own submission."""

    request = models.ForeignKey(OnlineRequest, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField("序号")
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类型", max_length=16)
    summary = models.CharField("摘要", max_length=200)
    details = models.JSONField("详情", default=dict, blank=True)
    status_before = models.CharField(max_length=12, blank=True)
    status_after = models.CharField(max_length=12, blank=True)

    class Meta:
        verbose_name = "网上代办申请处理记录"
        verbose_name_plural = "网上代办申请处理记录"
        constraints = [models.UniqueConstraint(fields=["request", "seq"], name="portal_req_event_seq")]

    def __str__(self) -> str:
        return f"{self.request_id}#{self.seq} {self.summary}"


class OnlineRequestSequence(models.Model):
    """Per county and year, the last request number handed out (row-locked while incremented)."""

    county_code = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["county_code", "year"], name="portal_req_sequence_once")
        ]


class SmsCode(models.Model):  # 短信验证码
    """One code sent to one phone: only keyed hashes of the phone and of the code are stored. Valid until
    ``expires_at``, for at most ``MAX_ATTEMPTS`` tries, once (``used_at``)."""

    phone_hash = BlindIndexField("手机号检索索引", db_index=False)
    code_hash = models.CharField("验证码摘要", max_length=64)
    created_at = models.DateTimeField("发送时间")
    expires_at = models.DateTimeField("失效时间")
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    used_at = models.DateTimeField("使用时间", null=True, blank=True)

    class Meta:
        verbose_name = "短信验证码"
        verbose_name_plural = "短信验证码"
        indexes = [models.Index(fields=["phone_hash", "-created_at"], name="portal_smscode_phone")]

    def __str__(self) -> str:
        return f"验证码 {self.pk}"
