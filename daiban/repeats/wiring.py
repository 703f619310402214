"""How the repeat check plugs into matters: a signature after each intake (on the task queue, after its
commit: ``daiban.matters.derived``, docs/adr/0039), a section on the matter page, a panel inside the intake
form; and its actions in the workflow registry — 确认为重复信访 and 并入事项 (events only, taken from the
repeats section), 并入原事项 (a button, the generic action page with both matters side by side above the
form, field errors and the conflict page) — with a section listing the merged matters."""

from __future__ import annotations

import functools
from typing import Any

from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.matters import derived, panels, workflow
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
    merge = workflow.get(EventKind.MERGE.value)
    return {
        "candidates": found,
        "may_decide": may_decide(user) and matter.closure_kind != "merged",
        "may_merge": merge is not None and merge.allows(user, matter),
        "undecided": sum(1 for c in found if not c.decision),
    }


@functools.cache
def _actions() -> tuple[workflow.Action, ...]:
    from daiban.repeats import actions, forms, rules

    return (
        # Written by repeat_link on the later matter (the earlier one gets 重复来访); no button of its own.
        workflow.Action(EventKind.REPEAT_LINK, "确认为重复信访", actions.repeat_link),
        workflow.Action(
            EventKind.MERGE,
            "并入原事项",
            actions.repeat_merge,
            forms.MergeForm,
            rules.merge,
            danger=True,
            texts=(("into", "原事项"), ("reason", "并案理由")),
            done=lambda m: (
                f"已并入原事项（并案），事项 {m.number} 办结；其信访人、内容和附件在原事项页可查。"
            ),
        ),
        # Written by repeat_merge on the earlier matter.
        workflow.Action(
            EventKind.MERGE_RECEIVE,
            "并入事项",
            actions.repeat_merge,
            texts=(("merged", "并入的事项"), ("reason", "并案理由")),
        ),
    )


def _connect_merge() -> None:
    from daiban.repeats import views

    for action in _actions():
        workflow.register(action)
    panels.register(
        panels.Panel("repeats.merged", order=4, template="repeats/_merged.html", context=views.merged_panel)
    )
    panels.register_hint(
        panels.Hint(
            "repeats.merge", frozenset({EventKind.MERGE.value}), "repeats/_merge_hint.html", views.merge_hint
        )
    )


def connect() -> None:
    derived.register(REFRESHER, _sign, SIGNED_KINDS)
    panels.register(
        panels.Panel("repeats.candidates", order=5, template="repeats/_matter.html", context=matter_panel)
    )
    panels.register_intake("repeats/_intake.html")
    _connect_merge()
