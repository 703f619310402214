"""What prevention's action pages share: run an action from a form, and show the form again — with all
that was typed — as a field error (400), a plain message, or the conflict page (409) when someone else
changed the record meanwhile. Outside scope is 404 (``OutOfScope``), like a record that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms

from daiban.matters.views.actions import run_action


class VersionedForm(forms.Form):
    """A form that changes an existing record carries the version it was loaded at."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31)

    @property
    def expected_version(self) -> int:
        return int(self.cleaned_data["version"])


def is_stale(posted: object, current: int) -> bool:
    raw = str(posted or "").strip()
    return raw.isascii() and raw.isdigit() and len(raw) <= 18 and int(raw) < current


def run(form: forms.Form, call: Callable[[], Any]) -> tuple[Any, int | None]:
    """Call the action; (its result, None) on success, or (None, 400 or 409) with the error on the form."""
    return run_action(form, call)
