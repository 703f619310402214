"""The dashboard page: its figures are the API's, every number links to exactly the rows it counts, an
empty region shows "—", the period form names the field it refuses, the ranking sorts and marks the worst,
drill-down and breadcrumbs follow the region tree, and another county is 404 (page and rows)."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from html import unescape
from typing import Any

from django.test import Client

from conftest import Personas, Tree
from daiban.regions.models import Region
from daiban.stats.figures import Period, figures_for, subregion_figures
from daiban.stats.views.dashboard import _worst

YEAR = "period=year&year=2026"
ROW = re.compile(r'<li class="matter-row[^"]*" data-number="([^"]+)"')
LINK = re.compile(r'<a [^>]*href="([^"]+)"[^>]*data-testid="(count|num|den)-([a-z_]+)"')


def _get(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def _rows_behind(client: Client, url: str) -> list[str]:
    """Every row a figure's link lists, following 下一页 to the end."""
    numbers: list[str] = []
    while url:
        html = _get(client, url)
        numbers += ROW.findall(html)
        more = re.search(r'<a class="btn" href="([^"]+)">下一页', html)
        url = "/stats/rows/" + unescape(more.group(1)) if more else ""
    return numbers


def test_the_figures_on_the_page_are_the_apis(
    summer: datetime.date, client_for: Callable[[str], Client], tree: Tree, personas: Personas
) -> None:
    html = _get(client_for("county_staff"), f"/stats/?{YEAR}")
    f = figures_for(personas.county_staff, tree.county_a, Period.year(2026))
    assert f.counts["taken_up"] > 5 and f.counts["overdue_open"] > 0  # the story is not empty
    assert "统计分析：新城区" in html and "2026年" in html
    for key, n in f.counts.items():
        assert re.search(rf'data-testid="count-{key}"[^>]*>{n}</a>', html), key
    for r in f.rates:
        block = html.split(f'data-testid="rate-{r.key}"', 1)[1].split("</li>", 1)[0]
        assert f'<p class="st-percent">{r.percent}</p>' in block
        assert f">{r.numerator}</a> {r.numerator_label}" in block and f">{r.denominator}</a>" in block
        assert r.basis in unescape(block)
    # The trend's chart data and its table carry the same numbers.
    data = json.loads(
        unescape(html.split('id="trend-chart" type="application/json">', 1)[1].split("</script>")[0])
    )
    assert data["labels"][0] == "2026-01" and data["labels"][-1] == "2026-12"
    taken = data["series"][0]["data"]
    assert sum(taken) == f.counts["taken_up"]
    table = html.split("近 12 个月受理、办结与化解", 1)[1].split("</table>", 1)[0]
    assert [
        int(n)
        for n in re.findall(
            r'<td class="num">(\d+)</td><td class="num">\d+</td><td class="num">\d+</td>', table
        )
    ] == taken
    # Charts come from the site itself, drawn by our script; no inline script.
    assert "/static/vendor/echarts/echarts.min.js" in html and "/static/stats/dashboard.js" in html
    assert not re.search(r"<script(?![^>]*(src=|application/json))", html)


def test_every_number_links_to_exactly_the_rows_it_counts(
    summer: datetime.date, client_for: Callable[[str], Client]
) -> None:
    client = client_for("county_staff")
    html = _get(client, f"/stats/?{YEAR}")
    links = LINK.findall(html)
    assert len(links) >= 11 + 2 * 9
    checked = 0
    for url, kind, key in links:
        number = int(re.search(rf'data-testid="{kind}-{key}"[^>]*>(\d+)</a>', html).group(1))  # type: ignore[union-attr]
        rows = _rows_behind(client, unescape(url))
        assert len(rows) == number, (kind, key, number, len(rows))
        assert len(set(rows)) == len(rows)
        checked += number > 0
    assert checked >= 10
    # The breakdown tables' numbers too.
    for url, n in re.findall(
        r'<td class="num"><a href="([^"]+part=(?:category|channel|purpose)[^"]+)">(\d+)</a>', html
    ):
        assert len(_rows_behind(client, unescape(url))) == int(n)


def test_an_empty_region_shows_dashes_not_zero_percent(
    quiet: datetime.date, client_for: Callable[[str], Client], tree: Tree
) -> None:
    html = _get(client_for("city_admin"), "/stats/")
    assert "2026年11月" in html
    assert html.count('<p class="st-percent">—</p>') == 9
    assert "0.0%" not in html and "0%</p>" not in html
    assert re.search(r'data-testid="count-taken_up"[^>]*>0</a>', html)
    assert "当前没有超期未办结的事项" in html and "本期没有受理事项" in html
    # The ranking lists the counties, with nothing marked worst when nothing differs.
    assert tree.county_a.name in html and tree.county_b.name in html and 'st-worst"' not in html
    rows = _get(client_for("city_admin"), "/stats/rows/?key=taken_up&part=count")
    assert "没有符合条件的事项" in rows and 'data-testid="figure-total">0<' in rows


def test_bad_periods_are_refused_naming_the_field(
    quiet: datetime.date, client_for: Callable[[str], Client]
) -> None:
    client = client_for("county_staff")
    for query, field in [
        ("period=custom&start=2026-02-30&end=2026-03-01", "开始日期"),
        ("period=custom&start=2026-03-01&end=2026-02-01", "结束日期"),
        ("period=custom", "开始日期"),
        ("period=month&month=13", "月份"),
        ("period=year&year=²", "年份"),
        ("period=quarter&quarter=①", "季度"),
        ("period=decade", "统计期间"),
        ("year=99999999999999999999", "年份"),
    ]:
        html = _get(client, f"/stats/?{query}")
        error = re.search(r'data-testid="period-error">([^<]+)<', html)
        assert error and field in error.group(1), (query, error)
        assert "总体情况" not in html  # no figures for a period that does not exist
        _get(client, f"/stats/rows/?key=taken_up&{query}", 404)
    html = _get(client, "/stats/?period=custom&start=2026-11-03&end=2026-11-20")
    assert "2026-11-03 至 2026-11-20" in html and "period-error" not in html


def test_the_ranking_sorts_and_marks_the_worst(
    summer: datetime.date, client_for: Callable[[str], Client], tree: Tree, personas: Personas
) -> None:
    client = client_for("city_admin")
    subs = subregion_figures(personas.city_admin, tree.city, Period.year(2026))
    assert [f.region.name for f in subs] == ["新城区", "托克托县"]
    html = _get(client, f"/stats/?{YEAR}&sort=-taken_up")
    ranking = html.split('data-testid="ranking"', 1)[1]
    order = re.findall(r'data-testid="drill-(\d+)">', ranking)
    by_taken = sorted(subs, key=lambda f: -f.counts["taken_up"])
    assert order == [f.region.code for f in by_taken]
    assert 'aria-sort="descending"' in ranking
    ascending = _get(client, f"/stats/?{YEAR}&sort=taken_up").split('data-testid="ranking"', 1)[1]
    assert re.findall(r'data-testid="drill-(\d+)">', ascending) == list(reversed(order))
    # The county with more overdue matters is marked in that column, and told to screen readers.
    overdue = {f.region.code: f.counts["overdue_open"] for f in subs}
    if len(set(overdue.values())) > 1:
        worst = max(overdue, key=lambda code: overdue[code])
        row = ranking.split(f'data-testid="drill-{worst}"', 1)[1].split("</tr>", 1)[0]
        assert "st-worst" in row and "（最差）" in row
    # The chart beside the ranking: the busiest first (at the top), its numbers the table's.
    chart = json.loads(
        unescape(html.split('id="ranking-chart" type="application/json">', 1)[1].split("</script>")[0])
    )
    assert list(reversed(chart["labels"])) == [f.region.name for f in by_taken]
    assert list(reversed(chart["series"][0]["data"])) == [f.counts["taken_up"] for f in by_taken]
    # A made-up sort is the default order, never an error.
    _get(client, f"/stats/?{YEAR}&sort=rate:nothing")
    _get(client, f"/stats/?{YEAR}&sort=-")


def test_worst_of_a_column() -> None:
    assert _worst([0.5, 0.9, None], "low") == 0.5
    assert _worst([3.0, 1.0], "high") == 3.0
    assert _worst([1.0, 1.0], "low") is None  # nothing stands out
    assert _worst([0.2, None], "low") is None  # one value is no ranking
    assert _worst([1.0, 5.0], "") is None  # a volume has no worst


def _drill(html: str, region: Region) -> str:
    """The address the ranking's row of ``region`` leads to."""
    found = re.search(rf'href="([^"]+)" data-testid="drill-{region.code}"', html)
    assert found, region.name
    return unescape(found.group(1))


def test_drill_down_and_breadcrumbs(
    summer: datetime.date, client_for: Callable[[str], Client], tree: Tree
) -> None:
    client = client_for("city_admin")
    city = _get(client, f"/stats/?{YEAR}")
    county_url = _drill(city, tree.county_a)
    county = _get(client, county_url)
    assert "统计分析：新城区" in county and "period=year" in county_url
    town_url = _drill(county, tree.town_a1)
    town = _get(client, town_url)
    crumbs = town.split('aria-label="区域层级">', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r">([^<>›]+)</a>", crumbs) == ["呼和浩特市", "新城区"]
    village_url = _drill(town, tree.village_a1x)
    village = _get(client, village_url)
    assert "苏雅拉社区没有下级区域" in village
    # The county's own staff: breadcrumbs start at their county, never above it.
    town_for_county = _get(client_for("county_staff"), town_url)
    crumbs = town_for_county.split('aria-label="区域层级">', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r">([^<>›]+)</a>", crumbs) == ["新城区"]


def test_another_county_is_404_page_and_rows(
    summer: datetime.date, client_for: Callable[[str], Client], tree: Tree
) -> None:
    client = client_for("county_staff")
    other = tree.county_b.code
    _get(client, f"/stats/?region={other}", 404)
    _get(client, f"/stats/?region={tree.town_b1.code}&{YEAR}", 404)
    _get(client, f"/stats/?region={tree.city.code}", 404)  # above the grant
    for key, part in [("taken_up", "count"), ("resolution", "numerator"), ("screened", "count")]:
        _get(client, f"/stats/rows/?region={other}&{YEAR}&key={key}&part={part}", 404)
    # Malformed or unknown: the same 404.
    for bad in ["x", "1501", "999999", "1" * 40]:
        _get(client, f"/stats/?region={bad}", 404)
    # Unknown figures: 404.
    for key, part in [
        ("nothing", "count"),
        ("taken_up", "numerator"),
        ("reply", "count"),
        ("taken_up", "channel:x"),
    ]:
        _get(client, f"/stats/rows/?{YEAR}&key={key}&part={part}", 404)
    # The other county's own staff sees none of 新城区 either.
    _get(client_for("outsider"), f"/stats/?region={tree.county_a.code}", 404)


def test_navigation_and_home_card(quiet: datetime.date, client_for: Callable[[str], Client]) -> None:
    home = _get(client_for("county_staff"), "/")
    assert re.search(r'<a href="/stats/"[^>]*>统计</a>', home)
    assert 'data-testid="home-stats"' in home and "2026年11月：受理 0 件" in home
    handler = _get(client_for("unit_handler"), "/")
    assert 'href="/stats/"' not in handler and "home-stats" not in handler
    page = _get(client_for("county_staff"), "/stats/")
    assert re.search(r'<a href="/stats/" aria-current="page">统计</a>', page)


def test_the_page_reads_a_fixed_number_of_queries(
    summer: datetime.date, client_for: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    """However many regions and matters: one rollup read per block, one count of the overdue (grouped for
    the subregions), no query per row of the ranking."""
    client = client_for("city_admin")
    client.get(f"/stats/?{YEAR}")
    # 17: the sixteen of the figures and one aggregate of the assistance referrals (daiban.assistance).
    with django_assert_max_num_queries(17):
        assert client.get(f"/stats/?{YEAR}").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/stats/rows/?{YEAR}&key=taken_up&part=count").status_code == 200


def test_the_period_steps_back_and_not_into_the_future(
    quiet: datetime.date, client_for: Callable[[str], Client]
) -> None:
    client = client_for("county_staff")
    this_month = _get(client, "/stats/")
    assert "« 2026年10月" in this_month and "2026年12月 »" not in this_month
    last_year = _get(client, "/stats/?period=year&year=2025")
    assert "« 2024年" in last_year and "2026年 »" in last_year
    quarter = _get(client, "/stats/?period=quarter&year=2026&quarter=1")
    assert "« 2025年第4季度" in quarter and "2026年第2季度 »" in quarter
