"""转送交办 and the units' answer: route, object (异议), accept (受理告知), co-unit part (协办意见).
Accusations go to discipline units only, and the accused unit never sees them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas, Tree, make_user
from daiban.accounts.models import User
from daiban.matters import actions, workflow
from daiban.matters.choices import Status, Step, TaskRole, TaskStatus
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope, WrongState
from daiban.matters.models import Matter, UnitTask
from daiban.matters.selectors import matters_for
from daiban.matters.tests.conftest import More
from daiban.matters.tests.factories import Flow
from daiban.matters.tests.snapshot import assert_refused
from daiban.network.models import ResponsibleUnit, UnitDomain

OUTSIDERS = ["outsider", "outsider_village_agent", "outsider_unit_handler"]


def route_call(
    flow: Flow,
    actor: User,
    m: Matter,
    lead: ResponsibleUnit,
    co: tuple[ResponsibleUnit, ...] = (),
    version: int | None = None,
) -> Callable[[], Any]:
    return flow.bound(
        actions.matter_route,
        actor,
        m,
        version=version,
        lead_unit=lead,
        lead_instructions="请办理",
        co_units=[(u, "") for u in co],
    )


# -------------------------------------------------------------------------------------------------- route


def test_route_to_lead_and_co_units(flow: Flow, tree: Tree, personas: Personas) -> None:
    m = flow.at_county()
    route_clock = m.deadlines.get(step=Step.ROUTE)
    m = flow.fresh(
        flow.act(
            actions.matter_route,
            personas.county_staff,
            m,
            lead_unit=tree.unit_housing_a,
            lead_instructions="核实情况",
            co_units=[(tree.unit_hr_a, "核实社保部分"), (tree.unit_housing_city, "")],
        )
    )
    assert (
        m.status == Status.ROUTED
        and m.holder_unit == tree.unit_housing_a
        and m.holder_region == tree.county_a
    )
    lead = m.tasks.get(role=TaskRole.LEAD)
    assert (lead.unit, lead.status, lead.sent_from, lead.assigned_by) == (
        tree.unit_housing_a,
        TaskStatus.ASSIGNED,
        tree.county_a,
        personas.county_staff,
    )
    assert set(m.tasks.filter(role=TaskRole.CO).values_list("unit", flat=True)) == {
        tree.unit_hr_a.pk,
        tree.unit_housing_city.pk,
    }
    route_clock.refresh_from_db()
    assert not route_clock.is_open and route_clock.met_at == flow.now
    open_steps = sorted(m.deadlines.filter(is_open=True).values_list("step", "task__role"))
    assert open_steps == [
        ("accept_notice", "lead"),
        ("objection", "co"),
        ("objection", "co"),
        ("objection", "lead"),
    ]
    # 5 working days from Monday 2026-06-01 end on Monday 06-08, but an objection window is a right, not a
    # duty: the matter's deadline is the lead unit's acceptance notice, 15 days → Tuesday 06-16.
    assert m.deadlines.get(step=Step.OBJECTION, task__role="lead").due_date == datetime.date(2026, 6, 8)
    assert (m.due_date, m.due_step) == (datetime.date(2026, 6, 16), Step.ACCEPT_NOTICE)
    assert m.events.get(seq=2).kind == "route"


@pytest.mark.parametrize("role", ["township_staff", "village_agent", "leader", "supervisor"])
def test_route_refused_by_role(flow: Flow, tree: Tree, personas: Personas, role: str) -> None:
    m = flow.at_county()
    assert_refused(NotAllowed, route_call(flow, getattr(personas, role), m, tree.unit_housing_a))


@pytest.mark.parametrize("who", OUTSIDERS)
def test_route_out_of_scope(flow: Flow, tree: Tree, personas: Personas, who: str) -> None:
    m = flow.at_county()
    assert_refused(OutOfScope, route_call(flow, getattr(personas, who), m, tree.unit_housing_a))


def test_route_refused_below_the_county(flow: Flow, tree: Tree, personas: Personas) -> None:
    m = flow.at_village()
    error = assert_refused(WrongState, route_call(flow, personas.village_agent, m, tree.unit_housing_a))
    assert "县级" in error.message


def test_route_allowed_after_local_handling_started(flow: Flow, tree: Tree, personas: Personas) -> None:
    """A county centre that began handling a matter itself can still hand it to the responsible unit."""
    m = flow.at_county()
    m = flow.fresh(flow.act(actions.matter_start_local, personas.county_staff, m))
    route_call(flow, personas.county_staff, m, tree.unit_housing_a)()
    m = flow.fresh(m)
    assert m.status == "routed" and m.holder_unit == tree.unit_housing_a


def test_route_refused_twice(flow: Flow, tree: Tree, personas: Personas) -> None:
    m = flow.routed()
    # the unit now holds it, so the centre is no longer the holder
    assert_refused(NotAllowed, route_call(flow, personas.county_staff, m, tree.unit_hr_a))


def test_unit_handler_does_not_see_an_unrouted_matter(flow: Flow, tree: Tree, personas: Personas) -> None:
    m = flow.at_county()
    assert_refused(OutOfScope, route_call(flow, personas.unit_handler, m, tree.unit_housing_a))


def test_route_stale(flow: Flow, tree: Tree, personas: Personas) -> None:
    m = flow.at_county()
    assert_refused(Conflict, route_call(flow, personas.county_staff, m, tree.unit_housing_a, version=0))


def test_route_to_a_unit_of_another_county_is_refused(flow: Flow, tree: Tree, personas: Personas) -> None:
    m = flow.at_county()
    assert_refused(
        ValidationError, route_call(flow, personas.county_staff, m, tree.unit_housing_b), "lead_unit"
    )
    call = route_call(flow, personas.county_staff, m, tree.unit_housing_a, co=(tree.unit_housing_b,))
    assert_refused(ValidationError, call, "co_units")


def test_route_to_an_inactive_unit_is_refused(flow: Flow, tree: Tree, personas: Personas) -> None:
    tree.unit_hr_a.is_active = False
    tree.unit_hr_a.save()
    m = flow.at_county()
    assert_refused(ValidationError, route_call(flow, personas.county_staff, m, tree.unit_hr_a), "lead_unit")


def test_route_same_unit_twice_is_refused(flow: Flow, tree: Tree, personas: Personas) -> None:
    m = flow.at_county()
    call = route_call(flow, personas.county_staff, m, tree.unit_housing_a, co=(tree.unit_housing_a,))
    assert_refused(ValidationError, call, "co_units")


# ------------------------------------------------------------------------------------------- accusations


def accusation(flow: Flow) -> Matter:
    return flow.at_county(purpose="accusation", category="discipline", title="检举某局干部索要好处费")


def test_accusation_goes_only_to_discipline(flow: Flow, tree: Tree, personas: Personas, more: More) -> None:
    m = accusation(flow)
    assert m.is_accusation
    assert_refused(
        ValidationError, route_call(flow, personas.county_staff, m, tree.unit_housing_a), "lead_unit"
    )
    call = route_call(flow, personas.county_staff, m, tree.unit_discipline_a, co=(tree.unit_housing_a,))
    assert_refused(ValidationError, call, "co_units")
    m = flow.fresh(flow.act(actions.matter_route, personas.county_staff, m, lead_unit=tree.unit_discipline_a))
    assert m.holder_unit == tree.unit_discipline_a
    # The accused unit's handler never sees it, nor any unit without a task; the discipline unit does.
    assert matters_for(more.discipline_handler).filter(pk=m.pk).exists()
    for handler in (personas.unit_handler, more.unit_handler_2, more.hr_handler, more.city_housing_handler):
        assert not matters_for(handler).filter(pk=m.pk).exists()
        with pytest.raises(OutOfScope):
            flow.call(
                actions.matter_press, actor=handler, matter_id=m.pk, expected_version=m.version, note="x"
            )
    task = m.tasks.get()
    for handler in (personas.unit_handler, more.hr_handler):
        assert_refused(
            OutOfScope,
            flow.bound_task(actions.task_accept, handler, task, notice_method="written"),
        )


def test_accusation_hidden_from_agents_who_did_not_take_it(
    flow: Flow, personas: Personas, more: More
) -> None:
    m = accusation(flow)
    for user in (personas.village_agent, personas.township_staff, personas.leader, more.township_staff_a2):
        assert not matters_for(user).filter(pk=m.pk).exists()
    for user in (personas.county_staff, personas.supervisor, personas.city_admin):
        assert matters_for(user).filter(pk=m.pk).exists()


# ------------------------------------------------------------------------------------------------- object


def test_lead_objection_agreed_returns_the_matter_with_a_fresh_route_clock(
    flow: Flow, tree: Tree, personas: Personas, more: More
) -> None:
    """The objection waits for the centre that routed the matter (art. 23); once it agrees, the matter
    comes back with a routing clock counted from the day of that decision."""
    m = flow.routed(co_units=[tree.unit_hr_a])
    co = m.tasks.get(role=TaskRole.CO)
    flow.act_task(actions.task_accept, more.hr_handler, co)
    flow.on(2026, 6, 5)
    lead = flow.lead_task(m)
    m = flow.fresh(flow.act_task(actions.task_object, personas.unit_handler, lead, reasons="属人社部门职责"))
    lead.refresh_from_db()
    assert lead.status == TaskStatus.OBJECTION_PENDING and lead.objection_reason == "属人社部门职责"
    assert m.status == Status.ROUTED and m.holder_unit == tree.unit_housing_a
    flow.on(2026, 6, 8)
    m = flow.fresh(
        flow.act_task(actions.task_objection_agree, personas.county_staff, lead, note="经核实属实")
    )
    lead.refresh_from_db()
    co.refresh_from_db()
    assert lead.status == TaskStatus.OBJECTED and lead.objection_reason == "属人社部门职责"
    assert co.status == TaskStatus.WITHDRAWN
    assert m.status == Status.REGISTERED and m.holder_unit is None and m.holder_region == tree.county_a
    assert not m.deadlines.filter(is_open=True, task__isnull=False).exists()
    route = m.deadlines.get(is_open=True)
    assert (route.step, route.started_on) == (Step.ROUTE, datetime.date(2026, 6, 8))
    assert (m.due_step, m.due_date) == (Step.ROUTE, datetime.date(2026, 6, 23))  # 15 days, a Tuesday
    # the centre can route again, to the right unit this time
    m = flow.fresh(flow.act(actions.matter_route, personas.county_staff, m, lead_unit=tree.unit_hr_a))
    assert m.holder_unit == tree.unit_hr_a and m.tasks.filter(status=TaskStatus.ASSIGNED).count() == 1


def test_co_objection_leaves_the_matter_with_the_lead(
    flow: Flow, tree: Tree, personas: Personas, more: More
) -> None:
    m = flow.routed(co_units=[tree.unit_hr_a])
    co = m.tasks.get(role=TaskRole.CO)
    m = flow.fresh(flow.act_task(actions.task_object, more.hr_handler, co, reasons="不涉及社保"))
    assert m.tasks.get(pk=co.pk).status == TaskStatus.OBJECTION_PENDING
    assert m.events.get(seq=m.version).summary.startswith("协办单位")
    m = flow.fresh(flow.act_task(actions.task_objection_agree, personas.county_staff, co))
    assert m.status == Status.ROUTED and m.holder_unit == tree.unit_housing_a
    assert m.tasks.get(pk=co.pk).status == TaskStatus.OBJECTED
    assert not m.deadlines.filter(task=co, is_open=True).exists()
    assert m.events.get(seq=m.version).summary.startswith("同意协办单位")


def test_objection_on_the_fifth_working_day_is_in_time(flow: Flow, personas: Personas) -> None:
    m = flow.routed()  # Monday 2026-06-01: five working days end on Monday 06-08
    flow.on(2026, 6, 8, 17)
    flow.act_task(actions.task_object, personas.unit_handler, flow.lead_task(m), reasons="不属本单位职责")


def test_objection_after_five_working_days_is_refused(flow: Flow, personas: Personas) -> None:
    m = flow.routed()
    flow.on(2026, 6, 9)
    call = flow.bound_task(
        actions.task_object, personas.unit_handler, flow.lead_task(m), reasons="不属本单位职责"
    )
    error = assert_refused(WrongState, call)
    assert "5 个工作日" in error.message


@pytest.mark.parametrize("role", ["county_staff", "supervisor", "village_agent"])
def test_object_refused_by_role(flow: Flow, personas: Personas, role: str) -> None:
    m = flow.routed()
    call = flow.bound_task(actions.task_object, getattr(personas, role), flow.lead_task(m), reasons="x")
    assert_refused(NotAllowed, call)


def test_object_refused_to_another_unit_with_a_co_task(
    flow: Flow, tree: Tree, personas: Personas, more: More
) -> None:
    m = flow.routed(co_units=[tree.unit_hr_a])
    call = flow.bound_task(actions.task_object, more.hr_handler, flow.lead_task(m), reasons="x")
    assert_refused(NotAllowed, call)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_object_out_of_scope(flow: Flow, personas: Personas, who: str) -> None:
    m = flow.routed()
    call = flow.bound_task(actions.task_object, getattr(personas, who), flow.lead_task(m), reasons="x")
    assert_refused(OutOfScope, call)


def test_object_to_a_missing_task_is_out_of_scope(flow: Flow, personas: Personas) -> None:
    assert_refused(
        OutOfScope,
        lambda: flow.call(
            actions.task_object, actor=personas.unit_handler, task_id=999, expected_version=1, reasons="x"
        ),
    )


def test_object_refused_once_accepted(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    call = flow.bound_task(actions.task_object, personas.unit_handler, flow.lead_task(m), reasons="x")
    assert_refused(WrongState, call)


def test_object_stale(flow: Flow, personas: Personas) -> None:
    m = flow.routed()
    call = flow.bound_task(
        actions.task_object, personas.unit_handler, flow.lead_task(m), version=1, reasons="x"
    )
    assert_refused(Conflict, call)


def test_object_needs_reasons(flow: Flow, personas: Personas) -> None:
    m = flow.routed()
    call = flow.bound_task(actions.task_object, personas.unit_handler, flow.lead_task(m), reasons="")
    assert_refused(ValidationError, call, "reasons")


# ------------------------------------------------------------------------------------------------- accept


def test_lead_accepts_and_the_handling_clock_starts(flow: Flow, tree: Tree, personas: Personas) -> None:
    m = flow.routed()
    flow.later(days=2)
    task = flow.lead_task(m)
    m = flow.fresh(flow.act_task(actions.task_accept, personas.unit_handler, task, notice_method="written"))
    task.refresh_from_db()
    assert (
        task.status == TaskStatus.ACCEPTED
        and task.accepted_at == flow.now
        and task.notice_method == "written"
    )
    assert m.status == Status.HANDLING
    assert list(m.deadlines.filter(is_open=True).values_list("step", "started_on", "due_date")) == [
        # 60 days from 2026-06-03 is 2026-08-02, a Sunday: moved to Monday 08-03
        (Step.HANDLING, datetime.date(2026, 6, 3), datetime.date(2026, 8, 3))
    ]
    assert m.due_date == datetime.date(2026, 8, 3) and "顺延" in m.deadlines.get(is_open=True).explanation


def test_co_unit_accepts_without_changing_the_matter_state(
    flow: Flow, tree: Tree, personas: Personas, more: More
) -> None:
    m = flow.routed(co_units=[tree.unit_hr_a])
    co = m.tasks.get(role=TaskRole.CO)
    m = flow.fresh(flow.act_task(actions.task_accept, more.hr_handler, co))
    assert m.status == Status.ROUTED and m.tasks.get(pk=co.pk).status == TaskStatus.ACCEPTED
    assert not m.deadlines.filter(task=co, is_open=True).exists()


@pytest.mark.parametrize("role", ["county_staff", "supervisor", "leader"])
def test_accept_refused_by_role(flow: Flow, personas: Personas, role: str) -> None:
    m = flow.routed()
    call = flow.bound_task(
        actions.task_accept, getattr(personas, role), flow.lead_task(m), notice_method="written"
    )
    assert_refused(NotAllowed, call)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_accept_out_of_scope(flow: Flow, personas: Personas, who: str) -> None:
    m = flow.routed()
    call = flow.bound_task(
        actions.task_accept, getattr(personas, who), flow.lead_task(m), notice_method="written"
    )
    assert_refused(OutOfScope, call)


def test_accept_refused_twice(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    call = flow.bound_task(
        actions.task_accept, personas.unit_handler, flow.lead_task(m), notice_method="written"
    )
    assert_refused(WrongState, call)


def test_accept_refused_after_objection_agreed(flow: Flow, personas: Personas) -> None:
    m = flow.routed()
    task = flow.lead_task(m)
    flow.act_task(actions.task_object, personas.unit_handler, task, reasons="不属本单位")
    flow.act_task(actions.task_objection_agree, personas.county_staff, task)
    call = flow.bound_task(actions.task_accept, personas.unit_handler, task, notice_method="written")
    # Once its objection is upheld, the matter is no longer the unit's business: it cannot even see it.
    assert_refused(OutOfScope, call)


def test_accept_stale(flow: Flow, personas: Personas) -> None:
    m = flow.routed()
    call = flow.bound_task(
        actions.task_accept, personas.unit_handler, flow.lead_task(m), version=1, notice_method="written"
    )
    assert_refused(Conflict, call)


@pytest.mark.parametrize("method", ["", "telepathy"])
def test_lead_accept_needs_a_notice_method(flow: Flow, personas: Personas, method: str) -> None:
    m = flow.routed()
    call = flow.bound_task(
        actions.task_accept, personas.unit_handler, flow.lead_task(m), notice_method=method
    )
    assert_refused(ValidationError, call, "notice_method")


# ---------------------------------------------------------------------------------------------- co part


def co_accepted(flow: Flow, tree: Tree, more: More) -> tuple[Matter, UnitTask]:
    m = flow.handling(co_units=[tree.unit_hr_a])
    co = m.tasks.get(role=TaskRole.CO)
    flow.act_task(actions.task_accept, more.hr_handler, co)
    return flow.fresh(m), co


def test_co_unit_submits_its_part(flow: Flow, tree: Tree, personas: Personas, more: More) -> None:
    m, co = co_accepted(flow, tree, more)
    m = flow.fresh(flow.act_task(actions.task_submit_part, more.hr_handler, co, content="社保缴费记录已核实"))
    co.refresh_from_db()
    assert co.status == TaskStatus.PART_SUBMITTED and co.part_content == "社保缴费记录已核实"
    assert m.status == Status.HANDLING and m.events.get(seq=m.version).kind == "submit_part"


def test_submit_part_refused_to_the_lead_unit(flow: Flow, tree: Tree, personas: Personas, more: More) -> None:
    _m, co = co_accepted(flow, tree, more)
    assert_refused(
        NotAllowed, flow.bound_task(actions.task_submit_part, personas.unit_handler, co, content="x")
    )
    assert_refused(
        NotAllowed, flow.bound_task(actions.task_submit_part, personas.county_staff, co, content="x")
    )


@pytest.mark.parametrize("who", OUTSIDERS)
def test_submit_part_out_of_scope(flow: Flow, tree: Tree, personas: Personas, more: More, who: str) -> None:
    _m, co = co_accepted(flow, tree, more)
    assert_refused(
        OutOfScope, flow.bound_task(actions.task_submit_part, getattr(personas, who), co, content="x")
    )


def test_submit_part_refused_before_accepting(flow: Flow, tree: Tree, personas: Personas, more: More) -> None:
    m = flow.handling(co_units=[tree.unit_hr_a])
    co = m.tasks.get(role=TaskRole.CO)
    assert_refused(WrongState, flow.bound_task(actions.task_submit_part, more.hr_handler, co, content="x"))


def test_submit_part_refused_on_the_lead_task(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    call = flow.bound_task(actions.task_submit_part, personas.unit_handler, flow.lead_task(m), content="x")
    assert_refused(WrongState, call)


def test_submit_part_stale(flow: Flow, tree: Tree, more: More) -> None:
    _m, co = co_accepted(flow, tree, more)
    assert_refused(
        Conflict, flow.bound_task(actions.task_submit_part, more.hr_handler, co, version=2, content="x")
    )


def test_submit_part_needs_content(flow: Flow, tree: Tree, more: More) -> None:
    _m, co = co_accepted(flow, tree, more)
    assert_refused(
        ValidationError,
        flow.bound_task(actions.task_submit_part, more.hr_handler, co, content=" "),
        "content",
    )


def test_a_city_unit_can_be_routed_from_the_county(flow: Flow, tree: Tree, personas: Personas) -> None:
    handler = make_user("city_h", "unit_handler", tree.city, unit=tree.unit_housing_city)
    m = flow.routed(lead_unit=tree.unit_housing_city)
    assert m.holder_unit == tree.unit_housing_city
    flow.act_task(actions.task_accept, handler, flow.lead_task(m), notice_method="phone")


def test_units_of_the_same_domain_elsewhere_are_not_offered(
    flow: Flow, tree: Tree, personas: Personas
) -> None:
    far = ResponsibleUnit.objects.create(
        region=tree.town_b1, name="双河镇人民政府", domain=UnitDomain.TOWNSHIP_GOV
    )
    m = flow.at_county()
    assert_refused(ValidationError, route_call(flow, personas.county_staff, m, far), "lead_unit")


# ------------------------------------------------------------------------ a township station routes


@pytest.fixture
def town_units(tree: Tree) -> dict[str, ResponsibleUnit]:
    """呼伦路街道 (town_a1) has its own units, as the demo network gives every township with a station;
    新营子镇 (town_b2) has none. The 司法所 answers to the county's 司法局 (复查)."""
    justice_a = ResponsibleUnit.objects.create(
        region=tree.county_a, name="新城区司法局", domain=UnitDomain.JUSTICE
    )
    return {
        "justice_a": justice_a,
        "justice_a1": ResponsibleUnit.objects.create(
            region=tree.town_a1, name="呼伦路街道司法所", domain=UnitDomain.JUSTICE, superior=justice_a
        ),
        "police_a1": ResponsibleUnit.objects.create(
            region=tree.town_a1, name="呼伦路街道派出所", domain=UnitDomain.PUBLIC_SECURITY
        ),
        "justice_a2": ResponsibleUnit.objects.create(
            region=tree.town_a2, name="迎新路街道司法所", domain=UnitDomain.JUSTICE, superior=justice_a
        ),
    }


def at_town(flow: Flow, **overrides: Any) -> Matter:
    """Taken in at 苏雅拉社区 and escalated to the 呼伦路街道 station."""
    m = flow.at_village(**overrides)
    return flow.fresh(flow.act(actions.matter_escalate, flow.p.village_agent, m, note="需街道协调"))


def test_a_township_station_routes_to_its_own_units(
    flow: Flow, tree: Tree, personas: Personas, town_units: dict[str, ResponsibleUnit]
) -> None:
    justice, police = town_units["justice_a1"], town_units["police_a1"]
    m = at_town(flow)
    assert m.holder_region == tree.town_a1
    offered = {o.key for o in workflow.available(personas.township_staff, m)}
    assert "route" in offered
    m = flow.fresh(
        flow.act(
            actions.matter_route,
            personas.township_staff,
            m,
            lead_unit=justice,
            lead_instructions="请调解邻里纠纷",
            co_units=[(police, "请协助核实")],
        )
    )
    assert (m.status, m.holder_unit, m.holder_region) == (Status.ROUTED, justice, tree.town_a1)
    lead = m.tasks.get(role=TaskRole.LEAD)
    assert (lead.unit, lead.sent_from, lead.assigned_by) == (justice, tree.town_a1, personas.township_staff)
    assert not m.deadlines.filter(step=Step.ROUTE, is_open=True).exists()
    # The 司法所's handler, who sits at the township, sees the matter and accepts it.
    handler = make_user("sifasuo", "unit_handler", tree.town_a1, unit=justice)
    assert matters_for(handler).filter(pk=m.pk).exists()
    m = flow.fresh(flow.act_task(actions.task_accept, handler, flow.lead_task(m), notice_method="written"))
    assert m.status == Status.HANDLING


def test_a_township_station_cannot_route_to_the_county_or_a_neighbour(
    flow: Flow, tree: Tree, personas: Personas, town_units: dict[str, ResponsibleUnit]
) -> None:
    m = at_town(flow)
    for unit in (
        tree.unit_housing_a,
        tree.unit_housing_city,
        town_units["justice_a"],
        town_units["justice_a2"],
    ):
        assert_refused(ValidationError, route_call(flow, personas.township_staff, m, unit), "lead_unit")
    call = route_call(flow, personas.township_staff, m, town_units["justice_a1"], co=(tree.unit_hr_a,))
    assert_refused(ValidationError, call, "co_units")


def test_an_objection_returns_the_matter_to_the_township(
    flow: Flow, tree: Tree, personas: Personas, town_units: dict[str, ResponsibleUnit]
) -> None:
    police = town_units["police_a1"]
    m = at_town(flow)
    m = flow.fresh(flow.act(actions.matter_route, personas.township_staff, m, lead_unit=police))
    handler = make_user("paichusuo", "unit_handler", tree.town_a1, unit=police)
    lead = flow.lead_task(m)
    flow.act_task(actions.task_object, handler, lead, reasons="属民事纠纷，应由司法所调解")
    # The station that routed it decides the objection.
    offered = {(o.key, o.task) for o in workflow.available(personas.township_staff, flow.fresh(m))}
    assert ("objection_agree", lead) in offered and ("objection_refuse", lead) in offered
    m = flow.fresh(flow.act_task(actions.task_objection_agree, personas.township_staff, lead))
    assert (m.status, m.holder_region, m.holder_unit) == (Status.REGISTERED, tree.town_a1, None)
    m = flow.fresh(
        flow.act(actions.matter_route, personas.township_staff, m, lead_unit=town_units["justice_a1"])
    )
    assert m.holder_unit == town_units["justice_a1"]


def test_a_township_without_units_is_told_to_escalate(
    flow: Flow, tree: Tree, personas: Personas, town_units: dict[str, ResponsibleUnit]
) -> None:
    station = make_user("station_b2", "township_staff", tree.town_b2)
    m = flow.intake(station, tree.town_b2)
    assert m.holder_region == tree.town_b2
    assert "route" not in {o.key for o in workflow.available(station, m)}
    error = assert_refused(WrongState, route_call(flow, station, m, tree.unit_housing_b))
    assert "上报" in error.message
    # 上报 is offered instead.
    assert "escalate" in {o.key for o in workflow.available(station, m)}


def test_an_accusation_at_a_township_goes_only_to_discipline(
    flow: Flow, tree: Tree, personas: Personas, more: More, town_units: dict[str, ResponsibleUnit]
) -> None:
    m = at_town(flow, purpose="accusation", category="discipline", title="检举社区干部优亲厚友")
    assert m.is_accusation and m.holder_region == tree.town_a1
    # The township's own units are not discipline organs; the county's 纪委监委 is (it has jurisdiction).
    assert_refused(
        ValidationError, route_call(flow, personas.township_staff, m, town_units["justice_a1"]), "lead_unit"
    )
    m = flow.fresh(
        flow.act(actions.matter_route, personas.township_staff, m, lead_unit=tree.unit_discipline_a)
    )
    assert m.holder_unit == tree.unit_discipline_a
    assert matters_for(more.discipline_handler).filter(pk=m.pk).exists()


def test_the_review_of_a_township_unit_goes_to_the_county_unit(
    flow: Flow, tree: Tree, personas: Personas, town_units: dict[str, ResponsibleUnit]
) -> None:
    justice = town_units["justice_a1"]
    handler = make_user("sifasuo", "unit_handler", tree.town_a1, unit=justice)
    m = at_town(flow)
    m = flow.fresh(flow.act(actions.matter_route, personas.township_staff, m, lead_unit=justice))
    flow.later(days=1)
    flow.act_task(actions.task_accept, handler, flow.lead_task(m), notice_method="written")
    flow.later(days=3)
    opinion = {"outcome": "explain", "facts": "经查", "reasons": "理由", "basis": "依据"}
    m = flow.fresh(flow.act(actions.matter_reply, handler, m, **opinion))
    flow.later(days=5)
    flow.act(actions.matter_serve, personas.township_staff, m, served_on=flow.today, manner="direct")
    m = flow.fresh(
        flow.act(
            actions.matter_request_review,
            personas.township_staff,
            m,
            kind="review",
            requested_on=flow.today,
            reason="对处理意见不服",
        )
    )
    assert m.holder_unit == town_units["justice_a"]  # 新城区司法局
    assert m.reviews.get().unit == town_units["justice_a"]


def test_a_village_point_still_cannot_route(
    flow: Flow, tree: Tree, personas: Personas, town_units: dict[str, ResponsibleUnit]
) -> None:
    m = flow.at_village()
    assert "route" not in {o.key for o in workflow.available(personas.village_agent, m)}
    error = assert_refused(WrongState, route_call(flow, personas.village_agent, m, town_units["justice_a1"]))
    assert "上报" in error.message
