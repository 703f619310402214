"""The search index (检索索引): one row per distinct bigram of each searchable field of each matter.

A row carries the matter's scope columns and receipt time, so "this bigram, in names, in my county,
newest first" is one range of ``search_gram_county`` (``search_gram_city`` for a city-wide user). The rows
are derived data: ``daiban.search.index`` rewrites a matter's rows whole (delete, then insert) after each of
its events, and ``manage.py reindex_search`` rebuilds them. See docs/adr/0028-bigram-search-index.md.
"""

from __future__ import annotations

from django.db import models

from daiban.matters.models import Matter


class Kind(models.IntegerChoices):
    """Where a bigram was found; also the order of the result tiers (a name first, the content last)."""

    NAME = 1, "信访人姓名"
    TITLE = 2, "事项摘要"
    PLACE = 3, "问题发生地"
    UNIT = 4, "事权单位"
    CONTENT = 5, "反映内容"


class Gram(models.Model):  # 检索索引项
    pk = models.CompositePrimaryKey("matter_id", "kind", "gram")
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    gram = models.BigIntegerField()
    scope_city = models.CharField(max_length=12)
    scope_county = models.CharField(max_length=12)
    scope_township = models.CharField(max_length=12)
    received_at = models.DateTimeField()

    class Meta:
        verbose_name = "检索索引项"
        verbose_name_plural = "检索索引项"
        indexes = [
            models.Index(
                fields=["gram", "kind", "scope_county", "-received_at", "-matter"], name="search_gram_county"
            ),
            models.Index(
                fields=["gram", "kind", "scope_city", "-received_at", "-matter"], name="search_gram_city"
            ),
        ]
