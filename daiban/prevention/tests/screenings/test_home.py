"""The agent's home page: 待跟进的矛盾纠纷 — open screenings in scope due within 3 days, soonest first."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.test import Client

from conftest import PASSWORD, Personas, Tree
from daiban.prevention.tests.screenings.factories import TODAY, on_day, screening, step
from daiban.prevention.views.screenings import HOME_LIMIT, home_panel

D = datetime.timedelta


def _home(user: Any) -> str:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    with on_day():
        response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def _panel_numbers(page: str) -> list[str]:
    start = page.find('data-testid="home-screenings"')
    if start < 0:
        return []
    end = page.find("</section>", start)
    return re.findall(r'data-number="([^"]+)"', page[start:end])


def test_due_screenings_soonest_first_in_scope(tree: Tree, personas: Personas) -> None:
    agent = personas.township_staff
    overdue = screening(agent, tree.village_a1x, TODAY - D(days=20))  # review 05-27
    grave = screening(agent, tree.village_a1y, risk="grave")  # review 06-04, in 3 days
    screening(agent, tree.village_a1x, risk="serious")  # 06-08: not yet
    resolved = screening(agent, tree.village_a1x, TODAY - D(days=30))
    step("resolve", agent, resolved, outcome="化解")
    elsewhere = screening(personas.county_staff, tree.village_a2x, TODAY - D(days=20))
    assert _panel_numbers(_home(agent)) == [overdue.number, grave.number]
    assert _panel_numbers(_home(personas.village_agent)) == [overdue.number]
    assert _panel_numbers(_home(personas.county_staff)) == [overdue.number, elsewhere.number, grave.number]
    assert _panel_numbers(_home(personas.outsider)) == []
    page = _home(agent)
    assert "待跟进的矛盾纠纷" in page and "/screenings/?status=due" in page
    for name in ("leader", "supervisor", "city_admin", "unit_handler"):
        assert 'data-testid="home-screenings"' not in _home(getattr(personas, name)), name


def test_at_most_ten_and_one_query(tree: Tree, personas: Personas, django_assert_num_queries: Any) -> None:
    for i in range(HOME_LIMIT + 2):
        screening(personas.village_agent, tree.village_a1x, TODAY - D(days=16 + i))
    with on_day(), django_assert_num_queries(1):
        panel = home_panel(personas.village_agent)
    assert panel is not None and len(panel["rows"]) == HOME_LIMIT
    dates = [s.review_on for s in panel["rows"]]
    assert dates == sorted(dates) and dates[0] == TODAY - D(days=HOME_LIMIT + 2)  # the most overdue first
