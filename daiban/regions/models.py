"""The administrative hierarchy (行政区划): city → county → township → village.

Each region stores its materialised ``path`` (the codes of its ancestors and itself, each followed by
``/``). A subtree is then one range scan on an indexed column, on SQLite and PostgreSQL alike; models that
belong to a region copy the path into their own indexed ``region_path`` so that scoping never needs a join.
"""

from __future__ import annotations

from django.db import models

from daiban.regions import geometry

__all__ = ["Level", "Region", "RegionQuerySet"]


class Level(models.IntegerChoices):
    CITY = 1, "市"
    COUNTY = 2, "县（区、旗）"
    TOWNSHIP = 3, "乡（镇、街道、苏木）"
    VILLAGE = 4, "村（社区、嘎查）"


class RegionQuerySet(models.QuerySet["Region"]):
    def subtree(self, path: str) -> RegionQuerySet:
        return self.filter(geometry.subtree_q(path, "path"))


class Region(models.Model):  # 行政区划
    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=64)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField("路径", max_length=80, unique=True, editable=False)
    is_demo = models.BooleanField("演示数据", default=False, help_text="报道未提及、为演示生成的村（社区）")

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.path = geometry.child_path(self.parent.path if self.parent else None, self.code)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def ancestor_codes(self) -> list[str]:
        return geometry.codes(self.path)

    def full_name(self) -> str:
        """Names below the city, e.g. "新城区 呼伦路街道 苏雅拉社区" (one query)."""
        codes = self.ancestor_codes
        names = dict(Region.objects.filter(code__in=codes, level__gt=Level.CITY).values_list("code", "name"))
        return " ".join(names[c] for c in codes if c in names) or self.name
