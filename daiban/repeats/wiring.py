"""How the repeat check plugs into matters: a signature after each intake (on the task queue, after its
commit: ``daiban.matters.derived``, docs/adr/0039), a section on the matter page, a panel inside the
intake form."""

from __future__ import annotations

from typing import Any

from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.matters import derived, panels
from daiban.matters.choices import EventKind
from daiban.matters.models import Matter

SIGNED_KINDS = (EventKind.INTAKE, EventKind.IMPORT)
REFRESHER = "repeats.signature"


def _sign(matter_ids: list[int]) -> None:
    from daiban.repeats import signatures

    signatures.refresh_many(matter_ids)


def may_decide(user: User) -> bool:
    return user.role in AGENT_ROLES or user.role == Role.LEADER


def matter_panel(user: User, matter: Matter) -> dict[str, Any] | None:
    """可能的重复信访 on the matter page: the likely repeats received before it, each with its answer."""
    from daiban.repeats import selectors

    if matter.is_accusation:
        return None
    found = selectors.for_matter(user, matter)
    if not found:
        return None
    return {
        "candidates": found,
        "may_decide": may_decide(user),
        "undecided": sum(1 for c in found if not c.decision),
    }


def connect() -> None:
    derived.register(REFRESHER, _sign, SIGNED_KINDS)
    panels.register(
        panels.Panel("repeats.candidates", order=5, template="repeats/_matter.html", context=matter_panel)
    )
    panels.register_intake("repeats/_intake.html")
