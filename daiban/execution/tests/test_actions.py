"""列明支持事项 and 登记落实情况 (arts. 32, 42(4)): who may take them, what they write, and that a refusal
changes nothing."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas, Tree
from daiban.execution.actions import execution_list_items, execution_record
from daiban.execution.models import Evidence, ExecutionRecord, ItemStatus, SupportItem
from daiban.execution.tests.helpers import list_items, record, row, supported
from daiban.matters import actions as matter_actions
from daiban.matters import workflow
from daiban.matters.choices import EventKind
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope, WrongState
from daiban.matters.models import Event, Matter
from daiban.matters.tests.factories import Flow


def _state(m: Matter) -> tuple[Any, ...]:
    m = Flow.fresh(m)
    return (
        m.version,
        Event.objects.filter(matter=m).count(),
        list(SupportItem.objects.filter(matter=m).values_list("id", "status", "version")),
        ExecutionRecord.objects.count(),
        Evidence.objects.count(),
    )


def _refused(call: Callable[[], Any], error: type[BaseException], m: Matter) -> BaseException:
    before = _state(m)
    with pytest.raises(error) as caught:
        call()
    assert _state(m) == before
    return caught.value


# ------------------------------------------------------------------------------------ listing items


def test_the_issuing_unit_lists_items_with_scope_columns_and_one_event(flow: Flow, tree: Tree) -> None:
    m = flow.replied()
    version = m.version
    items = list_items(flow, m)
    m = Flow.fresh(m)
    assert m.version == version + 1
    assert [i.status for i in items] == [ItemStatus.PENDING, ItemStatus.PENDING]
    assert items[0].unit == tree.unit_housing_a and items[0].responsible == tree.unit_housing_a.name
    assert items[1].unit is None and items[1].responsible == "某物业公司"
    assert items[0].scope_county == tree.county_a.code and items[0].region_path == m.region_path
    event = m.events.get(seq=m.version)
    assert event.kind == EventKind.SUPPORT_ITEMS and "第三十二条" in event.summary
    assert len(event.details["items"]) == 2
    texts = workflow.event_texts(event.kind, event.details)
    assert texts and texts[0][0] == "支持事项" and "补发维修资金" in texts[0][1]


def test_a_station_that_answered_on_the_spot_lists_its_own_items(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    flow.act(
        matter_actions.matter_reply_local,
        personas.village_agent,
        m,
        outcome="support",
        facts="属实",
        reasons="合理",
        basis="村规民约",
    )
    due = flow.today + datetime.timedelta(days=7)
    _refused(
        flow.bound(execution_list_items, personas.township_staff, m, items=[row("x", who="村委会", due=due)]),
        NotAllowed,
        m,
    )
    flow.act(
        execution_list_items, personas.village_agent, m, items=[row("修复排水沟", who="村委会", due=due)]
    )
    assert SupportItem.objects.get(matter=m).who_text == "村委会"


@pytest.mark.parametrize("who", ["county_staff", "village_agent", "leader", "supervisor", "city_admin"])
def test_only_the_issuing_organ_lists_items(flow: Flow, personas: Personas, who: str) -> None:
    m = flow.replied()
    due = flow.today + datetime.timedelta(days=7)
    call = flow.bound(execution_list_items, getattr(personas, who), m, items=[row("x", who="y", due=due)])
    _refused(call, (NotAllowed, OutOfScope), m)  # type: ignore[arg-type]


def test_outsiders_get_out_of_scope(flow: Flow, personas: Personas) -> None:
    m = flow.replied()
    due = flow.today + datetime.timedelta(days=7)
    for user in (personas.outsider, personas.outsider_unit_handler, personas.outsider_village_agent):
        _refused(flow.bound(execution_list_items, user, m, items=[row("x", who="y", due=due)]), OutOfScope, m)


def test_no_support_opinion_no_items(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    due = flow.today + datetime.timedelta(days=7)
    call = flow.bound(execution_list_items, personas.unit_handler, m, items=[row("x", who="y", due=due)])
    _refused(call, WrongState, m)
    m = flow.reply(m, outcome="explain")
    call = flow.bound(execution_list_items, personas.unit_handler, m, items=[row("x", who="y", due=due)])
    _refused(call, WrongState, m)


def test_a_stale_version_is_a_conflict(flow: Flow, personas: Personas) -> None:
    m = flow.replied()
    due = flow.today + datetime.timedelta(days=7)
    call = flow.bound(
        execution_list_items,
        personas.unit_handler,
        m,
        version=m.version - 1,
        items=[row("x", who="y", due=due)],
    )
    _refused(call, Conflict, m)


@pytest.mark.parametrize(
    ("items", "field"),
    [
        ([], "what_1"),
        ([{"what": "", "unit_id": None, "who": "物业", "due_date": None}], "what_1"),
        ([{"what": "x", "unit_id": None, "who": "", "due_date": "D"}], "who_1"),
        ([{"what": "x", "unit_id": None, "who": "物业", "due_date": None}], "due_1"),
        ([{"what": "x", "unit_id": None, "who": "物业", "due_date": "PAST"}], "due_1"),
        ([{"what": "x", "unit_id": None, "who": "物业", "due_date": "FAR"}], "due_1"),
        ([{"what": "x" * 501, "unit_id": None, "who": "物业", "due_date": "D"}], "what_1"),
        ([{"what": "x", "unit_id": None, "who": "物" * 81, "due_date": "D"}], "who_1"),
        ([{"what": "x", "unit_id": "OTHER_UNIT", "who": "", "due_date": "D"}], "unit_1"),
        (
            [
                {"what": "x", "unit_id": None, "who": "物业", "due_date": "D"},
                {"what": "", "unit_id": None, "who": "物业", "due_date": "D"},
            ],
            "what_2",
        ),
    ],
)
def test_bad_items_name_their_field_in_chinese(
    flow: Flow, personas: Personas, tree: Tree, items: list[dict[str, Any]], field: str
) -> None:
    m = flow.replied()
    dates = {
        "D": flow.today + datetime.timedelta(days=3),
        "PAST": flow.today - datetime.timedelta(days=1),
        "FAR": flow.today + datetime.timedelta(days=366 * 6),
    }
    items = [
        {
            **i,
            "due_date": dates.get(i["due_date"], i["due_date"]),
            "unit_id": tree.unit_housing_b.pk if i["unit_id"] == "OTHER_UNIT" else i["unit_id"],
        }
        for i in items
    ]
    error = _refused(
        flow.bound(execution_list_items, personas.unit_handler, m, items=items), ValidationError, m
    )
    assert isinstance(error, ValidationError)
    assert field in error.message_dict
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error.message_dict[field][0])


def _with_co_unit(flow: Flow, tree: Tree) -> tuple[Matter, Any]:
    """Handled with 新城区人社局 as co-unit (accepted, its part submitted), replied 支持."""
    from conftest import make_user
    from daiban.accounts.models import Role

    hr = make_user("hr_handler", Role.UNIT_HANDLER, tree.county_a, unit=tree.unit_hr_a)
    m = flow.handling(co_units=[tree.unit_hr_a])
    co = m.tasks.get(role="co")
    flow.act_task(matter_actions.task_accept, hr, co, notice_method="phone")
    flow.act_task(matter_actions.task_submit_part, hr, co, content="已核实")
    return flow.reply(m), hr


def test_a_co_unit_may_be_named(flow: Flow, personas: Personas, tree: Tree) -> None:
    m, _ = _with_co_unit(flow, tree)
    due = flow.today + datetime.timedelta(days=3)
    flow.act(
        execution_list_items, personas.unit_handler, m, items=[row("补缴社保", unit=tree.unit_hr_a, due=due)]
    )
    assert SupportItem.objects.get(matter=m).unit == tree.unit_hr_a


# ------------------------------------------------------------------------------- recording execution


def test_partly_then_done_with_evidence(flow: Flow, personas: Personas) -> None:
    m, items = supported(flow)
    flow.later(days=2)
    record(flow, m, items[0], "partly")
    item = SupportItem.objects.get(pk=items[0].pk)
    assert item.status == ItemStatus.PARTLY and item.done_at is None and item.last_recorded_at is not None
    flow.later(days=2)
    m = record(flow, m, items[0], "done")
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE and item.done_at is not None
    entry = item.records.order_by("-id").first()
    assert entry is not None and entry.recorded_by == personas.unit_handler
    evidence = entry.evidence.get()
    assert evidence.name == "回执.png" and evidence.content_type == "image/png" and evidence.size == 40
    assert not evidence.file.name.endswith("回执.png")  # stored under our own name
    event = Flow.fresh(m).events.order_by("-seq").first()
    assert event is not None and event.kind == EventKind.EXECUTION
    labels = dict(workflow.event_texts(event.kind, event.details))
    assert labels["落实情况"] == "已落实" and labels["佐证材料"] == "回执.png"


def test_done_needs_evidence_and_is_final(flow: Flow, personas: Personas) -> None:
    m, items = supported(flow)
    call = flow.bound(
        execution_record,
        personas.unit_handler,
        m,
        item_id=items[0].pk,
        status="done",
        note="办了",
        evidence=[],
    )
    error = _refused(call, ValidationError, m)
    assert "evidence" in error.message_dict  # type: ignore[attr-defined]
    record(flow, m, items[0], "done")
    call = flow.bound(
        execution_record,
        personas.unit_handler,
        m,
        item_id=items[0].pk,
        status="partly",
        note="x",
        evidence=[],
    )
    _refused(call, WrongState, m)


def test_a_file_that_is_not_an_image_or_pdf_is_refused(flow: Flow, personas: Personas) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    m, items = supported(flow)
    bad = SimpleUploadedFile("x.png", b"<script>alert(1)</script>", content_type="image/png")
    call = flow.bound(
        execution_record,
        personas.unit_handler,
        m,
        item_id=items[0].pk,
        status="done",
        note="x",
        evidence=[bad],
    )
    error = _refused(call, ValidationError, m)
    assert "evidence" in error.message_dict  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"status": "maybe"}, "status"),
        ({"note": "  "}, "note"),
        ({"note": "x" * 1001}, "note"),
        ({"item_id": 0}, "item"),
        ({"item_id": None}, "item"),
    ],
)
def test_bad_record_input_names_the_field(
    flow: Flow, personas: Personas, kwargs: dict[str, Any], field: str
) -> None:
    m, items = supported(flow)
    data = {"item_id": items[0].pk, "status": "partly", "note": "x", "evidence": [], **kwargs}
    error = _refused(flow.bound(execution_record, personas.unit_handler, m, **data), ValidationError, m)
    assert field in error.message_dict  # type: ignore[attr-defined]


def test_an_item_of_another_matter_is_refused(flow: Flow, personas: Personas) -> None:
    _, items = supported(flow)
    other, _ = supported(flow, new_matter=True)
    call = flow.bound(
        execution_record, personas.unit_handler, other, item_id=items[0].pk, status="partly", note="x"
    )
    _refused(call, ValidationError, other)


@pytest.mark.parametrize("who", ["county_staff", "village_agent", "township_staff", "leader", "supervisor"])
def test_others_in_scope_may_not_record(flow: Flow, personas: Personas, who: str) -> None:
    m, items = supported(flow)
    call = flow.bound(
        execution_record, getattr(personas, who), m, item_id=items[0].pk, status="partly", note="x"
    )
    _refused(call, (NotAllowed, OutOfScope), m)  # type: ignore[arg-type]


def test_outsiders_may_not_record(flow: Flow, personas: Personas) -> None:
    m, items = supported(flow)
    for user in (personas.outsider, personas.outsider_unit_handler):
        call = flow.bound(execution_record, user, m, item_id=items[0].pk, status="partly", note="x")
        _refused(call, OutOfScope, m)


def test_a_named_unit_records_its_own_item_only(flow: Flow, personas: Personas, tree: Tree) -> None:
    m, hr = _with_co_unit(flow, tree)
    due = flow.today + datetime.timedelta(days=3)
    flow.act(
        execution_list_items,
        personas.unit_handler,
        m,
        items=[row("补缴社保", unit=tree.unit_hr_a, due=due), row("维修", unit=tree.unit_housing_a, due=due)],
    )
    hr_item, housing_item = SupportItem.objects.filter(matter=m).order_by("id")
    call = flow.bound(execution_record, hr, m, item_id=housing_item.pk, status="partly", note="x")
    _refused(call, NotAllowed, m)
    flow.act(execution_record, hr, m, item_id=hr_item.pk, status="partly", note="已补缴一半")
    # The issuing unit may record any item of its opinion.
    flow.act(execution_record, personas.unit_handler, m, item_id=hr_item.pk, status="partly", note="跟进")
    assert SupportItem.objects.get(pk=hr_item.pk).records.count() == 2


def test_buttons_are_offered_exactly_when_they_apply(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    keys = {o.key for o in workflow.available(personas.unit_handler, Flow.fresh(m))}
    assert "support_items" not in keys and "execution" not in keys
    m, items = supported(flow, new_matter=True)
    keys = {o.key for o in workflow.available(personas.unit_handler, Flow.fresh(m))}
    assert {"support_items", "execution"} <= keys
    assert "execution" not in {o.key for o in workflow.available(personas.county_staff, Flow.fresh(m))}
    for item in items:
        record(flow, m, item, "done")
    keys = {o.key for o in workflow.available(personas.unit_handler, Flow.fresh(m))}
    assert "execution" not in keys
