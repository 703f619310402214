"""The home page is made of panels that the apps contribute, so that ``core`` knows none of them.

An app registers its panels in its ``AppConfig.ready``::

    home.register(home.Panel("matters.queues", order=20, template="matters/_home_queues.html",
                             context=queue_panel))

``context(user)`` returns the panel's context (the template sees it as ``panel``), or None to leave the
panel out for that user. ``slot`` places it: "head" (beside the greeting), "main" or "cards".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

Slot = Literal["head", "main", "cards"]


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    template: str
    context: Callable[[Any], dict[str, Any] | None]
    slot: Slot = "main"


@dataclass(frozen=True)
class Shown:
    panel: Panel
    context: dict[str, Any]


_panels: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    """Add (or replace, by key) a panel; safe to call twice."""
    _panels[panel.key] = panel


def panels_for(user: AbstractBaseUser | AnonymousUser) -> dict[str, list[Shown]]:
    shown: dict[str, list[Shown]] = {"head": [], "main": [], "cards": []}
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(user)
        if context is not None:
            shown[panel.slot].append(Shown(panel, context))
    return shown
