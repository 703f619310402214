"""Where a matter came from, when an app built around ``matters`` brought it in.

A screening turned into a petition (未诉先办), a person received at a reception session (接访即代办) or met
on a door-to-door visit: each becomes a matter through the one intake action and page, and the origin
keeps the link both ways. ``matters`` knows none of those apps; each registers an ``Origin`` in its
``AppConfig.ready``::

    origins.register(origins.Origin(kind="screening", prefill=..., link=..., links_for=...))

The intake page carries ``origin=<kind>:<id>`` (a hidden field, never personal data). ``prefill(user,
id)`` gives the form's initial values and the banner that says where the matter comes from (None: not
visible to this user → 404); ``link(actor, id, matter, linked_existing)`` runs inside the intake
transaction, after the matter was created (or the visit recorded on an open one, art. 19), and raises a
``ValidationError`` (field "origin") or an ``ActionError`` to undo everything; ``links_for(user,
matter)`` lists what the matter page shows under 来源.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from daiban.accounts.models import User
    from daiban.matters.models import Matter


@dataclass(frozen=True)
class Prefill:
    banner: str  # 由排查台账 PC150102-2026-00012 转为信访事项
    initial: dict[str, Any] = field(default_factory=dict)
    back_url: str = ""  # where 取消 returns to
    people: list[dict[str, Any]] = field(default_factory=list)  # initial rows of the petitioner formset


@dataclass(frozen=True)
class OriginLink:
    label: str  # 排查台账
    text: str  # PC150102-2026-00012 邻里宅基地纠纷
    url: str


@dataclass(frozen=True)
class Origin:
    kind: str
    prefill: Callable[[User, int], Prefill | None]
    link: Callable[[User, int, Matter, bool], None]
    links_for: Callable[[User, Matter], list[OriginLink]]


_origins: dict[str, Origin] = {}


def register(origin: Origin) -> None:
    _origins[origin.kind] = origin


def registered() -> list[Origin]:
    return list(_origins.values())


def parse(raw: str) -> tuple[Origin, int] | None:
    """``"screening:12"`` → (its Origin, 12); None for "" or anything malformed or unknown."""
    kind, _, number = (raw or "").strip().partition(":")
    origin = _origins.get(kind)
    if origin is None or not (number.isascii() and number.isdigit()) or len(number) > 12:
        return None
    return origin, int(number)


def prefill(user: User, raw: str) -> Prefill | None:
    parsed = parse(raw)
    if parsed is None:
        return None
    origin, pk = parsed
    return origin.prefill(user, pk)


def link(raw: str, actor: User, matter: Matter, linked_existing: bool) -> None:
    """Called by the intake action inside its transaction; a bad origin undoes the intake."""
    if not raw:
        return
    parsed = parse(raw)
    if parsed is None:
        raise ValidationError({"origin": ["来源记录无效，请从原记录重新进入登记。"]})
    origin, pk = parsed
    origin.link(actor, pk, matter, linked_existing)


def links_for(user: User, matter: Matter) -> list[OriginLink]:
    found: list[OriginLink] = []
    for origin in _origins.values():
        found.extend(origin.links_for(user, matter))
    return found
