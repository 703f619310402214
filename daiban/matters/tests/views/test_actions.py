"""Every action page: outsiders get 404, in-scope users who may not act get 403, and nothing changes;
a stale form shows the conflict plainly and keeps what the user typed."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import PASSWORD, Personas, Tree, make_user
from daiban.accounts.models import Role, User
from daiban.matters import actions
from daiban.matters.models import Event, Matter
from daiban.matters.tests.factories import intake
from daiban.matters.workflow import REGISTRY

BUTTON_ACTIONS = sorted(k for k, a in REGISTRY.items() if a.has_button)


def _client(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _state(m: Matter) -> tuple[object, ...]:
    m = Matter.objects.get(pk=m.pk)
    return (
        m.version,
        m.status,
        m.holder_region_id,
        m.holder_unit_id,
        m.due_date,
        Event.objects.filter(matter=m).count(),
    )


@pytest.fixture
def routed(tree: Tree, personas: Personas) -> Matter:
    m = intake(personas.village_agent, tree.village_a1x)
    for actor in (personas.village_agent, personas.township_staff):
        m = actions.matter_escalate(actor=actor, matter_id=m.pk, expected_version=m.version, note="上报")
    return actions.matter_route(
        actor=personas.county_staff, matter_id=m.pk, expected_version=m.version, lead_unit=tree.unit_housing_a
    )


@pytest.mark.parametrize("action", BUTTON_ACTIONS)
def test_outsiders_get_404_and_nothing_changes(action: str, routed: Matter, personas: Personas) -> None:
    task = routed.tasks.get()
    before = _state(routed)
    for user in (personas.outsider, personas.outsider_village_agent, personas.outsider_unit_handler):
        client = _client(user)
        url = f"/matters/{routed.pk}/act/{action}/?task={task.pk}"
        assert client.get(url).status_code == 404
        assert client.post(url, {"version": routed.version, "task": task.pk, "note": "x"}).status_code == 404
    assert _state(routed) == before


@pytest.mark.parametrize("action", BUTTON_ACTIONS)
def test_in_scope_users_without_the_action_get_403(action: str, routed: Matter, personas: Personas) -> None:
    """The village agent sees the routed matter but the unit holds it now: only press, adding a file and
    reissuing the lookup code (the network hands the code out, whoever holds the matter) remain for them
    (recusal needs a colleague to take over, and there is none); everything else is refused with 403 and
    changes nothing."""
    task = routed.tasks.get()
    before = _state(routed)
    client = _client(personas.village_agent)
    url = f"/matters/{routed.pk}/act/{action}/?task={task.pk}"
    expected = (
        200 if action in ("press", "attach", "reissue_code", "assistance_referral", "urgent_mark") else 403
    )
    assert client.get(url).status_code == expected
    if expected == 403:
        assert client.post(url, {"version": routed.version, "task": task.pk}).status_code == 403
    assert _state(routed) == before


def test_conflict_is_shown_and_input_kept(tree: Tree, personas: Personas) -> None:
    m = intake(personas.village_agent, tree.village_a1x)
    stale = m.version
    # Neither the township nor the county holds the village's matter: both may press it.
    first, second = _client(personas.township_staff), _client(personas.county_staff)
    assert first.post(f"/matters/{m.pk}/act/press/", {"version": stale, "note": "请尽快"}).status_code == 302
    response = second.post(f"/matters/{m.pk}/act/press/", {"version": stale, "note": "我写的督促意见"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "刚刚被他人修改" in page and "我写的督促意见" in page
    assert Event.objects.filter(matter=m, kind="press").count() == 1


def test_action_field_errors_are_chinese_and_keep_input(
    tree: Tree, personas: Personas, routed: Matter
) -> None:
    task = routed.tasks.get()
    client = _client(personas.unit_handler)
    client.post(
        f"/matters/{routed.pk}/act/accept/",
        {"version": routed.version, "task": task.pk, "notice_method": "written"},
    )
    m = Matter.objects.get(pk=routed.pk)
    response = client.post(
        f"/matters/{m.pk}/act/extend/",
        {
            "version": m.version,
            "days": "45",
            "approver": "张局长",
            "reason": "需现场勘验",
            "notified_how": "phone",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "张局长" in page and "需现场勘验" in page
    assert "30" in str(response.context["form"].errors["days"])
    assert Matter.objects.get(pk=m.pk).extended_days == 0


def test_the_loser_of_a_race_gets_the_conflict_page_even_when_the_action_is_gone(
    tree: Tree, personas: Personas
) -> None:
    """Both agents of the village opened 上报 on the same version; the first escalates, so the second's
    action is no longer available at all: still 409 with the conflict explained and the text kept."""
    colleague = make_user("village_agent_2", Role.VILLAGE_AGENT, tree.village_a1x)
    m = intake(personas.village_agent, tree.village_a1x)
    stale = m.version
    first, second = _client(personas.village_agent), _client(colleague)
    assert first.post(f"/matters/{m.pk}/act/escalate/", {"version": stale, "note": "先报"}).status_code == 302
    after = _state(m)
    for action in ("escalate", "start_local"):
        response = second.post(
            f"/matters/{m.pk}/act/{action}/", {"version": stale, "note": "我写的说明：村里调解未果"}
        )
        assert response.status_code == 409, action
        page = response.content.decode()
        assert "刚刚被他人修改" in page and "我写的说明：村里调解未果" in page
        assert "不能再办理此操作" in page
        assert _state(m) == after
    assert Event.objects.filter(matter=m, kind="escalate").count() == 1


def test_a_stale_form_on_a_unit_task_is_a_conflict(routed: Matter, personas: Personas) -> None:
    task = routed.tasks.get()
    first, second = _client(personas.unit_handler), _client(personas.unit_handler)
    url = f"/matters/{routed.pk}/act/accept/"
    data = {"version": routed.version, "task": task.pk, "notice_method": "phone"}
    assert first.post(url, data).status_code == 302
    response = second.post(url, {**data, "notice_method": "written"})
    assert response.status_code == 409
    assert '<option value="written" selected>' in response.content.decode()
    assert Event.objects.filter(matter=routed, kind="accept").count() == 1


def test_without_a_stale_version_a_refusal_is_still_403(tree: Tree, personas: Personas) -> None:
    """Only a version older than the matter's is a conflict: no version, a malformed one or the current
    one on an action that is not available stays 403 and changes nothing."""
    m = intake(personas.village_agent, tree.village_a1x)
    client = _client(personas.township_staff)  # sees the matter; the village holds it
    before = _state(m)
    for version in ("", "x", "²", str(m.version), str(m.version + 5), "9" * 40):
        response = client.post(f"/matters/{m.pk}/act/escalate/", {"version": version, "note": "n"})
        assert response.status_code == 403, version
    assert client.get(f"/matters/{m.pk}/act/escalate/").status_code == 403
    assert _state(m) == before
