"""The audit chain: append-only records, each carrying the keyed hash of itself and its predecessor."""

from __future__ import annotations

from django.db import models


class AuditRecord(models.Model):  # 安全审计记录
    """One security event. Never updated or deleted except by ``purge_audit`` (see the database guard)."""

    seq = models.BigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间", db_index=True)
    # A plain integer, not a foreign key: the record must outlive the account it names.
    actor_id = models.BigIntegerField("操作人编号", null=True, blank=True, db_index=True)
    actor_username = models.CharField("操作人", max_length=150, blank=True)
    role = models.CharField("角色", max_length=40, blank=True)
    region_code = models.CharField("区域代码", max_length=20, blank=True)
    # The actor's region path ("150100/150102/"), for the audit administrator's jurisdiction (三员分立). Not
    # hashed (the chain's fields are fixed); the audit page checks that it ends in the hashed region_code.
    # Nullable so that adding it is a plain ADD COLUMN (SQLite keeps the guard's triggers).
    region_path = models.CharField("区域路径", max_length=80, null=True, blank=True, db_index=True)
    address = models.CharField("来源地址", max_length=45, blank=True)
    action = models.CharField("事件", max_length=40, db_index=True)
    outcome = models.CharField("结果", max_length=16)
    target = models.CharField("对象", max_length=200, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)
    prev_hash = models.CharField("前一记录摘要", max_length=64)
    hash = models.CharField("摘要", max_length=64)

    class Meta:
        verbose_name = "安全审计记录"
        verbose_name_plural = verbose_name
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.outcome}"


class AuditHead(models.Model):  # 审计链头
    """One row (pk 1): the chain's last seq and hash, locked by each append so that the chain never forks;
    how far the export got; and the anchor (first kept seq and its prev_hash) left by the last purge."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)
    exported_seq = models.BigIntegerField(default=0)
    anchor_seq = models.BigIntegerField(default=1)
    anchor_prev_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = verbose_name
