"""The rows behind a figure: keyset pages that together list each row once, links to the matter or
screening page, no ID or phone number, and a hostile cursor that starts again at the first page."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from html import unescape

import pytest
from django.test import Client

from conftest import Personas, Tree
from daiban.matters.models import Matter
from daiban.matters.tests.factories import WANG_ID, WANG_PHONE
from daiban.prevention.models import Screening
from daiban.stats.figures import Period, rows_behind

YEAR = "period=year&year=2026"


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_keyset_pages_list_every_matter_once(
    summer: datetime.date,
    client_for: Callable[[str], Client],
    tree: Tree,
    personas: Personas,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("daiban.matters.listing.PAGE_SIZE", 4)
    client = client_for("county_staff")
    expected = list(
        rows_behind(personas.county_staff, tree.county_a, Period.year(2026), "taken_up", "count").values_list(
            "number", flat=True
        )
    )
    assert len(expected) > 8
    url, seen, pages = f"/stats/rows/?{YEAR}&key=taken_up&part=count", [], 0
    while url:
        html = _page(client, url)
        seen += re.findall(r'data-number="([^"]+)"', html)
        for pk in re.findall(r'href="/matters/(\d+)/"', html):
            assert Matter.objects.filter(pk=pk, region__path__startswith=tree.county_a.path).exists()
        more = re.search(r'href="([^"]+)">下一页', html)
        url = "/stats/rows/" + unescape(more.group(1)) if more else ""
        pages += 1
        if url:
            assert "第一页" in _page(client, url)
    assert seen == expected and pages == -(-len(expected) // 4)
    assert f'data-testid="figure-total">{len(expected)}<' in html
    # Names are shown, numbers never.
    assert WANG_ID not in html and WANG_PHONE not in html and not re.search(r"1[3-9]\d{9}", html)


@pytest.mark.parametrize(
    "cursor", ["x", "%%%", "MjAyNi0wMS0wMXwx", "OTk5OS0xMi0zMXw5OTk5OTk5OTk5OTk5OTk5OTk5OQ", "²"]
)
def test_a_hostile_cursor_is_the_first_page(
    summer: datetime.date, client_for: Callable[[str], Client], cursor: str
) -> None:
    client = client_for("county_staff")
    for key in ("taken_up", "screened"):
        _page(client, f"/stats/rows/?{YEAR}&key={key}&part=count&after={cursor}")


def test_screenings_behind_the_screening_counts(
    summer: datetime.date, client_for: Callable[[str], Client], tree: Tree
) -> None:
    client = client_for("county_staff")
    html = _page(client, f"/stats/rows/?{YEAR}&key=screened&part=count")
    numbers = re.findall(r'data-number="([^"]+)"', html)
    assert (
        numbers
        and len(numbers) == Screening.objects.filter(region__path__startswith=tree.county_a.path).count()
    )
    assert all(f'href="/screenings/{s.pk}/"' in html for s in Screening.objects.filter(number__in=numbers))
    assert "排查矛盾纠纷" in html


def test_a_breakdown_and_a_rate_part_are_named(
    summer: datetime.date, client_for: Callable[[str], Client]
) -> None:
    client = client_for("county_staff")
    html = _page(client, f"/stats/rows/?{YEAR}&key=taken_up&part=channel:phone")
    assert "受理事项 · 来源渠道：电话" in html
    html = _page(client, f"/stats/rows/?{YEAR}&key=resolution&part=numerator")
    assert "化解率 · 分子：已化解的事项" in unescape(html)
    assert "返回统计分析" in html


def test_who_may_see_fewer_rows_than_the_figure_is_told(
    quiet: datetime.date, client_for: Callable[[str], Client]
) -> None:
    url = "/stats/rows/?key=taken_up&part=count"
    assert "件数可能少于统计数" in _page(client_for("village_agent"), url)
    assert "件数可能少于统计数" in _page(client_for("leader"), url)
    assert "件数可能少于统计数" not in _page(client_for("county_staff"), url)
    assert "件数可能少于统计数" not in _page(client_for("county_staff"), url.replace("taken_up", "screened"))
