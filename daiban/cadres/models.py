"""涉及干部的检举控告 (art. 30): when an accusation concerns a cadre, the organisation (personnel) department
of the level managing that cadre is told — through the discipline channel (纪检监察) only, never through or
to the accused unit — and the notice is recorded here.

The cadre's name and post are stored encrypted (``daiban.pii``): they are the accusation's most sensitive
part. Each notice copies its matter's region path and scope columns, so a level's list is an equality on one
indexed column."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from daiban.matters.models import Matter, scope_columns
from daiban.network.models import ResponsibleUnit
from daiban.pii.crypto import decrypt
from daiban.pii.fields import EncryptedTextField
from daiban.pii.masking import mask_name
from daiban.regions.models import Region


class Channel(models.TextChoices):
    DISCIPLINE = "discipline", "纪检监察渠道"


class CadreNotice(models.Model):  # 通报组织（人事）部门
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="+")
    region_path = models.CharField(max_length=80, editable=False)
    scope_city = models.CharField(max_length=12, editable=False, default="")
    scope_county = models.CharField(max_length=12, editable=False, default="")
    scope_township = models.CharField(max_length=12, editable=False, default="")
    cadre_name_enc = EncryptedTextField("被反映干部姓名（密文）")
    cadre_post_enc = EncryptedTextField("被反映干部职务（密文）")
    level = models.ForeignKey(Region, verbose_name="通报层级", on_delete=models.PROTECT, related_name="+")
    department = models.CharField("组织（人事）部门", max_length=80)
    accused_unit = models.ForeignKey(
        ResponsibleUnit, verbose_name="被检举单位", on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField("通报渠道", max_length=12, choices=Channel.choices, default=Channel.DISCIPLINE)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="通报人", on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField("通报时间")

    class Meta:
        verbose_name = "干部问题通报"
        verbose_name_plural = "干部问题通报"
        indexes = [
            models.Index(fields=["scope_city", "sent_at"], name="cadre_notice_city"),
            models.Index(fields=["scope_county", "sent_at"], name="cadre_notice_county"),
            models.Index(fields=["scope_township", "sent_at"], name="cadre_notice_township"),
            models.Index(fields=["region_path", "sent_at"], name="cadre_notice_path"),
        ]

    def __str__(self) -> str:
        return f"通报 {self.department}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.region_path:
            self.region_path = self.matter.region_path
        self.scope_city, self.scope_county, self.scope_township = scope_columns(self.region_path)
        super().save(*args, **kwargs)

    @property
    def cadre_name(self) -> str:
        return decrypt(self.cadre_name_enc) if self.cadre_name_enc else ""

    @property
    def cadre_post(self) -> str:
        return decrypt(self.cadre_post_enc) if self.cadre_post_enc else ""

    @property
    def cadre_name_masked(self) -> str:
        return mask_name(self.cadre_name)

    @property
    def cadre_post_masked(self) -> str:
        post = self.cadre_post
        return post[:1] + "*" * (len(post) - 1) if post else ""
