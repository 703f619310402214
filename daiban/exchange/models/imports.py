"""One import of an Excel file: who, which kind (roster or legacy ledger), the file's name and digest, what
the validation found and, when every row passed, what was written (all rows or none)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportKind(models.TextChoices):
    ORGANIZATIONS = "organizations", "代办组织名册"
    AGENTS = "agents", "代办员名册"
    UNITS = "units", "责任单位名册"
    MATTERS = "matters", "代办事项台账"


class ImportStatus(models.TextChoices):
    REJECTED = "rejected", "未通过校验（未写入）"
    APPLIED = "applied", "已导入"


class ImportRun(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("导入内容", max_length=16, choices=ImportKind.choices)
    filename = models.CharField("文件名", max_length=120)
    sha256 = models.CharField("文件摘要", max_length=64, db_index=True)
    status = models.CharField("结果", max_length=10, choices=ImportStatus.choices)
    rows = models.PositiveIntegerField("数据行数", default=0)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("未变", default=0)
    report = models.JSONField("校验报告", default=list, blank=True)
    at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        verbose_name = "导入记录"
        verbose_name_plural = "导入记录"
        indexes = [models.Index(fields=["user", "-at"], name="import_user_recent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename}"
