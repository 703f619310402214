"""Recording a finding and closing a 督查件: the county centre or 纪检 in scope; each change one event and a
new version; refusals name the field, a stale version is a conflict, outside scope is "not found" — and a
refusal changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas, Tree
from daiban.core import clock
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope, WrongState
from daiban.matters.tests.factories import Flow
from daiban.supervision.actions import inspections as insp
from daiban.supervision.models import Inspection, InspectionStatus
from daiban.supervision.tests.inspections.helpers import dissatisfied


@pytest.fixture
def inspection(tree: Tree, personas: Personas) -> Inspection:
    flow = Flow(tree, personas)
    _, event = dissatisfied(flow)
    with clock.frozen(flow.now):
        opened = insp.inspection_open(event_id=event.pk)
    assert opened is not None
    return opened


def _unchanged(inspection: Inspection) -> None:
    fresh = Inspection.objects.get(pk=inspection.pk)
    assert (fresh.version, fresh.status, fresh.finding, fresh.events.count()) == (1, "open", "", 1)


def test_a_finding_then_the_close(inspection: Inspection, personas: Personas) -> None:
    found = insp.inspection_finding(
        actor=personas.county_staff, inspection_id=inspection.pk, expected_version=1, finding=" 已调阅卷宗 "
    )
    assert (found.version, found.finding, found.status) == (2, "已调阅卷宗", InspectionStatus.OPEN)
    closed = insp.inspection_close(
        actor=personas.supervisor, inspection_id=inspection.pk, expected_version=2, finding="单位已整改"
    )
    assert (closed.version, closed.status, closed.finding) == (3, "closed", "单位已整改")
    assert closed.closed_by == personas.supervisor and closed.closed_at is not None
    events = list(closed.events.order_by("seq").values_list("seq", "kind", "actor__username"))
    assert events == [(1, "open", None), (2, "finding", "county_staff"), (3, "close", "supervisor")]


def _finding(who: Any, inspection: Inspection, **kw: Any) -> Callable[[], Any]:
    args = {"expected_version": 1, "finding": "核查"} | kw
    return lambda: insp.inspection_finding(actor=who, inspection_id=inspection.pk, **args)


def _close(who: Any, inspection: Inspection, **kw: Any) -> Callable[[], Any]:
    args = {"expected_version": 1, "finding": "结论"} | kw
    return lambda: insp.inspection_close(actor=who, inspection_id=inspection.pk, **args)


@pytest.mark.parametrize("act", [_finding, _close])
@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("outsider", OutOfScope),  # 托克托县's centre
        ("village_agent", OutOfScope),  # does not read inspections at all
        ("unit_handler", OutOfScope),  # the inspected unit itself
        ("outsider_unit_handler", OutOfScope),
        ("leader", NotAllowed),  # reads, does not act
        ("city_admin", NotAllowed),
    ],
)
def test_who_may_not_act(
    inspection: Inspection, personas: Personas, act: Any, who: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        act(getattr(personas, who), inspection)()
    _unchanged(inspection)


@pytest.mark.parametrize("act", [_finding, _close])
@pytest.mark.parametrize("text", ["", "   ", "测" * 4_001])
def test_a_missing_or_long_text_is_refused_on_its_field(
    inspection: Inspection, personas: Personas, act: Any, text: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        act(personas.county_staff, inspection, finding=text)()
    assert list(caught.value.error_dict) == ["finding"]
    _unchanged(inspection)


@pytest.mark.parametrize("act", [_finding, _close])
def test_a_stale_version_is_a_conflict(inspection: Inspection, personas: Personas, act: Any) -> None:
    with pytest.raises(Conflict):
        act(personas.county_staff, inspection, expected_version=0)()
    _unchanged(inspection)


def test_the_same_finding_again_is_refused(inspection: Inspection, personas: Personas) -> None:
    _finding(personas.county_staff, inspection)()
    with pytest.raises(ValidationError) as caught:
        _finding(personas.county_staff, inspection, expected_version=2)()
    assert "finding" in caught.value.error_dict
    assert Inspection.objects.get(pk=inspection.pk).version == 2


@pytest.mark.parametrize("act", [_finding, _close])
def test_nothing_after_the_close(inspection: Inspection, personas: Personas, act: Any) -> None:
    _close(personas.county_staff, inspection)()
    with pytest.raises(WrongState):
        act(personas.supervisor, inspection, expected_version=2)()
    assert Inspection.objects.get(pk=inspection.pk).version == 2
