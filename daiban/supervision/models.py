"""Clocks with teeth: reminders, the supervision ladder (督办 → 挂牌督办 with 纪检), what discipline did
about it (约谈/通报/问责), inspections of unsatisfactory handling (督查件) and expert consultations
(专家团队研判). Each record copies the matter's region and its ancestors (scope columns), so a level's list
is an equality on one indexed column, like matters.

One row per thing done is what keeps the periodic scan from doing anything twice, even on two consumers at
once: a reminder per (deadline, stage), an order per (unit task, rung), an inspection per follow-up event.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from daiban.matters.models import Deadline, Event, Matter, UnitTask, scope_columns
from daiban.network.models import Agent, ResponsibleUnit
from daiban.regions.models import Region


class MatterScoped(models.Model):
    """Belongs to a matter; copies its region path and scope columns for scoped, indexed lists."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="+")
    region_path = models.CharField(max_length=80, db_index=True, editable=False)
    scope_city = models.CharField(max_length=12, editable=False, default="")
    scope_county = models.CharField(max_length=12, editable=False, default="")
    scope_township = models.CharField(max_length=12, editable=False, default="")
    version = models.PositiveIntegerField("版本", default=0)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.region_path:
            self.region_path = self.matter.region_path
        self.scope_city, self.scope_county, self.scope_township = scope_columns(self.region_path)
        super().save(*args, **kwargs)


class EventBase(models.Model):
    seq = models.PositiveIntegerField("序号")
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # None: the periodic scan (the system) did it
    kind = models.CharField("类型", max_length=32)
    summary = models.CharField("摘要", max_length=200)
    details = models.JSONField("详情", default=dict, blank=True)

    class Meta:
        abstract = True


# ------------------------------------------------------------------------------------------ reminders


class ReminderStage(models.TextChoices):
    DUE_SOON = "due_soon", "临期提醒"
    OVERDUE = "overdue", "超期提醒"


class Reminder(models.Model):  # 提醒: one per deadline per stage
    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="+")
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField("阶段", max_length=10, choices=ReminderStage.choices)
    due_date = models.DateField("期限")  # the deadline's date when reminded (a changed schedule may move it)
    sent_at = models.DateTimeField("提醒时间")

    class Meta:
        verbose_name = "期限提醒"
        verbose_name_plural = "期限提醒"
        constraints = [models.UniqueConstraint(fields=["deadline", "stage"], name="reminder_once_per_stage")]


# ------------------------------------------------------------------------------- the supervision ladder


class Rung(models.TextChoices):
    ORDER = "order", "督办"  # a 督办单 from the routing level to the unit and its leader
    LISTED = "listed", "挂牌督办"  # escalated to the next level, copied to its 纪检 (信访+纪检联合督办)


class OrderStatus(models.TextChoices):
    OPEN = "open", "待书面反馈"
    ANSWERED = "answered", "已书面反馈"
    ESCALATED = "escalated", "已升级为挂牌督办"
    CLOSED = "closed", "已结束"


OPEN_ORDER_STATUSES = [OrderStatus.OPEN, OrderStatus.ANSWERED]


class SupervisionOrder(MatterScoped):  # 督办单 / 挂牌督办
    number = models.CharField("督办编号", max_length=24, unique=True)
    rung = models.CharField("层级", max_length=8, choices=Rung.choices)
    deadline = models.ForeignKey(
        Deadline,
        verbose_name="超期的期限",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    task = models.ForeignKey(
        UnitTask, verbose_name="交办任务", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit = models.ForeignKey(
        ResponsibleUnit,
        verbose_name="被督办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_by = models.ForeignKey(
        Region, verbose_name="督办层级", on_delete=models.PROTECT, related_name="+"
    )  # the level that routed the matter (督办), or the next level up (挂牌督办)
    discipline_region = models.ForeignKey(
        Region, verbose_name="联合督办纪检", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # 挂牌督办: the jurisdiction whose 纪检 is copied
    issued_at = models.DateTimeField("下发时间")
    reason = models.TextField("督办事由")
    feedback_due = models.DateField("书面反馈期限")
    feedback = models.TextField("书面反馈", blank=True)
    feedback_at = models.DateTimeField("反馈时间", null=True, blank=True)
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=10, choices=OrderStatus.choices, default=OrderStatus.OPEN)
    escalated_to = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="escalated_from"
    )

    class Meta:
        verbose_name = "督办单"
        verbose_name_plural = "督办单"
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["scope_city", "-issued_at", "-id"], name="sup_city_issued"),
            models.Index(fields=["scope_county", "-issued_at", "-id"], name="sup_county_issued"),
            models.Index(fields=["scope_township", "-issued_at", "-id"], name="sup_town_issued"),
            models.Index(fields=["status", "feedback_due"], name="sup_status_due"),
            models.Index(fields=["unit", "status"], name="sup_unit_status"),
        ]
        # One per unit task and rung: the scan never issues or lists twice, and a unit that takes over the
        # matter (after an upheld objection) is supervised on its own task.
        constraints = [models.UniqueConstraint(fields=["task", "rung"], name="one_order_per_task_rung")]

    def __str__(self) -> str:
        return f"{self.number}（{self.get_rung_display()}）"


class OrderEvent(EventBase):
    order = models.ForeignKey(SupervisionOrder, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["order_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["order", "seq"], name="order_event_seq_unique")]


class DisciplineKind(models.TextChoices):
    TALK = "talk", "约谈"
    CIRCULAR = "circular", "通报"
    ACCOUNTABILITY = "accountability", "问责"


class DisciplineRecord(models.Model):  # 纪检: 约谈 / 通报 / 问责 on a 挂牌督办
    order = models.ForeignKey(SupervisionOrder, on_delete=models.CASCADE, related_name="discipline")
    kind = models.CharField("方式", max_length=16, choices=DisciplineKind.choices)
    person = models.CharField("对象（姓名、职务）", max_length=80)
    finding = models.TextField("认定事实")
    outcome = models.TextField("处理结果")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "纪检处理"
        verbose_name_plural = "纪检处理"
        ordering = ["order_id", "recorded_at", "id"]


# ---------------------------------------------------------------------------------------- inspections


class InspectionStatus(models.TextChoices):
    OPEN = "open", "督查中"
    CLOSED = "closed", "已办结"


class Inspection(MatterScoped):  # 督查件: a rating of 不满意 opens one on the unit's handling
    number = models.CharField("督查编号", max_length=24, unique=True)
    # What opened it, exactly one of: the follow-up (回访) event, or — for a rating made outside the matter's
    # timeline, such as the petitioner's online rating (网上评价) — a key its opener names ("rating:17").
    # Each is unique: one inspection per rating, however often the opener runs.
    source_event = models.OneToOneField(
        Event, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_key = models.CharField("来源", max_length=40, blank=True, default="")
    unit = models.ForeignKey(
        ResponsibleUnit,
        verbose_name="被督查单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField("立件时间")
    reason = models.TextField("督查事由")
    status = models.CharField(
        "状态", max_length=8, choices=InspectionStatus.choices, default=InspectionStatus.OPEN
    )
    finding = models.TextField("督查结论", blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "督查件"
        verbose_name_plural = "督查件"
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["scope_county", "status", "-opened_at"], name="insp_county_status"),
            models.Index(fields=["scope_city", "status", "-opened_at"], name="insp_city_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_key"], condition=~Q(source_key=""), name="inspection_source_key_once"
            ),
            models.CheckConstraint(
                condition=(Q(source_event__isnull=False) & Q(source_key=""))
                | (Q(source_event__isnull=True) & ~Q(source_key="")),
                name="inspection_one_source",
            ),
        ]


class InspectionEvent(EventBase):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["inspection_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "seq"], name="inspection_event_seq_unique")
        ]


# ------------------------------------------------------------------------------ expert consultations


class ConsultationStatus(models.TextChoices):
    OPEN = "open", "研判中"
    CONCLUDED = "concluded", "已形成研判结论"


class Consultation(MatterScoped):  # 专家团队研判
    number = models.CharField("研判编号", max_length=24, unique=True)
    question = models.TextField("研判问题")
    experts = models.ManyToManyField(
        Agent, verbose_name="专家（代办员、法律顾问）", blank=True, related_name="+"
    )
    outside_members = models.CharField(
        "外聘专家", max_length=200, blank=True, help_text="姓名、单位，如：王律师（某律师事务所）"
    )
    convened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    convened_at = models.DateTimeField("召集时间")
    status = models.CharField(
        "状态", max_length=10, choices=ConsultationStatus.choices, default=ConsultationStatus.OPEN
    )
    conclusion = models.TextField("研判结论", blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "专家研判"
        verbose_name_plural = "专家研判"
        ordering = ["-convened_at", "-id"]
        indexes = [models.Index(fields=["scope_county", "-convened_at"], name="cons_county_convened")]


class Opinion(models.Model):  # one expert's opinion
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="opinions")
    expert = models.ForeignKey(Agent, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    outside_name = models.CharField("外聘专家", max_length=40, blank=True)
    text = models.TextField("意见")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        ordering = ["consultation_id", "recorded_at", "id"]


class ConsultationEvent(EventBase):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["consultation_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "seq"], name="consultation_event_seq_unique")
        ]


class Sequence(models.Model):
    kind = models.CharField(max_length=4)
    county_code = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "county_code", "year"], name="supervision_sequence_once")
        ]
