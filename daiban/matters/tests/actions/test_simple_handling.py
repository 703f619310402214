"""简易办理: a matter routed (or taken on locally) by the simplified procedure is handled within the
configured "simplified" limit — 10 working days from acceptance (国家信访局简易办理规定（试行）) — instead
of the 60 days of art. 34, and cannot be extended."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.test import Client

from conftest import PASSWORD, Personas, Tree
from daiban.core import clock
from daiban.matters import actions, workflow
from daiban.matters.actions import PetitionerInput
from daiban.matters.choices import Status, Step
from daiban.matters.errors import WrongState
from daiban.matters.forms import RouteForm, StartLocalForm
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow
from daiban.matters.tests.snapshot import assert_refused
from daiban.workcal.models import TimeLimit
from daiban.workcal.schedule import clear_cache


def routed_simply(flow: Flow, tree: Tree, simple: bool = True) -> Matter:
    """Routed by the 新城区 centre on Monday 2026-06-08."""
    flow.on(2026, 6, 8)
    m = flow.at_county()
    return flow.fresh(
        flow.act(actions.matter_route, flow.p.county_staff, m, lead_unit=tree.unit_housing_a, simple=simple)
    )


def accept_on_june_10(flow: Flow, m: Matter) -> Matter:
    flow.on(2026, 6, 10)
    flow.act_task(actions.task_accept, flow.p.unit_handler, flow.lead_task(m), notice_method="written")
    return flow.fresh(m)


def test_routed_simply_the_handling_clock_is_ten_working_days(
    flow: Flow, tree: Tree, personas: Personas
) -> None:
    m = routed_simply(flow, tree)
    assert m.simple_procedure and m.status == Status.ROUTED
    assert m.events.get(seq=m.version).summary.endswith("适用简易办理")
    m = accept_on_june_10(flow, m)
    assert m.status == Status.HANDLING
    clock_row = m.deadlines.get(is_open=True)
    # Accepted Wednesday 06-10 (the day itself not counted); the 10 working days are 06-11, 12, 15, 16,
    # 17, 18, 22, 23, 24, 25: the weekend 06-13/14 and the Dragon Boat Festival (Friday 06-19 to Sunday
    # 06-21) are skipped → Thursday 06-25 (Monday to Friday alone would give 06-24).
    assert (clock_row.step, clock_row.started_on, clock_row.due_date) == (
        Step.SIMPLIFIED,
        datetime.date(2026, 6, 10),
        datetime.date(2026, 6, 25),
    )
    assert "10 个工作日" in clock_row.explanation and "端午节" in clock_row.explanation
    assert (m.due_step, m.due_date) == (Step.SIMPLIFIED, datetime.date(2026, 6, 25))
    assert m.events.get(seq=m.version).summary.endswith("（简易办理）")


def test_routed_without_simple_the_handling_clock_is_sixty_days(
    flow: Flow, tree: Tree, personas: Personas
) -> None:
    m = accept_on_june_10(flow, routed_simply(flow, tree, simple=False))
    assert not m.simple_procedure
    clock_row = m.deadlines.get(is_open=True)
    # 60 days from 06-10 is Sunday 08-09: moved to Monday 08-10.
    assert (clock_row.step, clock_row.due_date) == (Step.HANDLING, datetime.date(2026, 8, 10))


def test_local_handling_by_the_simplified_procedure(flow: Flow, tree: Tree, personas: Personas) -> None:
    flow.on(2026, 9, 28)
    m = flow.at_village()
    m = flow.fresh(
        flow.act(actions.matter_start_local, personas.village_agent, m, note="邻里调解", simple=True)
    )
    assert (m.status, m.simple_procedure) == (Status.LOCAL, True)
    clock_row = m.deadlines.get(is_open=True)
    # From Monday 09-28: 29, 30, (National Day 10-01 to 10-07 off), 08, 09, Saturday 10-10 (a made-up
    # working day, 调休), 12, 13, 14, 15, 16 → Friday 10-16.
    assert (clock_row.step, clock_row.due_date) == (Step.SIMPLIFIED, datetime.date(2026, 10, 16))
    assert "国庆节" in clock_row.explanation and "调休" in clock_row.explanation
    assert m.events.get(seq=m.version).summary.endswith("（简易办理）")
    # Without it, local handling keeps the 60 days.
    other = flow.local(petitioners=[PetitionerInput(name="李秀英", phone="13904715678")])
    assert other.deadlines.get(is_open=True).step == Step.HANDLING and not other.simple_procedure


def test_a_simple_matter_cannot_be_extended(flow: Flow, tree: Tree, personas: Personas) -> None:
    m = accept_on_june_10(flow, routed_simply(flow, tree))
    with clock.frozen(flow.now):
        assert "extend" not in {o.key for o in workflow.available(personas.unit_handler, m)}
    call = flow.bound(
        actions.matter_extend,
        personas.unit_handler,
        m,
        days=5,
        approver="局长",
        reason="需现场核查",
        notified_how="phone",
    )
    assert "简易办理" in assert_refused(WrongState, call).message


def test_routing_again_decides_again(flow: Flow, tree: Tree, personas: Personas) -> None:
    """A simple matter whose lead unit's objection is upheld comes back as an ordinary one; the next
    routing chooses again. A matter taken on locally by the simplified procedure and then routed hands
    its local clock over to the unit."""
    m = routed_simply(flow, tree)
    lead = flow.lead_task(m)
    flow.act_task(actions.task_object, personas.unit_handler, lead, reasons="不属本单位")
    m = flow.fresh(flow.act_task(actions.task_objection_agree, personas.county_staff, lead))
    assert not m.simple_procedure
    m = flow.fresh(flow.act(actions.matter_start_local, personas.county_staff, m, simple=True))
    assert m.deadlines.get(is_open=True).step == Step.SIMPLIFIED
    m = flow.fresh(flow.act(actions.matter_route, personas.county_staff, m, lead_unit=tree.unit_hr_a))
    assert not m.simple_procedure
    assert sorted(m.deadlines.filter(is_open=True).values_list("step", flat=True)) == [
        Step.ACCEPT_NOTICE,
        Step.OBJECTION,
    ]


def test_the_choice_follows_the_configured_limit(flow: Flow, tree: Tree, personas: Personas) -> None:
    m = flow.at_county()
    form = RouteForm(user=personas.county_staff, matter=m)
    assert str(form["simple"].label) == "适用简易办理（10 个工作日）"
    TimeLimit.objects.filter(key="simplified").update(length=15)
    clear_cache()
    assert (
        str(RouteForm(user=personas.county_staff, matter=m)["simple"].label) == "适用简易办理（15 个工作日）"
    )
    assert str(StartLocalForm(user=personas.county_staff, matter=m)["simple"].label).endswith(
        "（15 个工作日）"
    )
    TimeLimit.objects.filter(key="simplified").update(is_active=False)
    clear_cache()
    call = flow.bound(
        actions.matter_route, personas.county_staff, m, lead_unit=tree.unit_housing_a, simple=True
    )
    assert_refused(ValidationError, call, "simple")
    call = flow.bound(actions.matter_start_local, personas.county_staff, m, simple=True)
    assert_refused(ValidationError, call, "simple")
    # Without the choice nothing needs the simplified limit.
    flow.act(actions.matter_route, personas.county_staff, m, lead_unit=tree.unit_housing_a)


def test_the_route_page_offers_it_and_the_matter_page_shows_it(
    flow: Flow, tree: Tree, personas: Personas
) -> None:
    m = flow.at_county()
    client = Client()
    assert client.login(username=personas.county_staff.username, password=PASSWORD)
    with clock.frozen(flow.now):
        page = client.get(f"/matters/{m.pk}/act/route/").content.decode()
        assert "适用简易办理（10 个工作日）" in page and 'name="simple"' in page
        post = {"version": m.version, "lead_unit": tree.unit_housing_a.pk, "simple": "on"}
        assert client.post(f"/matters/{m.pk}/act/route/", post).status_code == 302
        detail = client.get(f"/matters/{m.pk}/").content.decode()
    assert flow.fresh(m).simple_procedure
    assert 'data-testid="simple-procedure">简易办理<' in detail
