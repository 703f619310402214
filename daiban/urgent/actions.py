"""标记重大紧急 / 解除重大紧急 (art. 25 of the 信访工作条例: major or urgent matters are reported at once to
the local party committee and government and upward).

Marking writes, in one transaction with the matter's lock and version: the matter's event, the
``UrgentMarking`` (with the matter's scope columns, so it heads every level's list), an in-app message
(urgent: an SMS ignores quiet hours) to the staff of every level above the matter's region up to the city,
and one ``UrgentNotice`` per person told — who, at which level, when, which message. Downgrading needs a
reason, writes its event and ends the marking; those who were told hear of it too.
"""

from __future__ import annotations

from django.db.models import QuerySet

from daiban.accounts.models import Role, User
from daiban.matters.actions.base import choice, locked, record, require_text
from daiban.matters.choices import EventKind
from daiban.matters.models import Matter
from daiban.notify import services as notify
from daiban.notify.models import Message
from daiban.regions import geometry
from daiban.urgent import rules
from daiban.urgent.models import UrgentCategory, UrgentMarking, UrgentNotice

__all__ = ["MESSAGE_KIND", "TOLD_ROLES", "recipients", "urgent_downgrade", "urgent_mark"]

MESSAGE_KIND = "urgent_matter"
MAX_REASON = 1000
# Who speaks for a level above the matter: its station's or centre's staff, its leaders (the local party
# committee and government, art. 25) and, at the city, the petition bureau's administrators.
TOLD_ROLES = (Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF, Role.LEADER, Role.CITY_ADMIN)


def recipients(matter: Matter, actor: User | None = None) -> QuerySet[User]:
    """The staff of every level strictly above the matter's region, up to the city (one indexed equality
    list on ``region_path``); never a sibling township or another county. The actor is left out."""
    above = geometry.ancestor_paths(matter.region_path)[:-1]
    qs = User.objects.filter(region_path__in=above, role__in=TOLD_ROLES, is_active=True)
    if actor is not None:
        qs = qs.exclude(pk=actor.pk)
    return qs.select_related("region").order_by("region_path", "role", "pk")


def urgent_mark(
    *, actor: User, matter_id: int, expected_version: int | None, category: str, reason: str
) -> Matter:
    """标记重大紧急 with a ``category`` (``UrgentCategory``) and a ``reason``; tells the levels above at once.
    Refused (``WrongState``, nothing changes) when the matter is already marked or closed."""
    with locked(actor, matter_id, expected_version) as m:
        rules.mark(actor, m)
        category = choice("category", category, UrgentCategory, "类别")
        reason = require_text("reason", reason, "标记理由", MAX_REASON)
        label = UrgentCategory(category).label
        marked_region_id = actor.region_id
        assert marked_region_id is not None  # the rule refuses a marker without a grant
        event = record(
            m,
            actor,
            EventKind.URGENT_MARK,
            f"标记为重大紧急事项（{label}），即时报告上级直至市级（《信访工作条例》第二十五条）",
            {"category": category, "category_label": label, "reason": reason, "article": "第二十五条"},
            refresh_due=False,
        )
        now = event.at
        marking = UrgentMarking.objects.create(
            matter=m,
            region_path=m.region_path,
            category=category,
            reason=reason,
            marked_by=actor,
            marked_region_id=marked_region_id,
            marked_region_path=actor.region_path,
            marked_at=now,
            mark_event=event,
        )
        people = list(recipients(m, actor))
        key = f"urgent:{marking.pk}"
        notify.notify(
            recipients=people,
            kind=MESSAGE_KIND,
            key=key,
            text=f"重大紧急事项：事项 {m.number} 被标记为重大紧急（{label}），请立即关注并按规定处置。",
            matter_id=m.pk,
            url=f"/urgent/{marking.pk}/",
            urgent=True,
        )
        # Only those the message reached (notify leaves out anyone who may not open the matter).
        sent = dict(Message.objects.filter(key=key, recipient__in=people).values_list("recipient_id", "pk"))
        UrgentNotice.objects.bulk_create(
            UrgentNotice(
                marking=marking,
                recipient=person,
                region_id=person.region_id,
                role=person.role,
                notified_at=now,
                message_id=sent[person.pk],
            )
            for person in people
            if person.pk in sent and person.region_id is not None
        )
        return m


def urgent_downgrade(*, actor: User, matter_id: int, expected_version: int | None, reason: str) -> Matter:
    """解除重大紧急 with a ``reason``, by the marking level or one above it. Refused (``WrongState``, nothing
    changes) when the matter is not marked."""
    with locked(actor, matter_id, expected_version) as m:
        rules.downgrade(actor, m)
        reason = require_text("reason", reason, "解除理由", MAX_REASON)
        marking = UrgentMarking.objects.select_for_update().get(matter_id=m.pk, active=True)
        event = record(
            m,
            actor,
            EventKind.URGENT_DOWNGRADE,
            f"解除重大紧急标记（原类别：{marking.get_category_display()}）",
            {"reason": reason, "marking": marking.pk},
            refresh_due=False,
        )
        marking.active = False
        marking.ended_at = event.at
        marking.ended_by = actor
        marking.end_reason = reason
        marking.end_event = event
        marking.save(update_fields=["active", "ended_at", "ended_by", "end_reason", "end_event"])
        told = [n.recipient_id for n in marking.notices.all() if n.recipient_id != actor.pk]
        notify.notify(
            recipients=told,
            kind=MESSAGE_KIND,
            key=f"urgent:{marking.pk}:end",
            text=f"事项 {m.number} 已解除重大紧急标记。",
            matter_id=m.pk,
            url=f"/urgent/{marking.pk}/",
        )
        return m
