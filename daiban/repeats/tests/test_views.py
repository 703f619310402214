"""The pages: the intake's htmx panel (POST only: the ID and phone numbers typed never enter a URL), the
matter page's section and the answer buttons."""

from __future__ import annotations

import re
from typing import Any

import pytest

from conftest import Personas, Tree
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow, frozen
from daiban.repeats.models import DecisionKind, RepeatDecision
from daiban.repeats.tests.helpers import LEAK, LEAK_AGAIN, LI_ID, ZHAO, client_for, matter

URL = "/repeats/candidates/"


def _typed(tree: Tree, **extra: str) -> dict[str, str]:
    return {"title": "漏水", "content": LEAK_AGAIN, "region": str(tree.village_a1x.pk), **extra}


def test_the_intake_form_asks_by_post_and_never_puts_a_number_in_a_url(personas: Personas) -> None:
    html = client_for(personas.village_agent).get("/matters/new/").content.decode()
    panel = re.search(r'<div id="repeat-candidates".*?</div>', html, re.S)
    assert panel is not None
    tag = panel.group(0)
    assert f'hx-post="{URL}"' in tag and "hx-get" not in tag
    assert "input changed delay:500ms from:#id_content" in tag
    assert "change from:.person" in tag and "[" not in tag.split("hx-trigger=")[1].split('"')[1]
    assert "<script" not in tag


def test_the_panel_answers_post_only(personas: Personas, tree: Tree) -> None:
    client = client_for(personas.village_agent)
    assert client.get(URL, {"p-0-id_number": LI_ID}).status_code == 405


def test_the_panel_lists_the_same_person_and_similar_text(flow: Flow, personas: Personas, tree: Tree) -> None:
    mine = matter(flow, "在建筑工地务工三个月，包工头拖欠工资两万元至今未付。")
    leak = matter(flow, LEAK, person=ZHAO)
    with frozen(2026, 6, 3):
        response = client_for(personas.village_agent).post(URL, _typed(tree, **{"p-0-id_number": LI_ID}))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(mine.number) < html.index(leak.number)
    assert "同一信访人" in html and "同一村（社区）、内容相似" in html
    assert "赵**" in html and "赵红梅" not in html and "李秀英" not in html
    assert LI_ID not in html
    assert html.count('data-testid="repeat-candidate"') == 2


def test_nothing_similar_shows_nothing(personas: Personas, tree: Tree) -> None:
    response = client_for(personas.village_agent).post(URL, _typed(tree))
    assert response.status_code == 200 and b"repeat-candidate" not in response.content


def test_a_foreign_agent_is_shown_nothing_of_this_county(flow: Flow, personas: Personas, tree: Tree) -> None:
    leak = matter(flow, LEAK, person=ZHAO)
    for who in ("outsider", "outsider_village_agent"):
        response = client_for(getattr(personas, who)).post(URL, _typed(tree, **{"p-0-phone": "13704719876"}))
        assert response.status_code == 200
        assert leak.number not in response.content.decode()


@pytest.mark.parametrize("who", ["unit_handler", "supervisor", "city_admin"])
def test_those_who_do_not_take_in_get_403(personas: Personas, tree: Tree, who: str) -> None:
    assert client_for(getattr(personas, who)).post(URL, _typed(tree)).status_code == 403


@pytest.fixture
def pair(flow: Flow) -> tuple[Matter, Matter]:
    return matter(flow, LEAK, person=ZHAO), matter(flow, LEAK_AGAIN)


def test_the_matter_page_asks_and_then_shows_the_answer(
    personas: Personas, pair: tuple[Matter, Matter]
) -> None:
    earlier, later = pair
    client = client_for(personas.village_agent)
    html = client.get(f"/matters/{later.pk}/").content.decode()
    assert 'data-testid="matter-repeats"' in html and earlier.number in html
    assert "是重复信访" in html and "1 件待确认" in html
    url = f"/repeats/matter/{later.pk}/of/{earlier.pk}/decide/"
    response = client.post(url, {"kind": "link", "reason": "同一村（社区）"})
    assert response.status_code == 302 and response["Location"] == f"/matters/{later.pk}/"
    html = client.get(f"/matters/{later.pk}/").content.decode()
    assert "已确认：<strong>确认为重复信访</strong>" in html
    assert "件待确认" not in html
    assert Matter.objects.get(pk=earlier.pk).repeat_visits == 1
    earlier_page = client.get(f"/matters/{earlier.pk}/").content.decode()
    assert f"事项 {later.number} 经确认为本事项的重复信访" in earlier_page


def test_a_reader_sees_the_section_without_buttons(personas: Personas, pair: tuple[Matter, Matter]) -> None:
    _, later = pair
    html = client_for(personas.city_admin).get(f"/matters/{later.pk}/").content.decode()
    assert (
        'data-testid="matter-repeats"' in html
        and "待代办员确认" in html
        and "是重复信访</button>" not in html
    )


def test_a_second_answer_is_refused_with_a_message(personas: Personas, pair: tuple[Matter, Matter]) -> None:
    earlier, later = pair
    client = client_for(personas.village_agent)
    url = f"/repeats/matter/{later.pk}/of/{earlier.pk}/decide/"
    client.post(url, {"kind": "new"})
    response = client.post(url, {"kind": "link"}, follow=True)
    assert "不能重复确认" in response.content.decode()
    assert list(RepeatDecision.objects.values_list("kind", flat=True)) == [DecisionKind.NEW]
    assert Matter.objects.get(pk=earlier.pk).repeat_visits == 0


@pytest.mark.parametrize(
    ("who", "status"),
    [("outsider", 404), ("outsider_village_agent", 404), ("unit_handler", 404), ("city_admin", 403)],
)
def test_refused_answers_change_nothing(
    personas: Personas, pair: tuple[Matter, Matter], who: str, status: int
) -> None:
    earlier, later = pair
    client = client_for(getattr(personas, who))
    for kind in ("link", "new"):
        data: dict[str, Any] = {"kind": kind}
        assert client.post(f"/repeats/matter/{later.pk}/of/{earlier.pk}/decide/", data).status_code == status
    assert not RepeatDecision.objects.exists()
    assert Matter.objects.get(pk=earlier.pk).repeat_visits == 0


def test_bad_input_is_400(personas: Personas, pair: tuple[Matter, Matter]) -> None:
    earlier, later = pair
    client = client_for(personas.village_agent)
    url = f"/repeats/matter/{later.pk}/of/{earlier.pk}/decide/"
    assert client.post(url, {"kind": "merge"}).status_code == 400
    assert client.post(f"/repeats/matter/{later.pk}/of/{2**64}/decide/", {"kind": "new"}).status_code == 404
    assert client.get(url).status_code == 405
    assert not RepeatDecision.objects.exists()
