"""The reads behind the lookup: which written replies were served on the petitioner (documents'
``served_to_petitioner``), whom to ask, the progress through a review, the deadline's sentence, the rating
window and the review right."""

from __future__ import annotations

import datetime

from conftest import Personas, Tree, make_user
from daiban.accounts.models import Role
from daiban.core import clock
from daiban.documents import actions as documents
from daiban.documents.selectors import served_to_petitioner
from daiban.documents.tests.helpers import other_person
from daiban.matters import actions
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow
from daiban.network.models import Agent
from daiban.portal.lookup import selectors
from daiban.portal.tests.lookup.helpers import served_reply


def _issue_reply(flow: Flow, m: Matter):  # type: ignore[no-untyped-def]
    with clock.frozen(flow.now):
        return documents.issue(
            actor=flow.p.unit_handler,
            matter_id=m.pk,
            kind="handling_opinion",
            source_key=f"opinion:{m.opinions.get().pk}",
        )


# ------------------------------------------------------------------------------ served_to_petitioner


def test_an_issued_reply_counts_once_served(flow: Flow) -> None:
    m = flow.replied()
    doc = _issue_reply(flow, m)
    assert served_to_petitioner(m) == []
    with clock.frozen(flow.now):
        documents.serve(
            actor=flow.p.county_staff,
            document_id=doc.pk,
            expected_revision=doc.revision,
            served_on=flow.today,
            manner="mail",
            recipient="王建国",
        )
    assert [(d.pk, day) for d, day in served_to_petitioner(m)] == [(doc.pk, flow.today)]


def test_a_reply_served_from_the_matter_page_counts(flow: Flow) -> None:
    """登记送达 on the matter page records the opinion's service: its document is served too."""
    m = flow.replied()
    doc = _issue_reply(flow, m)
    flow.later(days=1)
    flow.serve(m)
    assert [(d.pk, day) for d, day in served_to_petitioner(m)] == [(doc.pk, flow.today)]


def test_a_corrected_reply_lists_the_valid_version_only(flow: Flow) -> None:
    m, doc = served_reply(flow)
    with clock.frozen(flow.now):
        new = documents.correct(
            actor=flow.p.unit_handler, document_id=doc.pk, expected_revision=doc.revision, reason="文字错误"
        )
    # The correction is the same written reply, already served (one service per reply).
    assert [d.pk for d, _ in served_to_petitioner(m)] == [new.pk]
    with clock.frozen(flow.now):
        documents.cancel(
            actor=flow.p.unit_handler, document_id=new.pk, expected_revision=new.revision, reason="作废"
        )
    assert served_to_petitioner(m) == []


def test_documents_not_served_on_the_petitioner_are_never_listed(flow: Flow, personas: Personas) -> None:
    m = flow.routed()
    with clock.frozen(flow.now):
        documents.issue(actor=personas.county_staff, matter_id=m.pk, kind="receipt", source_key="")
        documents.issue(
            actor=personas.county_staff,
            matter_id=m.pk,
            kind="assignment",
            source_key=f"task:{m.tasks.get().pk}",
        )
    assert served_to_petitioner(m) == []


def test_an_accusation_lists_no_replies(flow: Flow, tree: Tree) -> None:
    m = flow.routed(purpose="accusation", lead_unit=tree.unit_discipline_a)
    assert selectors.replies(m) == []


# ------------------------------------------------------------------------------ contact


def test_the_contact_falls_back_to_the_office(flow: Flow, personas: Personas, tree: Tree) -> None:
    m = flow.at_village()
    agent = Agent.objects.get(user=personas.village_agent)
    org = agent.organization
    org.phone, org.opening_hours, org.address = "0471-5550000", "周一至周五", "苏雅拉社区居委会"
    org.save()
    c = selectors.contact(m)
    assert c is not None
    assert (c.name, c.phone, c.hours, c.place) == (
        "village_agent",
        "0471-5550000",
        "周一至周五",
        "苏雅拉社区居委会",
    )
    Agent.objects.filter(pk=agent.pk).update(
        work_phone="0471-6661234", duty_hours="每天上午", duty_place="一楼"
    )
    c = selectors.contact(m)
    assert c is not None and (c.phone, c.hours, c.place) == ("0471-6661234", "每天上午", "一楼")
    # No public profile (an agent who left): the office only, no name.
    Agent.objects.filter(pk=agent.pk).update(is_active=False)
    c = selectors.contact(m)
    assert c is not None and c.name == "" and c.phone == "0471-5550000" and c.office == org.name


def test_a_leader_without_an_office_has_no_contact(flow: Flow, tree: Tree) -> None:
    leader = make_user("city_leader_x", Role.LEADER, tree.city)
    m = flow.intake(leader, tree.village_a1x)
    assert selectors.contact(m) is None or selectors.contact(m).name == ""  # type: ignore[union-attr]


# ------------------------------------------------------------------------------ progress, deadline


def test_a_review_in_progress_is_the_current_step(flow: Flow, personas: Personas) -> None:
    m = flow.in_review()
    steps = selectors.progress(m)
    assert [(s.label, s.state) for s in steps] == [
        ("已登记", "done"),
        ("已交办", "done"),
        ("已受理", "done"),
        ("已答复", "done"),
        ("复查（复核）", "now"),
        ("回访", "todo"),
        ("办结", "todo"),
    ]
    with clock.frozen(flow.now):
        view = selectors.deadline(Matter.objects.get(pk=m.pk))
    assert view is not None and view.means == "复查机关应在这一天前作出复查意见。"


def test_an_accusation_deadline_names_no_unit(flow: Flow, tree: Tree, personas: Personas) -> None:
    m = flow.routed(purpose="accusation", lead_unit=tree.unit_discipline_a)
    flow.later(days=1)
    task = m.tasks.get()
    flow.act_task(actions.task_accept, _discipline(tree), task, notice_method="written")
    m = Flow.fresh(m)
    with clock.frozen(flow.now):
        view = selectors.deadline(m)
    assert view is not None and view.means.startswith("有关单位应在这一天前")
    assert all("纪委" not in s.detail for s in selectors.progress(m))


def _discipline(tree: Tree):  # type: ignore[no-untyped-def]
    return make_user("discipline_handler", Role.UNIT_HANDLER, tree.county_a, unit=tree.unit_discipline_a)


def test_an_extension_and_an_overdue_deadline_are_said(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    Matter.objects.filter(pk=m.pk).update(extended_days=15)
    m = Flow.fresh(m)
    assert m.due_date is not None
    with clock.frozen(flow.now + datetime.timedelta(days=200)):
        view = selectors.deadline(m)
    assert view is not None and view.overdue and view.extended_days == 15 and view.how


# ------------------------------------------------------------------------------ rating, review right


def test_the_rating_window(flow: Flow) -> None:
    m = flow.handling()
    assert not selectors.rating_state(m).open and selectors.rating_state(m).reply_token == ""
    m = flow.reply(m)
    assert m.replied_at is not None
    with clock.frozen(m.replied_at + datetime.timedelta(days=30)):
        state = selectors.rating_state(m)
    assert state.open and state.until is not None
    with clock.frozen(m.replied_at + datetime.timedelta(days=30, seconds=1)):
        assert not selectors.rating_state(m).open


def test_the_review_right_follows_the_last_written_answer(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    flow.act(
        actions.matter_reply_local,
        personas.village_agent,
        m,
        outcome="explain",
        facts="已核实",
        reasons="已解释",
        basis="有关规定",
    )
    assert selectors.review_right(Flow.fresh(m)) is None  # a local answer opens no review
    replied = flow.replied(**other_person(3))
    right = selectors.review_right(replied)
    assert right is not None and right.kind == "复查" and right.organ == "呼和浩特市住房和城乡建设局"
    assert right.until is None  # not served yet: the window opens on service
    served = flow.serve(replied)
    right = selectors.review_right(served)
    assert right is not None and right.until == served.review_window_until


def test_a_task_sent_back_after_an_objection_is_no_longer_the_routing(flow: Flow, personas: Personas) -> None:
    m = flow.routed()
    task = m.tasks.get()
    flow.act_task(actions.task_object, personas.unit_handler, task, reasons="不属本单位职责")
    flow.act_task(actions.task_objection_agree, personas.county_staff, task, note="")
    steps = selectors.progress(Flow.fresh(m))
    assert [(s.label, s.state) for s in steps[:3]] == [
        ("已登记", "done"),
        ("已交办", "now"),
        ("已受理", "todo"),
    ]
    assert all("住房和城乡建设局" not in s.detail for s in steps)
