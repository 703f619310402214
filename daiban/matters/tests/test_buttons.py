"""Buttons that should not be there (issue 8, item 9): nobody presses a matter their own desk holds, and
feedback and follow-up are not offered again once done."""

from __future__ import annotations

import pytest

from conftest import Personas
from daiban.accounts.models import User
from daiban.matters import actions, workflow
from daiban.matters.errors import WrongState
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow


def _offered(user: User, m: Matter) -> set[str]:
    return {o.key for o in workflow.available(user, Flow.fresh(m))}


def test_the_holding_desk_is_not_offered_press(flow: Flow, personas: Personas) -> None:
    m = flow.at_village()
    assert "press" not in _offered(personas.village_agent, m)
    assert "press" in _offered(personas.township_staff, m)  # the level above may push the village
    assert "press" in _offered(personas.leader, m)
    with pytest.raises(WrongState):
        actions.matter_press(
            actor=personas.village_agent, matter_id=m.pk, expected_version=m.version, note="x"
        )


def test_feedback_and_follow_up_are_offered_once(flow: Flow, personas: Personas) -> None:
    agent = personas.county_staff
    m = flow.replied()
    assert {"feedback"} <= _offered(agent, m) and not {"follow_up", "close"} & _offered(agent, m)
    m = flow.act(actions.matter_feedback, agent, m, method="phone", note="电话告知处理结果")
    assert "feedback" not in _offered(agent, m) and "follow_up" in _offered(agent, m)
    m = flow.act(
        actions.matter_follow_up,
        agent,
        m,
        service_satisfaction="satisfied",
        unit_satisfaction="satisfied",
        method="visit",
    )
    offered = _offered(agent, m)
    assert "feedback" not in offered and "follow_up" not in offered and "close" in offered
    with pytest.raises(WrongState):
        actions.matter_feedback(
            actor=agent, matter_id=m.pk, expected_version=m.version, method="phone", note="再次"
        )
