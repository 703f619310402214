"""调解记录: one sitting of the mediation — when and where, who mediated (users of the system and named
人民调解员), who took part, what was said, and how it ended."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.utils import timezone

from daiban.accounts.models import User
from daiban.core import clock
from daiban.mediation import selectors
from daiban.mediation.actions.base import choice, dossier_locked, fail, plain_name, record, require_text
from daiban.mediation.models import MediationSession, SessionOutcome

__all__ = ["MAX_RECORD", "mediators_from", "session_record"]

MAX_PLACE = 120
MAX_PARTICIPANTS = 1_000
MAX_RECORD = 10_000
MAX_MEDIATOR_NAMES = 200


def mediators_from(
    matter: object, mediators: Sequence[User | int], mediator_names: str
) -> tuple[list[User], str]:
    """The chosen users (each among ``selectors.mediator_choices``) and the typed names, at least one in all."""
    ids = sorted({m.pk if isinstance(m, User) else int(m) for m in mediators})
    chosen = list(selectors.mediator_choices(matter).filter(pk__in=ids))  # type: ignore[arg-type]
    if len(chosen) != len(ids):
        raise fail("mediators", "所选调解人员不是本事项沿途代办机构的工作人员。")
    names = plain_name(
        mediator_names,
        "人民调解员",
        MAX_MEDIATOR_NAMES,
        required=False,
        error=lambda message: fail("mediator_names", message),
    )
    if not chosen and not names:
        raise fail("mediators", "请至少选择一位调解人员，或填写人民调解员姓名。")
    return chosen, names


def session_record(
    *,
    actor: User,
    matter_id: int,
    held_at: datetime.datetime | None,
    place: str,
    mediators: Sequence[User | int] = (),
    mediator_names: str = "",
    participants: str,
    record_text: str,
    outcome: str,
) -> MediationSession:
    """记录一次调解: the sitting, on an open matter; the matter's dossier is opened by the first one."""
    place = require_text("place", place, "调解地点", MAX_PLACE)
    participants = require_text("participants", participants, "参加人员", MAX_PARTICIPANTS)
    record_text = require_text("record_text", record_text, "调解情况", MAX_RECORD)
    choice("outcome", outcome, SessionOutcome, "调解结果")
    if held_at is None:
        raise fail("held_at", "请填写调解时间。")
    with dossier_locked(actor, matter_id, starting=True) as (matter, dossier):
        if held_at > clock.now() + datetime.timedelta(minutes=10):
            raise fail("held_at", "调解时间不能晚于现在：请在调解后记录。")
        received = timezone.localdate(matter.received_at)
        if timezone.localdate(held_at) < received:
            raise fail("held_at", f"调解时间不能早于事项受理日期（{received:%Y年%m月%d日}）。")
        chosen, names = mediators_from(matter, mediators, mediator_names)
        session = MediationSession.objects.create(
            dossier=dossier,
            held_at=held_at,
            place=place,
            mediator_names=names,
            participants=participants,
            record=record_text,
            outcome=outcome,
            recorded_by=actor,
            recorded_at=clock.now(),
        )
        session.mediators.set(chosen)
        when = timezone.localtime(held_at)
        record(
            dossier,
            actor,
            "session",
            f"记录调解（{when:%Y年%m月%d日} {place}）：{SessionOutcome(outcome).label}",
            {
                "session": session.pk,
                "mediators": [str(u) for u in chosen] + ([names] if names else []),
                "outcome": outcome,
            },
        )
    return session
