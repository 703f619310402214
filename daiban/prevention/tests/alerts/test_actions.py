"""知悉, 处置 and 排除 of an alert: the happy path with its event, each refusal naming its field, the wrong
state, outside scope, a reader, and the conflict of a stale version. A refusal changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas, Tree
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope, WrongState
from daiban.matters.tests.factories import at
from daiban.prevention.actions.alerts import alert_acknowledge, alert_act, alert_dismiss
from daiban.prevention.models import Alert, AlertEvent, AlertStatus, Visit
from daiban.prevention.tests.alerts.helpers import intake_on, make_alert, person, screening

pytestmark = pytest.mark.django_db


def _unchanged(alert: Alert, call: Callable[[], Any], error: type[BaseException]) -> BaseException:
    with pytest.raises(error) as caught:
        call()
    fresh = Alert.objects.get(pk=alert.pk)
    assert (fresh.version, fresh.status) == (alert.version, alert.status)
    assert not AlertEvent.objects.filter(alert=alert).exists()
    return caught.value


def _field(exc: BaseException) -> str:
    assert isinstance(exc, ValidationError)
    (name,) = exc.error_dict
    return name


def test_acknowledge(tree: Tree, personas: Personas) -> None:
    alert = make_alert(tree.town_a1)
    done = alert_acknowledge(actor=personas.township_staff, alert_id=alert.pk, expected_version=0)
    assert (done.status, done.version, done.handled_by) == (
        AlertStatus.ACKNOWLEDGED,
        1,
        personas.township_staff,
    )
    (event,) = AlertEvent.objects.filter(alert=alert)
    assert (event.kind, event.seq, event.status_before, event.status_after) == (
        "acknowledge",
        1,
        "open",
        "acknowledged",
    )
    with pytest.raises(WrongState):
        alert_acknowledge(actor=personas.township_staff, alert_id=alert.pk, expected_version=1)


def test_refusals_of_every_action(tree: Tree, personas: Personas) -> None:
    alert = make_alert(tree.town_a1)
    calls: dict[str, Callable[..., Any]] = {
        "acknowledge": lambda actor, v=0: alert_acknowledge(
            actor=actor, alert_id=alert.pk, expected_version=v
        ),
        "act": lambda actor, v=0: alert_act(
            actor=actor, alert_id=alert.pk, expected_version=v, target="", number="", note="x"
        ),
        "dismiss": lambda actor, v=0: alert_dismiss(
            actor=actor, alert_id=alert.pk, expected_version=v, reason="x"
        ),
    }
    for call in calls.values():
        _unchanged(alert, lambda c=call: c(personas.village_agent), OutOfScope)  # below the level told
        _unchanged(alert, lambda c=call: c(personas.outsider), OutOfScope)
        _unchanged(alert, lambda c=call: c(personas.leader), NotAllowed)  # readers see, do not act
        _unchanged(alert, lambda c=call: c(personas.unit_handler), NotAllowed)
        _unchanged(alert, lambda c=call: c(personas.county_staff, 5), Conflict)


def test_act_linked_by_number_to_a_screening_or_a_matter(tree: Tree, personas: Personas) -> None:
    s = screening(tree.village_a1x, personas.village_agent)
    alert = make_alert(tree.town_a1)
    done = alert_act(
        actor=personas.township_staff,
        alert_id=alert.pk,
        expected_version=0,
        number=f" {s.number} ",
        note="已约谈",
    )
    assert (done.status, done.acted_screening, done.note) == (AlertStatus.ACTED, s, "已约谈")
    event = AlertEvent.objects.get(alert=alert)
    assert event.kind == "act" and s.number in event.summary and event.details["link"] == f"screening:{s.pk}"

    m = intake_on(at(2026, 6, 3), personas.village_agent, tree.village_a1x)
    other = make_alert(tree.town_a1)
    done = alert_act(
        actor=personas.county_staff, alert_id=other.pk, expected_version=0, number=m.number, note="并案"
    )
    assert (done.acted_matter, done.acted_screening) == (m, None)


def test_act_linked_from_the_list_to_a_visit(tree: Tree, personas: Personas) -> None:
    visit = Visit.objects.create(
        region=tree.village_a1x,
        kind="door",
        visited_on=at(2026, 6, 3).date(),
        recorded_by=personas.village_agent,
    )
    alert = make_alert(tree.village_a1x)
    done = alert_act(
        actor=personas.village_agent,
        alert_id=alert.pk,
        expected_version=0,
        target=f"visit:{visit.pk}",
        note="入户",
    )
    assert done.acted_visit == visit


def test_act_refusals_name_their_field(tree: Tree, personas: Personas) -> None:
    alert = make_alert(tree.town_a1)
    outside = screening(tree.village_b1x, personas.outsider_village_agent)
    outside_matter = intake_on(
        at(2026, 6, 3), personas.outsider_village_agent, tree.village_b1x, petitioners=person(1)
    )
    mine = screening(tree.village_a1x, personas.village_agent)

    def act(**kwargs: Any) -> Callable[[], Any]:
        values = {"target": "", "number": "", "note": "已处置"} | kwargs
        return lambda: alert_act(
            actor=personas.township_staff, alert_id=alert.pk, expected_version=0, **values
        )

    assert _field(_unchanged(alert, act(), ValidationError)) == "target"
    assert _field(_unchanged(alert, act(target="screening:abc"), ValidationError)) == "target"
    assert _field(_unchanged(alert, act(target="person:1"), ValidationError)) == "target"
    assert _field(_unchanged(alert, act(target=f"screening:{outside.pk}"), ValidationError)) == "target"
    assert _field(_unchanged(alert, act(target=f"matter:{outside_matter.pk}"), ValidationError)) == "target"
    assert _field(_unchanged(alert, act(number=outside.number), ValidationError)) == "number"
    assert _field(_unchanged(alert, act(number="PC000000-2026-99999"), ValidationError)) == "number"
    assert _field(_unchanged(alert, act(number="x" * 25), ValidationError)) == "number"
    assert _field(_unchanged(alert, act(target=f"screening:{mine.pk}", note="  "), ValidationError)) == "note"


def test_dismiss_needs_a_reason_and_closes_the_alert(tree: Tree, personas: Personas) -> None:
    alert = make_alert(tree.town_a1)
    exc = _unchanged(
        alert,
        lambda: alert_dismiss(
            actor=personas.township_staff, alert_id=alert.pk, expected_version=0, reason=" "
        ),
        ValidationError,
    )
    assert _field(exc) == "reason"
    alert_acknowledge(actor=personas.township_staff, alert_id=alert.pk, expected_version=0)
    done = alert_dismiss(
        actor=personas.county_staff, alert_id=alert.pk, expected_version=1, reason="重复登记"
    )
    assert (done.status, done.note, done.version) == (AlertStatus.DISMISSED, "重复登记", 2)
    assert list(AlertEvent.objects.filter(alert=alert).values_list("kind", flat=True)) == [
        "acknowledge",
        "dismiss",
    ]
    with pytest.raises(WrongState):
        alert_act(
            actor=personas.county_staff, alert_id=alert.pk, expected_version=2, number="", target="", note="x"
        )
    with pytest.raises(WrongState):
        alert_dismiss(actor=personas.county_staff, alert_id=alert.pk, expected_version=2, reason="again")
