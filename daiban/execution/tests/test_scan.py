"""An item not carried out by its date enters the supervision ladder: exactly one 督办单 per item, however
often the periodic task runs; the accountability selector finds the matter."""

from __future__ import annotations

import datetime

from conftest import Personas, Tree
from daiban.core import clock
from daiban.execution import scan, selectors, tasks
from daiban.execution.models import SupportItem
from daiban.execution.tests.helpers import client_for, record, supported
from daiban.matters.tests.factories import Flow
from daiban.notify.models import Message
from daiban.supervision import scan as supervision_scan
from daiban.supervision.models import OrderStatus, Rung, SupervisionOrder


def test_an_overdue_item_gets_exactly_one_order_however_often_the_task_runs(
    flow: Flow, tree: Tree, personas: Personas
) -> None:
    m, items = supported(flow, days=10)
    with clock.frozen(flow.now):
        assert scan.scan() == {"supervised": 0}  # not due yet
    flow.later(days=11)  # the first item is overdue, the second (15 days) not yet
    with clock.frozen(flow.now):
        assert tasks.run_scan() == {"supervised": 1}
        assert tasks.run_scan() == {"supervised": 0}
        assert scan.supervise(items[0].pk) is None  # a second consumer that read the same range
    orders = list(SupervisionOrder.objects.filter(matter=m))
    assert len(orders) == 1
    order = orders[0]
    assert order.rung == Rung.ORDER and order.unit == tree.unit_housing_a and order.issued_by == tree.county_a
    assert order.task is None and "补发维修资金" in order.reason
    item = SupportItem.objects.get(pk=items[0].pk)
    assert item.supervision_order == order and item.supervised_at is not None
    assert (
        Message.objects.filter(recipient=personas.unit_handler, key=f"supervision:{order.number}").count()
        == 1
    )
    assert order.events.get().kind == "issue"
    for user in (personas.unit_handler, personas.county_staff, personas.supervisor):
        page = client_for(user).get(f"/supervision/orders/{order.pk}/")  # the order's own page
        assert page.status_code == 200 and order.number in page.content.decode()
    flow.later(days=5)  # now the second item too; the first is not ordered again
    with clock.frozen(flow.now):
        assert tasks.run_scan() == {"supervised": 1}
        assert tasks.run_scan() == {"supervised": 0}
    assert SupervisionOrder.objects.filter(matter=m).count() == 2
    # The item named in words is supervised at the issuing unit (it sees its opinion carried out).
    second = SupportItem.objects.get(pk=items[1].pk).supervision_order
    assert second is not None and second.unit == tree.unit_housing_a


def test_carried_out_items_are_not_supervised(flow: Flow) -> None:
    m, items = supported(flow, days=3)
    for item in items:
        record(flow, m, item, "done")
    flow.later(days=30)
    with clock.frozen(flow.now):
        assert scan.scan() == {"supervised": 0}
    assert not SupervisionOrder.objects.filter(matter=m).exists()


def test_an_unanswered_order_climbs_the_ladder(flow: Flow, tree: Tree) -> None:
    m, _ = supported(flow, days=3)
    flow.later(days=4)  # the first item is overdue (the second is due in 8 days)
    with clock.frozen(flow.now):
        scan.scan()
    flow.later(days=30)  # the written feedback is long overdue
    with clock.frozen(flow.now):
        supervision_scan.scan()
        supervision_scan.scan()
    order = SupervisionOrder.objects.get(matter=m, rung=Rung.ORDER, unit=tree.unit_housing_a, task=None)
    assert order.status == OrderStatus.ESCALATED
    listed = SupervisionOrder.objects.get(matter=m, rung=Rung.LISTED)  # once, though the scan ran twice
    assert order.escalated_to == listed and listed.discipline_region == tree.city


def test_overdue_unexecuted_selects_the_matters_in_scope(flow: Flow, personas: Personas) -> None:
    m, items = supported(flow, days=3)
    today = flow.today
    assert not selectors.overdue_unexecuted(personas.county_staff, today).exists()
    later = today + datetime.timedelta(days=4)
    assert list(selectors.overdue_unexecuted(personas.county_staff, later)) == [m]
    assert list(selectors.overdue_unexecuted(personas.unit_handler, later)) == [m]
    assert not selectors.overdue_unexecuted(personas.outsider, later).exists()
    assert not selectors.overdue_unexecuted(personas.outsider_unit_handler, later).exists()
    record(flow, m, items[0], "partly")
    assert list(selectors.overdue_unexecuted(personas.county_staff, later)) == [m]
    record(flow, m, items[0], "done")
    later = today + datetime.timedelta(days=20)  # past the second item's date too
    assert list(selectors.overdue_unexecuted(personas.county_staff, later)) == [m]
    record(flow, m, items[1], "done")
    assert not selectors.overdue_unexecuted(personas.county_staff, later).exists()
