"""Counters of the public throttle (``daiban.portal.throttle``): one row per key and time window.

The key is a keyed hash (HMAC under the site's secret) of what is counted — an address, a matter number, a
phone number — so the table holds no address or number in the clear."""

from __future__ import annotations

from django.db import models

__all__ = ["ThrottleHit"]


class ThrottleHit(models.Model):  # 访问频次计数
    key = models.CharField("计数键", max_length=64)
    window = models.DateTimeField("时间窗起点")
    count = models.PositiveIntegerField("次数", default=0)

    class Meta:
        verbose_name = "访问频次计数"
        verbose_name_plural = "访问频次计数"
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="portal_throttle_key_window")]
        indexes = [models.Index(fields=["window"], name="portal_throttle_window")]
