"""接访即代办 end to end: from a session's page through the one intake page (origin=session:<pk>) to a
matter whose 包案 leader is the receiving leader, listed on the session's page and linked back from the
matter's page."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas, Tree, make_user
from daiban.accounts.models import Role
from daiban.matters.models import Matter
from daiban.matters.tests.factories import WANG_ID, WANG_PHONE, id_with_check, intake
from daiban.prevention.actions.sessions import session_cancel
from daiban.prevention.models.sessions import Reception
from daiban.prevention.tests.sessions.helpers import NOW, client, frozen, schedule


def _form(tree: Tree, **extra: Any) -> dict[str, Any]:
    return {
        "p-TOTAL_FORMS": "1", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "1", "p-MAX_NUM_FORMS": "5",
        "p-0-name": "王建国", "p-0-phone": WANG_PHONE, "p-0-id_number": WANG_ID, "p-0-group": "resident",
        "channel": "leader_day", "region": tree.village_a1x.pk, "title": "小区供暖不达标",
        "content": "入冬以来室温不足十六度", "request": "请督促供热公司整改", "category": "urban_construction",
        "purpose": "appeal", "consent": "on", **extra,
    }  # fmt: skip


def test_a_person_received_becomes_a_matter_with_the_leader_in_charge(tree: Tree, personas: Personas) -> None:
    city_leader = make_user("city_leader", Role.LEADER, tree.city)
    s = schedule(personas.county_staff, tree.village_a1x, [personas.leader, city_leader])
    agent = client(personas.village_agent)
    with frozen():
        page = agent.get(f"/sessions/{s.pk}/").content.decode()
        assert f'href="/matters/new/?origin=session:{s.pk}"' in page
        form = agent.get(f"/matters/new/?origin=session:{s.pk}")
    assert form.status_code == 200
    shown = form.content.decode()
    assert "接访活动「区级领导接待日」现场登记（接访即代办：接访领导为包案领导）" in shown
    assert form.context["form"].initial["leader"] == personas.leader.pk  # the session's first leader
    assert form.context["form"].initial["channel"] == "leader_day"
    assert f'href="/sessions/{s.pk}/"' in shown  # 取消 goes back to the session
    with frozen():
        response = agent.post("/matters/new/", _form(tree, origin=f"session:{s.pk}", leader=city_leader.pk))
    assert response.status_code == 302, response.context and response.context["form"].errors
    matter = Matter.objects.get()
    assert list(matter.leaders.all()) == [city_leader]  # 接访即代办: the receiving leader is 包案
    reception = Reception.objects.get()
    assert (reception.session, reception.matter, reception.received_by) == (s, matter, city_leader)
    assert s.events.filter(kind="receive_matter").count() == 1
    with frozen():
        page = agent.get(f"/sessions/{s.pk}/").content.decode()
        matter_page = agent.get(f"/matters/{matter.pk}/").content.decode()
    assert matter.number in page and matter.get_status_display() in page
    assert 'data-testid="reception-matter"' in page
    assert "接访活动" in matter_page and f'href="/sessions/{s.pk}/"' in matter_page


def test_a_leader_of_the_session_takes_the_intake_themselves(tree: Tree, personas: Personas) -> None:
    s = schedule(
        personas.county_staff, tree.county_a, [personas.leader], kind="livestream", place="抖音直播间"
    )
    leader = client(personas.leader)
    with frozen():
        form = leader.get(f"/matters/new/?origin=session:{s.pk}")
        assert form.context["form"].initial["channel"] == "livestream"
        response = leader.post(
            "/matters/new/",
            _form(tree, channel="livestream", origin=f"session:{s.pk}", leader=personas.leader.pk),
        )
    assert response.status_code == 302
    matter = Matter.objects.get()
    assert list(matter.leaders.all()) == [personas.leader] and matter.channel == "livestream"
    assert Reception.objects.get().received_by == personas.leader


def test_a_leader_who_does_not_sit_there_is_refused_and_nothing_is_kept(
    tree: Tree, personas: Personas
) -> None:
    other = make_user("other_leader", Role.LEADER, tree.county_a)
    s = schedule(personas.county_staff, tree.village_a1x, [personas.leader])
    agent = client(personas.county_staff)
    with frozen():
        response = agent.post("/matters/new/", _form(tree, origin=f"session:{s.pk}", leader=other.pk))
    assert response.status_code == 400
    assert "接访领导须是本次接访活动的接访领导之一" in str(response.context["form"].errors["leader"])
    assert "入冬以来室温不足十六度" in response.content.decode()  # the input is kept
    assert not Matter.objects.exists() and not Reception.objects.exists()


def test_origin_out_of_scope_is_404(tree: Tree, personas: Personas) -> None:
    s = schedule(personas.county_staff, tree.county_a, [personas.leader])
    with frozen():
        assert client(personas.village_agent).get(f"/matters/new/?origin=session:{s.pk}").status_code == 404
        assert client(personas.outsider).get(f"/matters/new/?origin=session:{s.pk}").status_code == 404
    assert not Matter.objects.exists()


def test_a_cancelled_session_is_refused_on_the_form_with_the_input_kept(
    tree: Tree, personas: Personas
) -> None:
    """Cancelled after the intake form was opened: the form comes back (400) saying why, with all that
    was typed; no matter and no reception are kept."""
    s = schedule(personas.county_staff, tree.village_a1x, [personas.leader])
    agent = client(personas.village_agent)
    with frozen():
        assert agent.get(f"/matters/new/?origin=session:{s.pk}").status_code == 200
        session_cancel(actor=personas.county_staff, session_id=s.pk, expected_version=1, reason="改期")
        response = agent.post(
            "/matters/new/", _form(tree, origin=f"session:{s.pk}", leader=personas.leader.pk)
        )
    assert response.status_code == 400
    text = response.content.decode()
    assert "该接访活动已取消，不能在其中登记接待情况。" in text
    assert "入冬以来室温不足十六度" in text and "小区供暖不达标" in text
    assert not Matter.objects.exists() and not Reception.objects.exists()
    with frozen():
        shown = agent.get(f"/matters/new/?origin=session:{s.pk}")
    assert shown.status_code == 200 and "已取消" in shown.context["origin"].banner


def test_intake_past_the_late_entry_window_is_refused_on_the_form(tree: Tree, personas: Personas) -> None:
    s = schedule(personas.county_staff, tree.village_a1x, [personas.leader])
    agent = client(personas.village_agent)
    with frozen(s.ends_at + datetime.timedelta(days=2)):
        ok = agent.post("/matters/new/", _form(tree, origin=f"session:{s.pk}", leader=personas.leader.pk))
    assert ok.status_code == 302 and Reception.objects.count() == 1
    with frozen(s.ends_at + datetime.timedelta(days=4)):
        response = agent.post(
            "/matters/new/",
            _form(tree, origin=f"session:{s.pk}", leader=personas.leader.pk, title="另一件事", **_another()),
        )
    assert response.status_code == 400
    assert "补录期限已过" in response.content.decode() and "另一件事" in response.content.decode()
    assert Matter.objects.count() == 1 and Reception.objects.count() == 1


ANOTHER_ID = id_with_check("15010219750101234")


def _another() -> dict[str, str]:
    """A second person, so that the second intake is not an art. 19 repeat of the first."""
    return {"p-0-name": "李桂兰", "p-0-phone": "", "p-0-id_number": ANOTHER_ID}


def test_a_repeat_visit_counts_under_a_sitting_leader(tree: Tree, personas: Personas) -> None:
    """Art. 19: the person's open matter takes the visit; the session still lists who came."""
    with frozen():
        first = intake(personas.village_agent, tree.village_a1x)
    s = schedule(personas.county_staff, tree.village_a1x, [personas.leader])
    with frozen():
        response = client(personas.village_agent).post(
            "/matters/new/",
            _form(tree, origin=f"session:{s.pk}", leader=personas.leader.pk, decision=f"repeat:{first.pk}"),
        )
    assert response.status_code == 302
    reception = Reception.objects.get()
    assert reception.matter == first and reception.received_by == personas.leader
    assert "并入在办事项" in s.events.get(kind="receive_matter").summary


def test_intake_before_the_session_is_refused_on_origin(tree: Tree, personas: Personas) -> None:
    from daiban.core import clock
    from daiban.matters import actions as matter_actions
    from daiban.matters.actions import PetitionerInput

    s = schedule(personas.county_staff, tree.village_a1x, [personas.leader])
    with clock.frozen(NOW.replace(hour=5)), pytest.raises(ValidationError) as exc:
        matter_actions.matter_intake(
            actor=personas.village_agent,
            petitioners=[PetitionerInput(name="王建国", id_number=WANG_ID)],
            channel="leader_day",
            consent=True,
            region=tree.village_a1x,
            title="t",
            content="c",
            request="r",
            category="other",
            purpose="appeal",
            leader=personas.leader,
            origin=f"session:{s.pk}",
        )
    assert "origin" in exc.value.error_dict
    assert not Matter.objects.exists()
