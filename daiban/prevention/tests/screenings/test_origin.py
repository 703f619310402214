"""未诉先办 end to end: a screening becomes a matter through the real intake page, and each keeps the link
to the other; a closed or out-of-scope screening cannot be turned into one."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from conftest import PASSWORD, Personas, Tree
from daiban.matters import actions
from daiban.matters.actions import PetitionerInput
from daiban.matters.models import Matter
from daiban.matters.tests.factories import WANG_ID, WANG_PHONE, intake
from daiban.prevention.models import Screening
from daiban.prevention.tests.screenings.factories import fresh, on_day, screening, step


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _intake_form(page_initial: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """What the agent sends: the prefilled values, the person and the request they add."""
    return {
        "p-TOTAL_FORMS": "1", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "1", "p-MAX_NUM_FORMS": "5",
        "p-0-name": "王建国", "p-0-phone": WANG_PHONE, "p-0-id_number": WANG_ID, "p-0-group": "villager",
        "purpose": "appeal", "consent": "on",
        **{k: v for k, v in page_initial.items() if v is not None},
        "request": "请依法确定界址。",
        **extra,
    }  # fmt: skip


def test_a_screening_becomes_a_matter_through_the_intake_page(tree: Tree, personas: Personas) -> None:
    s = screening(personas.village_agent, tree.village_a1x, kind="land", headcount=3)
    client = _client(personas.village_agent)
    with on_day():
        response = client.get("/matters/new/", {"origin": f"screening:{s.pk}"})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"由排查台账 {s.number} 转为信访事项" in page
    form = response.context["form"]
    initial = {
        k: form.initial.get(k) for k in ("title", "content", "category", "channel", "region", "headcount")
    }
    assert initial == {
        "title": s.title,
        "content": f"{s.description}\n当事人：{s.parties}",
        "category": "land",
        "channel": "screening",
        "region": tree.village_a1x.pk,
        "headcount": 3,
    }
    assert form.initial["origin"] == f"screening:{s.pk}"
    with on_day():
        response = client.post("/matters/new/", _intake_form(initial, origin=f"screening:{s.pk}"))
    matter = Matter.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/matters/{matter.pk}/"
    assert matter.channel == "screening" and matter.title == s.title
    s = fresh(s)
    assert (s.status, s.matter, s.review_on, s.closed_on) == ("petition", matter, None, s.found_on)
    event = s.events.get(kind="to_matter")
    assert event.details == {"matter": matter.pk, "linked_existing": False}
    assert matter.number in event.summary
    # Both ways: the matter page shows where it came from, the screening page the matter.
    with on_day():
        matter_page = client.get(f"/matters/{matter.pk}/").content.decode()
        screening_page = client.get(f"/screenings/{s.pk}/").content.decode()
    assert f'href="/screenings/{s.pk}/"' in matter_page and s.number in matter_page
    assert f'href="/matters/{matter.pk}/"' in screening_page and "已转为信访事项" in screening_page
    # Someone who may not see the screening sees no link on the matter page (the county leader does).
    with on_day():
        leader_page = _client(personas.leader).get(f"/matters/{matter.pk}/").content.decode()
        handler_page = _client(personas.unit_handler).get(f"/matters/{matter.pk}/")
    assert f'href="/screenings/{s.pk}/"' in leader_page
    assert handler_page.status_code == 404 or f"/screenings/{s.pk}/" not in handler_page.content.decode()
    # Once turned into a matter, the intake page no longer offers it.
    with on_day():
        assert client.get("/matters/new/", {"origin": f"screening:{s.pk}"}).status_code == 404


def test_the_persons_open_matter_absorbs_the_visit_and_the_screening_links_to_it(
    tree: Tree, personas: Personas
) -> None:
    with on_day():
        existing = intake(personas.village_agent, tree.village_a1x)
    s = screening(personas.village_agent, tree.village_a1x)
    client = _client(personas.village_agent)
    with on_day():
        form = client.get("/matters/new/", {"origin": f"screening:{s.pk}"}).context["form"]
        initial = {
            k: form.initial.get(k) for k in ("title", "content", "category", "channel", "region", "headcount")
        }
        asked = client.post("/matters/new/", _intake_form(initial, origin=f"screening:{s.pk}"))
        assert asked.status_code == 200 and asked.context["decision_matters"]
        assert fresh(s).status == "watching"  # nothing linked while the agent is asked
        response = client.post(
            "/matters/new/",
            _intake_form(initial, origin=f"screening:{s.pk}", decision=f"repeat:{existing.pk}"),
        )
    assert response.status_code == 302 and response["Location"] == f"/matters/{existing.pk}/"
    assert Matter.objects.count() == 1
    s = fresh(s)
    assert (s.status, s.matter) == ("petition", existing)
    event = s.events.get(kind="to_matter")
    assert (
        event.details["linked_existing"] is True
        and "重复来访" in event.summary
        and existing.number in event.summary
    )


def _intake_kwargs(tree: Tree, origin: str) -> dict[str, Any]:
    return {
        "petitioners": [PetitionerInput(name="李秀英", phone="13804715678")],
        "channel": "screening",
        "consent": True,
        "region": tree.village_a1x,
        "title": "界址纠纷",
        "content": "界址纠纷",
        "request": "确权",
        "category": "land",
        "purpose": "appeal",
        "new_matter": True,
        "origin": origin,
    }


def test_a_closed_screening_is_refused_on_origin_and_nothing_is_kept(tree: Tree, personas: Personas) -> None:
    s = screening(personas.village_agent, tree.village_a1x)
    step("resolve", personas.village_agent, s, outcome="已化解")
    with on_day(), pytest.raises(ValidationError) as exc:
        actions.matter_intake(actor=personas.village_agent, **_intake_kwargs(tree, f"screening:{s.pk}"))
    assert "已化解" in exc.value.message_dict["origin"][0]
    assert not Matter.objects.exists() and fresh(s).matter is None


def test_an_out_of_scope_screening_is_refused_on_origin(tree: Tree, personas: Personas) -> None:
    next_door = screening(personas.township_staff, tree.village_a1y)
    with on_day(), pytest.raises(ValidationError) as exc:
        actions.matter_intake(
            actor=personas.village_agent, **_intake_kwargs(tree, f"screening:{next_door.pk}")
        )
    assert "不在您的管辖范围内" in exc.value.message_dict["origin"][0]
    with on_day(), pytest.raises(ValidationError):
        actions.matter_intake(actor=personas.village_agent, **_intake_kwargs(tree, "screening:999999"))
    assert not Matter.objects.exists() and fresh(next_door).status == "watching"


def test_the_intake_page_refuses_an_origin_the_user_may_not_use(tree: Tree, personas: Personas) -> None:
    s = screening(personas.village_agent, tree.village_a1x)
    for name in ("leader", "outsider", "outsider_village_agent"):
        with on_day():
            response = _client(getattr(personas, name)).get("/matters/new/", {"origin": f"screening:{s.pk}"})
        assert response.status_code == 404, name
    assert Screening.objects.get().status == "watching"
