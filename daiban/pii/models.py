"""The reveal log: one row each time someone is shown a full (unmasked) personal value; and the alerts
raised when one person reveals unusually many values in a short time (see ``daiban.pii.services``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from daiban.core import clock


class AppendOnlyQuerySet(models.QuerySet["RevealLog"]):
    """Bulk updates and deletes are refused too, not only the per-row ones."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("RevealLog rows are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("RevealLog rows are append-only")


class RevealLog(models.Model):  # 个人信息查看记录
    """Append-only: rows are created by ``daiban.pii.services.reveal()`` and never changed or deleted.

    Holds no personal data itself: the target is identified by content type + primary key and field name.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="查看人",
        on_delete=models.PROTECT,
        related_name="pii_reveals",
    )
    # The project's clock (real time in production; tests and the demo may freeze it).
    created_at = models.DateTimeField("查看时间", default=clock.now, editable=False, db_index=True)
    content_type = models.ForeignKey(ContentType, verbose_name="对象类型", on_delete=models.PROTECT)
    object_id = models.CharField("对象编号", max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    field = models.CharField("查看字段", max_length=64)
    reason = models.CharField("查看事由", max_length=500, blank=True)
    ip_address = models.GenericIPAddressField("IP地址", null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "个人信息查看记录"
        verbose_name_plural = "个人信息查看记录"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="pii_reveal_target_idx")]

    def __str__(self) -> str:
        return f"{self.actor_id} 查看 {self.content_type_id}#{self.object_id} 的 {self.field}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("RevealLog rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("RevealLog rows are append-only")


class RevealAlert(models.Model):  # 异常查看预警
    """One unusual burst of reveals by one person, for the supervisors (纪检) of the jurisdiction the person
    works in: raised when the reveals within the burst window reach the burst threshold, or when a reveal is
    refused because the hourly limit is reached; later reveals and refusals of the same burst (no gap
    longer than the burst window) are counted on the same alert.

    ``region_path`` is the person's region path when the burst began, so the alert stays with the
    jurisdiction it happened in even if the account moves later.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="查看人",
        on_delete=models.PROTECT,
        related_name="pii_reveal_alerts",
    )
    region_path = models.CharField("所在辖区路径", max_length=80, blank=True, db_index=True)
    first_at = models.DateTimeField("开始时间")
    last_at = models.DateTimeField("最近一次", db_index=True)
    reveal_count = models.PositiveIntegerField("查看次数", default=0)
    refused_count = models.PositiveIntegerField("超限被拒次数", default=0)

    class Meta:
        verbose_name = "异常查看预警"
        verbose_name_plural = "异常查看预警"
        ordering = ["-last_at", "-id"]

    def __str__(self) -> str:
        return f"{self.actor_id} 自 {self.first_at:%Y-%m-%d %H:%M} 起查看 {self.reveal_count} 次"
