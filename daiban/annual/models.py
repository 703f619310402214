"""The petition office's proposals (art. 40) and the annual report's own text (art. 41).

A proposal (改进工作建议 / 追责问责建议) is made by the petition office of one level (a county or the city) in
one year, to one organ (a responsible unit of the network, or an organ named in words when it is not one),
and carries that organ's written answer once recorded: 采纳 / 部分采纳 / 不采纳. The annual report itself is
computed when it is read (``daiban.annual.report``); what a person writes into it — the foreword — is kept
here, one row per level and year. Every change writes an ``AnnualEvent`` in the same transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from daiban.network.models import ResponsibleUnit
from daiban.regions.models import Region


class ProposalKind(models.TextChoices):
    IMPROVE = "improve", "改进工作建议"
    ACCOUNTABILITY = "accountability", "追责问责建议"


class AnswerOutcome(models.TextChoices):
    ADOPTED = "adopted", "采纳"
    PARTLY = "partly", "部分采纳"
    REJECTED = "rejected", "不采纳"


class Proposal(models.Model):  # 信访工作建议（第四十条）
    region = models.ForeignKey(Region, verbose_name="提出层级", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    unit = models.ForeignKey(
        ResponsibleUnit,
        verbose_name="建议对象（事权单位）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organ = models.CharField("建议对象（其他机关）", max_length=80, blank=True)
    kind = models.CharField("建议类型", max_length=16, choices=ProposalKind.choices)
    text = models.TextField("建议内容")
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField("提出时间")
    outcome = models.CharField("书面答复结果", max_length=10, choices=AnswerOutcome.choices, blank=True)
    answer_text = models.TextField("答复内容", blank=True)
    answered_on = models.DateField("答复日期", null=True, blank=True)
    answer_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer_recorded_at = models.DateTimeField("答复登记时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=0)

    class Meta:
        verbose_name = "信访工作建议"
        verbose_name_plural = "信访工作建议"
        ordering = ["region_id", "year", "made_at", "id"]
        indexes = [models.Index(fields=["region", "year", "made_at"], name="proposal_region_year")]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | ~Q(organ=""), name="proposal_names_an_organ"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.organ_name}"

    @property
    def organ_name(self) -> str:
        return str(self.unit) if self.unit_id else self.organ

    @property
    def outcome_label(self) -> str:
        return self.get_outcome_display() if self.outcome else "待书面答复"


class AnnualReport(models.Model):  # 年度工作报告：人工撰写的部分
    region = models.ForeignKey(Region, verbose_name="层级", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    foreword = models.TextField("报告前言", blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField("修改时间")
    version = models.PositiveIntegerField("版本", default=0)

    class Meta:
        verbose_name = "年度工作报告"
        verbose_name_plural = "年度工作报告"
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="annual_report_once")]


class AnnualEventKind(models.TextChoices):
    PROPOSAL_MADE = "proposal_made", "提出建议"
    PROPOSAL_ANSWERED = "proposal_answered", "登记书面答复"
    FOREWORD_SAVED = "foreword_saved", "修改报告前言"


class AnnualEvent(models.Model):  # 年度报告与建议的办理记录
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=20, choices=AnnualEventKind.choices)
    summary = models.CharField("摘要", max_length=200)
    details = models.JSONField("详情", default=dict, blank=True)

    class Meta:
        verbose_name = "年度报告办理记录"
        verbose_name_plural = "年度报告办理记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["region", "year", "-at"], name="annual_event_region_year")]
