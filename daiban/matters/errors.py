"""Errors raised by domain actions. Views turn them into 404, 403, 409 or a plain Chinese message by their
type — never by reading the message."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class ActionError(Exception):
    """Base class; ``message`` is shown to the user as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class OutOfScope(ActionError):
    """The matter (or person) is outside the actor's jurisdiction: answered as 404, like a missing record."""

    def __init__(self) -> None:
        super().__init__("未找到该事项。")


class NotAllowed(ActionError):
    """The actor may see the matter but their role may not take this action."""


class WrongState(ActionError):
    """The action does not fit the matter's current step."""


class Conflict(ActionError):
    """Someone else changed the matter after the actor loaded it (answered 409 with the input kept)."""

    def __init__(self) -> None:
        super().__init__("该事项刚刚被他人修改，请刷新后核对再提交；您填写的内容已保留。")


class RepeatVisitUndecided(ActionError):
    """Art. 19: the person already has open matters; the agent must say whether this visit repeats one of
    them or is a new matter. ``matters`` are the open matters to choose from, oldest first."""

    def __init__(self, matters: list[Any]) -> None:
        super().__init__("该信访人已有在办事项。请选择：作为其中一件事项的重复来访，或另立新事项。")
        self.matters = matters


class PersonInputError(ValidationError):
    """One petitioner's input is invalid: ``index`` (0-based) names the row of the intake formset, and
    the error dict names the field, so a view puts the message on that row's field."""

    def __init__(self, index: int, field: str, message: str) -> None:
        super().__init__({field: [message]})
        self.index = index
        self.field = field
