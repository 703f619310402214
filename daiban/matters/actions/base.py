"""What every action shares: input checks that name the field, the lock, and the event.

Each action is keyword-only, takes the acting user, and in one transaction: locks the matter row, checks
jurisdiction (outside scope → ``OutOfScope``, shown as 404), the expected version (→ ``Conflict``), the
rule of ``daiban.matters.rules`` that also decides its button (→ ``NotAllowed`` / ``WrongState``),
validates input (→ Django ``ValidationError`` naming the field, in Chinese), changes the state, and
writes one ``Event``, announced to ``daiban.matters.hooks`` after commit. Nothing else changes a matter.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters import deadlines, derived, hooks
from daiban.matters.choices import ClosureKind, EventKind, Status
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope
from daiban.matters.models import Event, Matter, Recusal
from daiban.matters.selectors import matters_for


def fail(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def require_text(field: str, value: str, label: str, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise fail(field, f"请填写{label}。")
    if max_length is not None and len(value) > max_length:
        raise fail(field, f"{label}不能超过 {max_length} 个字。")
    return value


def choice(field: str, value: str, choices: type, label: str) -> str:
    if value not in choices.values:  # type: ignore[attr-defined]
        raise fail(field, f"请选择有效的{label}。")
    return value


@contextmanager
def locked(actor: User, matter_id: int, expected_version: int | None) -> Iterator[Matter]:
    """Open the transaction, lock the matter and run the checks every action shares."""
    with transaction.atomic():
        if not matters_for(actor).filter(pk=matter_id).exists():
            raise OutOfScope
        matter = Matter.objects.select_for_update().get(pk=matter_id)
        if expected_version is not None and matter.version != expected_version:
            raise Conflict
        if Recusal.objects.filter(matter=matter, user=actor).exists():
            raise NotAllowed("您已就本事项申请回避，不能再办理。")
        yield matter


def record(
    matter: Matter,
    actor: User,
    kind: EventKind,
    summary: str,
    details: dict[str, Any] | None = None,
    *,
    status_before: str = "",
    refresh_due: bool = True,
    inserted: bool = False,
) -> Event:
    """Bump the version, mirror the current deadline, save, and write the event (same transaction);
    the event is announced to the subscribers of ``hooks`` once the transaction commits, and the matter's
    derived data (search index, signature …) is refreshed on the task queue (``derived``).

    ``inserted``: the matter was just inserted, in this transaction, with version 1 and its due date
    already mirrored (the intake): only the event is written, no second UPDATE of the same row."""
    if inserted:
        if matter.version != 1:
            raise ValueError("an inserted matter starts at version 1")
    else:
        if refresh_due:
            deadlines.refresh_due(matter)
        matter.version += 1
        matter.save()
    event = Event.objects.create(
        matter=matter,
        seq=matter.version,
        at=clock.now(),
        actor=actor,
        kind=kind,
        summary=summary,
        details=details or {},
        status_before=status_before or matter.status,
        status_after=matter.status,
    )
    hooks.announce(
        hooks.MatterEvent(
            event_id=event.pk,
            matter_id=matter.pk,
            seq=event.seq,
            kind=kind,
            actor_id=actor.pk,
            status_before=event.status_before,
            status_after=event.status_after,
        )
    )
    derived.mark(matter.pk, kind)
    return event


def close_matter(m: Matter, kind: ClosureKind, *, resolved: bool) -> None:
    deadlines.close_clocks(m)
    m.status = Status.CLOSED
    m.closure_kind = kind
    m.resolved = resolved
    m.closed_at = clock.now()
