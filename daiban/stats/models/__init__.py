"""The statistics' own tables: one fact row per counted record and the rollups summed from them.

``Fact``: what one matter (or screening) contributes to the statistics — a list of (measure, dimension,
day) items — and the regions it counts in (its own region and every ancestor). ``Rollup``: per region ×
day × measure × dimension, how many items. Refreshing a record applies the difference between its old and
new items to the rollups of each of its regions, under a lock on its fact row (``daiban.stats.facts``).
"""

from __future__ import annotations

from django.db import models

from daiban.regions.models import Region

__all__ = ["Fact", "Rollup", "RollupMonth", "Source"]


class Source(models.TextChoices):
    MATTER = "m", "代办事项"
    SCREENING = "s", "矛盾纠纷排查"


class Fact(models.Model):
    source = models.CharField(max_length=1, choices=Source.choices)
    object_id = models.BigIntegerField()
    # The region ids the record counts in, from the city down to its own region.
    regions = models.JSONField(default=list)
    # [[measure, dim, "YYYY-MM-DD"], ...] sorted.
    items = models.JSONField(default=list)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "统计事实"
        verbose_name_plural = "统计事实"
        constraints = [models.UniqueConstraint(fields=["source", "object_id"], name="stats_fact_once")]


class Rollup(models.Model):
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    day = models.DateField()
    measure = models.CharField(max_length=32)
    dim = models.CharField(max_length=40, blank=True, default="")
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = "统计汇总"
        verbose_name_plural = "统计汇总"
        constraints = [
            models.UniqueConstraint(fields=["region", "day", "measure", "dim"], name="stats_rollup_once")
        ]


class RollupMonth(models.Model):
    """The same sums per calendar month (``month`` = its first day): a month, quarter or year and the
    monthly trend read a dozen rows per measure instead of every day's; the days are read only for the
    partial months at the ends of a custom period."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    month = models.DateField()
    measure = models.CharField(max_length=32)
    dim = models.CharField(max_length=40, blank=True, default="")
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = "统计月汇总"
        verbose_name_plural = "统计月汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["region", "month", "measure", "dim"], name="stats_rollup_month_once"
            )
        ]
