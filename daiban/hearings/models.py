"""听证记录 (arts. 31(6) and 36 of the 信访工作条例): a hearing held on a major, complex or difficult 申诉求决
matter — by the handling unit while it handles the matter, or by the re-examination organ, where the
hearing days do not count towards the re-examination's time limit."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from daiban.matters.models import Matter, Review, scope_columns
from daiban.network.models import ResponsibleUnit


class HearingStage(models.TextChoices):
    HANDLING = "handling", "办理阶段"
    REEXAM = "reexam", "复核阶段"


class HearingRecord(models.Model):  # 听证记录
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="+")
    # The re-examination the hearing belongs to (its days are excluded from that review's clock).
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField("听证阶段", max_length=10, choices=HearingStage.choices)
    unit = models.ForeignKey(
        ResponsibleUnit, verbose_name="组织听证的单位", on_delete=models.PROTECT, related_name="+"
    )
    first_day = models.DateField("听证开始日期")
    last_day = models.DateField("听证结束日期")
    days = models.PositiveSmallIntegerField("听证天数")  # last_day - first_day + 1, both days counted
    place = models.CharField("听证地点", max_length=120)
    presiding = models.CharField("主持人", max_length=60)
    participants = models.TextField("参加人员")
    petitioner_statement = models.TextField("信访人一方意见")
    unit_statement = models.TextField("办理单位一方意见")
    other_statement = models.TextField("其他参加人意见", blank=True)
    conclusion = models.TextField("听证结论")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间")
    event_seq = models.PositiveIntegerField("事项记录序号")  # the HEARING_RECORD event on the matter
    # Scope columns copied from the matter (like supervision's MatterScoped): a level's list is an
    # equality on one indexed column.
    region_path = models.CharField(max_length=80, db_index=True, editable=False)
    scope_city = models.CharField(max_length=12, editable=False, default="")
    scope_county = models.CharField(max_length=12, editable=False, default="")
    scope_township = models.CharField(max_length=12, editable=False, default="")

    class Meta:
        verbose_name = "听证记录"
        verbose_name_plural = "听证记录"
        ordering = ["matter", "first_day", "id"]
        indexes = [
            models.Index(fields=["scope_city", "-recorded_at"], name="hearing_city_recent"),
            models.Index(fields=["scope_county", "-recorded_at"], name="hearing_county_recent"),
            models.Index(fields=["scope_township", "-recorded_at"], name="hearing_town_recent"),
            models.Index(fields=["unit", "-recorded_at"], name="hearing_unit_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")), name="hearing_days_order"
            ),
        ]

    def __str__(self) -> str:
        return f"听证记录 {self.matter.number} {self.first_day:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.region_path:
            self.region_path = self.matter.region_path
        self.scope_city, self.scope_county, self.scope_township = scope_columns(self.region_path)
        super().save(*args, **kwargs)
