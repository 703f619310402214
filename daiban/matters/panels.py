"""Sections that the apps built around ``matters`` add to the matter page (the supervision ladder, expert
consultations …), so that ``matters`` knows none of them. An app registers in its ``AppConfig.ready``::

    panels.register(panels.Panel("supervision.ladder", order=10, template="supervision/_matter.html",
                                 context=ladder_for))

``context(user, matter)`` returns the section's context (the template sees it as ``panel``), or None to
leave it out for that user. It must read through the user's scope like every other read.

A *hint* is the same for an action's page: a note shown above the form of the actions it names (mediation
shows how the parties performed their agreement above 办结, where the closer says whether the matter is
resolved)::

    panels.register_hint(panels.Hint("mediation.close", actions=frozenset({"close"}),
                                     template="mediation/_close_hint.html", context=close_hint))

The template sees the context as ``hint``.
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


@dataclass(frozen=True)
class Hint:
    key: str
    actions: frozenset[str]  # the workflow keys of the action pages it is shown on
    template: str
    context: Callable[[User, Matter], dict[str, Any] | None]


@dataclass(frozen=True)
class ShownHint:
    hint: Hint
    context: dict[str, Any]


_hints: dict[str, Hint] = {}


def register_hint(hint: Hint) -> None:
    _hints[hint.key] = hint


def hints_for(user: User, matter: Matter, action: str) -> list[ShownHint]:
    shown = []
    for hint in sorted(_hints.values(), key=lambda h: h.key):
        if action in hint.actions:
            context = hint.context(user, matter)
            if context is not None:
                shown.append(ShownHint(hint, context))
    return shown


# Templates that the apps around matters add inside the intake form (the likely repeat petitions shown
# while the agent types …). Each is included with the page's context; it may only read.
_intake_templates: list[str] = []


def register_intake(template: str) -> None:
    if template not in _intake_templates:
        _intake_templates.append(template)


def intake_templates() -> list[str]:
    return list(_intake_templates)
