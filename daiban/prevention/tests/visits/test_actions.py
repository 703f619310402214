"""visit_record and visit_update: the happy paths, each refusal naming its field, scope, conflict."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas, Tree, make_user
from daiban.accounts.models import Role
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope
from daiban.matters.tests.factories import frozen
from daiban.prevention.actions.visits import member_choices, visit_record, visit_update
from daiban.prevention.models import Visit
from daiban.prevention.tests.visits.helpers import record

TODAY = datetime.date(2026, 11, 2)


def _field(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return next(iter(exc.value.message_dict))


def test_record_with_the_fewest_fields_defaults_date_place_and_member(tree: Tree, personas: Personas) -> None:
    agent = personas.village_agent
    with frozen(2026, 11, 2):
        visit = visit_record(actor=agent, kind="door")
    visit.refresh_from_db()
    assert visit.visited_on == TODAY
    assert visit.region == tree.village_a1x
    assert visit.scope_township == tree.town_a1.code and visit.scope_county == tree.county_a.code
    assert visit.recorded_by == agent and list(visit.members.all()) == [agent]
    assert visit.households == 0 and visit.version == 1
    event = visit.events.get()
    assert (event.seq, event.kind, event.actor) == (1, "record", agent)
    assert event.details == {"visited_on": "2026-11-02", "households": 0}


def test_record_with_everything(tree: Tree, personas: Personas) -> None:
    township = personas.township_staff
    visit = record(
        personas.village_agent,
        kind="online",
        visited_on=TODAY - datetime.timedelta(days=60),
        region=tree.village_a1x,
        place="三组",
        members=[township],
        others="网格员张三",
        households=10_000,
    )
    assert visit.kind == "online" and visit.place == "三组" and visit.others == "网格员张三"
    assert set(visit.members.all()) == {township, personas.village_agent}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "walk"}, "kind"),
        ({"visited_on": TODAY + datetime.timedelta(days=1)}, "visited_on"),
        ({"visited_on": TODAY - datetime.timedelta(days=61)}, "visited_on"),
        ({"households": -1}, "households"),
        ({"households": 10_001}, "households"),
        ({"place": "地" * 81}, "place"),
        ({"others": "人" * 121}, "others"),
        ({"findings": "情" * 2001}, "findings"),
    ],
)
def test_refusals_name_the_field(
    tree: Tree, personas: Personas, overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        record(personas.village_agent, **overrides)
    assert _field(exc) == field
    assert not Visit.objects.exists()


def test_a_region_outside_scope_is_refused_on_region(tree: Tree, personas: Personas) -> None:
    with pytest.raises(ValidationError) as exc:
        record(personas.village_agent, region=tree.village_a1y)
    assert _field(exc) == "region" and "管辖" in exc.value.message_dict["region"][0]
    assert not Visit.objects.exists()


def test_a_member_outside_the_network_in_scope_is_refused(tree: Tree, personas: Personas) -> None:
    for stranger in (personas.outsider_village_agent, personas.unit_handler, personas.supervisor):
        with pytest.raises(ValidationError) as exc:
            record(personas.village_agent, members=[stranger])
        assert _field(exc) == "members"
    assert not Visit.objects.exists()


def test_member_choices_are_own_level_one_below_and_above(tree: Tree, personas: Personas) -> None:
    neighbour = make_user("neighbour_agent", Role.VILLAGE_AGENT, tree.village_a1y)
    village = set(member_choices(personas.village_agent))
    assert {
        personas.village_agent,
        personas.township_staff,
        personas.county_staff,
        personas.leader,
    } <= village
    assert (
        neighbour not in village and personas.outsider not in village and personas.unit_handler not in village
    )
    township = set(member_choices(personas.township_staff))
    assert {personas.village_agent, neighbour, personas.county_staff} <= township
    county = set(member_choices(personas.county_staff))
    assert personas.township_staff in county and personas.village_agent not in county  # two levels down


@pytest.mark.parametrize("who", ["unit_handler", "leader", "supervisor", "city_admin"])
def test_only_agents_record(tree: Tree, personas: Personas, who: str) -> None:
    with pytest.raises(NotAllowed):
        record(getattr(personas, who), region=tree.village_a1x)
    assert not Visit.objects.exists()


def _update(actor, visit: Visit, version: int | None = 1, **overrides: object) -> Visit:  # type: ignore[no-untyped-def]
    kwargs: dict[str, object] = {
        "kind": visit.kind,
        "visited_on": visit.visited_on,
        "region": visit.region,
        "place": visit.place,
        "members": [],
        "others": visit.others,
        "households": visit.households,
        "findings": visit.findings,
    }
    kwargs.update(overrides)
    with frozen(2026, 11, 3):
        return visit_update(actor=actor, visit_id=visit.pk, expected_version=version, **kwargs)  # type: ignore[arg-type]


def test_update_corrects_the_record_and_keeps_the_recorder(tree: Tree, personas: Personas) -> None:
    visit = record(personas.village_agent, members=[personas.township_staff])
    _update(personas.township_staff, visit, households=30, kind="open", place="村委会")
    visit.refresh_from_db()
    assert (visit.households, visit.kind, visit.place, visit.version) == (30, "open", "村委会", 2)
    # The corrector named nobody: the recorder stays, the township colleague was removed.
    assert list(visit.members.all()) == [personas.village_agent]


def test_update_to_another_region_moves_its_scope(tree: Tree, personas: Personas) -> None:
    visit = record(personas.township_staff, region=tree.village_a1x)
    _update(personas.township_staff, visit, region=tree.village_a1y)
    visit.refresh_from_db()
    assert visit.region == tree.village_a1y and visit.region_path == tree.village_a1y.path
    assert not Visit.objects.filter(region=tree.village_a1x).exists()
    assert visit.events.get(seq=2).details == {
        "region": [tree.village_a1x.full_name(), tree.village_a1y.full_name()]
    }


def test_update_refusal_names_the_field_and_changes_nothing(tree: Tree, personas: Personas) -> None:
    visit = record(personas.village_agent)
    with pytest.raises(ValidationError) as exc:
        _update(personas.village_agent, visit, households=-5)
    assert _field(exc) == "households"
    visit.refresh_from_db()
    assert visit.households == 12 and visit.version == 1 and visit.events.count() == 1


def test_update_of_a_stale_version_is_a_conflict(tree: Tree, personas: Personas) -> None:
    visit = record(personas.village_agent)
    _update(personas.village_agent, visit, households=20)
    with pytest.raises(Conflict):
        _update(personas.township_staff, visit, version=1, households=99)
    visit.refresh_from_db()
    assert visit.households == 20 and visit.version == 2


@pytest.mark.parametrize("who", ["outsider", "outsider_village_agent"])
def test_update_outside_scope_is_out_of_scope(tree: Tree, personas: Personas, who: str) -> None:
    visit = record(personas.village_agent)
    with pytest.raises(OutOfScope):
        _update(getattr(personas, who), visit, households=1)
    visit.refresh_from_db()
    assert visit.households == 12


def test_update_by_a_reader_who_is_not_an_agent_is_refused(tree: Tree, personas: Personas) -> None:
    visit = record(personas.village_agent)
    with pytest.raises(NotAllowed):
        _update(personas.leader, visit, households=1)
    visit.refresh_from_db()
    assert visit.households == 12


def test_update_writes_each_changed_field_before_and_after(tree: Tree, personas: Personas) -> None:
    visit = record(personas.village_agent, members=[personas.township_staff])
    _update(personas.township_staff, visit, households=30, kind="open", region=tree.village_a1x)
    event = visit.events.get(seq=2)
    assert (event.kind, event.actor, event.summary) == (
        "update",
        personas.township_staff,
        "更正：走访方式、参加人员、走访户数",
    )
    assert event.details == {
        "kind": ["推门访（入户走访）", "开门访（开门接访）"],
        "members": ["township_staff、village_agent", "village_agent"],
        "households": ["12", "30"],
    }
    assert [e.seq for e in visit.events.all()] == [1, 2]


def test_an_update_that_changes_nothing_is_refused(tree: Tree, personas: Personas) -> None:
    visit = record(personas.village_agent)
    with pytest.raises(ValidationError, match="没有需要保存的更正"):
        _update(personas.village_agent, visit)
    visit.refresh_from_db()
    assert visit.version == 1 and visit.events.count() == 1


def test_a_visit_older_than_the_bound_can_still_be_corrected(tree: Tree, personas: Personas) -> None:
    """The 60-days-back bound is on the date as entered: a kept date is not checked again."""
    visit = record(personas.village_agent, visited_on=TODAY - datetime.timedelta(days=60))
    with frozen(2027, 3, 1):
        visit_update(
            actor=personas.village_agent,
            visit_id=visit.pk,
            expected_version=1,
            kind=visit.kind,
            visited_on=visit.visited_on,
            region=visit.region,
            households=15,
            findings=visit.findings,
        )
    visit.refresh_from_db()
    assert visit.households == 15 and visit.visited_on == TODAY - datetime.timedelta(days=60)
    # Changing the date to another day as old is held to the bound.
    with frozen(2027, 3, 1), pytest.raises(ValidationError) as exc:
        visit_update(
            actor=personas.village_agent,
            visit_id=visit.pk,
            expected_version=2,
            kind=visit.kind,
            visited_on=visit.visited_on + datetime.timedelta(days=1),
            region=visit.region,
            households=15,
            findings=visit.findings,
        )
    assert _field(exc) == "visited_on"
    visit.refresh_from_db()
    assert visit.version == 2
