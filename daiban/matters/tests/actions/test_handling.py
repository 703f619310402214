"""协调办理: mediation, extension (延期, art. 34), the lead unit's written opinion and a local answer."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas, Tree
from daiban.matters import actions
from daiban.matters.choices import Status, Step, TaskRole, TaskStatus
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope, WrongState
from daiban.matters.tests.conftest import More
from daiban.matters.tests.factories import Flow
from daiban.matters.tests.snapshot import assert_refused
from daiban.workcal.models import TimeLimit
from daiban.workcal.schedule import clear_cache

OUTSIDERS = ["outsider", "outsider_village_agent", "outsider_unit_handler"]


def mediation(flow: Flow, **overrides: Any) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "participants": "信访人、物业公司、区住建局",
        "terms": "物业公司负责修复",
        "performance_manner": "施工修复并验收",
        "performance_deadline": flow.today + datetime.timedelta(days=30),
        "signed": True,
    }
    kwargs.update(overrides)
    return kwargs


EXTEND: dict[str, Any] = {
    "days": 20,
    "approver": "局长张某",
    "reason": "需补充现场勘验",
    "notified_how": "written",
}
OPINION: dict[str, Any] = {"outcome": "support", "facts": "属实", "reasons": "符合规定", "basis": "《条例》"}


# ------------------------------------------------------------------------------------------------ mediate


def test_lead_unit_mediates(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    m = flow.fresh(flow.act(actions.matter_mediate, personas.unit_handler, m, **mediation(flow)))
    record = m.mediations.get()
    assert record.signed and record.mediator == personas.unit_handler and record.mediated_at == flow.now
    assert m.status == Status.HANDLING and m.events.get(seq=m.version).kind == "mediate"


def test_village_mediates_a_local_matter(flow: Flow, personas: Personas) -> None:
    m = flow.local(category="neighbour")
    m = flow.fresh(
        flow.act(actions.matter_mediate, personas.village_agent, m, **mediation(flow, signed=False))
    )
    assert m.mediations.get().signed is False and m.status == Status.LOCAL


@pytest.mark.parametrize("role", ["county_staff", "village_agent", "leader"])
def test_mediate_refused_by_role(flow: Flow, personas: Personas, role: str) -> None:
    m = flow.handling()
    assert_refused(
        NotAllowed, flow.bound(actions.matter_mediate, getattr(personas, role), m, **mediation(flow))
    )


def test_mediate_refused_to_a_co_unit(flow: Flow, tree: Tree, more: More) -> None:
    m = flow.handling(co_units=[tree.unit_hr_a])
    assert_refused(NotAllowed, flow.bound(actions.matter_mediate, more.hr_handler, m, **mediation(flow)))


def test_mediate_local_refused_to_others_than_the_holder(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    assert_refused(
        NotAllowed, flow.bound(actions.matter_mediate, personas.township_staff, m, **mediation(flow))
    )


@pytest.mark.parametrize("who", OUTSIDERS)
def test_mediate_out_of_scope(flow: Flow, personas: Personas, who: str) -> None:
    m = flow.handling()
    assert_refused(
        OutOfScope, flow.bound(actions.matter_mediate, getattr(personas, who), m, **mediation(flow))
    )


def test_mediate_refused_before_acceptance(flow: Flow, personas: Personas) -> None:
    m = flow.routed()
    assert_refused(
        WrongState, flow.bound(actions.matter_mediate, personas.unit_handler, m, **mediation(flow))
    )


def test_mediate_stale(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    call = flow.bound(actions.matter_mediate, personas.unit_handler, m, version=1, **mediation(flow))
    assert_refused(Conflict, call)


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("participants", {"participants": ""}),
        ("terms", {"terms": " "}),
        ("performance_manner", {"performance_manner": ""}),
        ("performance_manner", {"performance_manner": "长" * 201}),
        ("performance_deadline", {"performance_deadline": None}),
        ("performance_deadline", {"performance_deadline": datetime.date(2026, 5, 1)}),
    ],
)
def test_mediate_invalid(flow: Flow, personas: Personas, field: str, overrides: dict[str, Any]) -> None:
    m = flow.handling()
    call = flow.bound(actions.matter_mediate, personas.unit_handler, m, **mediation(flow, **overrides))
    assert_refused(ValidationError, call, field)


# ------------------------------------------------------------------------------------------------- extend


def test_extension_moves_the_handling_deadline(flow: Flow, personas: Personas) -> None:
    m = flow.handling()  # accepted Tuesday 2026-06-02: 60 days → 08-01 (Sat) → Monday 08-03
    assert m.due_date == datetime.date(2026, 8, 3)
    flow.on(2026, 7, 20)
    m = flow.fresh(flow.act(actions.matter_extend, personas.unit_handler, m, **EXTEND))
    clock_row = m.deadlines.get(step=Step.HANDLING, is_open=True)
    # The extension runs from the original deadline (art. 34): 08-03 + 20 = 08-23 (Sunday) → Monday 08-24
    assert (clock_row.extra_days, clock_row.due_date) == (20, datetime.date(2026, 8, 24))
    assert m.extended_days == 20 and m.due_date == datetime.date(2026, 8, 24)
    assert "延长 20 个自然日" in clock_row.explanation
    m = flow.fresh(flow.act(actions.matter_extend, personas.unit_handler, m, **{**EXTEND, "days": 10}))
    # 30 days in all from 08-03: 09-02, a Wednesday
    assert m.extended_days == 30 and m.due_date == datetime.date(2026, 9, 2)


def test_extension_beyond_thirty_days_in_total_is_refused(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    m = flow.fresh(flow.act(actions.matter_extend, personas.unit_handler, m, **EXTEND))
    error = assert_refused(
        ValidationError,
        flow.bound(actions.matter_extend, personas.unit_handler, m, **{**EXTEND, "days": 11}),
        "days",
    )
    assert "30" in error.error_dict["days"][0].messages[0]


@pytest.mark.parametrize("days", [0, -5, 31])
def test_extension_days_out_of_range(flow: Flow, personas: Personas, days: int) -> None:
    m = flow.handling()
    call = flow.bound(actions.matter_extend, personas.unit_handler, m, **{**EXTEND, "days": days})
    assert_refused(ValidationError, call, "days")


@pytest.mark.parametrize(
    ("field", "value"),
    [("approver", ""), ("approver", "长" * 33), ("reason", " "), ("notified_how", "pigeon")],
)
def test_extension_invalid(flow: Flow, personas: Personas, field: str, value: str) -> None:
    m = flow.handling()
    call = flow.bound(actions.matter_extend, personas.unit_handler, m, **{**EXTEND, field: value})
    assert_refused(ValidationError, call, field)


@pytest.mark.parametrize("role", ["county_staff", "supervisor", "leader"])
def test_extend_refused_by_role(flow: Flow, personas: Personas, role: str) -> None:
    m = flow.handling()
    assert_refused(NotAllowed, flow.bound(actions.matter_extend, getattr(personas, role), m, **EXTEND))


@pytest.mark.parametrize("who", OUTSIDERS)
def test_extend_out_of_scope(flow: Flow, personas: Personas, who: str) -> None:
    m = flow.handling()
    assert_refused(OutOfScope, flow.bound(actions.matter_extend, getattr(personas, who), m, **EXTEND))


def test_extend_refused_before_acceptance(flow: Flow, personas: Personas) -> None:
    m = flow.routed()
    assert_refused(WrongState, flow.bound(actions.matter_extend, personas.unit_handler, m, **EXTEND))


def test_extend_refused_once_overdue(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    flow.on(2026, 8, 4)
    error = assert_refused(WrongState, flow.bound(actions.matter_extend, personas.unit_handler, m, **EXTEND))
    assert "已过" in error.message


def test_extend_stale(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    assert_refused(Conflict, flow.bound(actions.matter_extend, personas.unit_handler, m, version=1, **EXTEND))


# -------------------------------------------------------------------------------------------------- reply


def test_reply_goes_back_to_the_first_contact_for_feedback(
    flow: Flow, tree: Tree, personas: Personas
) -> None:
    m = flow.intake()  # the village agent took it in
    for actor in (personas.village_agent, personas.township_staff):
        m = flow.fresh(flow.act(actions.matter_escalate, actor, m, note="上报"))
    flow.act(actions.matter_route, personas.county_staff, m, lead_unit=tree.unit_housing_a)
    flow.later(days=1)
    flow.act_task(actions.task_accept, personas.unit_handler, flow.lead_task(m), notice_method="written")
    flow.on(2026, 6, 10)
    m = flow.fresh(flow.act(actions.matter_reply, personas.unit_handler, m, **OPINION))
    assert m.status == Status.REPLIED and m.replied_at == flow.now
    assert m.holder_unit is None and m.holder_region == tree.village_a1x
    opinion = m.opinions.get()
    assert (opinion.stage, opinion.unit, opinion.outcome) == ("handling", tree.unit_housing_a, "support")
    assert m.tasks.get().status == TaskStatus.DONE
    # review may be asked within 30 days of receiving the reply: the window opens when its service (送达)
    # is recorded (test_service); until then the opinion is 待送达
    assert m.review_window_until is None and opinion.review_limit == "review_request"
    assert opinion.awaiting_service
    open_clock = m.deadlines.get(is_open=True)
    assert (open_clock.step, m.due_step, m.due_date) == (
        Step.FOLLOW_UP,
        Step.FOLLOW_UP,
        datetime.date(2026, 6, 25),
    )


def test_reply_waits_for_every_co_unit(flow: Flow, tree: Tree, personas: Personas, more: More) -> None:
    m = flow.handling(co_units=[tree.unit_hr_a])
    co = m.tasks.get(role=TaskRole.CO)
    error = assert_refused(WrongState, flow.bound(actions.matter_reply, personas.unit_handler, m, **OPINION))
    assert tree.unit_hr_a.name in error.message
    flow.act_task(actions.task_accept, more.hr_handler, co)
    assert_refused(WrongState, flow.bound(actions.matter_reply, personas.unit_handler, m, **OPINION))
    flow.act_task(actions.task_submit_part, more.hr_handler, co, content="社保部分已核实")
    m = flow.fresh(flow.act(actions.matter_reply, personas.unit_handler, m, **OPINION))
    assert m.status == Status.REPLIED and m.tasks.get(pk=co.pk).status == TaskStatus.DONE


def test_a_co_unit_whose_objection_was_upheld_does_not_hold_up_the_reply(
    flow: Flow, tree: Tree, personas: Personas, more: More
) -> None:
    m = flow.handling(co_units=[tree.unit_hr_a])
    co = m.tasks.get(role=TaskRole.CO)
    flow.act_task(actions.task_object, more.hr_handler, co, reasons="与社保无关")
    # Until the centre decides, the co-unit's part may still be owed.
    error = assert_refused(WrongState, flow.bound(actions.matter_reply, personas.unit_handler, m, **OPINION))
    assert "异议待" in error.message
    flow.act_task(actions.task_objection_agree, personas.county_staff, co)
    m = flow.fresh(flow.act(actions.matter_reply, personas.unit_handler, m, **OPINION))
    assert m.status == Status.REPLIED


@pytest.mark.parametrize("role", ["county_staff", "village_agent", "supervisor"])
def test_reply_refused_by_role(flow: Flow, personas: Personas, role: str) -> None:
    m = flow.handling()
    assert_refused(NotAllowed, flow.bound(actions.matter_reply, getattr(personas, role), m, **OPINION))


def test_reply_refused_to_a_co_unit(flow: Flow, tree: Tree, more: More) -> None:
    m = flow.handling(co_units=[tree.unit_hr_a])
    assert_refused(NotAllowed, flow.bound(actions.matter_reply, more.hr_handler, m, **OPINION))


@pytest.mark.parametrize("who", OUTSIDERS)
def test_reply_out_of_scope(flow: Flow, personas: Personas, who: str) -> None:
    m = flow.handling()
    assert_refused(OutOfScope, flow.bound(actions.matter_reply, getattr(personas, who), m, **OPINION))


def test_reply_refused_before_acceptance(flow: Flow, personas: Personas) -> None:
    m = flow.routed()
    assert_refused(WrongState, flow.bound(actions.matter_reply, personas.unit_handler, m, **OPINION))


def test_reply_refused_twice(flow: Flow, personas: Personas) -> None:
    m = flow.replied()
    assert_refused(WrongState, flow.bound(actions.matter_reply, personas.unit_handler, m, **OPINION))


def test_reply_stale(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    assert_refused(Conflict, flow.bound(actions.matter_reply, personas.unit_handler, m, version=2, **OPINION))


@pytest.mark.parametrize(
    ("field", "value"), [("outcome", "maybe"), ("facts", ""), ("reasons", " "), ("basis", "")]
)
def test_reply_invalid(flow: Flow, personas: Personas, field: str, value: str) -> None:
    m = flow.handling()
    call = flow.bound(actions.matter_reply, personas.unit_handler, m, **{**OPINION, field: value})
    assert_refused(ValidationError, call, field)


# -------------------------------------------------------------------------------------------- reply local


def test_reply_locally(flow: Flow, tree: Tree, personas: Personas) -> None:
    m = flow.local()
    m = flow.fresh(flow.act(actions.matter_reply_local, personas.village_agent, m, **OPINION))
    assert m.status == Status.REPLIED and m.holder_region == tree.village_a1x
    assert m.opinions.get().stage == "local" and m.review_window_until is None
    assert m.due_step == Step.FOLLOW_UP


@pytest.mark.parametrize("role", ["township_staff", "supervisor", "county_staff"])
def test_reply_locally_refused_by_role(flow: Flow, personas: Personas, role: str) -> None:
    m = flow.local()
    assert_refused(NotAllowed, flow.bound(actions.matter_reply_local, getattr(personas, role), m, **OPINION))


@pytest.mark.parametrize("who", OUTSIDERS)
def test_reply_locally_out_of_scope(flow: Flow, personas: Personas, who: str) -> None:
    m = flow.local()
    assert_refused(OutOfScope, flow.bound(actions.matter_reply_local, getattr(personas, who), m, **OPINION))


def test_reply_locally_refused_unless_handled_locally(flow: Flow, personas: Personas) -> None:
    m = flow.at_village()
    assert_refused(WrongState, flow.bound(actions.matter_reply_local, personas.village_agent, m, **OPINION))


def test_reply_locally_stale(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    assert_refused(
        Conflict, flow.bound(actions.matter_reply_local, personas.village_agent, m, version=1, **OPINION)
    )


def test_reply_locally_invalid(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    call = flow.bound(actions.matter_reply_local, personas.village_agent, m, **{**OPINION, "facts": ""})
    assert_refused(ValidationError, call, "facts")


def test_extension_cap_follows_the_configured_limit(flow: Flow, personas: Personas) -> None:
    """A county that allows only 20 days of extension: 25 is a field error, not a crash in the calendar."""
    TimeLimit.objects.filter(key="extension").update(length=20)
    clear_cache()
    m = flow.handling()
    call = flow.bound(actions.matter_extend, personas.unit_handler, m, **{**EXTEND, "days": 25})
    error = assert_refused(ValidationError, call, "days")
    assert "20" in error.error_dict["days"][0].messages[0]
    m = flow.fresh(flow.act(actions.matter_extend, personas.unit_handler, m, **EXTEND))
    assert m.extended_days == 20


def test_extension_refused_when_switched_off(flow: Flow, personas: Personas) -> None:
    TimeLimit.objects.filter(key="extension").update(is_active=False)
    clear_cache()
    m = flow.handling()
    error = assert_refused(WrongState, flow.bound(actions.matter_extend, personas.unit_handler, m, **EXTEND))
    assert "停用" in error.message
