"""The lookup area's tables: the petitioner's online rating (网上评价) of a reply.

Kept apart from the follow-up visit (回访: ``Matter.service_satisfaction`` / ``unit_satisfaction``, recorded
by the agent): the two are different sources and both count in the statistics (参评率). The row is the
record of the rating — who rated is the holder of the matter's number and lookup code, not a user — so
no matter event is written for it."""

from __future__ import annotations

from django.db import models

from daiban.matters.choices import Satisfaction
from daiban.matters.models import Matter

__all__ = ["MAX_RATING_COMMENT", "OnlineRating"]

MAX_RATING_COMMENT = 300


class OnlineRating(models.Model):  # 网上评价
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="online_ratings")
    # The reply rated (Matter.replied_at when it was given): one rating per reply.
    reply_at = models.DateTimeField("所评答复时间")
    service = models.CharField("对代办服务评价", max_length=14, choices=Satisfaction.choices)
    unit = models.CharField("对办理单位评价", max_length=14, choices=Satisfaction.choices)
    comment = models.TextField("意见", blank=True, max_length=MAX_RATING_COMMENT)
    rated_at = models.DateTimeField("评价时间", db_index=True)

    class Meta:
        verbose_name = "网上评价"
        verbose_name_plural = "网上评价"
        ordering = ["matter_id", "rated_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["matter", "reply_at"], name="portal_rating_once_per_reply")
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} / {self.get_unit_display()}"
