"""The notices are read by the discipline channel only: the accusation's page shows them to the supervisor
and the discipline unit, the list masks the cadre; the accused unit's handlers never see one."""

from __future__ import annotations

from conftest import Personas, Tree, make_user
from daiban.accounts.models import Role
from daiban.cadres.models import CadreNotice
from daiban.cadres.tests.helpers import CADRE, POST, accusation, client_for, discipline_handler, notify
from daiban.matters.tests.factories import Flow


def test_the_supervisor_sees_the_notice_on_the_page_and_masked_on_the_list(
    flow: Flow, personas: Personas, tree: Tree
) -> None:
    m = accusation(flow, tree)
    n = notify(flow, personas.supervisor, m)
    client = client_for(personas.supervisor)
    page = client.get(f"/matters/{m.pk}/").content.decode()
    assert 'data-testid="matter-cadre-notices"' in page and CADRE in page and POST in page
    listing = client.get("/cadres/").content.decode()
    assert m.number in listing and n.cadre_name_masked in listing
    assert CADRE not in listing and POST not in listing
    assert CADRE not in f"/matters/{m.pk}/" and "cadre_name" not in page.split("<form")[0]


def test_the_button_is_offered_and_the_action_page_takes_it(
    flow: Flow, personas: Personas, tree: Tree
) -> None:
    m = accusation(flow, tree)
    client = client_for(personas.supervisor)
    assert f"/matters/{m.pk}/act/cadre_notice/" in client.get(f"/matters/{m.pk}/").content.decode()
    form = client.get(f"/matters/{m.pk}/act/cadre_notice/")
    assert form.status_code == 200
    data = {
        "version": m.version,
        "cadre_name": CADRE,
        "cadre_post": POST,
        "level": tree.county_a.pk,
        "department": tree.unit_housing_a.name,
        "accused_unit": tree.unit_housing_a.pk,
    }
    refused = client.post(f"/matters/{m.pk}/act/cadre_notice/", data)
    assert refused.status_code == 400 and "不能通报被检举单位" in refused.content.decode()
    assert CADRE in refused.content.decode()  # what was typed is kept
    done = client.post(f"/matters/{m.pk}/act/cadre_notice/", {**data, "department": "新城区委组织部"})
    assert done.status_code == 302


def test_never_shown_to_the_accused_units_handlers(flow: Flow, personas: Personas, tree: Tree) -> None:
    """An accusation against a 纪委监委 cadre routed to that 纪委监委: its handler works on the matter but
    never sees the notice; a housing bureau accused never sees the accusation at all."""
    handler = discipline_handler(tree)
    m = accusation(flow, tree, routed=True)
    notify(
        flow,
        personas.supervisor,
        m,
        accused_unit=tree.unit_discipline_a,
        cadre_name="孙立新",
        cadre_post="案件监督管理室主任",
    )
    other = notify(flow, personas.supervisor, m, accused_unit=tree.unit_housing_a)
    client = client_for(handler)
    page = client.get(f"/matters/{m.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "孙立新" not in body and "案件监督管理室主任" not in body
    assert CADRE in body  # the other notice, whose accused unit is another
    listing = client.get("/cadres/").content.decode()
    # Only the notice whose accused unit is another: the housing bureau's (masked).
    assert listing.count('data-testid="cadre-row"') == 1 and other.cadre_name_masked in listing
    housing = client_for(personas.unit_handler)
    assert housing.get(f"/matters/{m.pk}/").status_code == 404
    assert housing.get("/cadres/").status_code == 403
    colleague = make_user("discipline_colleague", Role.UNIT_HANDLER, tree.county_a, unit=tree.unit_housing_a)
    assert client_for(colleague).get("/cadres/").status_code == 403


def test_the_network_does_not_read_notices(flow: Flow, personas: Personas, tree: Tree) -> None:
    m = accusation(flow, tree)
    notify(flow, personas.supervisor, m)
    for who in ("county_staff", "city_admin"):
        client = client_for(getattr(personas, who))
        body = client.get(f"/matters/{m.pk}/").content.decode()
        assert CADRE not in body and "matter-cadre-notices" not in body
        assert client.get("/cadres/").status_code == 403


def test_the_action_page_outside_scope_is_404_and_on_an_ordinary_matter_403(
    flow: Flow, personas: Personas, tree: Tree
) -> None:
    m = accusation(flow, tree)
    data = {
        "version": m.version,
        "cadre_name": CADRE,
        "cadre_post": POST,
        "level": tree.county_a.pk,
        "department": "新城区委组织部",
        "accused_unit": tree.unit_housing_a.pk,
    }
    url = f"/matters/{m.pk}/act/cadre_notice/"
    for user in (personas.outsider, personas.outsider_village_agent, personas.unit_handler):
        client = client_for(user)
        assert client.get(url).status_code == 404
        assert client.post(url, data).status_code == 404
    for user in (personas.county_staff, personas.city_admin):
        assert client_for(user).post(url, data).status_code == 403
    ordinary = flow.at_county(new_matter=True)
    supervisor = client_for(personas.supervisor)
    assert supervisor.get(f"/matters/{ordinary.pk}/act/cadre_notice/").status_code == 403
    assert not CadreNotice.objects.exists()
    assert flow.fresh(m).version == m.version
