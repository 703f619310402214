"""The visit pages: the phone-quick record (renders, saves with the fewest fields, keeps bad input), the
list (scope, filters, keyset pages), the visit page and the correction page (conflict)."""

from __future__ import annotations

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Personas, Tree
from daiban.matters.tests.factories import frozen
from daiban.prevention.models import Visit
from daiban.prevention.tests.visits.helpers import client_for, record


def test_the_quick_form_shows_the_fewest_fields_first(tree: Tree, personas: Personas) -> None:
    with frozen(2026, 11, 2):
        response = client_for(personas.village_agent).get("/visits/new/")
    assert response.status_code == 200
    page = response.content.decode()
    quick, _, more = page.partition('<details class="more"')
    for name in ("kind", "visited_on", "households", "findings"):
        assert f'name="{name}"' in quick
    for name in ("region", "place", "members", "others"):
        assert f'name="{name}"' in more and f'name="{name}"' not in quick
    assert 'value="2026-11-02"' in quick  # today, prefilled
    assert 'class="big-choice"' in quick and 'type="radio"' in quick
    assert re.search(r"<details class=\"more\"\s*>", page)  # folded
    assert "prevention/visits.css" in page


def test_minimal_post_saves_and_offers_the_next_steps(tree: Tree, personas: Personas) -> None:
    client = client_for(personas.village_agent)
    with frozen(2026, 11, 2):
        form = client.get("/visits/new/").context["form"]
        data = {"kind": "door", "visited_on": "2026-11-02", "region": str(form.initial["region"])}
        response = client.post("/visits/new/", data)
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/visits/{visit.pk}/"
    assert visit.region == tree.village_a1x and visit.households == 0
    assert list(visit.members.all()) == [personas.village_agent]
    page = client.get(response["Location"]).content.decode()
    assert f'href="/screenings/new/?visit={visit.pk}"' in page
    assert f'href="/matters/new/?origin=visit%3A{visit.pk}"' in page
    assert "走访记录已保存" in page


def test_bad_input_keeps_the_input_and_names_the_field(tree: Tree, personas: Personas) -> None:
    client = client_for(personas.village_agent)
    data = {
        "kind": "door",
        "visited_on": "2026-12-25",  # in the future
        "households": "7",
        "findings": "李家与赵家因排水沟争执",
        "region": str(tree.village_a1x.pk),
        "place": "五组",
    }
    with frozen(2026, 11, 2):
        response = client.post("/visits/new/", data)
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == ["visited_on"] and "不能晚于今天" in form.errors["visited_on"][0]
    page = response.content.decode()
    assert "李家与赵家因排水沟争执" in page and 'value="五组"' in page and 'value="7"' in page
    assert not Visit.objects.exists()


def test_an_error_in_a_folded_field_opens_more(tree: Tree, personas: Personas) -> None:
    client = client_for(personas.village_agent)
    data = {"kind": "door", "visited_on": "2026-11-02", "region": str(tree.village_a1y.pk)}
    with frozen(2026, 11, 2):
        response = client.post("/visits/new/", data)
    assert response.status_code == 400 and "region" in response.context["form"].errors
    assert re.search(r"<details class=\"more\"\s+open", response.content.decode())


def test_the_list_is_scoped_and_filtered(tree: Tree, personas: Personas) -> None:
    mine = record(personas.village_agent, findings="苏雅拉的走访")
    other = record(personas.township_staff, region=tree.village_a1y, kind="online", findings="呼伦的走访")
    far = record(personas.outsider_village_agent, findings="托县的走访")
    village = client_for(personas.village_agent).get("/visits/").content.decode()
    assert "苏雅拉的走访" in village and "呼伦的走访" not in village and "托县的走访" not in village
    township = client_for(personas.township_staff)
    page = township.get("/visits/").content.decode()
    assert (
        f"/visits/{mine.pk}/" in page and f"/visits/{other.pk}/" in page and f"/visits/{far.pk}/" not in page
    )
    page = township.get("/visits/", {"kind": "online"}).content.decode()
    assert f"/visits/{other.pk}/" in page and f"/visits/{mine.pk}/" not in page
    page = township.get("/visits/", {"region": tree.village_a1x.code}).content.decode()
    assert f"/visits/{mine.pk}/" in page and f"/visits/{other.pk}/" not in page
    with frozen(2026, 11, 2):
        page = township.get("/visits/", {"date_from": "2026-11-03"}).content.decode()
    assert "没有符合条件的走访记录" in page
    # A filter outside scope is an error on that filter, not another jurisdiction's records.
    response = township.get("/visits/", {"region": tree.village_b1x.code})
    assert response.status_code == 200 and "region" in response.context["form"].errors
    assert f"/visits/{far.pk}/" not in response.content.decode()


def test_keyset_pages_and_a_bounded_number_of_queries(tree: Tree, personas: Personas) -> None:
    for day in range(30):
        record(personas.village_agent, visited_on=datetime.date(2026, 11, 2) - datetime.timedelta(days=day))
    client = client_for(personas.township_staff)
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/visits/")
    assert len(first.context["page"].rows) == 25 and first.context["next_url"]
    assert len(queries) <= 8
    second = client.get("/visits/" + first.context["next_url"])
    rows = second.context["page"].rows
    assert len(rows) == 5 and rows[-1].visited_on == datetime.date(2026, 10, 4)
    assert second.context["first_url"]


def test_detail_lists_what_the_reader_may_see(tree: Tree, personas: Personas) -> None:
    visit = record(personas.village_agent, members=[personas.township_staff], others="网格员")
    response = client_for(personas.leader).get(f"/visits/{visit.pk}/")
    page = response.content.decode()
    assert response.status_code == 200 and "township_staff" in page and "网格员" in page
    assert 'data-testid="visit-next-steps"' not in page  # a leader does not record from here
    assert f"/visits/{visit.pk}/edit/" not in page


def test_edit_corrects_and_a_stale_form_is_a_conflict_with_the_input_kept(
    tree: Tree, personas: Personas
) -> None:
    visit = record(personas.village_agent)
    client = client_for(personas.village_agent)
    with frozen(2026, 11, 3):
        form = client.get(f"/visits/{visit.pk}/edit/").context["form"]
        data = {k: v for k, v in form.initial.items() if k != "members"}
        data.update(visited_on="2026-11-02", households="40", findings="更正：走访四十户")
        response = client.post(f"/visits/{visit.pk}/edit/", data)
        assert response.status_code == 302
        visit.refresh_from_db()
        assert visit.households == 40 and visit.version == 2
        data.update(households="41", findings="另一人的更正")
        response = client.post(f"/visits/{visit.pk}/edit/", data)  # still version 1
    assert response.status_code == 409
    page = response.content.decode()
    assert "刚刚被他人修改" in page and "另一人的更正" in page
    visit.refresh_from_db()
    assert visit.households == 40


def test_edit_bad_input_is_400_and_kept(tree: Tree, personas: Personas) -> None:
    visit = record(personas.village_agent)
    client = client_for(personas.village_agent)
    data = {
        "kind": "door",
        "visited_on": "2026-11-02",
        "region": str(tree.village_a1x.pk),
        "households": "10001",
        "findings": "保留的文字",
        "version": "1",
    }
    with frozen(2026, 11, 3):
        response = client.post(f"/visits/{visit.pk}/edit/", data)
    assert response.status_code == 400 and "households" in response.context["form"].errors
    assert "保留的文字" in response.content.decode()
    visit.refresh_from_db()
    assert visit.households == 12


def test_detail_lists_the_screenings_found_on_it_as_far_as_the_reader_sees(
    tree: Tree, personas: Personas
) -> None:
    from daiban.prevention.actions.screenings import screening_record

    visit = record(personas.township_staff, region=tree.village_a1x)
    common = {
        "kind": "land",
        "description": "两户宅基地边界争执",
        "risk": "general",
        "risk_reason": "双方情绪平稳",
    }
    with frozen(2026, 11, 2):
        here = screening_record(
            actor=personas.township_staff,
            region=tree.village_a1x,
            title="苏雅拉宅基地纠纷",
            found_on=datetime.date(2026, 11, 2),
            visit_id=visit.pk,
            **common,
        )
        there = screening_record(
            actor=personas.township_staff,
            region=tree.village_a1y,
            title="呼伦社区排水纠纷",
            found_on=datetime.date(2026, 11, 2),
            visit_id=visit.pk,
            **common,
        )
    township = client_for(personas.township_staff).get(f"/visits/{visit.pk}/").content.decode()
    assert f"/screenings/{here.pk}/" in township and f"/screenings/{there.pk}/" in township
    village = client_for(personas.village_agent).get(f"/visits/{visit.pk}/").content.decode()
    assert "苏雅拉宅基地纠纷" in village and "呼伦社区排水纠纷" not in village


def test_home_offers_the_visit_form_to_agents_only(tree: Tree, personas: Personas) -> None:
    page = client_for(personas.village_agent).get("/").content.decode()
    assert 'data-testid="home-visit-new"' in page and 'href="/visits/new/"' in page
    for who in (personas.leader, personas.unit_handler, personas.supervisor):
        assert 'data-testid="home-visit-new"' not in client_for(who).get("/").content.decode()


def test_members_are_offered_as_checkboxes_and_saved(tree: Tree, personas: Personas) -> None:
    client = client_for(personas.village_agent)
    with frozen(2026, 11, 2):
        page = client.get("/visits/new/").content.decode()
        assert f'name="members" value="{personas.township_staff.pk}"' in page
        assert f'name="members" value="{personas.village_agent.pk}"' not in page  # counted anyway
        data = {
            "kind": "open",
            "visited_on": "2026-11-02",
            "region": str(tree.village_a1x.pk),
            "members": [str(personas.township_staff.pk)],
        }
        assert client.post("/visits/new/", data).status_code == 302
    assert set(Visit.objects.get().members.all()) == {personas.village_agent, personas.township_staff}


def test_detail_shows_the_record_and_its_corrections(tree: Tree, personas: Personas) -> None:
    visit = record(personas.village_agent, households=12, findings="三组两户争吵")
    client = client_for(personas.village_agent)
    with frozen(2026, 11, 3):
        form = client.get(f"/visits/{visit.pk}/edit/").context["form"]
        data = {k: v for k, v in form.initial.items() if k != "members"}
        data.update(visited_on="2026-11-02", households="40", findings="三组两户因宅基地边界争吵")
        assert client.post(f"/visits/{visit.pk}/edit/", data).status_code == 302
        page = client.get(f"/visits/{visit.pk}/").content.decode()
    timeline = page.split('data-testid="visit-events"', 1)[1].split("</ol>", 1)[0]
    assert "记录走访：推门访（入户走访），走访 12 户（人次）" in timeline
    assert "更正：走访户数、发现情况" in timeline
    assert "<dt>走访户数</dt>" in timeline and "12 → 40" in timeline
    assert "三组两户争吵 → 三组两户因宅基地边界争吵" in timeline
    assert timeline.index("记录走访") < timeline.index("更正：")
    # A reader who may not correct it sees the same trail.
    assert "12 → 40" in client_for(personas.leader).get(f"/visits/{visit.pk}/").content.decode()


def test_an_old_visit_can_be_corrected_on_its_page(tree: Tree, personas: Personas) -> None:
    visit = record(personas.village_agent, visited_on=datetime.date(2026, 9, 3))
    client = client_for(personas.village_agent)
    with frozen(2027, 1, 15):
        form = client.get(f"/visits/{visit.pk}/edit/").context["form"]
        data = {k: v for k, v in form.initial.items() if k != "members"}
        data.update(visited_on="2026-09-03", households="7")
        response = client.post(f"/visits/{visit.pk}/edit/", data)
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.households == 7 and visit.visited_on == datetime.date(2026, 9, 3)
