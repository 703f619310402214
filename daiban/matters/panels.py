"""Sections that the apps built around ``matters`` add to the matter page (the supervision ladder, expert
consultations …), so that ``matters`` knows none of them. An app registers in its ``AppConfig.ready``::

    panels.register(panels.Panel("supervision.ladder", order=10, template="supervision/_matter.html",
                                 context=ladder_for))

``context(user, matter)`` returns the section's context (the template sees it as ``panel``), or None to
leave it out for that user. It must read through the user's scope like every other read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from daiban.accounts.models import User
    from daiban.matters.models import Matter


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    template: str
    context: Callable[[User, Matter], dict[str, Any] | None]


@dataclass(frozen=True)
class Shown:
    panel: Panel
    context: dict[str, Any]


_panels: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    _panels[panel.key] = panel


def panels_for(user: User, matter: Matter) -> list[Shown]:
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(user, matter)
        if context is not None:
            shown.append(Shown(panel, context))
    return shown
