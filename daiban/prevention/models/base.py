"""What every prevention record shares: a place in the region tree (indexed like matters, so a level's
register is one ordered index scan), a version for concurrent edits, and an event per change."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from daiban.matters.models import scope_columns
from daiban.regions.models import Region


class Scoped(models.Model):
    """A record that belongs to a region: jurisdiction is the region's subtree (see selectors)."""

    region = models.ForeignKey(Region, verbose_name="地点", on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(max_length=80, db_index=True, editable=False)
    scope_city = models.CharField(max_length=12, editable=False, default="")
    scope_county = models.CharField(max_length=12, editable=False, default="")
    scope_township = models.CharField(max_length=12, editable=False, default="")
    version = models.PositiveIntegerField("版本", default=0)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.region_id and not self.region_path:
            self.region_path = self.region.path
        self.scope_city, self.scope_county, self.scope_township = scope_columns(self.region_path)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "region_path" in update_fields:
            kwargs["update_fields"] = {*update_fields, "scope_city", "scope_county", "scope_township"}
        super().save(*args, **kwargs)


class EventBase(models.Model):
    """One change of a record, written in the same transaction as the change (``seq`` = its version)."""

    seq = models.PositiveIntegerField("序号")
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=32)
    summary = models.CharField("摘要", max_length=200)
    details = models.JSONField("详情", default=dict, blank=True)
    status_before = models.CharField(max_length=16, blank=True)
    status_after = models.CharField(max_length=16, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"#{self.seq} {self.summary}"


class Sequence(models.Model):
    """Per kind, county and year, the last number handed out (row-locked while incremented)."""

    kind = models.CharField(max_length=4)
    county_code = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "county_code", "year"], name="prevention_sequence_once")
        ]


LEVEL_COLUMNS = (
    ("city", "scope_city"),
    ("county", "scope_county"),
    ("town", "scope_township"),
    ("vill", "region"),
)


def scoped_status_indexes(prefix: str, then: str) -> list[models.Index]:
    """The four indexes behind a level's bounded counts and panels by status ("open ones due by X"): the
    status, the level's scope column, then ``then`` — so a count stops at the rows that match instead of
    walking the whole subtree of the register. The status comes first so that these never compete with
    the register's own ordered index (``scoped_indexes``) for "my subtree, newest first": a query without
    a status cannot use them (SQLite without statistics picked a status index for the list and sorted a
    million rows)."""
    short = then.split("_")[0][:5]
    return [
        models.Index(fields=["status", column, then], name=f"{prefix}_st_{level}_{short}")
        for level, column in LEVEL_COLUMNS
    ]


def scoped_indexes(prefix: str, order: str) -> list[models.Index]:
    """The four jurisdiction indexes of a register ordered by ``order`` (newest first), one per level."""
    short = order.split("_")[0][:6]
    return [
        models.Index(fields=[column, f"-{order}", "-id"], name=f"{prefix}_{level}_{short}")
        for level, column in LEVEL_COLUMNS
    ]
