"""The screening changed while the agent was typing the intake (a colleague resolved it): the intake is
not lost — the form comes back with everything typed, says why, and a second submit registers the
matter on its own. A hidden field's error (a visit out of scope) is shown, not swallowed."""

from __future__ import annotations

from django.test import Client

from conftest import Personas, Tree
from daiban.core import clock
from daiban.matters.models import Matter
from daiban.matters.tests.factories import WANG_ID
from daiban.prevention.actions.screenings import screening_record, screening_resolve
from daiban.prevention.models import Screening, ScreeningStatus


def _screening(personas: Personas, tree: Tree) -> Screening:
    return screening_record(
        actor=personas.village_agent,
        region=tree.village_a1x,
        kind="neighbour",
        title="排水沟纠纷",
        description="两户因排水沟改道争执。",
        risk="serious",
        risk_reason="双方已发生推搡。",
        source="visit",
        found_on=clock.today(),
    )


def _intake(screening: Screening, tree: Tree) -> dict[str, str]:
    return {
        "p-TOTAL_FORMS": "1",
        "p-INITIAL_FORMS": "0",
        "p-MIN_NUM_FORMS": "1",
        "p-MAX_NUM_FORMS": "5",
        "p-0-name": "王建国",
        "p-0-id_number": WANG_ID,
        "p-0-phone": "13904711234",
        "p-0-group": "villager",
        "channel": "screening",
        "region": str(tree.village_a1x.pk),
        "title": "排水沟纠纷",
        "content": "两户因排水沟改道争执。",
        "request": "请协调改回排水沟。",
        "category": "neighbour",
        "purpose": "appeal",
        "consent": "on",
        "origin": f"screening:{screening.pk}",
    }


def test_a_resolved_screening_gives_the_form_back_with_the_input_kept(tree: Tree, personas: Personas) -> None:
    s = _screening(personas, tree)
    client = Client()
    client.force_login(personas.village_agent)
    assert client.get(f"/matters/new/?origin=screening:{s.pk}").status_code == 200
    screening_resolve(
        actor=personas.township_staff, screening_id=s.pk, expected_version=None, outcome="已调解。"
    )
    data = _intake(s, tree)
    response = client.post("/matters/new/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "已化解" in page and "不能再转为信访事项" in page
    assert "再次提交将不再关联该记录" in page
    assert 'value="请协调改回排水沟。"' in page or "请协调改回排水沟。" in page
    assert 'name="origin" value=""' in page or 'name="origin" id="id_origin"' in page
    assert not Matter.objects.exists()
    # The second submit, without the origin, registers the matter on its own; the screening is untouched.
    data["origin"] = ""
    response = client.post("/matters/new/", data)
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.status == ScreeningStatus.RESOLVED and s.matter_id is None


def test_an_origin_out_of_scope_is_still_404_on_get_and_refused_on_post(
    tree: Tree, personas: Personas
) -> None:
    s = _screening(personas, tree)
    client = Client()
    client.force_login(personas.outsider_village_agent)
    assert client.get(f"/matters/new/?origin=screening:{s.pk}").status_code == 404
    data = _intake(s, tree)
    data["region"] = str(tree.village_b1x.pk)
    response = client.post("/matters/new/", data)
    assert response.status_code == 400
    assert not Matter.objects.exists()
    s.refresh_from_db()
    assert s.status == ScreeningStatus.WATCHING


def test_a_visit_out_of_scope_is_named_on_the_record_form(tree: Tree, personas: Personas) -> None:
    from daiban.prevention.actions.visits import visit_record

    visit = visit_record(actor=personas.outsider_village_agent, kind="door", households=3)
    client = Client()
    client.force_login(personas.village_agent)
    response = client.post(
        "/screenings/new/",
        {
            "region": str(tree.village_a1x.pk),
            "kind": "neighbour",
            "title": "排水沟纠纷",
            "description": "两户因排水沟改道争执。",
            "headcount": "2",
            "risk": "general",
            "risk_reason": "小矛盾。",
            "source": "visit",
            "found_on": clock.today().isoformat(),
            "visit": str(visit.pk),
        },
    )
    assert response.status_code == 400
    assert "走访记录不存在或不在您的管辖范围内" in response.content.decode()
