"""预警: what the periodic scan found, assigned to the level that should act, with its reason. One row per
(rule, cause): the unique constraint is what keeps a cause from being alerted twice, even when two
consumers scan at once."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from daiban.matters.models import Matter, Petitioner
from daiban.prevention.models.base import EventBase, Scoped, scoped_indexes, scoped_status_indexes
from daiban.prevention.models.screenings import Screening
from daiban.prevention.models.visits import Visit


class AlertRule(models.TextChoices):
    FREQUENT_VISITOR = "frequent", "同一人多次来访"
    GROUP = "group", "集体访"
    GRAVE_SCREENING = "grave", "重大风险矛盾纠纷"
    SURGE = "surge", "村（社区）事项激增"
    BYPASS = "bypass", "越级反映"
    SCREENING_OVERDUE = "overdue", "在控纠纷逾期未跟进"


class AlertStatus(models.TextChoices):
    OPEN = "open", "待处理"
    ACKNOWLEDGED = "acknowledged", "已知悉"
    ACTED = "acted", "已处置"
    DISMISSED = "dismissed", "已排除"


OPEN_ALERT_STATUSES = [AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED]


class Alert(Scoped):  # 预警; region = the level that should act (its subtree sees it)
    rule = models.CharField("预警类型", max_length=10, choices=AlertRule.choices)
    cause = models.CharField("预警原因键", max_length=80)  # e.g. "matter:12", "petitioner:3:2026-11"
    reason = models.TextField("预警理由")
    raised_at = models.DateTimeField("预警时间", db_index=True)
    status = models.CharField("状态", max_length=14, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    matter = models.ForeignKey(Matter, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    petitioner = models.ForeignKey(
        Petitioner, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    screening = models.ForeignKey(
        Screening, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
    )
    subject_region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What was done about it: a screening, a matter or a visit it was linked to, or why it was dismissed.
    acted_screening = models.ForeignKey(
        Screening, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acted_matter = models.ForeignKey(
        Matter, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acted_visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField("处置说明", blank=True)

    class Meta:
        verbose_name = "预警"
        verbose_name_plural = "预警"
        ordering = ["-raised_at", "-id"]
        indexes = [
            *scoped_indexes("alr", "raised_at"),
            *scoped_status_indexes("alr", "raised_at"),
            models.Index(fields=["status", "raised_at"], name="alr_status_raised"),
        ]
        constraints = [models.UniqueConstraint(fields=["rule", "cause"], name="alert_once_per_cause")]

    def __str__(self) -> str:
        return f"{self.get_rule_display()}：{self.reason[:40]}"


class AlertEvent(EventBase):
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["alert_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["alert", "seq"], name="alert_event_seq_unique")]
