"""责令改正 and the 整改 report: what they write, whom they tell, and every refusal changing nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas, Tree
from daiban.accountability import failures
from daiban.accountability.actions import correction_order, correction_report
from daiban.accountability.models import CorrectionOrder, FailureKind, OrderStatus
from daiban.accountability.tests import helpers
from daiban.accountability.tests.helpers import CHECK_DAY
from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters.choices import EventKind
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope, WrongState
from daiban.matters.models import Event, Matter
from daiban.matters.tests.factories import Flow, at
from daiban.notify.models import Message

DUE = CHECK_DAY + datetime.timedelta(days=10)


def _order(actor: User, m: Matter, failure: str = FailureKind.HANDLING_LATE, **kw: Any) -> Matter:
    m.refresh_from_db()
    args: dict[str, Any] = {"instructions": "即日办结并书面答复信访人", "due_date": DUE, **kw}
    with clock.frozen(at(CHECK_DAY.year, CHECK_DAY.month, CHECK_DAY.day)):
        return correction_order(
            actor=actor, matter_id=m.pk, expected_version=m.version, failure=failure, **args
        )


def _state(m: Matter) -> tuple[object, ...]:
    m = Matter.objects.get(pk=m.pk)
    return (
        m.version,
        Event.objects.filter(matter=m).count(),
        CorrectionOrder.objects.count(),
        Message.objects.count(),
    )


def test_the_county_orders_the_unit_to_correct_late_handling(
    flow: Flow, personas: Personas, tree: Tree
) -> None:
    m = helpers.handling_late(flow)
    done = _order(personas.county_staff, m)
    order = CorrectionOrder.objects.get()
    assert (order.failure, order.to_unit, order.to_region, order.status) == (
        FailureKind.HANDLING_LATE,
        tree.unit_housing_a,
        None,
        OrderStatus.PENDING,
    )
    assert order.ordered_by_region == tree.county_a and order.scope_county == m.scope_county
    event = Event.objects.filter(matter=m).latest("seq")
    assert event.kind == EventKind.CORRECTION_ORDER and event.seq == done.version
    assert event.details["instructions"] == "即日办结并书面答复信访人"
    assert "新城区住建局" in event.summary or tree.unit_housing_a.name in event.summary
    told = Message.objects.get(kind="correction_order")
    assert told.recipient == personas.unit_handler and m.number in told.text


def test_a_route_failure_is_ordered_to_the_level_that_held_it(
    flow: Flow, personas: Personas, tree: Tree
) -> None:
    m = helpers.route_open_late(flow)
    _order(personas.city_admin, m, FailureKind.ROUTE_LATE)
    order = CorrectionOrder.objects.get()
    assert order.to_region == tree.county_a and order.to_unit is None
    assert Message.objects.filter(kind="correction_order", recipient=personas.county_staff).exists()


def test_the_same_level_may_not_order_itself(flow: Flow, personas: Personas) -> None:
    m = helpers.route_open_late(flow)
    before = _state(m)
    with pytest.raises(NotAllowed):
        _order(personas.county_staff, m, FailureKind.ROUTE_LATE)
    assert _state(m) == before


def test_refused_without_that_failure(flow: Flow, personas: Personas) -> None:
    fine = helpers.routed_on_time(flow)
    late = helpers.handling_late(flow)
    before = _state(fine), _state(late)
    with pytest.raises(WrongState):
        _order(personas.county_staff, fine)
    with pytest.raises(WrongState):
        _order(personas.county_staff, late, FailureKind.NOTICE_LATE)
    assert (_state(fine), _state(late)) == before


@pytest.mark.parametrize("who", ["village_agent", "unit_handler", "leader", "supervisor"])
def test_refused_to_those_who_are_not_superiors(who: str, flow: Flow, personas: Personas) -> None:
    m = helpers.handling_late(flow)
    before = _state(m)
    with pytest.raises(NotAllowed):
        _order(getattr(personas, who), m)
    assert _state(m) == before


@pytest.mark.parametrize("who", ["outsider", "outsider_village_agent", "outsider_unit_handler"])
def test_outside_scope_is_out_of_scope(who: str, flow: Flow, personas: Personas) -> None:
    m = helpers.handling_late(flow)
    before = _state(m)
    with pytest.raises(OutOfScope):
        _order(getattr(personas, who), m)
    assert _state(m) == before


def test_one_pending_order_per_failure_and_a_stale_version_is_a_conflict(
    flow: Flow, personas: Personas
) -> None:
    m = helpers.handling_late(flow)
    _order(personas.county_staff, m)
    before = _state(m)
    with pytest.raises(WrongState):
        _order(personas.city_admin, m)
    with (
        clock.frozen(at(CHECK_DAY.year, CHECK_DAY.month, CHECK_DAY.day)),
        pytest.raises(Conflict),
    ):
        correction_order(
            actor=personas.city_admin,
            matter_id=m.pk,
            expected_version=0,
            failure=FailureKind.HANDLING_LATE,
            instructions="x",
            due_date=DUE,
        )
    assert _state(m) == before


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("failure", {"failure": "nonsense"}),
        ("instructions", {"instructions": "  "}),
        ("instructions", {"instructions": "字" * 1001}),
        ("due_date", {"due_date": None}),
        ("due_date", {"due_date": CHECK_DAY - datetime.timedelta(days=1)}),
        ("due_date", {"due_date": CHECK_DAY + datetime.timedelta(days=400)}),
    ],
)
def test_bad_input_names_the_field(
    field: str, kwargs: dict[str, Any], flow: Flow, personas: Personas
) -> None:
    m = helpers.handling_late(flow)
    before = _state(m)
    with pytest.raises(ValidationError) as caught:
        _order(personas.county_staff, m, **kwargs)
    assert field in caught.value.message_dict
    assert _state(m) == before


def _report(
    actor: User, order: CorrectionOrder, text: str = "已办结并送达处理意见书", version: int | None = None
) -> Any:
    order.refresh_from_db()
    return correction_report(
        actor=actor,
        order_id=order.pk,
        expected_version=order.version if version is None else version,
        report=text,
    )


def test_the_unit_reports_its_correction(flow: Flow, personas: Personas) -> None:
    m = helpers.handling_late(flow)
    _order(personas.county_staff, m)
    order = CorrectionOrder.objects.get()
    _report(personas.unit_handler, order)
    order.refresh_from_db()
    assert order.status == OrderStatus.DONE and order.reported_by == personas.unit_handler
    event = Event.objects.filter(matter=m).latest("seq")
    assert event.kind == EventKind.CORRECTION_ORDER and event.details["stage"] == "report"
    assert Message.objects.filter(
        recipient=personas.county_staff, key=f"correction:{order.pk}:report"
    ).exists()
    # Corrected: the same failure may be ordered again if it persists.
    assert FailureKind.HANDLING_LATE not in failures.pending_kinds(m)


def test_the_report_is_refused_to_others_and_twice(flow: Flow, personas: Personas) -> None:
    m = helpers.handling_late(flow)
    _order(personas.county_staff, m)
    order = CorrectionOrder.objects.get()
    before = _state(m)
    for who in ("county_staff", "city_admin", "township_staff", "village_agent"):
        with pytest.raises(NotAllowed):
            _report(getattr(personas, who), order)
    for who in ("outsider", "outsider_unit_handler", "leader", "supervisor"):
        with pytest.raises(OutOfScope):
            _report(getattr(personas, who), order)
    with pytest.raises(Conflict):
        _report(personas.unit_handler, order, version=order.version + 5)
    with pytest.raises(ValidationError):
        _report(personas.unit_handler, order, text=" ")
    assert _state(m) == before
    _report(personas.unit_handler, order)
    with pytest.raises(WrongState):
        _report(personas.unit_handler, order)


def test_orderable_lists_what_the_button_offers(flow: Flow, personas: Personas, tree: Tree) -> None:
    m = helpers.notice_late(flow)
    kinds = {f.kind for f in failures.orderable(personas.county_staff, m, CHECK_DAY)}
    # Told late on 6 月 26 日, and the 60 days counted from then ran out before 9 月 1 日 as well.
    assert kinds == {FailureKind.NOTICE_LATE, FailureKind.HANDLING_LATE}
    assert failures.orderable(personas.unit_handler, m, CHECK_DAY) == []
    assert failures.orderable(personas.village_agent, m, CHECK_DAY) == []
    _order(personas.county_staff, m, FailureKind.NOTICE_LATE)
    left = {f.kind for f in failures.orderable(personas.county_staff, m, CHECK_DAY)}
    assert left == {FailureKind.HANDLING_LATE}
