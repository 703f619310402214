"""The buttons on the matter page (workflow.available) agree with the actions themselves:
across many states and every persona, an action is offered exactly when calling it would succeed."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from conftest import Personas, Tree
from daiban.accounts.models import User
from daiban.assistance.tests import helpers as assistance_helpers
from daiban.cadres.tests import helpers as cadre_helpers
from daiban.core import clock
from daiban.matters import actions, workflow
from daiban.matters.errors import ActionError, OutOfScope
from daiban.matters.models import Matter
from daiban.matters.selectors import matters_for
from daiban.matters.tests.conftest import More
from daiban.matters.tests.factories import Flow, intake
from daiban.network.models import ResponsibleUnit
from daiban.regions.models import Level, Region
from daiban.repeats.tests import helpers as repeat_helpers
from daiban.urgent.tests import helpers as urgent_helpers


class Rollback(Exception):
    pass


OPINION = {"outcome": "support", "facts": "f", "reasons": "r", "basis": "b"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16

# Every action with a button, from the registry: a new action is covered without touching this test
# (it needs only its inputs in ``_inputs``).
MATTER_ACTIONS = [k for k, a in workflow.REGISTRY.items() if a.has_button and not a.on_task]
TASK_ACTIONS: dict[str, dict[str, Any]] = {
    "accept": {"notice_method": "written"},
    "object": {"reasons": "r"},
    "submit_part": {"content": "c"},
    "objection_agree": {"note": ""},
    "objection_refuse": {"reasons": "r"},
}


def test_every_task_action_has_inputs() -> None:
    assert set(TASK_ACTIONS) == {k for k, a in workflow.REGISTRY.items() if a.has_button and a.on_task}


def _inputs(name: str, m: Matter, actor: User, t: Tree, p: Personas) -> dict[str, Any]:
    today = clock.today()
    if name == "route":
        county_a = m.region_path.startswith(t.county_a.path)
        unit = (
            t.unit_discipline_a if m.is_accusation else (t.unit_housing_a if county_a else t.unit_housing_b)
        )
        holder = m.holder_region
        if holder is not None and holder.level == Level.TOWNSHIP and not m.is_accusation:
            # A station routes to its own township's units (the shared tree has none: the rule refuses).
            unit = ResponsibleUnit.objects.filter(region=holder, is_active=True).first() or unit
        return {"lead_unit": unit, "lead_instructions": "x", "co_units": []}
    if name == "hand_down":
        codes = [c for c in m.region_path.split("/") if c]
        nxt = Region.objects.filter(parent_id=m.holder_region_id, code__in=codes).first()
        return {"to_region": nxt or t.village_a1x, "note": "x"}
    if name == "recuse":
        colleague = (
            User.objects.filter(role=actor.role, region=actor.region, unit=actor.unit, is_active=True)
            .exclude(pk=actor.pk)
            .first()
        )
        return {"reason": "r", "replacement": colleague or actor}
    if name == "request_review":
        kind = "reexam" if m.reviews.filter(kind="review").exists() else "review"
        return {"kind": kind, "requested_on": today, "reason": "r"}
    if name == "correction_order":
        # The failures on offer come from the form (the registry's), so the first one present is chosen.
        form = workflow.REGISTRY[name].form(user=actor, matter=m)  # type: ignore[misc]
        offered = [value for value, _ in form.fields["failure"].choices]  # type: ignore[attr-defined]
        return {
            "failure": offered[0] if offered else "handling_late",
            "instructions": "i",
            "due_date": today + datetime.timedelta(days=10),
        }
    if name == "merge":  # daiban.repeats: into the matter it was linked to, if any
        from django.apps import apps

        linked = apps.get_model("repeats", "RepeatDecision").objects.filter(matter_id=m.pk, kind="link")
        return {"into": linked.values_list("candidate_id", flat=True).first() or 0, "reason": "r"}
    if name == "attach":
        return {"uploads": [SimpleUploadedFile("p.png", PNG, content_type="image/png")], "note": ""}
    if name == "support_items":  # daiban.execution
        return {"items": [{"what": "w", "unit_id": None, "who": "x", "due_date": today}]}
    if name == "execution":  # daiban.execution: the first item not yet carried out, if any
        from django.apps import apps

        item = (
            apps.get_model("execution", "SupportItem").objects.filter(matter_id=m.pk).exclude(status="done")
        )
        return {"item_id": item.values_list("pk", flat=True).first(), "status": "partly", "note": "n"}
    if name.startswith("assistance_"):
        return assistance_helpers.referral_inputs(name, m)
    if name == "cadre_notice":
        return cadre_helpers.notice_inputs(m)
    return {
        "start_local": {"note": ""},
        "reply_local": OPINION,
        "answer": {"answer": "a"},
        "escalate": {"note": "x"},
        "guide_legal": {"legal_channel": "litigation", "guidance": "g"},
        "not_accept": {"reason_kind": "other", "reason": "r"},
        "mediate": {
            "participants": "p",
            "terms": "t",
            "performance_manner": "m",
            "performance_deadline": today + datetime.timedelta(days=5),
            "signed": True,
        },
        "extend": {"days": 10, "approver": "a", "reason": "r", "notified_how": "phone"},
        "reply": OPINION,
        "feedback": {"method": "phone", "note": "n"},
        "follow_up": {
            "service_satisfaction": "satisfied",
            "unit_satisfaction": "satisfied",
            "method": "phone",
        },
        "close": {"resolved": True},
        "hearing_record": {
            "first_day": today,
            "last_day": today,
            "place": "p",
            "presiding": "p",
            "participants": "p",
            "petitioner_statement": "s",
            "unit_statement": "s",
            "other_statement": "",
            "conclusion": "c",
        },
        "decide_review": OPINION,
        "assign_leaders": {"leaders": [p.leader]},
        "press": {"note": "n"},
        "serve": {"served_on": today, "manner": "direct", "note": ""},
        "reissue_code": {"note": ""},
        "urgent_mark": {"category": "group", "reason": "r"},
        "urgent_downgrade": {"reason": "r"},
    }[name]


def _succeeds(key: str, kwargs: dict[str, Any]) -> bool:
    try:
        with transaction.atomic():
            workflow.perform(key, **kwargs)
            raise Rollback
    except Rollback:
        return True
    except (OutOfScope, ActionError, ValidationError):
        return False


def _disagreements(label: str, m: Matter, everyone: dict[str, User], t: Tree, p: Personas) -> list[str]:
    out = []
    for who, user in everyone.items():
        m = Matter.objects.get(pk=m.pk)
        if not matters_for(user).filter(pk=m.pk).exists():
            continue
        shown = {(o.key, o.task.pk if o.task else None) for o in workflow.available(user, m)}
        for name in MATTER_ACTIONS:
            kwargs = {
                "actor": user,
                "matter_id": m.pk,
                "expected_version": m.version,
                **_inputs(name, m, user, t, p),
            }
            if ((name, None) in shown) != _succeeds(name, kwargs):
                out.append(f"{label}: {who} {name} shown={(name, None) in shown}")
        for task in m.tasks.all():
            for name, extra in TASK_ACTIONS.items():
                kwargs = {"actor": user, "task_id": task.pk, "expected_version": m.version, **extra}
                if ((name, task.pk) in shown) != _succeeds(name, kwargs):
                    out.append(f"{label}: {who} {name}[{task.role}] shown={(name, task.pk) in shown}")
    return out


def test_buttons_agree_with_actions(flow: Flow, tree: Tree, personas: Personas, more: More) -> None:
    t, p = tree, personas
    everyone = {**p.all(), **{k: v for k, v in vars(more).items() if isinstance(v, User)}}
    found: list[str] = []

    def run(label: str, build: Callable[[], Matter]) -> None:
        try:
            with transaction.atomic():
                m = build()
                with clock.frozen(flow.now):
                    found.extend(_disagreements(label, m, everyone, t, p))
                raise Rollback
        except Rollback:
            pass

    def escalated(actor: User, m: Matter) -> Matter:
        return flow.act(actions.matter_escalate, actor, m, note="up")

    def co_accepted() -> Matter:
        m = flow.routed(co_units=[t.unit_hr_a])
        flow.act_task(actions.task_accept, more.hr_handler, m.tasks.get(role="co"))
        return m

    def overdue() -> Matter:
        m = flow.handling()
        flow.later(days=70)
        return m

    def replied_local() -> Matter:
        m = flow.local()
        return flow.act(actions.matter_reply_local, p.village_agent, m, **OPINION)

    def review_decided() -> Matter:
        m = flow.in_review()
        flow.later(days=3)
        return flow.decide(m, more.city_housing_handler)

    def objection_pending(role: str) -> Matter:
        m = flow.routed(co_units=[t.unit_hr_a])
        task = m.tasks.get(role=role)
        flow.act_task(
            actions.task_object, more.hr_handler if role == "co" else p.unit_handler, task, reasons="r"
        )
        return m

    def objection_refused() -> Matter:
        m = objection_pending("lead")
        flow.act_task(actions.task_objection_refuse, p.county_staff, m.tasks.get(role="lead"), reasons="r")
        return m

    def support_listed() -> Matter:  # daiban.execution: two 支持 items listed
        m = flow.replied()
        day = flow.today + datetime.timedelta(days=5)
        items = [{"what": "w", "unit_id": t.unit_housing_a.pk, "who": "", "due_date": day}]
        flow.act(workflow.REGISTRY["support_items"].service, p.unit_handler, m, items=items * 2)
        return m

    def city_leader_day() -> Matter:
        with clock.frozen(flow.now):
            return intake(more.city_leader, t.village_a1x, channel="leader_day")

    run("at_village", flow.at_village)
    run("at_village_consultation", lambda: flow.at_village(purpose="consultation"))
    run("at_village_accusation", lambda: flow.at_village(purpose="accusation"))
    run("at_county", flow.at_county)
    run("at_county_accusation", lambda: flow.at_county(purpose="accusation"))
    run("local", flow.local)
    run("at_town", lambda: escalated(p.village_agent, flow.at_village()))
    run("at_city", lambda: escalated(p.county_staff, flow.at_county()))
    run("routed", lambda: flow.routed(co_units=[t.unit_hr_a]))
    run("routed_co_accepted", co_accepted)
    run("objection_pending", lambda: objection_pending("lead"))
    run("co_objection_pending", lambda: objection_pending("co"))
    run("objection_refused", objection_refused)
    run("handling", lambda: flow.handling(co_units=[t.unit_hr_a]))
    run("handling_overdue", overdue)
    run("replied", flow.replied)
    run("served", lambda: flow.serve(flow.replied()))
    run("replied_local", replied_local)
    run("fed_back", flow.fed_back)
    run("followed_up", flow.followed_up)
    run("closed", flow.closed)
    run("served_closed", lambda: flow.serve(flow.closed()))
    run("in_review", flow.in_review)
    run("review_decided", review_decided)
    run("in_reexam", lambda: flow.in_reexam(more.city_housing_handler))
    run("city_leader_day", city_leader_day)
    run("support_listed", support_listed)
    run("urgent_marked_by_county", lambda: urgent_helpers.mark(flow, p.county_staff, flow.at_village()))
    run("assistance_referred", lambda: assistance_helpers.referred(flow))
    run("linked_repeat", lambda: repeat_helpers.linked(flow))
    run("linked_repeat_at_county", lambda: repeat_helpers.linked(flow, p.county_staff))
    assert found == [], "\n" + "\n".join(found)
