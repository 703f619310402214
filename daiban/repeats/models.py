"""What the repeat-petition check keeps beside each matter: its text signature, and the agent's decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class MatterSignature(models.Model):  # 事项内容指纹
    """Eight MinHash LSH bands of the matter's text, keyed by the place where it arose, each indexed: the
    likely repeats of a text are the matters that agree on any band (``daiban.repeats.signatures``). Kept
    current by the intake hook and ``manage.py repeat_signatures``; 0 in every band: too short to compare."""

    matter = models.OneToOneField(
        "matters.Matter", on_delete=models.CASCADE, primary_key=True, related_name="repeat_signature"
    )
    band0 = models.IntegerField(db_index=True)
    band1 = models.IntegerField(db_index=True)
    band2 = models.IntegerField(db_index=True)
    band3 = models.IntegerField(db_index=True)
    band4 = models.IntegerField(db_index=True)
    band5 = models.IntegerField(db_index=True)
    band6 = models.IntegerField(db_index=True)
    band7 = models.IntegerField(db_index=True)
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = "事项内容指纹"
        verbose_name_plural = verbose_name


class DecisionKind(models.TextChoices):
    LINK = "link", "确认为重复信访"
    NEW = "new", "不是重复信访（新的问题）"


class RepeatDecision(models.Model):  # 重复信访确认
    """The agent's answer for one likely repeat shown for a matter. One answer per pair: a candidate that was
    shown and not answered stays undecided, and an answered one is not asked again."""

    matter = models.ForeignKey(
        "matters.Matter", on_delete=models.CASCADE, related_name="repeat_decisions", verbose_name="事项"
    )
    candidate = models.ForeignKey(
        "matters.Matter", on_delete=models.CASCADE, related_name="+", verbose_name="可能重复的事项"
    )
    kind = models.CharField("确认结果", max_length=8, choices=DecisionKind.choices)
    reason = models.CharField("相似原因", max_length=80, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="确认人")
    at = models.DateTimeField("确认时间")
    # 越级 (ADR 0040), decided when the link is made: the earlier matter was still in handling when this one
    # was received, and this one was registered at a level above the one holding the earlier matter.
    skip_level = models.BooleanField("越级", default=False)
    # 并案: this matter was merged into the candidate (closed as 并案; at most one per matter).
    merged_at = models.DateTimeField("并案时间", null=True, blank=True)
    merge_reason = models.CharField("并案理由", max_length=500, blank=True)

    class Meta:
        verbose_name = "重复信访确认"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["matter", "candidate"], name="repeats_one_decision_per_pair"),
            models.UniqueConstraint(
                fields=["matter"], condition=Q(merged_at__isnull=False), name="repeats_merged_once"
            ),
        ]
        indexes = [
            # The matters merged into one (its page lists them; 越级 of a merged repeat counts on it).
            models.Index(
                fields=["candidate"], condition=Q(merged_at__isnull=False), name="repeats_merged_into"
            ),
        ]
