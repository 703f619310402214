"""The newspaper's story as a test: 王先生's complaint about the old-residential renovation, taken in at
the 呼伦路 area, routed to 住建, mediated with a signed agreement, replied, followed up, closed resolved."""

from __future__ import annotations

import datetime

from conftest import Personas, Tree
from daiban.matters import actions
from daiban.matters.choices import ClosureKind, Status, Step
from daiban.matters.models import Event, Matter
from daiban.matters.tests.factories import frozen, intake


def test_wang_renovation_story(tree: Tree, personas: Personas) -> None:
    with frozen(2026, 9, 7):
        m = intake(personas.village_agent, tree.village_a1x)
    assert m.number.startswith("150102-2026-")
    assert m.responsible_agent == personas.village_agent
    assert m.status == Status.REGISTERED and m.holder_region == tree.village_a1x
    assert m.due_step == Step.ROUTE and m.due_date == datetime.date(2026, 9, 22)

    with frozen(2026, 9, 7, 15):
        m = actions.matter_escalate(
            actor=personas.village_agent, matter_id=m.pk, expected_version=m.version, note="需协调住建部门"
        )
    assert m.holder_region == tree.town_a1
    with frozen(2026, 9, 8):
        m = actions.matter_escalate(
            actor=personas.township_staff, matter_id=m.pk, expected_version=m.version, note="涉及区住建局"
        )
    assert m.holder_region == tree.county_a
    with frozen(2026, 9, 9):
        m = actions.matter_route(
            actor=personas.county_staff,
            matter_id=m.pk,
            expected_version=m.version,
            lead_unit=tree.unit_housing_a,
            lead_instructions="核实改造遗留问题，组织调解",
        )
    assert m.status == Status.ROUTED and m.holder_unit == tree.unit_housing_a
    task = m.tasks.get()
    with frozen(2026, 9, 10):
        m = actions.task_accept(
            actor=personas.unit_handler, task_id=task.pk, expected_version=m.version, notice_method="written"
        )
    assert m.status == Status.HANDLING
    handling = m.deadlines.get(step=Step.HANDLING, is_open=True)
    # 60 calendar days from 2026-09-10 is 2026-11-09, a Monday and a working day.
    assert handling.due_date == datetime.date(2026, 11, 9)
    with frozen(2026, 9, 20):
        m = actions.matter_mediate(
            actor=personas.unit_handler,
            matter_id=m.pk,
            expected_version=m.version,
            participants="王先生、物业公司、区住建局、呼伦路街道",
            terms="物业公司负责修复楼道管线，住建局监督验收",
            performance_manner="施工修复并经业主验收",
            performance_deadline=datetime.date(2026, 10, 20),
            signed=True,
        )
    with frozen(2026, 9, 21):
        m = actions.matter_reply(
            actor=personas.unit_handler,
            matter_id=m.pk,
            expected_version=m.version,
            outcome="support",
            facts="改造后管线未恢复属实",
            reasons="属改造遗留问题，应予修复",
            basis="《呼和浩特市老旧小区改造管理办法》",
        )
    assert m.status == Status.REPLIED and m.holder_region == tree.village_a1x and m.holder_unit is None
    with frozen(2026, 9, 22):
        m = actions.matter_feedback(
            actor=personas.village_agent,
            matter_id=m.pk,
            expected_version=m.version,
            method="in_person",
            note="当面解释",
        )
    with frozen(2026, 10, 22):
        m = actions.matter_follow_up(
            actor=personas.village_agent,
            matter_id=m.pk,
            expected_version=m.version,
            service_satisfaction="satisfied",
            unit_satisfaction="satisfied",
            method="visit",
        )
        m = actions.matter_close(
            actor=personas.village_agent, matter_id=m.pk, expected_version=m.version, resolved=True
        )
    m = Matter.objects.get(pk=m.pk)
    assert m.status == Status.CLOSED and m.resolved is True and m.closure_kind == ClosureKind.HANDLED
    assert m.due_date is None and not m.deadlines.filter(is_open=True).exists()
    kinds = list(Event.objects.filter(matter=m).order_by("seq").values_list("kind", flat=True))
    assert kinds == [
        "intake",
        "escalate",
        "escalate",
        "route",
        "accept",
        "mediate",
        "reply",
        "feedback",
        "follow_up",
        "close",
    ]
    assert list(Event.objects.filter(matter=m).values_list("seq", flat=True)) == list(range(1, 11))
    assert m.mediations.get().signed is True
