"""Matter events that concern someone become messages (subscribed in ``NotifyConfig.ready``).

- 交办 (route): the handlers of the lead unit and of each co-unit — "assigned to my unit";
- 上报 / 交由下级办理 (escalate, hand down): the agents of the level that now holds the matter;
- 同意 / 不同意异议 (objection decided): the handlers of the unit that objected;
- 出具处理意见书 (reply): the responsible agent, who feeds the answer back to the petitioner.

Each message is keyed on the event (``event:<id>``), so a subscriber run twice creates nothing twice.
The acting user is never told of their own action. Texts name the matter's number only.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.urls import reverse

from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.matters import hooks
from daiban.matters.choices import EventKind, TaskRole
from daiban.matters.models import Event, Matter, UnitTask
from daiban.notify import services

logger = logging.getLogger(__name__)


def _key(happened: hooks.MatterEvent) -> str:
    return f"event:{happened.event_id}"


def _url(matter_id: int) -> str:
    return reverse("matter_detail", args=[matter_id])


def _others(users: Iterable[User], actor_id: int) -> list[User]:
    return [u for u in users if u.pk != actor_id]


def unit_handlers(unit_ids: Iterable[int]) -> list[User]:
    ids = [i for i in unit_ids if isinstance(i, int)]
    if not ids:
        return []
    return list(User.objects.filter(role=Role.UNIT_HANDLER, unit_id__in=ids, is_active=True).order_by("pk"))


def level_agents(region_id: int | None) -> list[User]:
    if region_id is None:
        return []
    return list(
        User.objects.filter(role__in=list(AGENT_ROLES), region_id=region_id, is_active=True).order_by("pk")
    )


def _event(happened: hooks.MatterEvent) -> tuple[Event, Matter] | None:
    event = Event.objects.filter(pk=happened.event_id).select_related("matter").first()
    if event is None:
        return None
    return event, event.matter


def on_route(happened: hooks.MatterEvent) -> None:
    found = _event(happened)
    if found is None:
        return
    event, matter = found
    details = event.details or {}
    lead = details.get("lead")
    co = details.get("co") or []
    routed: list[tuple[TaskRole, list[int]]] = [
        (TaskRole.LEAD, [lead] if isinstance(lead, int) else []),
        (TaskRole.CO, [u for u in co if isinstance(u, int)] if isinstance(co, list) else []),
    ]
    for role, units in routed:
        services.notify(
            recipients=_others(unit_handlers(units), happened.actor_id),
            kind="assigned",
            key=_key(happened),
            text=f"事项 {matter.number} 已交办本单位{role.label}，请在规定期限内受理或提出异议。",
            matter_id=matter.pk,
            url=_url(matter.pk),
        )


def on_level_change(happened: hooks.MatterEvent) -> None:
    found = _event(happened)
    if found is None:
        return
    _, matter = found
    if matter.holder_unit_id is not None:
        return  # routed to a unit since: that routing tells the unit
    escalated = happened.kind == EventKind.ESCALATE
    text = (
        f"事项 {matter.number} 已上报至本级，请及时研判分流。"
        if escalated
        else f"事项 {matter.number} 已交由本级办理，请及时受理办理。"
    )
    services.notify(
        recipients=_others(level_agents(matter.holder_region_id), happened.actor_id),
        kind="escalated" if escalated else "handed_down",
        key=_key(happened),
        text=text,
        matter_id=matter.pk,
        url=_url(matter.pk),
    )


def on_objection_decided(happened: hooks.MatterEvent) -> None:
    found = _event(happened)
    if found is None:
        return
    event, matter = found
    task_id = (event.details or {}).get("task")
    task = UnitTask.objects.filter(pk=task_id, matter=matter).first() if isinstance(task_id, int) else None
    if task is None:
        return
    handlers = _others(unit_handlers([task.unit_id]), happened.actor_id)
    if happened.kind == EventKind.OBJECTION_AGREE:
        # The unit no longer sees the matter: told without a link (the number is one it was given).
        services.notify(
            recipients=handlers,
            kind="objection_decided",
            key=_key(happened),
            text=f"本单位对事项 {matter.number} 提出的异议已获同意，该交办任务已撤回。",
        )
        return
    services.notify(
        recipients=handlers,
        kind="objection_decided",
        key=_key(happened),
        text=f"本单位对事项 {matter.number} 提出的异议未获同意，请按交办要求受理办理。",
        matter_id=matter.pk,
        url=_url(matter.pk),
    )


def on_reply(happened: hooks.MatterEvent) -> None:
    found = _event(happened)
    if found is None:
        return
    _, matter = found
    services.notify(
        recipients=_others([matter.responsible_agent], happened.actor_id),
        kind="reply_feedback",
        key=_key(happened),
        text=f"事项 {matter.number} 已出具处理意见书，请及时向信访人反馈办理结果。",
        matter_id=matter.pk,
        url=_url(matter.pk),
    )


SUBSCRIPTIONS: list[tuple[hooks.Subscriber, list[EventKind]]] = [
    (on_route, [EventKind.ROUTE]),
    (on_level_change, [EventKind.ESCALATE, EventKind.HAND_DOWN]),
    (on_objection_decided, [EventKind.OBJECTION_AGREE, EventKind.OBJECTION_REFUSE]),
    (on_reply, [EventKind.REPLY]),
]


def connect() -> None:
    for fn, event_kinds in SUBSCRIPTIONS:
        hooks.subscribe(fn, event_kinds)
