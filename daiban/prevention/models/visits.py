"""走访: 开门访 (the office open to walk-ins), 推门访 (door to door), 网络督访 (online checks)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from daiban.matters.models import Matter
from daiban.prevention.models.base import EventBase, Scoped, scoped_indexes


class VisitKind(models.TextChoices):
    DOOR_TO_DOOR = "door", "推门访（入户走访）"
    OPEN_DOOR = "open", "开门访（开门接访）"
    ONLINE = "online", "网络督访"


class Visit(Scoped):  # 走访活动
    kind = models.CharField("走访方式", max_length=8, choices=VisitKind.choices)
    visited_on = models.DateField("走访日期")
    place = models.CharField("具体地点", max_length=80, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="参加人员", related_name="prevention_visits", blank=True
    )
    others = models.CharField("其他参加人员", max_length=120, blank=True, help_text="如：网格员、村两委")
    households = models.PositiveIntegerField("走访户数（人次）", default=0)
    findings = models.TextField("发现情况", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    # Matters taken in from this visit (through intake with origin "visit:<id>"); screenings found on it
    # point here through Screening.visit.
    matters = models.ManyToManyField(Matter, verbose_name="登记的信访事项", related_name="visits", blank=True)

    class Meta:
        verbose_name = "走访"
        verbose_name_plural = "走访记录"
        ordering = ["-visited_on", "-id"]
        indexes = scoped_indexes("vis", "visited_on")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.visited_on}"


class VisitEvent(EventBase):
    """A correction of the record, or a matter registered from the visit (the visit has no life-cycle)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["visit_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["visit", "seq"], name="visit_event_seq_unique")]
