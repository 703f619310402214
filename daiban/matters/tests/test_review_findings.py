"""Regression tests for the defects an internal review found (each test names the finding)."""

from __future__ import annotations

import pytest

from conftest import Personas, Tree
from daiban.core import clock
from daiban.matters import actions
from daiban.matters.actions import PetitionerInput
from daiban.matters.choices import Status, Step
from daiban.matters.errors import NotAllowed, WrongState
from daiban.matters.models import Petitioner
from daiban.matters.tests.conftest import More
from daiban.matters.tests.factories import WANG_ID, Flow
from daiban.matters.tests.snapshot import assert_refused
from daiban.matters.workflow import available
from daiban.workcal.models import TimeLimit


def names(user, m) -> set[str]:  # type: ignore[no-untyped-def]
    return {o.key for o in available(user, Flow.fresh(m))}


# -- people are recognised only within the actor's jurisdiction, and never renamed by intake


def test_intake_does_not_link_a_person_from_another_county(
    flow: Flow, tree: Tree, personas: Personas
) -> None:
    first = flow.at_village()
    theirs = flow.intake(
        personas.outsider_village_agent,
        tree.village_b1x,
        petitioners=[PetitionerInput(name="王建国", id_number=WANG_ID)],
        new_matter_reason="托县另一件事",
    )
    assert theirs.petitioners.get() != first.petitioners.get()  # a separate record in 托克托县
    assert first.petitioners.get().phone_hash  # 新城区's record keeps its phone; 托县 never saw it


def test_a_shared_family_phone_does_not_merge_two_people(flow: Flow, tree: Tree, personas: Personas) -> None:
    flow.intake(petitioners=[PetitionerInput(name="王建国", phone="13904711234")])
    flow.later(days=1).intake(
        petitioners=[PetitionerInput(name="王小红", phone="13904711234")], new_matter_reason="另一人"
    )
    assert sorted(Petitioner.objects.values_list("name", flat=True)) == ["王小红", "王建国"]


def test_same_person_by_id_keeps_their_name(flow: Flow) -> None:
    first = flow.at_village()
    flow.later(days=1).intake(
        petitioners=[PetitionerInput(name="王建国（别名）", id_number=WANG_ID)], new_matter_reason="新问题"
    )
    assert Petitioner.objects.count() == 1 and first.petitioners.get().name == "王建国"


# -- matters held at the city can always move


def test_city_admin_holds_and_routes_an_escalated_matter(flow: Flow, tree: Tree, personas: Personas) -> None:
    m = flow.at_county()
    m = flow.act(actions.matter_escalate, personas.county_staff, m, note="疑难，报市")
    assert Flow.fresh(m).holder_region == tree.city
    assert "route" in names(personas.city_admin, m)
    m = flow.act(actions.matter_route, personas.city_admin, m, lead_unit=tree.unit_housing_city)
    assert Flow.fresh(m).status == Status.ROUTED


def test_a_city_leaders_reception_day_matter_is_held_by_the_county_centre(
    flow: Flow, tree: Tree, more: More, personas: Personas
) -> None:
    m = flow.intake(more.city_leader, tree.village_a1x, channel="leader_day")
    m = Flow.fresh(m)
    assert m.holder_region == tree.county_a and more.city_leader in m.leaders.all()
    assert "route" in names(personas.county_staff, m)


# -- accusations never go down the network


def test_accusation_cannot_be_handed_down_or_closed_in_the_network(flow: Flow, personas: Personas) -> None:
    m = flow.at_county(purpose="accusation", title="检举村干部")
    assert (
        names(personas.county_staff, m) & {"hand_down", "guide_legal", "not_accept", "start_local"} == set()
    )
    for fn, kwargs in (
        (actions.matter_hand_down, {"to_region": flow.t.town_a1, "note": "x"}),
        (actions.matter_guide_legal, {"legal_channel": "litigation", "guidance": "x"}),
        (actions.matter_not_accept, {"reason_kind": "other", "reason": "x"}),
    ):
        assert_refused(WrongState, flow.bound(fn, personas.county_staff, m, **kwargs))


# -- local handling has its own clock


def test_local_handling_runs_the_handling_clock(flow: Flow) -> None:
    m = flow.local()
    assert m.due_step == Step.HANDLING
    assert m.deadlines.get(step=Step.ROUTE).is_open is False


# -- leaders are assigned by the holding level or above, and the change is recorded


def test_a_township_cannot_replace_the_countys_leaders(
    flow: Flow, tree: Tree, personas: Personas, more: More
) -> None:
    m = flow.at_county()
    m = flow.act(
        actions.matter_assign_leaders, personas.county_staff, m, leaders=[more.city_leader, personas.leader]
    )
    assert "assign_leaders" not in names(personas.township_staff, m)
    assert_refused(
        NotAllowed,
        flow.bound(actions.matter_assign_leaders, personas.township_staff, m, leaders=[personas.leader]),
    )
    assert set(Flow.fresh(m).leaders.all()) == {more.city_leader, personas.leader}


# -- recusal only by those involved


def test_an_uninvolved_colleague_cannot_declare_recusal(flow: Flow, personas: Personas, more: More) -> None:
    m = flow.routed()  # held by the unit now; the township is not involved
    assert "recuse" not in names(personas.township_staff, m)
    assert_refused(
        NotAllowed,
        flow.bound(
            actions.matter_recuse,
            personas.township_staff,
            m,
            reason="x",
            replacement=more.township_staff_a2,
        ),
    )


# -- a switched-off time limit is a clear refusal, not a crash


@pytest.mark.django_db
def test_disabled_route_limit_refuses_intake_clearly(flow: Flow) -> None:
    TimeLimit.objects.filter(key="route").update(is_active=False)
    from daiban.workcal.schedule import clear_cache

    clear_cache()
    with pytest.raises(WrongState, match="已停用"):
        flow.at_village()
    assert not Petitioner.objects.exists()


# -- buttons agree with actions


def test_extend_is_not_offered_once_the_handling_deadline_passed(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    with clock.frozen(flow.now):
        assert "extend" in names(personas.unit_handler, m)
    flow.later(days=70)
    with clock.frozen(flow.now):
        assert "extend" not in names(personas.unit_handler, m)


def test_co_unit_cannot_submit_its_part_before_the_lead_accepts(
    flow: Flow, tree: Tree, personas: Personas, more: More
) -> None:
    m = flow.routed(co_units=[tree.unit_hr_a])
    co = m.tasks.get(unit=tree.unit_hr_a)
    flow.act_task(actions.task_accept, more.hr_handler, co)
    assert_refused(WrongState, flow.bound_task(actions.task_submit_part, more.hr_handler, co, content="x"))
