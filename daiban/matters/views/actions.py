"""The action page: one form per action of the workflow registry. GET shows the form; POST runs the
action's service and shows the form again, with everything typed kept, when it is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from daiban.accounts.http import AuthedRequest
from daiban.matters import panels, workflow
from daiban.matters.errors import ActionError, Conflict, OutOfScope
from daiban.matters.views.access import matter_or_404

T = TypeVar("T")

# Shown with the conflict when the other person's change also took this action away from the user.
NO_LONGER_AVAILABLE = "该事项已进入新的办理环节，您现在不能再办理此操作，请返回事项页查看最新情况。"


@require_http_methods(["GET", "POST"])
def matter_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    matter = matter_or_404(user, pk, for_page=True)
    spec = workflow.get(action)
    if spec is None or not spec.has_button or spec.form is None:
        raise Http404
    task = None
    if spec.on_task:
        task_id = str(request.POST.get("task") or request.GET.get("task") or "")
        # The matter's tasks are prefetched: the task is one of them or does not exist here.
        wanted = int(task_id) if task_id.isascii() and task_id.isdigit() else None
        task = next((t for t in matter.tasks.all() if t.pk == wanted), None)
        if task is None:
            raise Http404
    recused = matter.recusals.filter(user=user).exists()
    allowed = not recused and spec.allows(user, matter, task)
    # A form loaded before someone else changed the matter is a conflict (409, what was typed shown
    # again), even when the change took the action away: the loser of a race learns what happened
    # instead of being told that they may not act.
    stale = request.method == "POST" and _is_stale(request.POST.get("version"), matter.version)
    if not allowed and not stale:
        raise PermissionDenied("您现在不能对该事项办理此操作。")
    form = spec.form(request.POST or None, request.FILES or None, user=user, matter=matter, task=task)
    conflict = False
    if stale:
        conflict = True
        form.add_error(None, Conflict().message)
        if not allowed:
            form.add_error(None, NO_LONGER_AVAILABLE)
    elif request.method == "POST" and form.is_valid():
        try:
            done = workflow.perform(
                action,
                actor=user,
                matter_id=matter.pk,
                task_id=task.pk if task else None,
                expected_version=form.expected_version,
                **form.to_kwargs(),
            )
        except OutOfScope as exc:
            raise Http404 from exc
        except Conflict as exc:
            conflict = True
            form.add_error(None, exc.message)
        except ActionError as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            merge_errors(form, exc)
        else:
            messages.success(request, spec.done_message(done))
            return redirect("matter_detail", pk=matter.pk)
    # 409 when someone else changed the matter meanwhile (the form, with what was typed, is shown again).
    status = 200 if request.method == "GET" else (409 if conflict else 400)
    return render(
        request,
        "matters/action.html",
        {
            "matter": matter,
            "form": form,
            "spec": spec,
            "action": action,
            "task": task,
            "hints": panels.hints_for(user, matter, action),
        },
        status=status,
    )


def _is_stale(posted: object, current: int) -> bool:
    """Whether the form's version (as posted) is older than the matter's current version."""
    raw = str(posted or "").strip()
    return raw.isascii() and raw.isdigit() and len(raw) <= 18 and int(raw) < current


def run_action(
    form: forms.Form, call: Callable[[], T], *, conflict: str | None = None
) -> tuple[T | None, int | None]:
    """Call an action for a form page: (its result, None), or (None, the status to answer) with the error
    put on the form so that the page shows it with everything typed kept — 409 when someone else changed
    the record meanwhile (``conflict``: the page's own wording), 400 for a refusal or bad input. Outside
    scope is 404. The pages of the apps around matters all answer through this."""
    try:
        return call(), None
    except OutOfScope as exc:
        raise Http404 from exc
    except Conflict as exc:
        form.add_error(None, conflict or exc.message)
        return None, 409
    except ActionError as exc:
        form.add_error(None, exc.message)
        return None, 400
    except ValidationError as exc:
        merge_errors(form, exc)
        return None, 400


def merge_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put each of an action's field errors on that field (or on the form when it has no such field)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error.messages[0] if hasattr(error, "messages") else str(error))
    else:
        for message in exc.messages:
            form.add_error(None, message)
