"""Carrying out 支持 opinions (信访工作条例 arts. 32 and 42(4)).

A 支持 opinion says the request is well founded; art. 32 wants it *carried out* and that execution
supervised. Each ``SupportItem`` (支持事项) is one thing that must be done, by whom (a responsible unit, or
named in words), by when; each ``ExecutionRecord`` is what the unit reported having done (已落实 / 部分落实
/ 未落实), with its evidence. Items copy the matter's scope columns (``MatterScoped``) so a level's list is
an index range, and the periodic scan finds the overdue ones on ``(status, due_date)``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from daiban.matters.models import Opinion
from daiban.network.models import ResponsibleUnit
from daiban.supervision.models import MatterScoped, SupervisionOrder


class ItemStatus(models.TextChoices):
    PENDING = "pending", "未落实"
    PARTLY = "partly", "部分落实"
    DONE = "done", "已落实"


UNEXECUTED_STATUSES = [ItemStatus.PENDING, ItemStatus.PARTLY]


class SupportItem(MatterScoped):  # 支持事项
    opinion = models.ForeignKey(
        Opinion, verbose_name="处理意见书", on_delete=models.PROTECT, related_name="+"
    )
    what = models.TextField("应当落实的事项")
    unit = models.ForeignKey(
        ResponsibleUnit,
        verbose_name="落实单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    who_text = models.CharField("落实责任方（其他）", max_length=80, blank=True, default="")
    due_date = models.DateField("落实期限")
    status = models.CharField(
        "落实情况", max_length=8, choices=ItemStatus.choices, default=ItemStatus.PENDING
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("列明时间")
    last_recorded_at = models.DateTimeField("最近登记时间", null=True, blank=True)
    done_at = models.DateTimeField("落实完成时间", null=True, blank=True)
    # The 督办 the periodic scan opened once the item was past its date unexecuted (at most one per item:
    # the scan claims the item under its row lock before issuing).
    supervision_order = models.OneToOneField(
        SupervisionOrder,
        verbose_name="逾期督办单",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    supervised_at = models.DateTimeField("纳入督办时间", null=True, blank=True)

    class Meta:
        verbose_name = "支持事项"
        verbose_name_plural = "支持事项"
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["scope_city", "status", "due_date"], name="exec_city_status_due"),
            models.Index(fields=["scope_county", "status", "due_date"], name="exec_county_status_due"),
            models.Index(fields=["scope_township", "status", "due_date"], name="exec_town_status_due"),
            models.Index(fields=["unit", "status", "due_date"], name="exec_unit_status_due"),
            models.Index(fields=["status", "due_date"], name="exec_status_due"),
        ]

    def __str__(self) -> str:
        return self.what[:40]

    @property
    def responsible(self) -> str:
        """落实责任方: the unit's name, or what was written."""
        return str(self.unit) if self.unit_id else self.who_text

    @property
    def is_unexecuted(self) -> bool:
        return self.status != ItemStatus.DONE


class ExecutionRecord(models.Model):  # 落实情况登记
    item = models.ForeignKey(SupportItem, on_delete=models.CASCADE, related_name="records")
    status = models.CharField("落实情况", max_length=8, choices=ItemStatus.choices)
    note = models.TextField("落实说明")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "落实情况登记"
        verbose_name_plural = "落实情况登记"
        ordering = ["item_id", "recorded_at", "id"]


class Evidence(models.Model):  # 落实佐证材料 (stored through the default storage: encrypted at rest)
    record = models.ForeignKey(ExecutionRecord, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("文件", upload_to="execution/%Y/%m/")
    name = models.CharField("文件名", max_length=120)
    content_type = models.CharField(max_length=80, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["record_id", "id"]
