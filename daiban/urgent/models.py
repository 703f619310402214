"""重大紧急事项 (art. 25 of the 信访工作条例): a matter marked major or urgent, and who was told.

A marking copies its matter's region path and scope columns (like supervision's records), so each level's
list of active markings is an equality on one indexed column, never a scan of matters. At most one marking
of a matter is active at a time (a partial unique constraint); downgrading ends it (``active`` False,
``ended_at``), and marking the matter again later is a new row, so the history stays.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from daiban.matters.models import Event, Matter, scope_columns
from daiban.regions.models import Region


class UrgentCategory(models.TextChoices):
    GROUP = "group", "群体性（人数众多）"
    EXTREME = "extreme", "可能发生极端行为"
    OPINION = "opinion", "舆情风险"
    OTHER = "other", "其他"


class UrgentMarking(models.Model):  # 重大紧急标记
    matter = models.ForeignKey(Matter, verbose_name="事项", on_delete=models.CASCADE, related_name="+")
    region_path = models.CharField(max_length=80, db_index=True, editable=False)
    scope_city = models.CharField(max_length=12, editable=False, default="")
    scope_county = models.CharField(max_length=12, editable=False, default="")
    scope_township = models.CharField(max_length=12, editable=False, default="")
    category = models.CharField("类别", max_length=10, choices=UrgentCategory.choices)
    reason = models.TextField("理由", max_length=1000)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="标记人", on_delete=models.PROTECT, related_name="+"
    )
    # Where the marker sat (their grant): who may downgrade is that level or above.
    marked_region = models.ForeignKey(
        Region, verbose_name="标记层级", on_delete=models.PROTECT, related_name="+"
    )
    marked_region_path = models.CharField(max_length=80, editable=False)
    marked_at = models.DateTimeField("标记时间")
    mark_event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="+", null=True)
    active = models.BooleanField("有效", default=True)
    ended_at = models.DateTimeField("解除时间", null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="解除人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    end_reason = models.TextField("解除理由", max_length=1000, blank=True)
    end_event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="+", null=True, blank=True)

    class Meta:
        verbose_name = "重大紧急标记"
        verbose_name_plural = "重大紧急标记"
        constraints = [
            models.UniqueConstraint(fields=["matter"], condition=Q(active=True), name="urgent_one_active"),
        ]
        indexes = [
            # Each level's pinned list: its active markings, newest first (one ordered index range).
            models.Index(fields=["scope_city", "active", "-marked_at", "-id"], name="urgent_city_active"),
            models.Index(fields=["scope_county", "active", "-marked_at", "-id"], name="urgent_county_active"),
            models.Index(fields=["scope_township", "active", "-marked_at", "-id"], name="urgent_town_active"),
            models.Index(fields=["matter", "-marked_at"], name="urgent_matter_marked"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}（{self.marked_at:%Y-%m-%d}）"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.region_path:
            self.region_path = self.matter.region_path
        self.scope_city, self.scope_county, self.scope_township = scope_columns(self.region_path)
        super().save(*args, **kwargs)


class UrgentNotice(models.Model):  # 报告记录: who was told of the marking, and when
    marking = models.ForeignKey(UrgentMarking, on_delete=models.CASCADE, related_name="notices")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.PROTECT, related_name="+"
    )
    # The recipient's level when told (their grant may move later; the record says where they sat).
    region = models.ForeignKey(Region, verbose_name="所在层级", on_delete=models.PROTECT, related_name="+")
    role = models.CharField("岗位", max_length=20)
    notified_at = models.DateTimeField("通知时间")
    # The in-app message (daiban.notify); its read_at says when it was read. Kept as an id, not a foreign
    # key: notify may purge old messages without touching this record.
    message_id = models.PositiveBigIntegerField("站内消息", null=True, blank=True)

    class Meta:
        verbose_name = "重大紧急报告记录"
        verbose_name_plural = "重大紧急报告记录"
        constraints = [
            models.UniqueConstraint(fields=["marking", "recipient"], name="urgent_notice_once"),
        ]
