"""The screening register's actions: recording, each life-cycle step, and every refusal (with its field,
nothing changed)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas, Tree
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope, WrongState
from daiban.network.models import ResponsibleUnit, UnitDomain
from daiban.prevention.actions import screenings as act
from daiban.prevention.models import Screening, ScreeningEvent, Visit
from daiban.prevention.tests.screenings.factories import TODAY, fields, fresh, on_day, screening, step

D = datetime.timedelta


def _field_error(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(exc.value.error_dict)


def _visit(region, user, day=TODAY) -> Visit:  # type: ignore[no-untyped-def]
    return Visit.objects.create(region=region, kind="door", visited_on=day, place="三组", recorded_by=user)


# --------------------------------------------------------------------------------------------- record


def test_record_opens_a_watched_screening_with_number_review_date_and_event(
    tree: Tree, personas: Personas
) -> None:
    s = screening(personas.village_agent, tree.village_a1x)
    assert s.number == "PC150102-2026-00001"
    assert s.status == "watching" and s.version == 1
    assert s.responsible == personas.village_agent == s.found_by
    assert s.review_on == TODAY + D(days=15)  # 一般: 15 days
    assert (s.scope_county, s.scope_township) == ("150102", "150102401000")
    [event] = ScreeningEvent.objects.filter(screening=s)
    assert (event.seq, event.kind, event.status_after) == (1, "record", "watching")
    second = screening(personas.township_staff, tree.village_a1y, risk="grave", headcount=6)
    assert second.number == "PC150102-2026-00002"
    assert second.review_on == TODAY + D(days=3)  # 重大: 3 days
    assert second.is_group  # 5 people or more


def test_record_with_unnamed_parties_and_an_earlier_day(tree: Tree, personas: Personas) -> None:
    with on_day():
        s = act.screening_record(
            actor=personas.village_agent,
            **fields(tree.village_a1x, parties="", found_on=TODAY - D(days=20), risk="serious"),
        )
    assert s.parties == "" and s.review_on == TODAY - D(days=13)  # already due: 较大 is 7 days


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "长" * 81}, "title"),
        ({"description": ""}, "description"),
        ({"risk_reason": ""}, "risk_reason"),
        ({"risk": "huge"}, "risk"),
        ({"kind": "weather"}, "kind"),
        ({"source": ""}, "source"),
        ({"source": "rumour"}, "source"),
        ({"headcount": 0}, "headcount"),
        ({"found_on": TODAY + D(days=1)}, "found_on"),
        ({"found_on": TODAY - D(days=366)}, "found_on"),
        ({"found_on": None}, "found_on"),
        ({"parties": "张三 150102196803151234"}, "parties"),
        ({"place": "地" * 81}, "place"),
    ],
)
def test_record_refuses_bad_input_naming_the_field(tree: Tree, personas: Personas, change, field) -> None:  # type: ignore[no-untyped-def]
    with on_day(), pytest.raises(ValidationError) as exc:
        act.screening_record(actor=personas.village_agent, **fields(tree.village_a1x, **change))
    assert _field_error(exc) == {field}
    assert not Screening.objects.exists()


def test_record_only_in_the_actors_scope_and_below_the_city(tree: Tree, personas: Personas) -> None:
    for actor, region in (
        (personas.village_agent, tree.village_a1y),  # the next village
        (personas.township_staff, tree.village_a2x),  # another township
        (personas.county_staff, tree.city),  # the city itself
        (personas.outsider, tree.village_a1x),
    ):
        with on_day(), pytest.raises(ValidationError) as exc:
            act.screening_record(actor=actor, **fields(region))
        assert _field_error(exc) == {"region"}, actor
    assert not Screening.objects.exists()


def test_readers_who_are_not_agents_may_not_record(tree: Tree, personas: Personas) -> None:
    for actor in (personas.leader, personas.supervisor, personas.city_admin, personas.unit_handler):
        with on_day(), pytest.raises(NotAllowed):
            act.screening_record(actor=actor, **fields(tree.village_a1x))
    assert not Screening.objects.exists()


def test_record_from_a_visit_links_it_and_defaults_the_source(tree: Tree, personas: Personas) -> None:
    visit = _visit(tree.village_a1x, personas.village_agent)
    s = screening(personas.village_agent, tree.village_a1x, source="", visit_id=visit.pk)
    assert s.visit == visit and s.source == "visit"
    assert ScreeningEvent.objects.get(screening=s).details["visit"] == visit.pk


def test_record_refuses_a_visit_outside_scope(tree: Tree, personas: Personas) -> None:
    elsewhere = _visit(tree.village_b1x, personas.outsider_village_agent)
    with on_day(), pytest.raises(ValidationError) as exc:
        act.screening_record(actor=personas.village_agent, **fields(tree.village_a1x, visit_id=elsewhere.pk))
    assert _field_error(exc) == {"visit"}
    assert not Screening.objects.exists()


# ----------------------------------------------------------------------------------------- life cycle


def test_follow_up_records_the_note_and_moves_the_review_date(tree: Tree, personas: Personas) -> None:
    s = screening(personas.village_agent, tree.village_a1x)
    later = TODAY + D(days=10)
    s = step("follow_up", personas.township_staff, s, note="再次入户，双方同意调解。", review_on=later)
    assert (s.status, s.review_on, s.version) == ("watching", later, 2)
    event = s.events.get(seq=2)
    assert event.kind == "follow_up" and event.details["note"] == "再次入户，双方同意调解。"
    assert event.actor == personas.township_staff


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"note": ""}, "note"),
        ({"review_on": TODAY - D(days=1)}, "review_on"),
        ({"review_on": TODAY + D(days=181)}, "review_on"),
        ({"review_on": None}, "review_on"),
    ],
)
def test_follow_up_refusals(tree: Tree, personas: Personas, change, field) -> None:  # type: ignore[no-untyped-def]
    s = screening(personas.village_agent, tree.village_a1x)
    kwargs = {"note": "跟进", "review_on": TODAY + D(days=5), **change}
    with pytest.raises(ValidationError) as exc:
        step("follow_up", personas.village_agent, s, **kwargs)
    assert _field_error(exc) == {field}
    assert fresh(s).version == 1


def test_start_then_resolve_closes_it(tree: Tree, personas: Personas) -> None:
    s = screening(personas.village_agent, tree.village_a1x)
    s = step("start", personas.village_agent, s, note="约双方到村委会调解。")
    assert s.status == "resolving" and s.review_on is not None
    with pytest.raises(WrongState):
        step("start", personas.village_agent, s, note="再次开始")
    s = step(
        "resolve", personas.village_agent, s, TODAY + D(days=2), outcome="双方签订调解协议，重新确定界址。"
    )
    assert (s.status, s.closed_on, s.review_on) == ("resolved", TODAY + D(days=2), None)
    assert s.outcome.startswith("双方签订")
    assert [e.kind for e in s.events.order_by("seq")] == ["record", "start", "resolve"]
    assert s.events.get(kind="resolve").status_before == "resolving"
    for name, kwargs in (
        ("follow_up", {"note": "x", "review_on": TODAY + D(days=5)}),
        ("resolve", {"outcome": "x"}),
        ("transfer", {"target": "justice", "receiver": "司法所", "note": "x"}),
    ):
        with pytest.raises(WrongState):
            step(name, personas.village_agent, s, TODAY + D(days=2), **kwargs)
    assert fresh(s).version == 3


def test_resolve_needs_the_outcome(tree: Tree, personas: Personas) -> None:
    s = screening(personas.village_agent, tree.village_a1x)
    with pytest.raises(ValidationError) as exc:
        step("resolve", personas.village_agent, s, outcome=" ")
    assert _field_error(exc) == {"outcome"}
    assert fresh(s).status == "watching"


def test_stabilise_keeps_it_open_with_measures_and_a_review_date(tree: Tree, personas: Personas) -> None:
    s = screening(personas.village_agent, tree.village_a1x)
    s = step("start", personas.village_agent, s, note="调解")
    s = step(
        "stabilise",
        personas.village_agent,
        s,
        measures="包联干部每周走访一次。",
        review_on=TODAY + D(days=30),
    )
    assert (s.status, s.review_on, s.outcome) == ("stabilised", TODAY + D(days=30), "包联干部每周走访一次。")
    assert s.is_open
    with pytest.raises(WrongState):
        step("stabilise", personas.village_agent, s, measures="再稳控", review_on=TODAY + D(days=30))
    with pytest.raises(ValidationError) as exc:
        step("follow_up", personas.village_agent, s, note="跟进", review_on=TODAY - D(days=3))
    assert _field_error(exc) == {"review_on"}
    s = step("resolve", personas.village_agent, s, outcome="终于化解")
    assert s.status == "resolved"


def test_transfer_to_the_townships_justice_office(tree: Tree, personas: Personas) -> None:
    office = ResponsibleUnit.objects.create(
        region=tree.town_a1, name="呼伦路司法所", domain=UnitDomain.JUSTICE
    )
    s = screening(personas.village_agent, tree.village_a1x)
    assert office in act.transfer_units(personas.village_agent, s)
    assert tree.unit_housing_b not in act.transfer_units(personas.village_agent, s)
    s = step(
        "transfer",
        personas.village_agent,
        s,
        target="justice",
        unit=office,
        note="涉及土地确权，移交司法所。",
    )
    assert (s.status, s.transfer_unit, s.transfer_to, s.review_on) == (
        "transferred",
        office,
        "呼伦路司法所",
        None,
    )
    assert s.closed_on == TODAY
    assert s.events.get(kind="transfer").details["receiver"] == "呼伦路司法所"


def test_transfer_by_name(tree: Tree, personas: Personas) -> None:
    s = screening(personas.village_agent, tree.village_a1x)
    s = step(
        "transfer",
        personas.village_agent,
        s,
        target="mediation",
        receiver="苏雅拉社区人民调解委员会",
        note="移交调解",
    )
    assert (s.status, s.transfer_target, s.transfer_to) == (
        "transferred",
        "mediation",
        "苏雅拉社区人民调解委员会",
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"target": "moon"}, "target"),
        ({"receiver": ""}, "receiver"),
        ({"note": ""}, "note"),
        ({"unit": "outside"}, "unit"),
    ],
)
def test_transfer_refusals(tree: Tree, personas: Personas, change, field) -> None:  # type: ignore[no-untyped-def]
    s = screening(personas.village_agent, tree.village_a1x)
    kwargs = {"target": "justice", "receiver": "司法所", "note": "移交", **change}
    if kwargs.get("unit") == "outside":
        kwargs["unit"] = tree.unit_housing_b  # 托克托县
    with pytest.raises(ValidationError) as exc:
        step("transfer", personas.village_agent, s, **kwargs)
    assert _field_error(exc) == {field}
    assert fresh(s).status == "watching"


def test_reassess_brings_the_review_date_forward_never_back(tree: Tree, personas: Personas) -> None:
    s = screening(personas.village_agent, tree.village_a1x)  # review on 06-16
    s = step("reassess", personas.village_agent, s, TODAY + D(days=1), risk="grave", reason="一方扬言上访。")
    assert (s.risk, s.risk_reason, s.review_on) == ("grave", "一方扬言上访。", TODAY + D(days=4))
    s = step("reassess", personas.village_agent, s, TODAY + D(days=2), risk="general", reason="情绪平复。")
    assert (s.risk, s.review_on) == ("general", TODAY + D(days=4))
    with pytest.raises(ValidationError) as exc:
        step("reassess", personas.village_agent, s, risk="general", reason="同级")
    assert _field_error(exc) == {"risk"}
    with pytest.raises(ValidationError) as exc:
        step("reassess", personas.village_agent, s, risk="serious", reason="")
    assert _field_error(exc) == {"reason"}
    assert fresh(s).version == 3


# ------------------------------------------------------------------------------ who, and concurrency


def test_a_stale_version_is_a_conflict_and_changes_nothing(tree: Tree, personas: Personas) -> None:
    s = screening(personas.village_agent, tree.village_a1x)
    old = s.version
    step("follow_up", personas.township_staff, s, note="先跟进", review_on=TODAY + D(days=3))
    with on_day(), pytest.raises(Conflict):
        act.screening_resolve(
            actor=personas.village_agent, screening_id=s.pk, expected_version=old, outcome="化解"
        )
    assert fresh(s).status == "watching" and fresh(s).version == 2


def test_outside_scope_is_out_of_scope_and_readers_may_not_act(tree: Tree, personas: Personas) -> None:
    s = screening(personas.village_agent, tree.village_a1x)
    for actor in (personas.outsider, personas.outsider_village_agent):
        with on_day(), pytest.raises(OutOfScope):
            act.screening_start(actor=actor, screening_id=s.pk, expected_version=1, note="x")
    neighbour = screening(personas.township_staff, tree.village_a1y)
    with on_day(), pytest.raises(OutOfScope):  # the next village's agent sees nothing of it
        act.screening_start(
            actor=personas.village_agent, screening_id=neighbour.pk, expected_version=1, note="x"
        )
    for actor in (personas.leader, personas.supervisor, personas.city_admin, personas.unit_handler):
        with on_day(), pytest.raises(NotAllowed):
            act.screening_start(actor=actor, screening_id=s.pk, expected_version=1, note="x")
    assert fresh(s).version == 1 and fresh(s).status == "watching"
