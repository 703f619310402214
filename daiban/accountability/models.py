"""责令改正 (correction orders): a superior level orders the level or unit responsible for one of the
failures the 信访工作条例 names (arts. 42(4), 43–45) to correct it, and that party reports its correction.

The failures themselves are not stored: they are computed from the matters' statutory clocks
(``daiban.matters.models.Deadline``) and execution's overdue 支持 items (``daiban.accountability.failures``).
An order copies its matter's region and scope columns (``MatterScoped``), so a level's list of orders is an
equality on one indexed column, like matters.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from daiban.matters.models import office_label
from daiban.network.models import ResponsibleUnit
from daiban.regions.models import Region
from daiban.supervision.models import MatterScoped


class FailureKind(models.TextChoices):
    """The failures the regulation names, each computed from the data (``failures.KINDS``)."""

    ROUTE_LATE = "route_late", "未按期登记转送交办"  # arts. 22, 43
    NOT_ACCEPTED = "not_accepted", "逾期未受理"  # arts. 23, 44(2)
    NOTICE_LATE = "notice_late", "未按期书面告知受理"  # arts. 23, 44(3)
    HANDLING_LATE = "handling_late", "未在法定期限内办结"  # arts. 34–36, 45(1)
    SUPPORT_UNEXECUTED = "support_unexecuted", "支持意见逾期未落实"  # arts. 32, 42(4)


class OrderStatus(models.TextChoices):
    PENDING = "pending", "待整改"
    DONE = "done", "已整改"


class CorrectionOrder(MatterScoped):  # 责令改正通知
    failure = models.CharField("失职情形", max_length=20, choices=FailureKind.choices)
    instructions = models.TextField("整改要求")
    due_date = models.DateField("整改期限")
    # The level that ordered it (the orderer's grant) and who ordered it.
    ordered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ordered_by_region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    ordered_at = models.DateTimeField("责令时间")
    # Whom: exactly one of a responsible unit or a network level (the office that held the matter).
    to_unit = models.ForeignKey(
        ResponsibleUnit,
        verbose_name="责任单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_region = models.ForeignKey(
        Region, verbose_name="责任层级", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=8, choices=OrderStatus.choices, default=OrderStatus.PENDING)
    report = models.TextField("整改情况", blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField("整改报告时间", null=True, blank=True)

    class Meta:
        verbose_name = "责令改正"
        verbose_name_plural = "责令改正"
        ordering = ["-ordered_at", "-id"]
        indexes = [
            models.Index(fields=["scope_city", "-ordered_at", "-id"], name="correction_city_ordered"),
            models.Index(fields=["scope_county", "-ordered_at", "-id"], name="correction_county_ordered"),
            models.Index(fields=["scope_township", "-ordered_at", "-id"], name="correction_town_ordered"),
            models.Index(fields=["to_unit", "status"], name="correction_unit_status"),
            models.Index(fields=["to_region", "status"], name="correction_region_status"),
        ]
        constraints = [
            # One open order per matter and failure: a second one waits for the first to be corrected.
            models.UniqueConstraint(
                fields=["matter", "failure"],
                condition=Q(status="pending"),
                name="one_pending_correction_per_failure",
            ),
            models.CheckConstraint(
                condition=Q(to_unit__isnull=False, to_region__isnull=True)
                | Q(to_unit__isnull=True, to_region__isnull=False),
                name="correction_has_one_addressee",
            ),
        ]

    def __str__(self) -> str:
        return f"责令改正 {self.get_failure_display()}"

    @property
    def addressee_label(self) -> str:
        if self.to_unit_id and self.to_unit:
            return self.to_unit.name
        if self.to_region_id and self.to_region:
            return office_label(self.to_region)
        return "—"
