"""What every prevention action shares with the matter actions: keyword-only, the acting user, one
transaction that locks the record, checks jurisdiction (→ ``OutOfScope``, a 404), the expected version (→
``Conflict``, the conflict page with the input kept), validates input (→ ``ValidationError`` naming the
field, in Chinese), changes the record and writes one event. Nothing else changes a prevention record."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import F

from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters.actions.base import choice, fail, require_text
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope
from daiban.prevention import selectors
from daiban.prevention.models import Sequence
from daiban.prevention.models.base import EventBase
from daiban.regions import geometry
from daiban.regions.models import Region

__all__ = [
    "choice",
    "fail",
    "locked",
    "next_number",
    "record",
    "require_date",
    "require_region",
    "require_text",
    "require_writer",
]

R = TypeVar("R", bound=models.Model)


def require_writer(actor: User) -> None:
    if not selectors.can_write(actor):
        raise NotAllowed("只有代办机构工作人员可以办理。")


def require_region(actor: User, region: Region | None, field: str = "region") -> Region:
    if region is None or not geometry.contains(selectors.scope_path(actor), region.path):
        raise fail(field, "所选地点不在您的管辖范围内。")
    return region


def require_date(
    field: str, value: datetime.date | None, label: str, *, past_days: int = 366, future_days: int = 0
) -> datetime.date:
    """A date near today: not before ``past_days`` ago, not after ``future_days`` ahead."""
    if value is None:
        raise fail(field, f"请填写{label}。")
    today = clock.today()
    if value < today - datetime.timedelta(days=past_days):
        raise fail(field, f"{label}不能早于 {past_days} 天前。")
    if value > today + datetime.timedelta(days=future_days):
        raise fail(
            field, f"{label}不能晚于今天。" if future_days == 0 else f"{label}不能超过 {future_days} 天后。"
        )
    return value


@contextmanager
def locked(actor: User, model: type[R], pk: int, expected_version: int | None) -> Iterator[R]:
    """Open the transaction, check scope, lock the row and compare versions."""
    with transaction.atomic():
        if not selectors.scoped(actor, model).filter(pk=pk).exists():
            raise OutOfScope
        row = model._default_manager.select_for_update().get(pk=pk)
        if expected_version is not None and row.version != expected_version:  # type: ignore[attr-defined]
            raise Conflict
        yield row


def record(
    row: Any,
    event_model: type[EventBase],
    actor: User,
    kind: str,
    summary: str,
    details: dict[str, Any] | None = None,
    *,
    status_before: str = "",
) -> EventBase:
    """Bump the version, save, and write the event (same transaction). ``row`` is the record; the event
    model's foreign key to it is the record's model name (``screening``, ``session``, ``errand`` …)."""
    row.version += 1
    row.save()
    link = {_link_field(event_model): row}
    return event_model._default_manager.create(
        **link,
        seq=row.version,
        at=clock.now(),
        actor=actor,
        kind=kind,
        summary=summary[:200],
        details=details or {},
        status_before=status_before or getattr(row, "status", ""),
        status_after=getattr(row, "status", ""),
    )


def _link_field(event_model: type[EventBase]) -> str:
    for f in event_model._meta.get_fields():
        if isinstance(f, models.ForeignKey) and f.name != "actor":
            return f.name
    raise LookupError(event_model)


def next_number(kind: str, region: Region, year: int) -> str:
    """``<kind><county code>-<year>-<5 digits>`` (PC150102-2026-00012), under a row lock."""
    county = geometry.county_code(region.path)
    seq, _ = Sequence.objects.select_for_update().get_or_create(kind=kind, county_code=county, year=year)
    Sequence.objects.filter(pk=seq.pk).update(last=F("last") + 1)
    seq.refresh_from_db()
    return f"{kind}{county}-{year}-{seq.last:05d}"
