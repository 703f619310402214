"""What was erased when (one row per object): makes ``erase_expired`` idempotent and safe on several
consumers (the unique row is the claim). Holds no personal data."""

from __future__ import annotations

from django.db import models


class ErasureKind(models.TextChoices):
    MATTER = "matter", "信访事项"
    PETITIONER = "petitioner", "信访人"
    PORTAL_REQUEST = "portal_request", "网上代办申请"
    SCREENING = "screening", "矛盾纠纷排查"


class Erasure(models.Model):  # 个人信息删除记录
    kind = models.CharField("对象类型", max_length=20, choices=ErasureKind.choices)
    object_id = models.PositiveBigIntegerField("对象编号")
    label = models.CharField("编号", max_length=40, blank=True, help_text="事项/申请/排查编号，不含个人信息")
    erased_at = models.DateTimeField("删除时间", db_index=True)

    class Meta:
        verbose_name = "个人信息删除记录"
        verbose_name_plural = "个人信息删除记录"
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="erasure_once_per_object")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label or self.object_id}"
