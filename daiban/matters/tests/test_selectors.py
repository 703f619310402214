"""matters_for: the one jurisdiction selector, checked persona by persona on a small mixed caseload."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import Personas, Tree
from daiban.accounts.models import User
from daiban.matters import actions
from daiban.matters.actions import PetitionerInput
from daiban.matters.models import Matter
from daiban.matters.selectors import matters_for, petitioners_for
from daiban.matters.tests.conftest import More
from daiban.matters.tests.factories import Flow, id_with_check


def someone(i: int) -> list[PetitionerInput]:
    return [PetitionerInput(name=f"信访人{i}", id_number=id_with_check(f"1501021970010{i}{i}{i}{i}"))]


@pytest.fixture
def caseload(flow: Flow, tree: Tree, personas: Personas, more: More) -> dict[str, Matter]:
    t, p = tree, personas
    a = flow.intake(p.village_agent, t.village_a1x, petitioners=someone(1))
    b = flow.intake(p.township_staff, t.village_a1y, petitioners=someone(2))
    c = flow.routed(petitioners=someone(3), region=t.village_a2x)
    d = flow.at_county(petitioners=someone(4), purpose="accusation", category="discipline")
    flow.act(actions.matter_route, p.county_staff, d, lead_unit=t.unit_discipline_a)
    e = flow.intake(p.outsider, t.village_b1x, petitioners=someone(5))
    f = flow.routed(petitioners=someone(6), lead_unit=t.unit_hr_a, region=t.village_a2x)
    return {"A": a, "B": b, "C": c, "D": d, "E": e, "F": f}


EXPECTED = {
    "village_agent": "A",
    "township_staff": "AB",
    "county_staff": "ABCDF",
    "unit_handler": "C",
    "leader": "ABCF",
    "supervisor": "ABCDF",
    "city_admin": "ABCDEF",
    "outsider": "E",
    "outsider_village_agent": "E",
    "outsider_unit_handler": "",
    "hr_handler": "F",
    "discipline_handler": "D",
    "township_staff_a2": "CF",
    "city_housing_handler": "",
    "city_leader": "ABCEF",
}


def who(name: str, personas: Personas, more: More) -> User:
    return getattr(personas, name, None) or getattr(more, name)


@pytest.mark.parametrize(("name", "expected"), EXPECTED.items())
def test_matters_for_each_persona(
    caseload: dict[str, Matter],
    personas: Personas,
    more: More,
    name: str,
    expected: str,
    django_assert_num_queries: Any,
) -> None:
    user = who(name, personas, more)
    with django_assert_num_queries(1):
        seen = {m.pk for m in matters_for(user)}
    assert seen == {caseload[k].pk for k in expected}
    # one row per matter even where joins (tasks, leaders) could repeat it
    assert matters_for(user).count() == len(expected)


def test_users_without_a_grant_see_nothing(caseload: dict[str, Matter], tree: Tree) -> None:
    from conftest import make_user

    inactive = make_user("gone", "county_staff", tree.county_a, is_active=False)
    nobody = User.objects.create(username="nobody")
    assert not matters_for(inactive).exists() and not matters_for(nobody).exists()


def test_unit_no_longer_sees_what_it_objected_to_nor_withdrawn_co_tasks(
    flow: Flow, tree: Tree, personas: Personas, more: More
) -> None:
    m = flow.routed(co_units=[tree.unit_hr_a])
    lead = flow.lead_task(m)
    flow.act_task(actions.task_object, personas.unit_handler, lead, reasons="不属本局")
    # While the centre has not decided, the task is still the unit's.
    assert matters_for(personas.unit_handler).filter(pk=m.pk).exists()
    flow.act_task(actions.task_objection_agree, personas.county_staff, lead)
    # Upheld, it is not its business: what happens next (possibly at another unit) is none of its concern.
    assert not matters_for(personas.unit_handler).filter(pk=m.pk).exists()
    assert not matters_for(more.hr_handler).filter(pk=m.pk).exists()  # the co task was withdrawn


def test_review_organ_sees_the_matter_it_reviews(flow: Flow, more: More) -> None:
    m = flow.in_review()
    assert set(matters_for(more.city_housing_handler)) == {m}
    assert not matters_for(more.city_gov_handler).exists()


def test_petitioners_for_follows_matters(caseload: dict[str, Matter], personas: Personas) -> None:
    names = set(petitioners_for(personas.outsider).values_list("name", flat=True))
    assert names == {"信访人5"}
    assert set(petitioners_for(personas.village_agent).values_list("name", flat=True)) == {"信访人1"}
    assert petitioners_for(personas.outsider_unit_handler).count() == 0
