"""受理登记 (matter_intake): who may take a matter in, what is validated, group matters, recognising the
same person, art. 19 linking of a repeat visit, and 接访即代办 on a leader's reception day."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas, Tree
from daiban.accounts.models import User
from daiban.matters import actions
from daiban.matters.actions import PetitionerInput
from daiban.matters.choices import Status, Step
from daiban.matters.errors import NotAllowed, RepeatVisitUndecided
from daiban.matters.models import Event, Matter, Petitioner
from daiban.matters.selectors import matters_for
from daiban.matters.tests.conftest import More
from daiban.matters.tests.factories import WANG_ID, WANG_PHONE, Flow, id_with_check
from daiban.matters.tests.snapshot import assert_refused

LI_ID = id_with_check("15010219750101222")


def person(name: str = "王建国", **kw: Any) -> PetitionerInput:
    kw.setdefault("id_number", WANG_ID)
    kw.setdefault("phone", WANG_PHONE)
    return PetitionerInput(name=name, **kw)


def crowd(n: int, representatives: int | None = None) -> list[PetitionerInput]:
    people = []
    for i in range(n):
        first17 = f"150102198001{i + 1:02d}{300 + i:03d}"
        people.append(
            PetitionerInput(
                name=f"村民{i + 1}",
                id_number=id_with_check(first17),
                is_representative=representatives is None or i < representatives,
            )
        )
    return people


def intake_call(flow: Flow, actor: User, **overrides: Any) -> Any:
    def call() -> Any:
        return flow.intake(actor, **overrides)

    return call


# ------------------------------------------------------------------------------------------------ allowed


def test_village_agent_takes_matter_in(flow: Flow, tree: Tree, personas: Personas) -> None:
    m = flow.at_village()
    assert m.number == "150102-2026-00001" and len(m.lookup_code) == 8
    assert m.status == Status.REGISTERED and m.version == 1
    assert m.responsible_agent == personas.village_agent == m.received_by  # 首接即代办
    assert m.holder_region == tree.village_a1x and m.holder_unit is None
    assert m.region_path == tree.village_a1x.path and m.holder_path == tree.village_a1x.path
    assert m.due_step == Step.ROUTE and m.due_date == datetime.date(2026, 6, 16)
    assert m.headcount == 1 and not m.is_group and not m.is_accusation and m.consent
    event = Event.objects.get(matter=m)
    assert (event.seq, event.kind, event.actor, event.status_after) == (
        1,
        "intake",
        personas.village_agent,
        "registered",
    )
    assert m.petitioners.get().name == "王建国"


def test_numbers_count_up_per_county_and_year(flow: Flow, tree: Tree, personas: Personas) -> None:
    first = flow.intake(new_matter_reason="")
    second = flow.intake(petitioners=[person("李四", id_number=LI_ID, phone="13904710000")])
    third = flow.intake(personas.outsider, tree.village_b1x)
    assert [first.number, second.number, third.number] == [
        "150102-2026-00001",
        "150102-2026-00002",
        "150122-2026-00001",
    ]


# ------------------------------------------------------------------------------------------------ refused


@pytest.mark.parametrize("role", ["unit_handler", "supervisor", "city_admin"])
def test_roles_outside_the_network_cannot_take_matters_in(flow: Flow, personas: Personas, role: str) -> None:
    error = assert_refused(NotAllowed, intake_call(flow, getattr(personas, role)))
    assert "受理登记" in error.message


@pytest.mark.parametrize("who", ["outsider", "outsider_village_agent"])
def test_outsider_cannot_take_in_a_matter_arising_elsewhere(flow: Flow, personas: Personas, who: str) -> None:
    # No matter exists yet, so jurisdiction is a field error on the place where the matter arose.
    assert_refused(ValidationError, intake_call(flow, getattr(personas, who)), field="region")


def test_village_agent_cannot_take_in_a_matter_of_another_village(
    flow: Flow, tree: Tree, personas: Personas
) -> None:
    assert_refused(
        ValidationError, intake_call(flow, personas.village_agent, region=tree.village_a1y), "region"
    )


INVALID = [
    ("channel", {"channel": "fax"}),
    ("category", {"category": "gossip"}),
    ("purpose", {"purpose": "revenge"}),
    ("title", {"title": "   "}),
    ("title", {"title": "长" * 81}),
    ("content", {"content": ""}),
    ("request", {"request": ""}),
    ("consent", {"consent": False}),
    ("petitioners", {"petitioners": []}),
    ("name", {"petitioners": [person(" ")]}),
    ("name", {"petitioners": [person("名" * 33)]}),
    ("phone", {"petitioners": [person(id_number="", phone="")]}),
    ("id_number", {"petitioners": [person(id_number=WANG_ID[:17] + ("0" if WANG_ID[17] != "0" else "1"))]}),
    ("id_number", {"petitioners": [person(id_number="150102680315123")]}),
    ("id_number", {"petitioners": [person(id_number=id_with_check("15010219681315123"))]}),
    ("phone", {"petitioners": [person(phone="1234567")]}),
    ("phone", {"petitioners": [person(phone="23904711234")]}),
    ("group", {"petitioners": [person(group="alien")]}),
    ("headcount", {"headcount": 1, "petitioners": crowd(2)}),
    ("headcount", {"headcount": 0}),
    ("petitioners", {"headcount": 40, "petitioners": crowd(6)}),
    ("leader", {"channel": "leader_day"}),
]


@pytest.mark.parametrize(
    ("field", "overrides"), INVALID, ids=[f"{f}-{i}" for i, (f, _) in enumerate(INVALID)]
)
def test_invalid_input_names_the_field(
    flow: Flow, personas: Personas, field: str, overrides: dict[str, Any]
) -> None:
    assert_refused(ValidationError, intake_call(flow, personas.village_agent, **overrides), field)


def test_id_check_digit_message(flow: Flow, personas: Personas) -> None:
    wrong = WANG_ID[:17] + ("0" if WANG_ID[17] != "0" else "1")
    error = assert_refused(
        ValidationError,
        intake_call(flow, personas.village_agent, petitioners=[person(id_number=wrong)]),
        "id_number",
    )
    assert "校验位" in error.error_dict["id_number"][0].messages[0]


def test_second_person_is_named_by_position(flow: Flow, personas: Personas) -> None:
    people = [person(), person("李四", id_number="", phone="999")]
    error = assert_refused(
        ValidationError, intake_call(flow, personas.village_agent, petitioners=people), "phone"
    )
    assert error.error_dict["phone"][0].messages[0].startswith("第 2 位信访人")


def test_leader_must_be_a_leader_of_the_place(flow: Flow, personas: Personas, more: More) -> None:
    for leader in (personas.county_staff, more.township_staff_a2):
        assert_refused(
            ValidationError,
            intake_call(flow, personas.county_staff, channel="leader_day", leader=leader),
            "leader",
        )


def test_leader_of_another_county_is_refused(flow: Flow, tree: Tree, personas: Personas) -> None:
    from conftest import make_user

    other = make_user("other_leader", "leader", tree.county_b)
    assert_refused(
        ValidationError,
        intake_call(flow, personas.county_staff, channel="leader_day", leader=other),
        "leader",
    )


# ------------------------------------------------------------------------------------------------ groups


def test_five_people_make_a_group_matter(flow: Flow, personas: Personas) -> None:
    m = flow.intake(petitioners=crowd(5))
    assert m.is_group and m.headcount == 5 and m.petitioner_links.filter(is_representative=True).count() == 5


def test_four_people_are_not_a_group(flow: Flow) -> None:
    m = flow.intake(petitioners=crowd(4))
    assert not m.is_group and m.headcount == 4


def test_group_counted_by_headcount_with_at_most_five_representatives(flow: Flow) -> None:
    m = flow.intake(petitioners=crowd(3), headcount=37)
    assert m.is_group and m.headcount == 37 and m.petitioners.count() == 3


def test_group_matter_with_six_representatives_is_refused(flow: Flow, personas: Personas) -> None:
    error = assert_refused(
        ValidationError,
        intake_call(flow, personas.village_agent, petitioners=crowd(6), headcount=60),
        "petitioners",
    )
    assert "5" in error.error_dict["petitioners"][0].messages[0]


# ---------------------------------------------------------------------------------- the same person again


def test_same_id_reuses_the_petitioner(flow: Flow, personas: Personas) -> None:
    first = flow.intake()
    flow.later(days=1)
    # Typed differently (spaces, another phone): the keyed hash of the normalised ID still matches.
    spaced = f"{WANG_ID[:6]} {WANG_ID[6:14]} {WANG_ID[14:]}"
    second = flow.intake(
        petitioners=[person("王建国", id_number=spaced, phone="13904719999")],
        new_matter_reason="另一件事：拖欠工资",
        title="拖欠工资",
    )
    assert second.pk != first.pk
    assert Petitioner.objects.count() == 1
    assert first.petitioners.get() == second.petitioners.get()


def test_same_phone_without_id_reuses_the_petitioner(flow: Flow) -> None:
    flow.intake(petitioners=[person(id_number="")])
    flow.intake(petitioners=[person(id_number="", phone="139 0471 1234")], new_matter_reason="不同事项")
    assert Petitioner.objects.count() == 1


def test_different_people_are_different_petitioners(flow: Flow) -> None:
    flow.intake()
    flow.intake(petitioners=[person("李四", id_number=LI_ID, phone="13904710000")])
    assert Petitioner.objects.count() == 2


# ----------------------------------------------------------------------------------- art. 19 repeat visits


def test_repeat_visit_is_asked_not_assumed(flow: Flow, personas: Personas) -> None:
    first = flow.at_village()
    flow.later(days=3)
    with pytest.raises(RepeatVisitUndecided) as asked:
        flow.intake(title="同一问题再次反映")
    assert [m.pk for m in asked.value.matters] == [first.pk]
    assert Matter.objects.count() == 1 and Matter.objects.get(pk=first.pk).version == 1  # nothing changed


def test_repeat_visit_links_to_the_open_matter(flow: Flow, personas: Personas) -> None:
    first = flow.at_village()
    flow.later(days=3)
    result = flow.call(
        actions.matter_intake,
        actor=personas.village_agent,
        petitioners=[person()],
        channel="phone",
        consent=True,
        region=first.region,
        title="同一问题再次反映",
        content="还是楼道漏水",
        request="尽快修复",
        category="urban_construction",
        purpose="appeal",
        repeat_of=first.pk,
    )
    assert result.linked_existing is True and result.matter.pk == first.pk
    assert Matter.objects.count() == 1
    m = Matter.objects.get(pk=first.pk)
    assert m.repeat_visits == 1 and m.version == 2 and m.status == Status.REGISTERED
    event = m.events.get(seq=2)
    assert event.kind == "repeat_visit" and event.details["article"] == "第十九条"


def test_repeat_visit_found_by_another_agent_in_scope(flow: Flow, personas: Personas) -> None:
    first = flow.at_village()
    flow.later(days=1)
    again = flow.intake(personas.township_staff, first.region, repeat_of=first.pk)
    assert again.pk == first.pk and Matter.objects.get(pk=first.pk).repeat_visits == 1


def test_repeat_visit_with_a_reason_opens_a_new_matter(flow: Flow) -> None:
    first = flow.at_village()
    second = flow.intake(new_matter_reason="反映的是另一栋楼的供暖问题", title="供暖不热")
    assert second.pk != first.pk and Matter.objects.get(pk=first.pk).repeat_visits == 0
    assert second.events.get().details["new_matter_reason"] == "反映的是另一栋楼的供暖问题"


def test_no_link_once_the_open_matter_is_past_its_time_limit(flow: Flow) -> None:
    first = flow.at_village()
    flow.on(2026, 6, 17)  # the route clock ended on 2026-06-16
    second = flow.intake()
    assert second.pk != first.pk


def test_no_link_to_a_closed_matter(flow: Flow, personas: Personas) -> None:
    first = flow.at_village(purpose="consultation")
    flow.act(actions.matter_answer, personas.village_agent, first, answer="已当面解答")
    second = flow.intake(purpose="consultation")
    assert second.pk != first.pk


# ------------------------------------------------------------------------------ leader reception day


def test_leader_day_gets_the_leader_at_once(flow: Flow, personas: Personas) -> None:
    m = flow.intake(personas.county_staff, channel="leader_day", leader=personas.leader)
    assert list(m.leaders.all()) == [personas.leader]
    assert m.responsible_agent == personas.county_staff
    assert matters_for(personas.leader).filter(pk=m.pk).exists()


def test_leader_receiving_in_person_is_in_charge(flow: Flow, tree: Tree, personas: Personas) -> None:
    m = flow.intake(personas.leader, tree.village_a1x, channel="leader_day")
    assert list(m.leaders.all()) == [personas.leader]  # 接访即代办
    assert m.responsible_agent == personas.leader and m.holder_region == tree.county_a
    assert matters_for(personas.leader).filter(pk=m.pk).exists()


def test_leader_sees_a_leader_day_accusation_only_through_the_charge(
    flow: Flow, personas: Personas, more: More
) -> None:
    charged = flow.intake(
        personas.county_staff,
        channel="leader_day",
        leader=personas.leader,
        purpose="accusation",
        category="discipline",
    )
    other = flow.intake(
        personas.county_staff,
        channel="window",
        purpose="accusation",
        category="discipline",
        petitioners=[person("李四", id_number=LI_ID, phone="13904710000")],
    )
    visible = set(matters_for(personas.leader).values_list("pk", flat=True))
    assert charged.pk in visible and other.pk not in visible


def test_repeat_visit_keeps_what_was_said(flow: Flow, personas: Personas) -> None:
    first = flow.at_village()
    flow.later(days=2)
    again = flow.intake(
        title="再次反映漏水", content="又漏了，而且更严重", request="马上修", repeat_of=first.pk
    )
    assert again.pk == first.pk
    details = again.events.get(seq=2).details
    assert (details["title"], details["content"], details["request"]) == (
        "再次反映漏水",
        "又漏了，而且更严重",
        "马上修",
    )


def test_an_accusation_is_never_folded_into_an_ordinary_matter(flow: Flow, personas: Personas) -> None:
    """The same person now accuses an official: folding it into the open renovation matter would hand the
    accusation to that matter's unit. It becomes its own matter, bound for discipline inspection."""
    first = flow.at_county()
    flow.later(days=1)
    accusation = flow.intake(personas.county_staff, purpose="accusation", category="discipline", title="检举")
    assert accusation.pk != first.pk and accusation.is_accusation
    # and an ordinary visit is not folded into an open accusation either
    flow.later(days=1)
    with pytest.raises(RepeatVisitUndecided) as asked:
        flow.intake(personas.county_staff, title="还是漏水")
    assert [m.pk for m in asked.value.matters] == [first.pk]  # the accusation is not offered
    with pytest.raises(ValidationError):  # nor can it be chosen
        flow.intake(personas.county_staff, title="还是漏水", repeat_of=accusation.pk)
    ordinary = flow.intake(personas.county_staff, title="还是漏水", repeat_of=first.pk)
    assert ordinary.pk == first.pk


def test_a_new_matter_when_the_agent_says_so(flow: Flow) -> None:
    first = flow.at_village()
    second = flow.intake(title="另一件事：供暖不热", new_matter=True)
    assert second.pk != first.pk and Matter.objects.get(pk=first.pk).repeat_visits == 0


def test_a_repeat_visit_adds_new_people_to_the_matter(flow: Flow) -> None:
    first = flow.at_village()
    again = flow.intake(
        petitioners=[person(), PetitionerInput(name="王小红", phone="13904710000")], repeat_of=first.pk
    )
    assert again.pk == first.pk
    assert sorted(again.petitioners.values_list("name", flat=True)) == ["王小红", "王建国"]
    assert again.events.get(seq=2).details["joined"] == ["王小红"]
