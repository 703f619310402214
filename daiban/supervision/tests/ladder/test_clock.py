"""A routed matter driven by the clock: routed → due soon (reminder) → overdue (reminder + 督办单) →
feedback deadline passed (挂牌督办 by the city, its 纪检 copied), with the right people told, and nothing
twice when the scan runs again."""

from __future__ import annotations

import datetime

from django.test import override_settings

from conftest import Personas, Tree
from daiban.matters import actions
from daiban.matters.actions import PetitionerInput
from daiban.matters.models import Deadline, Matter
from daiban.matters.tests.factories import Flow
from daiban.notify.models import Message
from daiban.supervision import scan
from daiban.supervision.actions.ladder import workdays_ahead
from daiban.supervision.models import (
    OrderEvent,
    OrderStatus,
    Reminder,
    Rung,
    SupervisionOrder,
)
from daiban.supervision.tests.ladder.helpers import (
    Outbox,
    accept_notice,
    outbox,  # noqa: F401  (the fixture)
    routed_with_leaders,
    scan_on,
)

D = datetime.date
UNIT = {"unit_handler", "unit_handler_2"}
LEADERS = {"leader", "city_leader"}


def _counts() -> tuple[int, int, int]:
    return Reminder.objects.count(), SupervisionOrder.objects.count(), OrderEvent.objects.count()


def test_the_clock_climbs_the_ladder(tree: Tree, personas: Personas, outbox: Outbox) -> None:  # noqa: F811
    ladder = routed_with_leaders(tree, personas)
    m = ladder.matter
    due = accept_notice(m).due_date
    assert due == D(2026, 6, 16)

    # Routed, a week to go: nothing yet (the objection window passing is a right, never reminded).
    assert scan_on(D(2026, 6, 9)) == {"due_soon": 0, "overdue": 0, "orders": 0, "listed": 0}
    assert not outbox.calls

    # Three working days before: 临期.
    assert scan_on(D(2026, 6, 11))["due_soon"] == 1
    (soon,) = outbox.calls
    assert soon.kind == "due_soon" and soon.matter_id == m.pk
    assert set(soon.recipients) == UNIT | LEADERS
    assert m.number in soon.text and m.title not in soon.text
    assert scan_on(D(2026, 6, 12)) == {"due_soon": 0, "overdue": 0, "orders": 0, "listed": 0}

    # The day after the due date: 超期 and a 督办单 from 新城区 (which routed it) to the unit.
    assert scan_on(D(2026, 6, 17)) == {"due_soon": 0, "overdue": 1, "orders": 1, "listed": 0}
    order = SupervisionOrder.objects.get(matter=m, rung=Rung.ORDER)
    assert (order.issued_by, order.unit, order.status) == (tree.county_a, tree.unit_housing_a, "open")
    assert order.feedback_due == workdays_ahead(D(2026, 6, 17), 5) == D(2026, 6, 25)  # 端午 6-19 skipped
    assert order.number.startswith("DB150102-2026-")
    assert (order.scope_county, order.discipline_region) == ("150102", None)
    assert [(e.kind, e.actor) for e in order.events.all()] == [("issue", None)]
    kinds = [c.kind for c in outbox.calls]
    assert kinds == ["due_soon", "overdue", "supervision_order"]
    assert set(outbox.calls[1].recipients) == UNIT | LEADERS
    assert set(outbox.calls[2].recipients) == UNIT | LEADERS
    assert outbox.calls[2].url == f"/supervision/orders/{order.pk}/" and outbox.calls[2].urgent

    # Until the feedback date nothing more happens, however often the scan runs.
    before = _counts()
    for day in (D(2026, 6, 18), D(2026, 6, 22), D(2026, 6, 25)):
        assert scan_on(day) == {"due_soon": 0, "overdue": 0, "orders": 0, "listed": 0}
    assert _counts() == before and len(outbox.calls) == 3

    # Feedback missing after 6-25: 挂牌督办 by the city, copied to the city's 纪检.
    assert scan_on(D(2026, 6, 26))["listed"] == 1
    order.refresh_from_db()
    listed = SupervisionOrder.objects.get(matter=m, rung=Rung.LISTED)
    assert order.status == OrderStatus.ESCALATED and order.escalated_to == listed
    assert (listed.issued_by, listed.discipline_region) == (tree.city, tree.city)
    assert listed.number.startswith("GP150102-2026-")
    assert [e.kind for e in order.events.all()] == ["issue", "escalate"]
    assert [(e.kind, e.actor) for e in listed.events.all()] == [("list", None)]
    last = outbox.calls[-1]
    assert last.kind == "listed_supervision" and last.urgent
    assert set(last.recipients) == UNIT | LEADERS | {"city_supervisor"}
    assert "supervisor" not in last.recipients  # the county's 纪检 is not the listing level's

    # Again, and again: nothing twice.
    before, calls = _counts(), len(outbox.calls)
    for day in (D(2026, 6, 26), D(2026, 6, 29), D(2026, 7, 20)):
        assert scan_on(day) == {"due_soon": 0, "overdue": 0, "orders": 0, "listed": 0}
    assert _counts() == before and len(outbox.calls) == calls
    assert len(outbox.keys()) == len(set(outbox.keys()))

    # The messages the notify app stored: one per person and thing, each about this matter.
    def kinds(username: str) -> list[str]:
        return list(
            Message.objects.filter(recipient__username=username, kind__in=ladder_kinds)
            .order_by("id")
            .values_list("kind", flat=True)
        )

    ladder_kinds = ["due_soon", "overdue", "supervision_order", "listed_supervision"]
    for who in (*UNIT, *LEADERS):
        assert kinds(who) == ladder_kinds, who
    assert kinds("city_supervisor") == ["listed_supervision"]
    assert set(Message.objects.values_list("matter_id", flat=True)) == {m.pk}
    for who in ("outsider", "outsider_unit_handler", "outsider_village_agent", "supervisor"):
        assert kinds(who) == [], who


def test_feedback_in_time_and_the_clock_met_stops_the_ladder(
    tree: Tree,
    personas: Personas,
    outbox: Outbox,  # noqa: F811
) -> None:
    from daiban.supervision.actions.ladder import order_feedback

    ladder = routed_with_leaders(tree, personas)
    m = ladder.matter
    scan_on(D(2026, 6, 17))
    order = SupervisionOrder.objects.get(matter=m)
    flow = ladder.flow.on(2026, 6, 18)
    flow.call(
        order_feedback,
        actor=personas.unit_handler,
        order_id=order.pk,
        expected_version=order.version,
        feedback="已于今日受理并书面告知信访人。",
    )
    flow.act_task(actions.task_accept, personas.unit_handler, flow.lead_task(m), notice_method="written")
    assert scan_on(D(2026, 6, 26))["listed"] == 0
    order.refresh_from_db()
    # Answered and the clock met: the order ends, and leaves the scan's range for good.
    assert order.status == OrderStatus.CLOSED
    assert [e.kind for e in order.events.all()][-1] == "close"
    assert not SupervisionOrder.objects.filter(rung=Rung.LISTED).exists()
    assert not scan.escalation_range(D(2026, 7, 30)).exists()


def test_an_upheld_objection_ends_the_order_and_the_next_unit_is_supervised_on_its_own(
    tree: Tree,
    personas: Personas,
    outbox: Outbox,  # noqa: F811
) -> None:
    ladder = routed_with_leaders(tree, personas)
    m = ladder.matter
    flow = ladder.flow.on(2026, 6, 5)
    task = flow.lead_task(m)
    flow.act_task(
        actions.task_object, personas.unit_handler, task, reasons="本事项不属于本单位职责，应由人社部门办理。"
    )
    # The routing level decides only after the unit's acceptance clock has passed: a 督办单 meanwhile.
    scan_on(D(2026, 6, 17))
    order = SupervisionOrder.objects.get(task=task, rung=Rung.ORDER)
    flow = ladder.flow.on(2026, 6, 18)
    flow.act_task(actions.task_objection_agree, personas.county_staff, task)
    # Its feedback date passes: the order ends instead of being listed against a unit that was not responsible.
    assert scan_on(D(2026, 6, 26))["listed"] == 0
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED
    assert not SupervisionOrder.objects.filter(rung=Rung.LISTED).exists()
    # Routed again, to 人社局, which also lets its clock pass: it gets its own 督办单.
    flow = ladder.flow.on(2026, 6, 29)
    m = Flow.fresh(m)
    flow.act(actions.matter_route, personas.county_staff, m, lead_unit=tree.unit_hr_a)
    second = flow.lead_task(Flow.fresh(m))
    due = Deadline.objects.get(task=second, step="accept_notice").due_date
    assert scan_on(due + datetime.timedelta(days=1))["orders"] == 1
    assert SupervisionOrder.objects.get(task=second, rung=Rung.ORDER).unit == tree.unit_hr_a


def test_feedback_given_but_still_overdue_is_listed(
    tree: Tree,
    personas: Personas,
    outbox: Outbox,  # noqa: F811
) -> None:
    from daiban.supervision.actions.ladder import order_feedback

    ladder = routed_with_leaders(tree, personas)
    scan_on(D(2026, 6, 17))
    order = SupervisionOrder.objects.get(matter=ladder.matter)
    ladder.flow.on(2026, 6, 18).call(
        order_feedback,
        actor=personas.unit_handler,
        order_id=order.pk,
        expected_version=order.version,
        feedback="正在核实，尽快受理。",
    )
    assert scan_on(D(2026, 6, 26))["listed"] == 1
    listed = SupervisionOrder.objects.get(rung=Rung.LISTED)
    assert "仍逾期" in listed.reason


def test_a_city_routed_matter_is_listed_by_the_city_itself(
    tree: Tree,
    personas: Personas,
    outbox: Outbox,  # noqa: F811
) -> None:
    """Never above the city: an order the city issued is listed by the city."""
    ladder = routed_with_leaders(tree, personas)
    order_day = D(2026, 6, 17)
    scan_on(order_day)
    SupervisionOrder.objects.filter(rung=Rung.ORDER).update(issued_by=tree.city)
    scan_on(D(2026, 6, 26))
    listed = SupervisionOrder.objects.get(matter=ladder.matter, rung=Rung.LISTED)
    assert listed.issued_by == tree.city == listed.discipline_region


def test_reminders_of_a_held_matter_reach_its_agents_and_leaders(
    tree: Tree,
    personas: Personas,
    outbox: Outbox,  # noqa: F811
) -> None:
    """A level's clock (no unit yet): the agents of the holding level and the responsible agent; the
    leaders of a 双包案 both; never anyone outside the matter's scope. No 督办单 for a level's clock."""
    ladder = routed_with_leaders(tree, personas)
    other = [PetitionerInput(name="李明", phone="13904719999", group="resident")]
    m = ladder.flow.at_village(petitioners=other)  # held by 苏雅拉社区, route clock 15 days from 6-01
    ladder.flow.act(
        actions.matter_assign_leaders,
        personas.county_staff,
        m,
        leaders=[personas.leader, ladder.city_leader],
    )
    scan_on(D(2026, 6, 17))
    about = [c for c in outbox.calls if c.matter_id == m.pk]
    assert [c.kind for c in about] == ["overdue"]
    assert set(about[0].recipients) == {"village_agent", "leader", "city_leader"}
    assert not SupervisionOrder.objects.filter(matter=m).exists()
    for c in outbox.calls:
        assert "outsider" not in c.recipients and "outsider_unit_handler" not in c.recipients


@override_settings(SUPERVISION_DUE_SOON_WORKDAYS=1, SUPERVISION_FEEDBACK_WORKDAYS=2)
def test_thresholds_are_settings(tree: Tree, personas: Personas, outbox: Outbox) -> None:  # noqa: F811
    ladder = routed_with_leaders(tree, personas)
    assert scan_on(D(2026, 6, 11))["due_soon"] == 0
    assert scan_on(D(2026, 6, 15))["due_soon"] == 1
    scan_on(D(2026, 6, 17))
    order = SupervisionOrder.objects.get(matter=ladder.matter)
    assert order.feedback_due == D(2026, 6, 22)  # Thu 6-18, (端午 Fri 6-19), Mon 6-22


def test_a_closed_clock_is_not_reminded(tree: Tree, personas: Personas, outbox: Outbox) -> None:  # noqa: F811
    ladder = routed_with_leaders(tree, personas)
    flow = ladder.flow.on(2026, 6, 10)
    flow.act_task(
        actions.task_accept, personas.unit_handler, flow.lead_task(ladder.matter), notice_method="written"
    )
    scan_on(D(2026, 6, 17))
    assert not Reminder.objects.filter(matter=ladder.matter).exists()
    assert not SupervisionOrder.objects.exists()
    assert Matter.objects.get(pk=ladder.matter.pk).status == "handling"
