"""The petitioner's online rating (网上评价) of a reply: one per reply, within PORTAL_RATING_DAYS of it.

The rating row is the record (who rated is whoever holds the number and lookup code — there is no user,
so no matter event is written). A unit rated 不满意 opens a 督查件 through supervision after commit
(``inspection_open_for_rating``, idempotent on the rating's key), as a follow-up visit rated 不满意 does.
"""

from __future__ import annotations

import datetime
import logging
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from daiban.core import clock
from daiban.matters.choices import Satisfaction
from daiban.matters.models import Matter
from daiban.portal.lookup import selectors
from daiban.portal.models import MAX_RATING_COMMENT, OnlineRating
from daiban.supervision.actions.inspections import inspection_open_for_rating

__all__ = ["AlreadyRated", "RatingRefused", "rating_submit"]

logger = logging.getLogger(__name__)


class RatingRefused(Exception):
    """The rating cannot be taken now; ``message`` says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AlreadyRated(RatingRefused):
    pass


def _choice(field: str, value: str, label: str) -> str:
    if value not in Satisfaction.values:
        raise ValidationError({field: [f"请从满意、基本满意、不满意中选择{label}。"]})
    return value


def rating_submit(
    *, matter_id: int, reply_token: str, service: str, unit: str, comment: str = ""
) -> OnlineRating:
    """网上评价 of the matter's latest reply: the agent's service and the unit's handling separately, and
    an optional comment. ``reply_token`` names the reply the petitioner was shown (RatingState.reply_token):
    a reply given since makes the form stale. Refused (RatingRefused) without a reply, after the window,
    or a second time for the same reply (AlreadyRated)."""
    _choice("service", service, "对代办员服务的评价")
    _choice("unit", unit, "对办理单位的评价")
    comment = (comment or "").strip()
    if len(comment) > MAX_RATING_COMMENT:
        raise ValidationError({"comment": [f"意见和建议最多 {MAX_RATING_COMMENT} 字。"]})
    with transaction.atomic():
        matter = Matter.objects.select_for_update().get(pk=matter_id)
        state = selectors.rating_state(matter)
        if state.reply_at is None:
            raise RatingRefused("该事项还没有书面答复，答复后才能评价。")
        if reply_token != state.reply_token:
            raise RatingRefused("该事项有了新的答复，请先查看最新的办理情况，再作评价。")
        if state.rating is not None:
            raise AlreadyRated("您已对这次答复作过评价，每次答复只能评价一次。")
        if not state.open:
            raise RatingRefused(f"已超过答复后 {selectors.rating_days()} 日的评价期限，不能再网上评价。")
        try:
            with transaction.atomic():
                rating = OnlineRating.objects.create(
                    matter=matter,
                    reply_at=state.reply_at,
                    service=service,
                    unit=unit,
                    comment=comment,
                    rated_at=clock.now(),
                )
        except IntegrityError as exc:  # a second tab sent the same rating at the same moment
            raise AlreadyRated("您已对这次答复作过评价，每次答复只能评价一次。") from exc
        if unit == Satisfaction.DISSATISFIED:
            transaction.on_commit(
                partial(_open_inspection, matter.pk, f"rating:{rating.pk}", rating.rated_at), robust=True
            )
    return rating


def _open_inspection(matter_id: int, source_key: str, rated_at: datetime.datetime) -> None:
    opened = inspection_open_for_rating(matter_id=matter_id, source_key=source_key, rated_at=rated_at)
    if opened is not None:
        logger.info("inspection %s opened for an online rating of matter %s", opened.number, matter_id)
