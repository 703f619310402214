"""What prevention's action pages share: run an action from a form, and show the form again — with all
that was typed — as a field error (400), a plain message, or the conflict page (409) when someone else
changed the record meanwhile. Outside scope is 404 (``OutOfScope``), like a record that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404

from daiban.matters.errors import ActionError, Conflict, OutOfScope
from daiban.matters.views.actions import merge_errors


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
    """Call the action; (its result, None) on success, or (None, the status to answer: 400 or 409) with
    the error put on the form."""
    try:
        return call(), None
    except OutOfScope as exc:
        raise Http404 from exc
    except Conflict as exc:
        form.add_error(None, exc.message)
        return None, 409
    except ActionError as exc:
        form.add_error(None, exc.message)
        return None, 400
    except ValidationError as exc:
        merge_errors(form, exc)
        return None, 400
