"""The urgent pages: the buttons and the generic action page, the matter panel (badge, who was told and
when), the pinned home panel of every level whose subtree holds the matter, the list and the detail."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Personas, Tree
from daiban.core import clock
from daiban.matters.tests.factories import Flow
from daiban.notify.models import Message
from daiban.urgent.models import UrgentMarking
from daiban.urgent.tests.helpers import REASON, client_for, downgrade, mark, others, state


def test_the_action_page_marks_and_shows_the_badge_and_who_was_told(flow: Flow, personas: Personas) -> None:
    m = flow.at_village()
    client = client_for(personas.village_agent)
    with clock.frozen(flow.now):
        page = client.get(f"/matters/{m.pk}/")
        assert "标记重大紧急" in page.content.decode() and "解除重大紧急" not in page.content.decode()
        form = client.get(f"/matters/{m.pk}/act/urgent_mark/")
        assert form.status_code == 200 and "群体性（人数众多）" in form.content.decode()
        done = client.post(
            f"/matters/{m.pk}/act/urgent_mark/", {"version": m.version, "category": "group", "reason": REASON}
        )
        assert done.status_code == 302
        page = client_for(personas.county_staff).get(f"/matters/{m.pk}/").content.decode()
    assert 'data-testid="urgent-badge"' in page and "群体性（人数众多）" in page and REASON in page
    # 呼伦路街道's station, 新城区's centre and leader, the city bureau.
    assert page.count('data-testid="urgent-notice"') == 4
    assert "解除重大紧急" in page and "未读" in page


def test_field_errors_keep_the_input_and_change_nothing(flow: Flow, personas: Personas) -> None:
    m = flow.at_village()
    before = state(m)
    with clock.frozen(flow.now):
        response = client_for(personas.village_agent).post(
            f"/matters/{m.pk}/act/urgent_mark/", {"version": m.version, "category": "", "reason": "已聚集"}
        )
    assert response.status_code == 400 and "已聚集" in response.content.decode()
    assert state(m) == before


def test_a_stale_form_is_the_conflict_page(flow: Flow, personas: Personas) -> None:
    m = flow.at_village()
    version = m.version
    mark(flow, personas.county_staff, m)
    with clock.frozen(flow.now):
        response = client_for(personas.township_staff).post(
            f"/matters/{m.pk}/act/urgent_mark/",
            {"version": version, "category": "group", "reason": "保留的文字"},
        )
    assert response.status_code == 409 and "保留的文字" in response.content.decode()
    assert UrgentMarking.objects.filter(matter=m).count() == 1


def test_read_at_shows_once_the_message_is_read(flow: Flow, personas: Personas) -> None:
    m = mark(flow, personas.village_agent, flow.at_village())
    Message.objects.filter(recipient=personas.city_admin, kind="urgent_matter").update(read_at=flow.now)
    marking = UrgentMarking.objects.get(matter=m)
    page = client_for(personas.county_staff).get(f"/urgent/{marking.pk}/").content.decode()
    assert page.count('data-testid="urgent-notice"') == 4 and page.count("未读") == 3


def test_home_panel_shows_for_the_county_and_city_not_another_county(
    flow: Flow, tree: Tree, personas: Personas
) -> None:
    extra = others(tree)
    m = mark(flow, personas.village_agent, flow.at_village(title="村民聚集讨要征地补偿"))
    for user in (personas.county_staff, personas.city_admin, personas.township_staff, extra.city_leader):
        page = client_for(user).get("/").content.decode()
        assert 'data-testid="home-urgent"' in page and m.number in page, user.username
    for user in (
        personas.outsider,
        personas.outsider_village_agent,
        extra.sibling_station,
        personas.unit_handler,
    ):
        page = client_for(user).get("/").content.decode()
        assert 'data-testid="home-urgent"' not in page and m.number not in page, user.username
    # Pinned above everything else on the home page.
    page = client_for(personas.county_staff).get("/").content.decode()
    assert 'class="stats queues"' in page
    assert page.index('data-testid="home-urgent"') < page.index('class="stats queues"')
    downgrade(flow, personas.county_staff, m)
    assert 'data-testid="home-urgent"' not in client_for(personas.city_admin).get("/").content.decode()


def test_list_is_newest_first_scoped_and_bounded_in_queries(
    flow: Flow, tree: Tree, personas: Personas
) -> None:
    first = mark(flow, personas.village_agent, flow.at_village())
    flow.later(hours=1)
    second = mark(flow, personas.county_staff, flow.at_county(new_matter=True))
    flow.later(hours=1)
    theirs = flow.intake(personas.outsider, tree.village_b1x, new_matter=True)
    mark(flow, personas.outsider, theirs)
    client = client_for(personas.city_admin)
    client.get("/urgent/")
    with CaptureQueriesContext(connection) as few:
        page = client.get("/urgent/").content.decode()
    assert page.index(second.number) < page.index(first.number) and theirs.number in page
    county = client_for(personas.county_staff).get("/urgent/").content.decode()
    assert first.number in county and theirs.number not in county
    # Adding more markings adds no query.
    for _ in range(3):
        flow.later(hours=1)
        mark(flow, personas.county_staff, flow.at_county(new_matter=True))
    with CaptureQueriesContext(connection) as more:
        client.get("/urgent/")
    assert len(more) == len(few)


def test_only_readers_get_the_list_and_the_detail_is_404_outside_scope(
    flow: Flow, personas: Personas
) -> None:
    m = mark(flow, personas.village_agent, flow.at_village())
    marking = UrgentMarking.objects.get(matter=m)
    assert client_for(personas.unit_handler).get("/urgent/").status_code == 403
    for user in (personas.outsider, personas.outsider_village_agent, personas.unit_handler):
        assert client_for(user).get(f"/urgent/{marking.pk}/").status_code == 404
    assert client_for(personas.supervisor).get(f"/urgent/{marking.pk}/").status_code == 200
    assert client_for(personas.county_staff).get("/urgent/999999/").status_code == 404
