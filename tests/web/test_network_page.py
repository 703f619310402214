"""The network page over the real demo network: each district's stated figures, computed from the data."""

from __future__ import annotations

import pytest
from django.test import Client

from daiban.demo.network import DEMO_PASSWORD, load_demo_network

# The report's figures (domain.md §1): district code -> (organisations, agents or None when not stated).
STATED = {
    "150102": (105, None),
    "150103": (94, 1180),
    "150104": (143, 346),
    "150105": (242, 506),
    "150121": (346, 1188),
    "150122": (143, None),
    "150123": (171, 397),
    "150124": (120, 251),
    "150125": (114, 533),
    "150172": (33, 33),
}


@pytest.mark.django_db
def test_city_network_page_shows_each_districts_stated_counts() -> None:
    load_demo_network()
    client = Client()
    assert client.login(username="shi_admin", password=DEMO_PASSWORD)
    response = client.get("/network/")
    assert response.status_code == 200
    rows = {row.region.code: row for row in response.context["rows"]}
    for code, (orgs, agents) in STATED.items():
        assert rows[code].organisations == orgs, code
        if agents is not None:
            assert rows[code].agents == agents, code
    total = response.context["total"]
    # The page shows what the data adds up to (the districts' 1511 plus the city bureau), not the report's 1486.
    assert total.organisations == sum(r.organisations for r in response.context["rows"]) == 1512
    page = response.content.decode()
    assert 'data-testid="total-orgs">1,512<' in page or 'data-testid="total-orgs">1512<' in page
    assert rows["150102"].centres == 1 and rows["150102"].stations == 12 and rows["150102"].points == 92


@pytest.mark.django_db
def test_county_user_sees_only_their_county() -> None:
    load_demo_network()
    client = Client()
    assert client.login(username="xinchengqu_zhongxin", password=DEMO_PASSWORD)
    response = client.get("/network/")
    assert response.context["region"].code == "150102"
    assert response.context["total"].organisations == 105
    assert client.get("/network/region/150122/").status_code == 404
