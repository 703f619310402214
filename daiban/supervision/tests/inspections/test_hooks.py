"""A follow-up rated 不满意 on the unit opens one 督查件 (after commit, through the matter hooks), tells the
county centre and the county's 纪检 once — and nobody outside the matter's scope; a satisfied one opens
none; the hook run twice, or a second consumer losing the race, opens nothing more."""

from __future__ import annotations

import pytest

from conftest import Personas, Tree, make_user
from daiban.accounts.models import Role
from daiban.matters import hooks
from daiban.matters.choices import EventKind
from daiban.matters.models import Event
from daiban.matters.tests.factories import Flow
from daiban.notify.models import Message
from daiban.supervision.actions import inspections as insp
from daiban.supervision.models import Inspection, InspectionStatus, Sequence
from daiban.supervision.tests.inspections.helpers import Told, dissatisfied, follow_up


def _announced(event: Event) -> hooks.MatterEvent:
    return hooks.MatterEvent(
        event_id=event.pk,
        matter_id=event.matter_id,
        seq=event.seq,
        kind=EventKind(event.kind),
        actor_id=event.actor_id,
        status_before=event.status_before,
        status_after=event.status_after,
    )


def test_a_dissatisfied_follow_up_opens_one_inspection_and_tells_the_county(
    tree: Tree, personas: Personas, told: Told, django_capture_on_commit_callbacks
) -> None:
    # Beyond the personas: a city 纪检 and an inactive 新城区 staff member (neither is told), and the other
    # county's staff (托克托县: outside the matter's scope).
    make_user("city_supervisor", Role.SUPERVISOR, tree.city)
    gone = make_user("gone_staff", Role.COUNTY_STAFF, tree.county_a)
    gone.is_active = False
    gone.save()
    flow = Flow(tree, personas)
    m, event = dissatisfied(flow, django_capture_on_commit_callbacks)

    inspection = Inspection.objects.get()
    assert inspection.matter_id == m.pk and inspection.source_event_id == event.pk
    assert inspection.number == "DC150102-2026-00001"
    assert inspection.unit == tree.unit_housing_a
    assert inspection.status == InspectionStatus.OPEN and inspection.version == 1
    assert "2026年6月7日回访" in inspection.reason and "新城区住房和城乡建设局" in inspection.reason
    assert (inspection.scope_county, inspection.scope_township) == ("150102", "150102401000")
    [opened] = inspection.events.all()
    assert (opened.kind, opened.actor_id, opened.seq) == ("open", None, 1)

    [sent] = [c for c in told.calls if c.kind == "inspection"]
    assert sent.recipients == ["county_staff", "supervisor"]
    assert sent.key == f"inspection:{inspection.pk}:opened"
    assert sent.url == f"/inspections/{inspection.pk}/" and sent.matter_id == m.pk
    assert m.number in sent.text and m.title not in sent.text and "王建国" not in sent.text
    for name in ("outsider", "outsider_village_agent", "city_supervisor", "gone_staff", "unit_handler"):
        assert told.to(name) == []
    stored = Message.objects.filter(kind="inspection").values_list("recipient__username", "url")
    assert sorted(stored) == [
        ("county_staff", f"/inspections/{inspection.pk}/"),
        ("supervisor", f"/inspections/{inspection.pk}/"),
    ]


def test_the_hook_run_twice_opens_one_and_tells_once(
    tree: Tree, personas: Personas, told: Told, django_capture_on_commit_callbacks
) -> None:
    flow = Flow(tree, personas)
    _, event = dissatisfied(flow, django_capture_on_commit_callbacks)
    insp.open_for_follow_up(_announced(event))
    insp.open_for_follow_up(_announced(event))
    assert insp.inspection_open(event_id=event.pk) is None
    assert Inspection.objects.count() == 1
    assert len([c for c in told.calls if c.kind == "inspection"]) == 1
    assert Sequence.objects.get(kind="DC").last == 1
    assert Message.objects.filter(kind="inspection").count() == 2


def test_a_consumer_that_loses_the_race_opens_nothing_and_uses_no_number(
    tree: Tree, personas: Personas, told: Told, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cheap check passes for both consumers; the second insert fails on the unique source event in
    its savepoint: no second row, no message, and the number it drew is given back."""
    flow = Flow(tree, personas)
    _, event = dissatisfied(flow)
    assert insp.inspection_open(event_id=event.pk) is not None
    monkeypatch.setattr(insp, "already_opened", lambda event_id: False)
    assert insp.inspection_open(event_id=event.pk) is None
    assert Inspection.objects.count() == 1
    assert len([c for c in told.calls if c.kind == "inspection"]) == 1
    _, other = dissatisfied(flow, new_matter=True)
    assert insp.inspection_open(event_id=other.pk).number == "DC150102-2026-00002"  # type: ignore[union-attr]


@pytest.mark.parametrize("rating", ["satisfied", "basically"])
def test_a_satisfied_follow_up_opens_none(
    tree: Tree, personas: Personas, told: Told, django_capture_on_commit_callbacks, rating: str
) -> None:
    flow = Flow(tree, personas)
    m = flow.fed_back()
    follow_up(flow, m, rating, django_capture_on_commit_callbacks)
    assert Inspection.objects.count() == 0
    assert [c for c in told.calls if c.kind == "inspection"] == []


def test_other_events_open_none(tree: Tree, personas: Personas) -> None:
    flow = Flow(tree, personas)
    m, _ = dissatisfied(flow)
    feedback = Event.objects.get(matter=m, kind=EventKind.FEEDBACK)
    insp.open_for_follow_up(_announced(feedback))
    assert insp.inspection_open(event_id=feedback.pk) is None
    assert insp.inspection_open(event_id=10**9) is None
    assert Inspection.objects.count() == 0


def test_each_dissatisfied_follow_up_opens_its_own_numbered_in_turn(
    tree: Tree, personas: Personas, django_capture_on_commit_callbacks
) -> None:
    flow = Flow(tree, personas)
    _, first = dissatisfied(flow, django_capture_on_commit_callbacks)
    _, second = dissatisfied(flow, django_capture_on_commit_callbacks, new_matter=True)
    assert sorted(Inspection.objects.values_list("source_event_id", "number")) == [
        (first.pk, "DC150102-2026-00001"),
        (second.pk, "DC150102-2026-00002"),
    ]


def test_the_subscriber_is_connected(tree: Tree, personas: Personas) -> None:
    assert insp.open_for_follow_up in hooks.subscribers_for(EventKind.FOLLOW_UP)
    assert insp.open_for_follow_up not in hooks.subscribers_for(EventKind.INTAKE)
