"""重新生成查询码: the network's staff reissue a petitioner's lookup code; the old one stops working, the
event records the reissue and never the code, and the new code is shown once on the action page."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from conftest import PASSWORD, Personas
from daiban.matters import actions
from daiban.matters.errors import NotAllowed, OutOfScope
from daiban.matters.models import Event, Matter
from daiban.matters.tests.factories import Flow


def test_the_holder_reissues_and_the_event_keeps_no_code(flow: Flow, personas: Personas) -> None:
    m = flow.at_village()
    old = m.lookup_code
    m = flow.fresh(flow.act(actions.matter_reissue_code, personas.village_agent, m, note="信访人遗失回执"))
    assert m.lookup_code != old and len(m.lookup_code) == 8
    event = Event.objects.get(matter=m, seq=m.version)
    assert event.kind == "reissue_code" and event.details == {"note": "信访人遗失回执"}
    stored = f"{event.summary}{event.details}"
    assert m.lookup_code not in stored and old not in stored


@pytest.mark.parametrize("who", ["township_staff", "county_staff", "city_admin"])
def test_network_staff_in_scope_reissue_on_a_matter_a_unit_holds(
    flow: Flow, personas: Personas, who: str
) -> None:
    m = flow.handling()
    old = m.lookup_code
    m = flow.fresh(flow.act(actions.matter_reissue_code, getattr(personas, who), m))
    assert m.lookup_code != old


@pytest.mark.parametrize("who", ["unit_handler", "leader", "supervisor"])
def test_others_in_scope_may_not_and_nothing_changes(flow: Flow, personas: Personas, who: str) -> None:
    m = flow.handling()
    with pytest.raises(NotAllowed):
        flow.bound(actions.matter_reissue_code, getattr(personas, who), m)()
    after = Matter.objects.get(pk=m.pk)
    assert (after.lookup_code, after.version) == (m.lookup_code, m.version)


@pytest.mark.parametrize("who", ["outsider", "outsider_village_agent"])
def test_outsiders_get_out_of_scope(flow: Flow, personas: Personas, who: str) -> None:
    m = flow.at_village()
    with pytest.raises(OutOfScope):
        flow.bound(actions.matter_reissue_code, getattr(personas, who), m)()
    assert Matter.objects.get(pk=m.pk).lookup_code == m.lookup_code


def test_a_closed_matter_can_still_get_a_new_code(flow: Flow, personas: Personas) -> None:
    m = flow.closed()
    old = m.lookup_code
    assert flow.fresh(flow.act(actions.matter_reissue_code, personas.county_staff, m)).lookup_code != old


def test_an_overlong_reason_names_the_field(flow: Flow, personas: Personas) -> None:
    m = flow.at_village()
    with pytest.raises(ValidationError) as caught:
        flow.bound(actions.matter_reissue_code, personas.village_agent, m, note="长" * 201)()
    assert "note" in caught.value.error_dict


def test_the_page_shows_the_new_code_once(flow: Flow, personas: Personas) -> None:
    m = flow.at_village()
    client = Client()
    assert client.login(username=personas.village_agent.username, password=PASSWORD)
    url = f"/matters/{m.pk}/act/reissue_code/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"version": m.version, "note": ""}, follow=True)
    new = Matter.objects.get(pk=m.pk).lookup_code
    assert new != m.lookup_code
    shown = [str(message) for message in response.context["messages"]]
    assert any(f"已重新生成查询码：{new}" in text for text in shown)
    # Only once: the next page load carries no message with the code.
    again = client.get(f"/matters/{m.pk}/")
    assert not [str(message) for message in again.context["messages"]]
