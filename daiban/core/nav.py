"""Main-navigation entries contributed by the apps around the core (``core`` knows none of them).

An app registers its entry in its ``AppConfig.ready``::

    nav.register(nav.Item("prevention", order=40, label="排查预防", url_name="prevention_hub",
                          visible=can_read, active=("prevention_", "screening_")))

``visible(user)`` decides whether the user sees it; the entry is marked current on a page whose URL name
starts with one of ``active``. ``badge(user)``, when given, returns a short figure shown beside the label
(the unread messages of the bell: "3", "99+"), or "" for none; keep it one bounded, indexed read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class Item:
    key: str
    order: int
    label: str
    url_name: str
    visible: Callable[[Any], bool]
    active: tuple[str, ...] = ()
    badge: Callable[[Any], str] | None = None


@dataclass(frozen=True)
class Shown:
    label: str
    url: str
    current: bool
    badge: str = ""


_items: dict[str, Item] = {}


def register(item: Item) -> None:
    _items[item.key] = item


def items_for(user: Any, url_name: str | None) -> list[Shown]:
    return [
        Shown(
            item.label,
            reverse(item.url_name),
            (url_name or "").startswith(item.active) if url_name else False,
            item.badge(user) if item.badge is not None else "",
        )
        for item in sorted(_items.values(), key=lambda i: (i.order, i.key))
        if item.visible(user)
    ]
