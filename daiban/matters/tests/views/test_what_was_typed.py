"""What people type with an action is shown to everyone who may see the matter (issue 8, item 1), and the
action page shows what the matter is about (item 4)."""

from __future__ import annotations

from django.test import Client

from conftest import PASSWORD, Personas, Tree
from daiban.accounts.models import User
from daiban.matters import actions
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow


def _page(user: User, m: Matter, path: str = "") -> str:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    response = client.get(f"/matters/{m.pk}/{path}")
    assert response.status_code == 200
    return response.content.decode()


def test_escalation_and_routing_texts_reach_the_next_levels(
    flow: Flow, tree: Tree, personas: Personas
) -> None:
    p = personas
    m = flow.at_village()
    m = flow.act(actions.matter_escalate, p.village_agent, m, note="村里调处两次未果，需街道协调")
    m = flow.act(actions.matter_escalate, p.township_staff, m, note="涉及住建部门，请县中心交办")
    m = flow.act(
        actions.matter_route,
        p.county_staff,
        m,
        lead_unit=tree.unit_housing_a,
        lead_instructions="请十日内现场核查",
        co_units=[(tree.unit_hr_a, "请核实欠薪名单")],
    )
    for user in (p.village_agent, p.township_staff, p.county_staff, p.unit_handler, p.leader, p.supervisor):
        page = _page(user, m)
        for text in (
            "村里调处两次未果，需街道协调",
            "涉及住建部门，请县中心交办",
            "请十日内现场核查",
            "请核实欠薪名单",
        ):
            assert text in page, (user.username, text)
        assert "上报说明" in page and "交办要求" in page


def test_feedback_follow_up_and_closing_notes_are_shown(flow: Flow, personas: Personas) -> None:
    p = personas
    m = flow.replied()
    m = flow.act(actions.matter_feedback, p.county_staff, m, method="visit", note="上门当面解释处理意见")
    m = flow.act(
        actions.matter_follow_up,
        p.county_staff,
        m,
        service_satisfaction="satisfied",
        unit_satisfaction="basically",
        method="phone",
        note="信访人认可，但希望尽快施工",
    )
    m = flow.act(actions.matter_close, p.county_staff, m, resolved=True, note="施工队已进场，案结事了")
    for user in (p.village_agent, p.county_staff, p.leader):
        page = _page(user, m)
        for label, text in (
            ("反馈情况", "上门当面解释处理意见"),
            ("回访情况", "信访人认可，但希望尽快施工"),
            ("办结说明", "施工队已进场，案结事了"),
        ):
            assert label in page and text in page, (user.username, text)


def test_press_note_is_in_the_timeline(flow: Flow, personas: Personas) -> None:
    m = flow.at_village()
    m = flow.act(actions.matter_press, personas.leader, m, note="请加快办理，月底前答复")
    page = _page(personas.village_agent, m)
    assert "催办（督办）意见" in page and "请加快办理，月底前答复" in page


def test_objection_reasons_in_the_timeline(flow: Flow, personas: Personas) -> None:
    m = flow.routed()
    m = flow.act_task(
        actions.task_object, personas.unit_handler, flow.lead_task(m), reasons="不属于本单位职责"
    )
    page = _page(personas.county_staff, m)
    assert "异议理由" in page and "不属于本单位职责" in page


def test_action_page_shows_content_and_request(flow: Flow, personas: Personas) -> None:
    m = flow.at_village()
    page = _page(personas.village_agent, m, "act/escalate/")
    assert m.content in page and m.request in page and 'data-testid="matter-brief"' in page


def test_task_action_page_shows_the_instructions(flow: Flow, tree: Tree, personas: Personas) -> None:
    m = flow.routed()
    task = flow.lead_task(m)
    task.instructions = "请核查小区管网"
    task.save(update_fields=["instructions"])
    page = _page(personas.unit_handler, m, f"act/accept/?task={task.pk}")
    assert "请核查小区管网" in page and m.content in page
