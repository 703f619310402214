"""The intake origin "visit": a matter registered from a visit through the one intake page keeps the link
both ways (the matter page links back; the visit page lists the matter), each side as far as the reader
may see it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas, Tree
from daiban.matters.models import Matter
from daiban.matters.tests.factories import WANG_ID, WANG_PHONE, frozen, intake
from daiban.prevention.tests.visits.helpers import client_for, record


def _intake_form(tree: Tree, origin: str, **extra: Any) -> dict[str, Any]:
    return {
        "p-TOTAL_FORMS": "1", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "1", "p-MAX_NUM_FORMS": "5",
        "p-0-name": "王建国", "p-0-phone": WANG_PHONE, "p-0-id_number": WANG_ID, "p-0-group": "resident",
        "channel": "door", "region": tree.village_a1x.pk, "title": "宅基地边界纠纷",
        "content": "走访中反映与邻居宅基地边界不清", "request": "请村里协调划定边界", "category": "other",
        "purpose": "appeal", "consent": "on", "origin": origin, **extra,
    }  # fmt: skip


def test_a_matter_from_a_door_to_door_visit_end_to_end(tree: Tree, personas: Personas) -> None:
    visit = record(personas.village_agent, kind="door")
    client = client_for(personas.village_agent)
    with frozen(2026, 11, 2):
        shown = client.get("/matters/new/", {"origin": f"visit:{visit.pk}"})
        assert shown.status_code == 200
        page = shown.content.decode()
        assert "由走访记录（2026年11月2日 推门访（入户走访））登记信访事项" in page
        assert shown.context["form"].initial["channel"] == "door"
        assert shown.context["form"].initial["region"] == tree.village_a1x.pk
        assert f'href="/visits/{visit.pk}/"' in page  # 取消 goes back to the visit
        response = client.post("/matters/new/", _intake_form(tree, f"visit:{visit.pk}"))
    assert response.status_code == 302
    matter = Matter.objects.get()
    assert list(visit.matters.all()) == [matter]
    matter_page = client.get(response["Location"]).content.decode()
    assert 'data-testid="matter-origin"' in matter_page and f'href="/visits/{visit.pk}/"' in matter_page
    visit_page = client.get(f"/visits/{visit.pk}/").content.decode()
    assert f'href="/matters/{matter.pk}/"' in visit_page and "宅基地边界纠纷" in visit_page


@pytest.mark.parametrize(("kind", "channel"), [("open", "window"), ("online", "online")])
def test_the_channel_follows_the_kind(tree: Tree, personas: Personas, kind: str, channel: str) -> None:
    visit = record(personas.village_agent, kind=kind)
    with frozen(2026, 11, 2):
        shown = client_for(personas.village_agent).get("/matters/new/", {"origin": f"visit:{visit.pk}"})
    assert shown.context["form"].initial["channel"] == channel


def test_a_visit_outside_scope_is_404_and_links_nothing(tree: Tree, personas: Personas) -> None:
    visit = record(personas.outsider_village_agent)
    client = client_for(personas.village_agent)
    with frozen(2026, 11, 2):
        assert client.get("/matters/new/", {"origin": f"visit:{visit.pk}"}).status_code == 404
        response = client.post("/matters/new/", _intake_form(tree, f"visit:{visit.pk}"))
    # A posted origin that cannot be linked re-shows the form with everything typed (the intake page's
    # rule for an origin that changed meanwhile), saying the same for a missing visit and a hidden one.
    assert response.status_code == 400
    assert "该走访记录不存在或不在您的管辖范围内" in response.content.decode()
    assert not Matter.objects.exists() and not visit.matters.exists()
    visit.refresh_from_db()
    assert visit.version == 1 and visit.events.count() == 1


def test_a_leader_is_not_offered_the_visit_origin(tree: Tree, personas: Personas) -> None:
    visit = record(personas.village_agent)
    with frozen(2026, 11, 2):
        response = client_for(personas.leader).get("/matters/new/", {"origin": f"visit:{visit.pk}"})
    assert response.status_code == 404


def test_link_outside_scope_undoes_the_intake(tree: Tree, personas: Personas) -> None:
    visit = record(personas.outsider_village_agent)
    with frozen(2026, 11, 2), pytest.raises(ValidationError) as exc:
        intake(personas.village_agent, tree.village_a1x, origin=f"visit:{visit.pk}")
    assert "origin" in exc.value.message_dict
    assert not Matter.objects.exists()


def test_each_side_shows_only_what_the_reader_may_see(tree: Tree, personas: Personas) -> None:
    visit = record(personas.township_staff, region=tree.village_a1y)  # 呼伦社区: not the village agent's
    with frozen(2026, 11, 2):
        matter = intake(personas.township_staff, tree.village_a1x, origin=f"visit:{visit.pk}")
    assert list(visit.matters.all()) == [matter]
    # The village agent sees the matter (苏雅拉) but not the visit (呼伦): no link to it.
    page = client_for(personas.village_agent).get(f"/matters/{matter.pk}/").content.decode()
    assert f"/visits/{visit.pk}/" not in page
    page = client_for(personas.township_staff).get(f"/matters/{matter.pk}/").content.decode()
    assert f"/visits/{visit.pk}/" in page


def test_a_matter_registered_from_a_visit_is_an_event_naming_its_number(
    tree: Tree, personas: Personas
) -> None:
    visit = record(personas.village_agent)
    with frozen(2026, 11, 2):
        matter = intake(personas.village_agent, tree.village_a1x, origin=f"visit:{visit.pk}")
    visit.refresh_from_db()
    assert visit.version == 2
    event = visit.events.get(seq=2)
    assert (event.kind, event.actor) == ("matter", personas.village_agent)
    assert event.summary == f"登记信访事项 {matter.number}"
    assert event.details == {"matter": matter.number, "linked_existing": False}
    assert matter.title not in event.summary and matter.title not in str(event.details)
    page = client_for(personas.leader).get(f"/visits/{visit.pk}/").content.decode()
    timeline = page.split('data-testid="visit-events"', 1)[1].split("</ol>", 1)[0]
    assert f"登记信访事项 {matter.number}" in timeline


def test_linking_the_same_matter_again_writes_nothing(tree: Tree, personas: Personas) -> None:
    from daiban.prevention.actions.visits import visit_link_matter

    visit = record(personas.village_agent)
    with frozen(2026, 11, 2):
        matter = intake(personas.village_agent, tree.village_a1x, origin=f"visit:{visit.pk}")
        visit_link_matter(
            actor=personas.village_agent, visit_id=visit.pk, matter=matter, linked_existing=True
        )
    visit.refresh_from_db()
    assert visit.version == 2 and visit.events.count() == 2 and list(visit.matters.all()) == [matter]
    # Another visit where the same person came back about it: recorded on the open matter.
    again = record(personas.village_agent, kind="open")
    with frozen(2026, 11, 2):
        visit_link_matter(
            actor=personas.village_agent, visit_id=again.pk, matter=matter, linked_existing=True
        )
    assert again.events.get(seq=2).summary == f"记入已有信访事项 {matter.number}（重复信访）"
