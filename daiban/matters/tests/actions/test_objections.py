"""异议 is a request to the level that routed the task (信访工作条例 art. 23: effective only once the
sending office has verified and agreed). While it waits, the unit keeps the task (and may still accept,
withdrawing it), its acceptance-notice clock runs on, and the routing level decides: agree (the task is
withdrawn; a lead unit's matter comes back to be routed again with a new clock) or refuse with reasons
(the task stays, the unit must handle it and cannot object again)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from conftest import PASSWORD, Personas, Tree, make_user
from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters import actions, workflow
from daiban.matters.choices import Status, Step, TaskRole, TaskStatus
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope, WrongState
from daiban.matters.models import Matter, UnitTask
from daiban.matters.queues import queue_matters
from daiban.matters.selectors import matters_for
from daiban.matters.tests.conftest import More
from daiban.matters.tests.factories import Flow
from daiban.matters.tests.snapshot import assert_refused
from daiban.network.models import ResponsibleUnit, UnitDomain

OUTSIDERS = ["outsider", "outsider_village_agent", "outsider_unit_handler"]


def objected(flow: Flow, tree: Tree, co: bool = False) -> tuple[Matter, UnitTask]:
    """Routed by the 新城区 centre on Monday 2026-06-01; the lead unit objects on Wednesday 06-03."""
    m = flow.routed(co_units=[tree.unit_hr_a] if co else [])
    lead = flow.lead_task(m)
    flow.on(2026, 6, 3)
    flow.act_task(actions.task_object, flow.p.unit_handler, lead, reasons="属人社部门职责")
    lead.refresh_from_db()
    return flow.fresh(m), lead


def offers(user: User, m: Matter, flow: Flow) -> set[tuple[str, int | None]]:
    with clock.frozen(flow.now):
        return {(o.key, o.task.pk if o.task else None) for o in workflow.available(user, flow.fresh(m))}


# ------------------------------------------------------------------------------------------- pending


def test_an_objection_waits_for_the_routing_level(flow: Flow, tree: Tree, personas: Personas) -> None:
    m, lead = objected(flow, tree)
    assert lead.status == TaskStatus.OBJECTION_PENDING and lead.objection_reason == "属人社部门职责"
    # Nothing moves yet: the unit still holds the matter.
    assert (m.status, m.holder_unit, m.holder_region) == (Status.ROUTED, tree.unit_housing_a, tree.county_a)
    event = m.events.get(seq=m.version)
    assert event.kind == "object" and event.summary == "新城区住房和城乡建设局提出异议，待新城区代办中心决定"
    assert workflow.event_texts(event.kind, event.details) == [("异议理由", "属人社部门职责")]
    # The objection window is used up (met); the acceptance notice still runs: 15 days from 06-01.
    window = m.deadlines.get(step=Step.OBJECTION)
    assert not window.is_open and window.met_at is not None
    notice = m.deadlines.get(step=Step.ACCEPT_NOTICE)
    assert notice.is_open and notice.due_date == datetime.date(2026, 6, 16)
    assert (m.due_step, m.due_date) == (Step.ACCEPT_NOTICE, datetime.date(2026, 6, 16))


def test_who_sees_what_while_an_objection_is_pending(
    flow: Flow, tree: Tree, personas: Personas, more: More
) -> None:
    m, lead = objected(flow, tree)
    # The routing level is offered the decision on that task.
    county = offers(personas.county_staff, m, flow)
    assert {("objection_agree", lead.pk), ("objection_refuse", lead.pk)} <= county
    # The unit keeps the matter in view and in its queue; it may still accept (withdrawing the
    # objection) but neither object again nor decide.
    assert matters_for(personas.unit_handler).filter(pk=m.pk).exists()
    unit = offers(personas.unit_handler, m, flow)
    assert ("accept", lead.pk) in unit
    assert not {k for k, _ in unit} & {"object", "objection_agree", "objection_refuse"}
    assert queue_matters(personas.unit_handler, "tasks", flow.today).filter(pk=m.pk).exists()
    # The pending objection is in the routing level's queue (待我办理), not in the village agent's.
    assert queue_matters(personas.county_staff, "todo", flow.today).filter(pk=m.pk).exists()
    assert not queue_matters(personas.village_agent, "todo", flow.today).filter(pk=m.pk).exists()
    for user in (personas.village_agent, personas.township_staff, personas.supervisor, more.unit_handler_2):
        assert not {k for k, _ in offers(user, m, flow)} & {"objection_agree", "objection_refuse"}


def test_the_unit_cannot_object_twice(flow: Flow, tree: Tree, personas: Personas) -> None:
    _m, lead = objected(flow, tree)
    error = assert_refused(
        WrongState, flow.bound_task(actions.task_object, personas.unit_handler, lead, reasons="再次异议")
    )
    assert "等待新城区代办中心决定" in error.message


@pytest.mark.parametrize("decide", ["agree", "refuse"])
def test_the_unit_cannot_decide_its_own_objection(
    flow: Flow, tree: Tree, personas: Personas, more: More, decide: str
) -> None:
    _m, lead = objected(flow, tree)
    fn = actions.task_objection_agree if decide == "agree" else actions.task_objection_refuse
    for user in (personas.unit_handler, more.unit_handler_2):
        assert_refused(NotAllowed, flow.bound_task(fn, user, lead, **_input(decide)))


def _input(decide: str) -> dict[str, str]:
    return {"note": "经核实"} if decide == "agree" else {"reasons": "职责清楚"}


@pytest.mark.parametrize("decide", ["agree", "refuse"])
@pytest.mark.parametrize("role", ["village_agent", "township_staff", "supervisor", "leader", "city_admin"])
def test_only_the_routing_level_decides(
    flow: Flow, tree: Tree, personas: Personas, decide: str, role: str
) -> None:
    """Staff of other levels who see the matter may not decide (the city is above the centre, but the
    centre routed it)."""
    _m, lead = objected(flow, tree)
    fn = actions.task_objection_agree if decide == "agree" else actions.task_objection_refuse
    assert_refused(NotAllowed, flow.bound_task(fn, getattr(personas, role), lead, **_input(decide)))


@pytest.mark.parametrize("decide", ["agree", "refuse"])
@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_do_not_find_the_objection(
    flow: Flow, tree: Tree, personas: Personas, decide: str, who: str
) -> None:
    _m, lead = objected(flow, tree)
    fn = actions.task_objection_agree if decide == "agree" else actions.task_objection_refuse
    assert_refused(OutOfScope, flow.bound_task(fn, getattr(personas, who), lead, **_input(decide)))


def test_a_missing_task_is_out_of_scope(flow: Flow, personas: Personas) -> None:
    call = lambda: flow.call(  # noqa: E731
        actions.task_objection_agree, actor=personas.county_staff, task_id=999, expected_version=1
    )
    assert_refused(OutOfScope, call)


def test_nothing_to_decide_without_a_pending_objection(flow: Flow, tree: Tree, personas: Personas) -> None:
    m = flow.routed()
    lead = flow.lead_task(m)
    assert_refused(WrongState, flow.bound_task(actions.task_objection_agree, personas.county_staff, lead))
    assert not {k for k, _ in offers(personas.county_staff, m, flow)} & {
        "objection_agree",
        "objection_refuse",
    }


def test_a_decision_on_a_stale_page_is_a_conflict(flow: Flow, tree: Tree, personas: Personas) -> None:
    m, lead = objected(flow, tree)
    call = flow.bound_task(
        actions.task_objection_refuse, personas.county_staff, lead, version=m.version - 1, reasons="x"
    )
    assert_refused(Conflict, call)


# --------------------------------------------------------------------------------------------- agree


def test_agreed_the_matter_is_routed_again_with_a_new_clock(
    flow: Flow, tree: Tree, personas: Personas, more: More
) -> None:
    m, lead = objected(flow, tree, co=True)
    flow.on(2026, 6, 4)
    m = flow.fresh(
        flow.act_task(actions.task_objection_agree, personas.county_staff, lead, note="确属人社职责")
    )
    lead.refresh_from_db()
    assert lead.status == TaskStatus.OBJECTED
    assert m.tasks.get(role=TaskRole.CO).status == TaskStatus.WITHDRAWN
    assert (m.status, m.holder_region, m.holder_unit) == (Status.REGISTERED, tree.county_a, None)
    assert list(m.deadlines.filter(is_open=True).values_list("step", "started_on", "due_date")) == [
        # 15 days from the decision: 06-19 is the Dragon Boat Festival (06-19 to 06-21 off) → Monday 06-22
        (Step.ROUTE, datetime.date(2026, 6, 4), datetime.date(2026, 6, 22))
    ]
    event = m.events.get(seq=m.version)
    assert (event.kind, event.summary) == (
        "objection_agree",
        "同意新城区住房和城乡建设局的异议，事项退回新城区代办中心重新交办",
    )
    assert workflow.event_texts(event.kind, event.details) == [("核实意见", "确属人社职责")]
    # The unit no longer sees it; the centre routes it to the right unit.
    assert not matters_for(personas.unit_handler).filter(pk=m.pk).exists()
    assert ("route", None) in offers(personas.county_staff, m, flow)
    m = flow.fresh(flow.act(actions.matter_route, personas.county_staff, m, lead_unit=tree.unit_hr_a))
    assert m.holder_unit == tree.unit_hr_a
    flow.act_task(actions.task_accept, more.hr_handler, flow.lead_task(m), notice_method="phone")
    assert flow.fresh(m).status == Status.HANDLING


def test_agreeing_a_co_units_objection_withdraws_only_its_task(
    flow: Flow, tree: Tree, personas: Personas, more: More
) -> None:
    m = flow.handling(co_units=[tree.unit_hr_a])
    co = m.tasks.get(role=TaskRole.CO)
    flow.act_task(actions.task_object, more.hr_handler, co, reasons="不涉及社保")
    # The lead's reply waits for the decision: the co-unit's part may still be owed.
    opinion = {"outcome": "explain", "facts": "f", "reasons": "r", "basis": "b"}
    error = assert_refused(WrongState, flow.bound(actions.matter_reply, personas.unit_handler, m, **opinion))
    assert str(tree.unit_hr_a) in error.message
    m = flow.fresh(flow.act_task(actions.task_objection_agree, personas.county_staff, co))
    assert m.status == Status.HANDLING and m.holder_unit == tree.unit_housing_a
    assert m.tasks.get(pk=co.pk).status == TaskStatus.OBJECTED
    assert not matters_for(more.hr_handler).filter(pk=m.pk).exists()
    flow.act(actions.matter_reply, personas.unit_handler, m, **opinion)


# -------------------------------------------------------------------------------------------- refuse


def test_refused_the_task_stays_and_its_clock_runs_on(flow: Flow, tree: Tree, personas: Personas) -> None:
    m, lead = objected(flow, tree)
    flow.on(2026, 6, 4)
    m = flow.fresh(
        flow.act_task(
            actions.task_objection_refuse,
            personas.county_staff,
            lead,
            reasons="漏水系改造工程遗留，属住建职责",
        )
    )
    lead.refresh_from_db()
    assert lead.status == TaskStatus.ASSIGNED and lead.objection_refusal == "漏水系改造工程遗留，属住建职责"
    assert (m.status, m.holder_unit) == (Status.ROUTED, tree.unit_housing_a)
    # The acceptance notice is still due 15 days after the routing, not after the refusal.
    assert (m.due_step, m.due_date) == (Step.ACCEPT_NOTICE, datetime.date(2026, 6, 16))
    event = m.events.get(seq=m.version)
    assert event.kind == "objection_refuse" and "不同意新城区住房和城乡建设局的异议" in event.summary
    assert workflow.event_texts(event.kind, event.details) == [
        ("不同意异议的理由", "漏水系改造工程遗留，属住建职责")
    ]
    # One objection only, although the 5-working-day window (to 06-08) is still open.
    unit = {k for k, _ in offers(personas.unit_handler, m, flow)}
    assert "accept" in unit and "object" not in unit
    error = assert_refused(
        WrongState, flow.bound_task(actions.task_object, personas.unit_handler, lead, reasons="再议")
    )
    assert "不同意" in error.message
    m = flow.fresh(flow.act_task(actions.task_accept, personas.unit_handler, lead, notice_method="written"))
    assert m.status == Status.HANDLING


def test_refusing_needs_reasons(flow: Flow, tree: Tree, personas: Personas) -> None:
    _m, lead = objected(flow, tree)
    call = flow.bound_task(actions.task_objection_refuse, personas.county_staff, lead, reasons="  ")
    assert_refused(ValidationError, call, "reasons")


def test_a_co_units_objection_refused_leaves_it_to_accept(
    flow: Flow, tree: Tree, personas: Personas, more: More
) -> None:
    m = flow.routed(co_units=[tree.unit_hr_a])
    co = m.tasks.get(role=TaskRole.CO)
    flow.act_task(actions.task_object, more.hr_handler, co, reasons="不涉及社保")
    flow.act_task(actions.task_objection_refuse, personas.county_staff, co, reasons="涉及社保缴费核实")
    co.refresh_from_db()
    assert co.status == TaskStatus.ASSIGNED
    flow.act_task(actions.task_accept, more.hr_handler, co)
    assert UnitTask.objects.get(pk=co.pk).status == TaskStatus.ACCEPTED


# ---------------------------------------------------------------------------------- accept withdraws


def test_accepting_withdraws_a_pending_objection(flow: Flow, tree: Tree, personas: Personas) -> None:
    m, lead = objected(flow, tree)
    m = flow.fresh(flow.act_task(actions.task_accept, personas.unit_handler, lead, notice_method="written"))
    lead.refresh_from_db()
    assert lead.status == TaskStatus.ACCEPTED and lead.objection_reason == ""
    assert m.status == Status.HANDLING
    assert m.events.get(seq=m.version).summary.endswith("撤回异议")
    # The reasons stay in the timeline; nothing is left to decide.
    assert m.events.get(kind="object").details["reasons"] == "属人社部门职责"
    assert_refused(WrongState, flow.bound_task(actions.task_objection_agree, personas.county_staff, lead))


# ------------------------------------------------------------------------------------------ township


def test_a_station_decides_an_objection_to_an_accusation_it_routed(
    flow: Flow, tree: Tree, personas: Personas, more: More
) -> None:
    """A station sees an accusation only while it holds it; it must still see (and decide) an objection
    to the discipline unit it routed the accusation to."""
    m = flow.at_village(purpose="accusation", category="discipline", title="检举社区干部优亲厚友")
    m = flow.fresh(flow.act(actions.matter_escalate, personas.village_agent, m, note="需街道处理"))
    m = flow.fresh(
        flow.act(actions.matter_route, personas.township_staff, m, lead_unit=tree.unit_discipline_a)
    )
    lead = flow.lead_task(m)
    assert not matters_for(personas.township_staff).filter(pk=m.pk).exists()
    flow.act_task(actions.task_object, more.discipline_handler, lead, reasons="应由县纪委监委直接受理")
    assert matters_for(personas.township_staff).filter(pk=m.pk).exists()
    assert not matters_for(more.township_staff_a2).filter(pk=m.pk).exists()
    assert queue_matters(personas.township_staff, "todo", flow.today).filter(pk=m.pk).exists()
    m = flow.fresh(flow.act_task(actions.task_objection_agree, personas.township_staff, lead))
    assert (m.status, m.holder_region) == (Status.REGISTERED, tree.town_a1)


def test_a_township_unit_objects_to_its_station(flow: Flow, tree: Tree, personas: Personas) -> None:
    police = ResponsibleUnit.objects.create(
        region=tree.town_a1, name="呼伦路街道派出所", domain=UnitDomain.PUBLIC_SECURITY
    )
    handler = make_user("paichusuo", "unit_handler", tree.town_a1, unit=police)
    m = flow.at_village()
    m = flow.fresh(flow.act(actions.matter_escalate, personas.village_agent, m, note="需街道协调"))
    m = flow.fresh(flow.act(actions.matter_route, personas.township_staff, m, lead_unit=police))
    lead = flow.lead_task(m)
    flow.act_task(actions.task_object, handler, lead, reasons="属民事纠纷")
    # Not the county centre: the station routed it.
    assert_refused(NotAllowed, flow.bound_task(actions.task_objection_agree, personas.county_staff, lead))
    m = flow.fresh(
        flow.act_task(actions.task_objection_refuse, personas.township_staff, lead, reasons="涉治安")
    )
    assert m.tasks.get(pk=lead.pk).status == TaskStatus.ASSIGNED


# ---------------------------------------------------------------------------------------------- page


def test_the_matter_page_shows_the_pending_objection_and_the_decision_buttons(
    flow: Flow, tree: Tree, personas: Personas
) -> None:
    m, lead = objected(flow, tree)
    client = Client()
    assert client.login(username=personas.county_staff.username, password=PASSWORD)
    with clock.frozen(flow.now):
        page = client.get(f"/matters/{m.pk}/").content.decode()
        assert "异议理由：属人社部门职责" in page
        assert 'data-testid="objection-pending"' in page and "异议待新城区代办中心决定" in page
        assert f"/act/objection_agree/?task={lead.pk}" in page
        assert "同意异议（新城区住房和城乡建设局，主办）" in page
        form = client.get(f"/matters/{m.pk}/act/objection_refuse/?task={lead.pk}")
        assert form.status_code == 200 and "不同意异议的理由" in form.content.decode()
        # Refusing through the page needs reasons; with them it goes through.
        post = {"version": m.version, "task": lead.pk, "reasons": ""}
        assert client.post(f"/matters/{m.pk}/act/objection_refuse/", post).status_code == 400
        post["reasons"] = "属住建职责"
        assert client.post(f"/matters/{m.pk}/act/objection_refuse/", post).status_code == 302
        page = client.get(f"/matters/{m.pk}/").content.decode()
    assert "新城区代办中心不同意异议：属住建职责" in page
    # The unit cannot open the decision page.
    unit = Client()
    assert unit.login(username=personas.unit_handler.username, password=PASSWORD)
    with clock.frozen(flow.now):
        assert unit.get(f"/matters/{m.pk}/act/objection_agree/?task={lead.pk}").status_code == 403
