"""专家团队研判 as actions: which matters are difficult, convening (county centre staff in scope; experts of
the matter's county; outside members by name), one opinion per member, the conclusion told to the matter's
responsible agent and leaders (only those who can open it). Refusals name the field and change nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas, Tree, make_user
from daiban.accounts.models import Role
from daiban.core import clock
from daiban.matters import actions
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope, WrongState
from daiban.matters.tests.factories import Flow
from daiban.notify.models import Message
from daiban.supervision.actions import consultations as cons
from daiban.supervision.models import Consultation, ConsultationEvent, Opinion
from daiban.supervision.tests.consultations.helpers import (
    OTHER_PERSON,
    Experts,
    convene,
    experts,
    group_matter,
)
from daiban.supervision.tests.inspections.helpers import Told


@pytest.fixture
def flow(tree: Tree, personas: Personas) -> Flow:
    return Flow(tree, personas)


@pytest.fixture
def ex(tree: Tree) -> Experts:
    return experts(tree)


# ------------------------------------------------------------------------------------------ difficulty


def test_what_makes_a_matter_difficult(flow: Flow, settings: Any) -> None:
    plain = flow.routed()
    assert cons.difficulty(plain, flow.today) == []
    group = group_matter(flow, **OTHER_PERSON)
    assert cons.difficulty(group, flow.today) == ["集体访（6 人）"]
    plain.repeat_visits = 2
    assert cons.difficulty(plain, flow.today) == ["重复来访 2 次"]
    plain.repeat_visits = 0
    assert cons.difficulty(plain, flow.today + datetime.timedelta(days=90)) == []
    assert cons.difficulty(plain, flow.today + datetime.timedelta(days=91)) == ["受理已 91 天未办结"]
    settings.SUPERVISION_LONG_OPEN_DAYS = 30
    assert cons.difficulty(plain, flow.today + datetime.timedelta(days=31)) == ["受理已 31 天未办结"]
    plain.status = "closed"
    assert cons.difficulty(plain, flow.today + datetime.timedelta(days=400)) == []


def test_who_may_convene_on_what(flow: Flow, personas: Personas) -> None:
    group = group_matter(flow)
    assert cons.can_convene(personas.county_staff, group)
    for who in ("village_agent", "township_staff", "leader", "supervisor", "city_admin", "outsider"):
        assert not cons.can_convene(getattr(personas, who), group), who
    ordinary = flow.routed(**OTHER_PERSON)
    with clock.frozen(flow.now):
        assert not cons.can_convene(personas.county_staff, ordinary)
    with clock.frozen(flow.now + datetime.timedelta(days=91)):
        assert cons.can_convene(personas.county_staff, ordinary)  # long open


# --------------------------------------------------------------------------------------------- convene


def test_convene(flow: Flow, personas: Personas, ex: Experts) -> None:
    m = group_matter(flow)
    c = convene(flow, personas, m, ex, outside_members="王教授（内蒙古大学）、 李律师，王教授（内蒙古大学）")
    assert c.number == "YP150102-2026-00001" and c.version == 1
    assert set(c.experts.all()) == {ex.lawyer, ex.expert}
    assert c.outside_members == "王教授（内蒙古大学）、李律师"
    assert (c.convened_by, c.status, c.scope_county) == (personas.county_staff, "open", "150102")
    [event] = c.events.all()
    assert (event.kind, event.seq, event.actor) == ("convene", 1, personas.county_staff)
    assert event.details["experts"] == ["张律师", "赵专家"]
    assert cons.members_of(c) == [
        (f"agent-{ex.lawyer.pk}", "张律师"),
        (f"agent-{ex.expert.pk}", "赵专家"),
        ("outside-0", "王教授（内蒙古大学）"),
        ("outside-1", "李律师"),
    ]
    assert convene(flow, personas, m, ex).number == "YP150102-2026-00002"


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("township_staff", NotAllowed),
        ("village_agent", NotAllowed),
        ("leader", NotAllowed),
        ("supervisor", NotAllowed),
        ("outsider", OutOfScope),
        ("outsider_village_agent", OutOfScope),
        ("unit_handler", NotAllowed),  # sees the matter it handles, may not convene
    ],
)
def test_who_may_not_convene(
    flow: Flow, personas: Personas, ex: Experts, who: str, error: type[Exception]
) -> None:
    m = group_matter(flow)
    with pytest.raises(error), clock.frozen(flow.now):
        cons.consultation_convene(
            actor=getattr(personas, who), matter_id=m.pk, question="问题", experts=[ex.lawyer]
        )
    assert not Consultation.objects.exists()


def test_an_ordinary_or_closed_matter_is_refused(flow: Flow, personas: Personas, ex: Experts) -> None:
    with pytest.raises(WrongState, match="疑难事项"):
        convene(flow, personas, flow.routed(), ex)
    closed = flow.closed(**OTHER_PERSON)
    closed.repeat_visits = 1
    closed.save()
    with pytest.raises(WrongState, match="已办结"):
        convene(flow, personas, closed, ex)
    assert not Consultation.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"question": "  "}, "question"),
        ({"question": "问" * 2_001}, "question"),
        ({"experts": [], "outside_members": ""}, "experts"),
        ({"experts": [], "outside_members": " 、，"}, "experts"),
        ({"outside_members": "王律师 13904711234"}, "outside_members"),
        ({"outside_members": "名" * 41}, "outside_members"),
        ({"outside_members": "、".join(f"第{i}位专家某某某某" for i in range(21))}, "outside_members"),
    ],
)
def test_bad_input_is_refused_on_its_field(
    flow: Flow, personas: Personas, ex: Experts, changes: dict[str, Any], field: str
) -> None:
    m = group_matter(flow)
    with pytest.raises(ValidationError) as caught:
        convene(flow, personas, m, ex, **changes)
    assert list(caught.value.error_dict) == [field]
    assert not Consultation.objects.exists()


@pytest.mark.parametrize("who", ["plain", "elsewhere"])
def test_only_the_countys_experts_and_advisers_may_be_called(
    flow: Flow, personas: Personas, ex: Experts, who: str
) -> None:
    m = group_matter(flow)
    with pytest.raises(ValidationError) as caught:
        convene(flow, personas, m, ex, experts=[ex.lawyer, getattr(ex, who)])
    assert list(caught.value.error_dict) == ["experts"]
    assert list(cons.expert_choices(personas.county_staff, m)) == [ex.lawyer, ex.expert]
    with pytest.raises(ValidationError):
        convene(flow, personas, m, ex, experts=[10**9])
    assert not Consultation.objects.exists()


# ------------------------------------------------------------------------------------- opinions, conclusion


@pytest.fixture
def consultation(flow: Flow, personas: Personas, ex: Experts) -> Consultation:
    return convene(flow, personas, group_matter(flow), ex)


def _opinion(who: Any, c: Consultation, **kw: Any) -> Opinion:
    args: dict[str, Any] = {"expected_version": c.version, "member": "outside-0", "text": "意见"} | kw
    return cons.consultation_opinion(actor=who, consultation_id=c.pk, **args)


def test_one_opinion_per_member(consultation: Consultation, personas: Personas, ex: Experts) -> None:
    staff = personas.county_staff
    first = _opinion(staff, consultation, member=f"agent-{ex.lawyer.pk}", text=" 有政策依据 ")
    assert (first.expert, first.outside_name, first.text) == (ex.lawyer, "", "有政策依据")
    second = _opinion(staff, consultation, expected_version=2, member="outside-0", text="建议司法救助")
    assert (second.expert, second.outside_name) == (None, "王教授（内蒙古大学）")
    for member in (f"agent-{ex.lawyer.pk}", "outside-0"):
        with pytest.raises(ValidationError) as caught:
            _opinion(staff, consultation, expected_version=3, member=member)
        assert list(caught.value.error_dict) == ["member"]
    for member in ("", "agent-x", f"agent-{ex.plain.pk}", "outside-9", "outside--1", "x" * 500):
        with pytest.raises(ValidationError) as caught:
            _opinion(staff, consultation, expected_version=3, member=member)
        assert list(caught.value.error_dict) == ["member"], member
    with pytest.raises(ValidationError) as caught:
        _opinion(staff, consultation, expected_version=3, member=f"agent-{ex.expert.pk}", text=" ")
    assert list(caught.value.error_dict) == ["text"]
    kinds = list(consultation.events.order_by("seq").values_list("seq", "kind"))
    assert kinds == [(1, "convene"), (2, "opinion"), (3, "opinion")]


def test_opinion_refusals(consultation: Consultation, personas: Personas) -> None:
    with pytest.raises(Conflict):
        _opinion(personas.county_staff, consultation, expected_version=0)
    with pytest.raises(OutOfScope):
        _opinion(personas.outsider, consultation)
    with pytest.raises(OutOfScope):
        _opinion(personas.unit_handler, consultation)
    for who in ("village_agent", "township_staff", "leader", "supervisor", "city_admin"):
        with pytest.raises(NotAllowed):
            _opinion(getattr(personas, who), consultation)
    assert not Opinion.objects.exists()
    assert Consultation.objects.get(pk=consultation.pk).version == 1


def test_conclude_tells_the_responsible_agent_and_leaders_in_scope(
    flow: Flow, consultation: Consultation, personas: Personas, tree: Tree, told: Told
) -> None:
    city_leader = make_user("city_leader", Role.LEADER, tree.city)
    m = consultation.matter
    flow.act(actions.matter_assign_leaders, personas.county_staff, m, leaders=[personas.leader, city_leader])
    staff = personas.county_staff
    with pytest.raises(WrongState, match="至少一位专家"):
        cons.consultation_conclude(
            actor=staff, consultation_id=consultation.pk, expected_version=1, conclusion="结论"
        )
    _opinion(staff, consultation)
    with pytest.raises(ValidationError) as caught:
        cons.consultation_conclude(
            actor=staff, consultation_id=consultation.pk, expected_version=2, conclusion=""
        )
    assert list(caught.value.error_dict) == ["conclusion"]
    with pytest.raises(NotAllowed):
        cons.consultation_conclude(
            actor=personas.leader, consultation_id=consultation.pk, expected_version=2, conclusion="结论"
        )
    assert not told.calls
    done = cons.consultation_conclude(
        actor=staff, consultation_id=consultation.pk, expected_version=2, conclusion=" 建议司法救助 "
    )
    assert (done.status, done.conclusion, done.version) == ("concluded", "建议司法救助", 3)
    assert done.concluded_at is not None
    [sent] = told.calls
    # The county centre's staff took the matter in, so it is the responsible agent; both leaders can open it.
    assert m.responsible_agent == personas.county_staff
    assert (sent.kind, sent.recipients) == ("consultation", ["city_leader", "county_staff", "leader"])
    assert sent.key == f"consultation:{consultation.pk}:concluded" and sent.matter_id == m.pk
    assert m.title not in sent.text and consultation.number in sent.text
    stored = Message.objects.filter(kind="consultation").values_list("recipient__username", flat=True)
    assert sorted(stored) == ["city_leader", "county_staff", "leader"]
    with pytest.raises(WrongState):
        cons.consultation_conclude(
            actor=staff, consultation_id=consultation.pk, expected_version=3, conclusion="再来"
        )
    with pytest.raises(WrongState):
        _opinion(staff, consultation, expected_version=3, member="outside-0")
    assert ConsultationEvent.objects.filter(consultation=consultation).count() == 3


def test_conclusion_is_told_only_to_people_who_can_open_the_matter(
    flow: Flow, personas: Personas, ex: Experts, tree: Tree, told: Told
) -> None:
    """The village agent who took an accusation in answers for it; a leader who is no longer active is not
    told; a responsible agent who can no longer see the matter is not told either."""
    m = group_matter(flow)
    c = convene(flow, personas, m, ex)
    gone = make_user("gone_leader", Role.LEADER, tree.county_a)
    m.leaders.add(gone)
    gone.is_active = False
    gone.save()
    moved = make_user("moved_agent", Role.VILLAGE_AGENT, tree.village_b1x)
    type(m).objects.filter(pk=m.pk).update(responsible_agent=moved)
    _opinion(personas.county_staff, c)
    cons.consultation_conclude(
        actor=personas.county_staff, consultation_id=c.pk, expected_version=2, conclusion="结论"
    )
    assert told.calls == []
