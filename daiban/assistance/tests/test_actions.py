"""转介救助 and 登记救助结果 (art. 37): each writes its row and one event atomically; a refusal — wrong post,
accusation, no open referral, wrong organ, stale version, outside scope — changes nothing."""

from __future__ import annotations

import decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas, Tree
from daiban.assistance import actions
from daiban.assistance.models import Outcome, Referral
from daiban.assistance.tests.helpers import HARDSHIP, organ, refer, referred
from daiban.matters import workflow
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope, WrongState
from daiban.matters.models import Event, Matter
from daiban.matters.tests.factories import Flow


def _state(m: Matter) -> tuple[Any, ...]:
    m = Matter.objects.get(pk=m.pk)
    rows = list(Referral.objects.filter(matter=m).values_list("pk", "outcome", "amount", "outcome_note"))
    return (m.version, m.status, Event.objects.filter(matter=m).count(), rows)


def test_both_kinds_are_registered_actions_with_buttons() -> None:
    for key in ("assistance_referral", "assistance_outcome"):
        assert workflow.REGISTRY[key].has_button


def test_an_agent_refers_and_the_event_is_written(flow: Flow, personas: Personas) -> None:
    m = flow.at_village()
    before = m.version
    r = refer(flow, personas.village_agent, m, kind="judicial")
    m = Flow.fresh(m)
    assert m.version == before + 1
    assert (r.kind, r.organ.domain, r.outcome, r.hardship) == ("judicial", "court", "pending", HARDSHIP)
    assert r.scope_county == m.scope_county and r.region_path == m.region_path
    event = Event.objects.filter(matter=m).latest("seq")
    assert event.kind == "assistance_referral" and "第三十七条" in event.summary
    assert event.details["referral"] == r.pk


def test_the_outcome_closes_the_referral_and_is_offered_only_while_one_is_open(
    flow: Flow, personas: Personas
) -> None:
    m = flow.at_village()
    agent = personas.county_staff
    assert not workflow.REGISTRY["assistance_outcome"].allows(agent, Flow.fresh(m))
    r = refer(flow, personas.village_agent, m)
    assert workflow.REGISTRY["assistance_outcome"].allows(agent, Flow.fresh(m))
    flow.act(
        actions.referral_outcome, agent, m, referral=r, outcome="granted", amount=decimal.Decimal("3000")
    )
    r.refresh_from_db()
    assert (r.outcome, r.amount, r.outcome_by) == (Outcome.GRANTED, decimal.Decimal("3000.00"), agent)
    assert Event.objects.filter(matter=m).latest("seq").kind == "assistance_outcome"
    assert not workflow.REGISTRY["assistance_outcome"].allows(agent, Flow.fresh(m))
    before = _state(m)
    with pytest.raises(WrongState):
        flow.act(actions.referral_outcome, agent, m, referral=r, outcome="refused", note="n")
    assert _state(m) == before


@pytest.mark.parametrize("who", ["unit_handler", "leader", "supervisor", "city_admin"])
def test_only_agents_refer_and_a_refusal_changes_nothing(flow: Flow, personas: Personas, who: str) -> None:
    m = flow.routed()
    before = _state(m)
    with pytest.raises((NotAllowed, OutOfScope)):
        flow.bound(
            actions.referral_record,
            getattr(personas, who),
            m,
            kind="social",
            organ=organ(m),
            hardship=HARDSHIP,
        )()
    assert _state(m) == before


def test_outside_scope_is_out_of_scope_and_changes_nothing(flow: Flow, personas: Personas) -> None:
    m = referred(flow)
    r = Referral.objects.get(matter=m)
    before = _state(m)
    for user in (personas.outsider, personas.outsider_village_agent):
        with pytest.raises(OutOfScope):
            flow.bound(actions.referral_record, user, m, kind="social", organ=organ(m), hardship="h")()
        with pytest.raises(OutOfScope):
            flow.bound(actions.referral_outcome, user, m, referral=r, outcome="granted")()
    assert _state(m) == before


def test_no_referral_on_an_accusation(flow: Flow, personas: Personas) -> None:
    m = flow.at_county(purpose="accusation")
    before = _state(m)
    assert not workflow.REGISTRY["assistance_referral"].allows(personas.county_staff, m)
    with pytest.raises(WrongState):
        flow.bound(
            actions.referral_record, personas.county_staff, m, kind="social", organ=organ(m), hardship="h"
        )()
    assert _state(m) == before


@pytest.mark.parametrize(
    ("inputs", "field"),
    [
        ({"kind": "judicial"}, "organ"),  # 民政局 for judicial assistance
        ({"kind": "other"}, "kind"),
        ({"hardship": "  "}, "hardship"),
        ({"hardship": "长" * 2001}, "hardship"),
        ({"organ": None}, "organ"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(
    flow: Flow, personas: Personas, inputs: dict[str, Any], field: str
) -> None:
    m = flow.at_village()
    before = _state(m)
    kwargs: dict[str, Any] = {"kind": "social", "organ": organ(m), "hardship": HARDSHIP, **inputs}
    with pytest.raises(ValidationError) as exc:
        flow.bound(actions.referral_record, personas.village_agent, m, **kwargs)()
    assert field in exc.value.message_dict
    assert _state(m) == before


def test_an_organ_of_another_county_is_refused(flow: Flow, personas: Personas, tree: Tree) -> None:
    m = flow.at_village()
    foreign = organ(flow.intake(personas.outsider_village_agent, tree.village_b1x))
    before = _state(m)
    with pytest.raises(ValidationError) as exc:
        flow.bound(
            actions.referral_record, personas.village_agent, m, kind="social", organ=foreign, hardship="h"
        )()
    assert "organ" in exc.value.message_dict
    assert _state(m) == before


@pytest.mark.parametrize(
    ("inputs", "field"),
    [
        ({"outcome": "pending"}, "outcome"),
        ({"outcome": "refused", "note": ""}, "note"),
        ({"outcome": "other_way", "note": " "}, "note"),
        ({"outcome": "refused", "note": "n", "amount": decimal.Decimal(5)}, "amount"),
        ({"outcome": "granted", "amount": decimal.Decimal(-1)}, "amount"),
        ({"outcome": "granted", "referral": None}, "referral"),
    ],
)
def test_bad_outcome_names_the_field_and_changes_nothing(
    flow: Flow, personas: Personas, inputs: dict[str, Any], field: str
) -> None:
    m = referred(flow)
    r = Referral.objects.get(matter=m)
    before = _state(m)
    kwargs: dict[str, Any] = {"referral": r, **inputs}
    with pytest.raises(ValidationError) as exc:
        flow.bound(actions.referral_outcome, personas.village_agent, m, **kwargs)()
    assert field in exc.value.message_dict
    assert _state(m) == before


def test_a_referral_of_another_matter_is_refused(flow: Flow, personas: Personas) -> None:
    first = referred(flow)
    second = referred(flow, new_matter=True)
    other = Referral.objects.get(matter=first)
    before = _state(second)
    with pytest.raises(ValidationError):
        flow.bound(
            actions.referral_outcome, personas.village_agent, second, referral=other, outcome="granted"
        )()
    assert _state(second) == before


def test_a_stale_version_is_a_conflict_and_changes_nothing(flow: Flow, personas: Personas) -> None:
    m = flow.at_village()
    stale = m.version
    flow.act(actions.referral_record, personas.village_agent, m, kind="social", organ=organ(m), hardship="h")
    before = _state(m)
    with pytest.raises(Conflict):
        flow.bound(
            actions.referral_record,
            personas.township_staff,
            m,
            version=stale,
            kind="social",
            organ=organ(m),
            hardship="h",
        )()
    assert _state(m) == before
