"""The execution demo (daiban.demo.execution): support items listed by the issuing unit through the real
action, one matter's first item carried out with a receipt photo, the overdue rest under supervision once;
loaded once."""

from __future__ import annotations

import datetime

from conftest import Personas, Tree
from daiban.core import clock
from daiban.demo.execution import load_demo_execution
from daiban.execution.models import ItemStatus, SupportItem
from daiban.matters.tests.factories import Flow
from daiban.supervision.models import SupervisionOrder


def test_items_records_and_supervision(tree: Tree, personas: Personas) -> None:
    flow = Flow(tree, personas)
    m = flow.replied()
    with clock.frozen(flow.now + datetime.timedelta(days=30)):
        result = load_demo_execution()
        assert result is not None and load_demo_execution() is None  # once only
    assert result.matters == [m.number] and result.items == 2 and result.records == 2
    first, second = SupportItem.objects.filter(matter=m).order_by("id")
    assert first.status == ItemStatus.DONE and first.unit == tree.unit_housing_a
    assert first.records.last().evidence.get().content_type == "image/png"  # type: ignore[union-attr]
    assert second.status == ItemStatus.PENDING and "{" not in second.what and second.who_text
    assert result.supervised == 1 and second.supervision_order is not None
    assert SupervisionOrder.objects.filter(matter=m).count() == 1
