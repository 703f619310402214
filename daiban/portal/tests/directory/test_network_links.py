"""The staff network page of a village or township links to its public page (群众查看页) and its poster
(打印公示牌), through a region panel (the network app knows nothing of the portal)."""

from __future__ import annotations

from django.test import Client

from conftest import Personas, Tree


def _network_page(user: object, code: str) -> str:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    response = client.get(f"/network/region/{code}/")
    assert response.status_code == 200
    return response.content.decode()


def test_village_and_township_pages_link_to_the_public_page_and_poster(
    tree: Tree, personas: Personas
) -> None:
    for region in (tree.village_a1x, tree.town_a1):
        html = _network_page(personas.county_staff, region.code)
        assert f'<a class="btn" href="/agents/{region.code}/">群众查看页</a>' in html
        assert f'<a class="btn" href="/agents/{region.code}/poster/">打印公示牌</a>' in html
    village = _network_page(personas.village_agent, tree.village_a1x.code)
    assert f'href="/agents/{tree.village_a1x.code}/poster/"' in village


def test_a_county_page_has_no_poster_link(tree: Tree, personas: Personas) -> None:
    html = _network_page(personas.county_staff, tree.county_a.code)
    assert "打印公示牌" not in html and 'data-testid="public-directory"' not in html
