"""Panels that the apps contribute to the network page of a region, so that ``network`` knows none of them.

An app built around matters registers its panels at start-up (prevention: the reception sessions published
for that region)::

    region_panels.register(region_panels.Panel("prevention.sessions", order=10,
                           template="prevention/sessions/_region_panel.html", context=sessions_panel))

``context(user, region)`` returns the panel's context (the template sees it as ``panel``), or None to leave
the panel out. It is called only for a user who may see the page of ``region``; keep its queries bounded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    template: str
    context: Callable[[Any, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class Shown:
    panel: Panel
    context: dict[str, Any]


_panels: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    """Add (or replace, by key) a panel; safe to call twice."""
    _panels[panel.key] = panel


def panels_for(user: Any, region: Any) -> list[Shown]:
    shown: list[Shown] = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(user, region)
        if context is not None:
            shown.append(Shown(panel, context))
    return shown
