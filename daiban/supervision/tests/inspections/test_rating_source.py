"""A 督查件 opened from a rating outside the matter's timeline (the petitioner's online rating, daiban.portal):
named by a source key instead of a follow-up event, one per key however often or concurrently it is asked,
telling the county centre and 纪检 like the follow-up's; the table holds exactly one source per row."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from conftest import Personas, Tree
from daiban.core import clock
from daiban.matters.tests.factories import Flow
from daiban.notify.models import Message
from daiban.supervision.actions.inspections import inspection_open_for_rating
from daiban.supervision.models import Inspection


def test_one_inspection_per_source_key(tree: Tree, personas: Personas) -> None:
    flow = Flow(tree, personas)
    m = flow.replied()
    with clock.frozen(flow.now):
        first = inspection_open_for_rating(matter_id=m.pk, source_key="rating:1", rated_at=flow.now)
        again = inspection_open_for_rating(matter_id=m.pk, source_key="rating:1", rated_at=flow.now)
        other = inspection_open_for_rating(matter_id=m.pk, source_key="rating:2", rated_at=flow.now)
    assert first is not None and again is None and other is not None
    assert first.source_event_id is None and first.unit == tree.unit_housing_a
    assert first.reason.endswith("网上评价，信访人对新城区住房和城乡建设局的办理不满意。")
    assert first.events.get().summary == "网上评价不满意，立督查件（新城区住房和城乡建设局的办理）"
    told = set(Message.objects.filter(kind="inspection").values_list("recipient__username", flat=True))
    assert told == {"county_staff", "supervisor"}
    assert "网上评价中信访人对办理单位不满意" in Message.objects.filter(kind="inspection").first().text  # type: ignore[union-attr]


def test_a_local_answer_is_inspected_as_local_handling(tree: Tree, personas: Personas) -> None:
    flow = Flow(tree, personas)
    m = flow.local()
    with clock.frozen(flow.now):
        opened = inspection_open_for_rating(matter_id=m.pk, source_key="rating:9", rated_at=flow.now)
    assert opened is not None and opened.unit is None and "就地办理" in opened.reason


def test_an_unknown_matter_or_a_bad_key_opens_nothing(tree: Tree, personas: Personas) -> None:
    flow = Flow(tree, personas)
    assert inspection_open_for_rating(matter_id=999999, source_key="rating:1", rated_at=flow.now) is None
    for key in ("", "x" * 41):
        with pytest.raises(ValueError):
            inspection_open_for_rating(matter_id=1, source_key=key, rated_at=flow.now)
    assert not Inspection.objects.exists()


def test_a_row_has_exactly_one_source(tree: Tree, personas: Personas) -> None:
    flow = Flow(tree, personas)
    m = flow.replied()
    with clock.frozen(flow.now):
        opened = inspection_open_for_rating(matter_id=m.pk, source_key="rating:1", rated_at=flow.now)
    assert opened is not None
    event = m.events.order_by("-seq").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Inspection.objects.filter(pk=opened.pk).update(source_event=event)  # both
    with pytest.raises(IntegrityError), transaction.atomic():
        Inspection.objects.filter(pk=opened.pk).update(source_key="")  # neither
