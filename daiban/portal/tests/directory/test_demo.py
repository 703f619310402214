"""The demo network publishes its agents (亮身份): most have a valid work phone, each has reception hours and
a place that fit their columns; drawing them left every name and code as it was."""

from __future__ import annotations

from daiban.demo.network.build import build_plan
from daiban.network.models import WORK_PHONE, Agent


def test_demo_agents_have_a_public_profile() -> None:
    plan = build_plan()
    agents = plan.agents
    with_phone = [a for a in agents if a.work_phone]
    assert 0.7 < len(with_phone) / len(agents) < 0.9  # the rest are reached through the organisation
    for a in with_phone:
        WORK_PHONE(a.work_phone)
    hours = Agent._meta.get_field("duty_hours").max_length
    places = Agent._meta.get_field("duty_place").max_length
    assert all(a.duty_hours and len(a.duty_hours) <= hours for a in agents)  # type: ignore[operator]
    assert all(a.duty_place and len(a.duty_place) <= places for a in agents)  # type: ignore[operator]
    # Deterministic: the same profiles again.
    assert [a.work_phone for a in build_plan().agents] == [a.work_phone for a in agents]
