"""The workflow registry names every action once, and what it says agrees with the services and forms."""

from __future__ import annotations

import inspect

from daiban.matters import actions, workflow
from daiban.matters.choices import EventKind
from daiban.matters.forms import ActionForm


def test_every_event_kind_is_one_registered_action_and_back() -> None:
    assert set(workflow.REGISTRY) == set(EventKind.values)
    assert all(key == action.key.value for key, action in workflow.REGISTRY.items())


def test_every_service_is_a_public_action() -> None:
    for action in workflow.REGISTRY.values():
        if action.key in workflow.OUTER_KINDS:
            # An app around matters keeps its service in its own module (matters never imports it).
            assert not action.service.__module__.startswith("daiban.matters."), action.key
            continue
        assert getattr(actions, action.service.__name__) is action.service, action.key


def test_button_actions_have_a_form_and_a_rule() -> None:
    buttons = [a for a in workflow.REGISTRY.values() if a.has_button]
    # Every registered action but the three ways into a matter (the intake page, the ledger import) and
    # the retired bare hearing-day count (replaced by daiban.hearings' 听证记录) and the two events that
    # daiban.repeats writes beside its answer and its merge (确认为重复信访, 并入事项) has a button; among
    # them 登记送达 (issue 8 item 10) and 上传附件 (item 3), which was intake-only before.
    assert len(buttons) == len(workflow.REGISTRY) - 6
    assert {EventKind.SERVE, EventKind.ATTACH} <= {a.key for a in buttons}
    # The routing level's decision on an objection (issue 8 item 7): one button each, on a unit task.
    assert {a.key for a in buttons if a.on_task} >= {EventKind.OBJECTION_AGREE, EventKind.OBJECTION_REFUSE}
    for action in buttons:
        assert action.form is not None and issubclass(action.form, ActionForm)
        assert action.rule is not None
    # The ways into a matter that have a page of their own have no button.
    assert {a.key for a in workflow.REGISTRY.values() if not a.has_button} == {
        EventKind.INTAKE,
        EventKind.REPEAT_VISIT,
        EventKind.IMPORT,
        EventKind.HEARING,
        EventKind.REPEAT_LINK,
        EventKind.MERGE_RECEIVE,
    }


def test_form_fields_are_the_service_parameters() -> None:
    """A form that keeps the default ``to_kwargs`` passes its fields straight to the service, so every
    field must be a keyword parameter of it; the target and version come from the registry."""
    for action in workflow.REGISTRY.values():
        if action.form is None:
            continue
        params = inspect.signature(action.service).parameters
        target = "task_id" if action.on_task else "matter_id"
        assert {"actor", "expected_version", target} <= set(params), action.key
        if action.form.to_kwargs is ActionForm.to_kwargs:
            fields = set(action.form.base_fields) - {"version"}
            assert fields <= set(params), (action.key, fields - set(params))


def test_forward_steps_rank_uniquely() -> None:
    ranks = [a.rank for a in workflow.REGISTRY.values() if a.rank is not None]
    assert len(ranks) == len(set(ranks))
