"""救助转介 (art. 37): a petitioner in hardship referred to social assistance (民政) or judicial assistance
(政法), and what came of it.

Each referral copies its matter's region path and scope columns, so a level's list and the statistics'
counts are equalities on one indexed column with a date range, like the matters themselves."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from daiban.matters.models import Matter, scope_columns
from daiban.network.models import ResponsibleUnit, UnitDomain


class ReferralKind(models.TextChoices):
    SOCIAL = "social", "社会救助（民政）"
    JUDICIAL = "judicial", "司法救助（政法）"


class Outcome(models.TextChoices):
    PENDING = "pending", "待反馈"
    GRANTED = "granted", "已获救助"
    REFUSED = "refused", "不予救助"
    OTHER_WAY = "other_way", "转其他途径"


# Which organs receive which referral: 民政 for social assistance; the 政法 organs (courts, 司法, 公安) for
# judicial assistance (国家司法救助 is applied for at the organ handling the case).
KIND_DOMAINS: dict[str, tuple[str, ...]] = {
    ReferralKind.SOCIAL: (UnitDomain.CIVIL_AFFAIRS,),
    ReferralKind.JUDICIAL: (UnitDomain.COURT, UnitDomain.JUSTICE, UnitDomain.PUBLIC_SECURITY),
}
RECEIVING_DOMAINS = tuple(d for domains in KIND_DOMAINS.values() for d in domains)


class Referral(models.Model):  # 救助转介
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="+")
    region_path = models.CharField(max_length=80, editable=False)
    scope_city = models.CharField(max_length=12, editable=False, default="")
    scope_county = models.CharField(max_length=12, editable=False, default="")
    scope_township = models.CharField(max_length=12, editable=False, default="")
    kind = models.CharField("救助类别", max_length=10, choices=ReferralKind.choices)
    organ = models.ForeignKey(
        ResponsibleUnit, verbose_name="接收单位", on_delete=models.PROTECT, related_name="+"
    )
    hardship = models.TextField("困难情况")
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="转介人", on_delete=models.PROTECT, related_name="+"
    )
    referred_at = models.DateTimeField("转介时间")
    outcome = models.CharField("救助结果", max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    amount = models.DecimalField("救助金额（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    outcome_note = models.TextField("结果说明", blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome_at = models.DateTimeField("登记时间", null=True, blank=True)

    class Meta:
        verbose_name = "救助转介"
        verbose_name_plural = "救助转介"
        indexes = [
            # A level's list and counts: one scope column, a date range (a village: its own path).
            models.Index(fields=["scope_city", "referred_at"], name="assist_ref_city"),
            models.Index(fields=["scope_county", "referred_at"], name="assist_ref_county"),
            models.Index(fields=["scope_township", "referred_at"], name="assist_ref_township"),
            models.Index(fields=["region_path", "referred_at"], name="assist_ref_path"),
            models.Index(fields=["matter", "outcome"], name="assist_ref_matter"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="assist_amount_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.organ_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.region_path:
            self.region_path = self.matter.region_path
        self.scope_city, self.scope_county, self.scope_township = scope_columns(self.region_path)
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.outcome == Outcome.PENDING
