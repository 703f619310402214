"""The reception-session actions: scheduling, changes, cancelling, closing and people received; each
refusal names its field, and the session's jurisdiction, state and version are checked."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas, Tree, make_user
from daiban.accounts.models import Role
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope, WrongState
from daiban.prevention.actions import sessions as actions
from daiban.prevention.models.sessions import Reception, ReceptionSession, SessionEvent, SessionStatus
from daiban.prevention.tests.sessions.helpers import NOW, data, frozen, schedule

H = datetime.timedelta(hours=1)


def _field(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return next(iter(exc.value.error_dict))


def test_schedule_writes_the_session_its_leaders_and_an_event(tree: Tree, personas: Personas) -> None:
    s = schedule(
        personas.village_agent,
        tree.village_a1x,
        [personas.leader],
        kind="joint",
        bodies=["npc", "court", "npc"],
    )
    assert s.status == SessionStatus.SCHEDULED and s.version == 1
    assert list(s.leaders.all()) == [personas.leader]
    assert s.bodies == ["npc", "court"] and s.body_labels == ["人大", "法院"]
    assert s.scope_county == tree.county_a.code and s.region_path == tree.village_a1x.path
    event = SessionEvent.objects.get(session=s)
    assert (event.seq, event.kind, event.status_after) == (1, "schedule", "scheduled")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "party"}, "kind"),
        ({"title": "  "}, "title"),
        ({"title": "长" * 81}, "title"),
        ({"starts_at": None}, "starts_at"),
        ({"starts_at": NOW - datetime.timedelta(days=31)}, "starts_at"),
        (
            {
                "starts_at": NOW + datetime.timedelta(days=400),
                "ends_at": NOW + datetime.timedelta(days=400) + H,
            },
            "starts_at",
        ),
        ({"ends_at": None}, "ends_at"),
        ({"ends_at": NOW - 2 * H}, "ends_at"),
        ({"ends_at": NOW + datetime.timedelta(days=4)}, "ends_at"),
        ({"place": ""}, "place"),
        ({"leaders": []}, "leaders"),
        ({"kind": "joint", "bodies": []}, "bodies"),
        ({"bodies": ["army"]}, "bodies"),
        ({"other_bodies": "单" * 121}, "other_bodies"),
        ({"notes": "字" * 2001}, "notes"),
        ({"region": None}, "region"),
    ],
)
def test_schedule_refusals_name_the_field(
    tree: Tree, personas: Personas, overrides: dict[str, Any], field: str
) -> None:
    with frozen(), pytest.raises(ValidationError) as exc:
        actions.session_schedule(
            actor=personas.county_staff, data=data(tree.village_a1x, [personas.leader], **overrides)
        )
    assert _field(exc) == field
    assert not ReceptionSession.objects.exists()


def test_a_leader_must_sit_at_or_above_the_sessions_level(tree: Tree, personas: Personas) -> None:
    town_leader = make_user("town_leader", Role.LEADER, tree.town_a2)
    with frozen(), pytest.raises(ValidationError) as exc:
        actions.session_schedule(actor=personas.county_staff, data=data(tree.village_a1x, [town_leader]))
    assert _field(exc) == "leaders" and "不能在苏雅拉社区接访" in str(exc.value)
    with frozen(), pytest.raises(ValidationError) as exc:  # not a leader at all
        actions.session_schedule(
            actor=personas.county_staff, data=data(tree.village_a1x, [personas.supervisor])
        )
    assert _field(exc) == "leaders"
    assert not ReceptionSession.objects.exists()


def test_only_agents_schedule_and_only_in_their_scope(tree: Tree, personas: Personas) -> None:
    for actor in (personas.leader, personas.supervisor, personas.unit_handler):
        with frozen(), pytest.raises(NotAllowed):
            actions.session_schedule(actor=actor, data=data(tree.village_a1x, [personas.leader]))
    with frozen(), pytest.raises(ValidationError) as exc:  # a township cannot schedule for its county
        actions.session_schedule(actor=personas.township_staff, data=data(tree.county_a, [personas.leader]))
    assert _field(exc) == "region"
    with frozen(), pytest.raises(ValidationError) as exc:
        actions.session_schedule(actor=personas.outsider, data=data(tree.village_a1x, [personas.leader]))
    assert _field(exc) == "region"
    assert not ReceptionSession.objects.exists()


def test_the_city_administrator_schedules_the_citys_sessions(tree: Tree, personas: Personas) -> None:
    """The city holds 市级领导接待日 but has no proxy desk: its administrator keeps their record."""
    mayor = make_user("mayor", Role.LEADER, tree.city)
    s = schedule(personas.city_admin, tree.city, [mayor])
    assert s.region == tree.city and s.scope_city == tree.city.code
    with frozen(), pytest.raises(ValidationError) as exc:  # a county leader cannot sit at the city's
        actions.session_schedule(actor=personas.city_admin, data=data(tree.city, [personas.leader]))
    assert _field(exc) == "leaders"


def test_update_changes_and_records_what_changed(tree: Tree, personas: Personas) -> None:
    s = schedule(personas.county_staff, tree.county_a, [personas.leader])
    city_leader = make_user("city_leader", Role.LEADER, tree.city)
    with frozen():
        s = actions.session_update(
            actor=personas.county_staff,
            session_id=s.pk,
            expected_version=1,
            data=data(tree.county_a, [personas.leader, city_leader], place="新城区信访代办中心"),
        )
    assert s.version == 2 and s.place == "新城区信访代办中心"
    assert set(s.leaders.all()) == {personas.leader, city_leader}
    event = s.events.get(seq=2)
    assert event.kind == "update" and set(event.details["changed"]) == {"place", "leaders"}


def test_update_conflict_scope_and_state(tree: Tree, personas: Personas) -> None:
    s = schedule(personas.county_staff, tree.county_a, [personas.leader])
    new = data(tree.county_a, [personas.leader], place="别处")
    with frozen(), pytest.raises(Conflict):
        actions.session_update(actor=personas.county_staff, session_id=s.pk, expected_version=0, data=new)
    with frozen(), pytest.raises(OutOfScope):
        actions.session_update(actor=personas.outsider, session_id=s.pk, expected_version=1, data=new)
    with frozen(), pytest.raises(OutOfScope):  # a township does not see its county's session
        actions.session_update(actor=personas.township_staff, session_id=s.pk, expected_version=1, data=new)
    with frozen(), pytest.raises(NotAllowed):
        actions.session_update(actor=personas.leader, session_id=s.pk, expected_version=1, data=new)
    with frozen(), pytest.raises(ValidationError) as exc:
        actions.session_update(
            actor=personas.county_staff,
            session_id=s.pk,
            expected_version=1,
            data=data(tree.county_a, [personas.leader]),
        )
    assert _field(exc) == "__all__"  # nothing changed
    with frozen():
        actions.session_cancel(
            actor=personas.county_staff, session_id=s.pk, expected_version=1, reason="领导临时公务"
        )
    with frozen(), pytest.raises(WrongState):
        actions.session_update(actor=personas.county_staff, session_id=s.pk, expected_version=2, data=new)
    s.refresh_from_db()
    assert s.place == "苏雅拉社区党群服务中心" and s.version == 2


def test_cancel_needs_a_reason_and_no_receptions(tree: Tree, personas: Personas) -> None:
    s = schedule(personas.county_staff, tree.county_a, [personas.leader])
    with frozen(), pytest.raises(ValidationError) as exc:
        actions.session_cancel(actor=personas.county_staff, session_id=s.pk, expected_version=1, reason=" ")
    assert _field(exc) == "reason"
    with frozen():
        _answer(personas, s)
    with frozen(), pytest.raises(WrongState):
        actions.session_cancel(
            actor=personas.county_staff, session_id=s.pk, expected_version=2, reason="下雨"
        )
    other = schedule(personas.county_staff, tree.county_a, [personas.leader])
    with frozen():
        other = actions.session_cancel(
            actor=personas.county_staff, session_id=other.pk, expected_version=1, reason="领导临时公务"
        )
    assert other.status == SessionStatus.CANCELLED and other.cancel_reason == "领导临时公务"
    assert other.events.get(seq=2).status_before == "scheduled"


def test_close_only_after_it_started_and_with_a_summary(tree: Tree, personas: Personas) -> None:
    s = schedule(
        personas.county_staff, tree.county_a, [personas.leader], starts_at=NOW + H, ends_at=NOW + 3 * H
    )
    with frozen(), pytest.raises(WrongState):
        actions.session_close(actor=personas.county_staff, session_id=s.pk, expected_version=1, summary="好")
    with frozen(NOW + 2 * H), pytest.raises(ValidationError) as exc:
        actions.session_close(actor=personas.county_staff, session_id=s.pk, expected_version=1, summary="")
    assert _field(exc) == "summary"
    with frozen(NOW + 2 * H), pytest.raises(NotAllowed):
        actions.session_close(actor=personas.leader, session_id=s.pk, expected_version=1, summary="好")
    with frozen(NOW + 2 * H):
        s = actions.session_close(
            actor=personas.county_staff, session_id=s.pk, expected_version=1, summary="接待 3 批 5 人"
        )
    assert s.status == SessionStatus.HELD and s.summary == "接待 3 批 5 人"
    with frozen(NOW + 2 * H), pytest.raises(WrongState):
        actions.session_close(actor=personas.county_staff, session_id=s.pk, expected_version=2, summary="再")


def _answer(personas: Personas, s: ReceptionSession, **overrides: Any) -> Reception:
    kwargs: dict[str, Any] = {
        "actor": personas.county_staff,
        "session_id": s.pk,
        "leader": personas.leader,
        "visitor": "张女士",
        "summary": "孩子入学学区划分咨询",
        "answer": "当场解释划片政策，告知教育局咨询电话。",
    }
    kwargs.update(overrides)
    return actions.session_receive_answered(**kwargs)


def test_receive_answered_records_who_came_and_the_answer(tree: Tree, personas: Personas) -> None:
    s = schedule(personas.county_staff, tree.village_a1x, [personas.leader])
    with frozen():
        r = _answer(personas, s)
        by_leader = _answer(personas, s, actor=personas.leader, visitor="李大爷")
        by_village = _answer(personas, s, actor=personas.village_agent, visitor="老赵")
    assert (r.received_by, r.recorded_by, r.matter) == (personas.leader, personas.county_staff, None)
    assert by_leader.recorded_by == personas.leader and by_village.recorded_by == personas.village_agent
    s.refresh_from_db()
    assert s.version == 4 and s.events.filter(kind="receive_answered").count() == 3


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"leader": None}, "leader"),
        ({"visitor": ""}, "visitor"),
        ({"visitor": "张 13904711234"}, "visitor"),
        ({"summary": "身份证 150102196803151234 的事"}, "summary"),
        ({"summary": ""}, "summary"),
        ({"answer": "请拨打 0471-6612345 咨询"}, "answer"),
        ({"answer": ""}, "answer"),
    ],
)
def test_receive_answered_refusals_name_the_field(
    tree: Tree, personas: Personas, overrides: dict[str, Any], field: str
) -> None:
    s = schedule(personas.county_staff, tree.village_a1x, [personas.leader])
    with frozen(), pytest.raises(ValidationError) as exc:
        _answer(personas, s, **overrides)
    assert _field(exc) == field
    assert not Reception.objects.exists()


def test_receive_answered_who_when_and_where(tree: Tree, personas: Personas) -> None:
    other_leader = make_user("other_leader", Role.LEADER, tree.county_a)
    s = schedule(personas.county_staff, tree.village_a1x, [personas.leader])
    with frozen(), pytest.raises(ValidationError) as exc:  # not one of this session's leaders
        _answer(personas, s, leader=other_leader)
    assert _field(exc) == "leader"
    with frozen(), pytest.raises(NotAllowed):  # a leader who does not sit there
        _answer(personas, s, actor=other_leader)
    with frozen(), pytest.raises(NotAllowed):
        _answer(personas, s, actor=personas.supervisor)
    with frozen(), pytest.raises(OutOfScope):
        _answer(personas, s, actor=personas.outsider)
    with frozen(NOW - 4 * H), pytest.raises(WrongState):  # not started yet
        _answer(personas, s)
    with frozen():
        actions.session_cancel(
            actor=personas.county_staff, session_id=s.pk, expected_version=1, reason="改期"
        )
    with frozen(), pytest.raises(WrongState):
        _answer(personas, s)
    assert not Reception.objects.exists()


def _late_answer(actor: Any, s: ReceptionSession, at: datetime.datetime) -> Reception:
    with frozen(at):
        return actions.session_receive_answered(
            actor=actor,
            session_id=s.pk,
            leader=s.leaders.get(),
            visitor="赵大爷",
            summary="补录：养老金",
            answer="已解释",
        )


def test_receptions_may_be_recorded_for_three_days_after_the_end_then_not(
    tree: Tree, personas: Personas
) -> None:
    """补录: a forgotten entry is still taken in the 3 days after the end (held or not); then refused."""
    s = schedule(personas.county_staff, tree.village_a1x, [personas.leader])
    with frozen():
        actions.session_close(
            actor=personas.county_staff, session_id=s.pk, expected_version=1, summary="1 人"
        )
    deadline = s.ends_at + actions.LATE_RECEPTION
    assert actions.reception_deadline(s) == deadline
    _late_answer(personas.county_staff, s, deadline)  # held, still within the window
    with pytest.raises(WrongState, match="补录期限已过"):
        _late_answer(personas.county_staff, s, deadline + datetime.timedelta(minutes=1))
    with pytest.raises(WrongState, match="补录期限已过"):
        _late_answer(personas.leader, s, deadline + datetime.timedelta(days=60))
    assert Reception.objects.count() == 1
    assert s.events.filter(kind="receive_answered").count() == 1


def test_a_session_entered_after_the_fact_has_three_days_from_its_entry(
    tree: Tree, personas: Personas
) -> None:
    last_week = NOW - datetime.timedelta(days=7)
    s = schedule(
        personas.county_staff, tree.village_a1x, [personas.leader], starts_at=last_week, ends_at=last_week + H
    )
    assert actions.reception_deadline(s) == NOW + actions.LATE_RECEPTION
    _late_answer(personas.county_staff, s, NOW + datetime.timedelta(days=2))
    with pytest.raises(WrongState, match="补录期限已过"):
        _late_answer(personas.county_staff, s, NOW + datetime.timedelta(days=4))
    assert Reception.objects.count() == 1
