"""统计分析: the dashboard of one region over one period (issue 13 §2).

Totals, every rate with its formula (numerator and denominator are links to the rows they count), a monthly
trend, what the matters taken up were about, a ranking of the direct subregions (sortable by any column on
the server, the worst value of each column marked) and the overdue matters by who holds them. Each region's
name leads one level down (city → county → township → village); the breadcrumbs lead back up to the user's
own region. Everything comes from ``daiban.stats.figures``, which refuses a region outside the scope (404).

The charts (Apache ECharts, served by the site) are drawn by ``stats/dashboard.js`` from data handed over in
``<script type="application/json">``; each chart's numbers are also a table, which is what a page without
JavaScript, a screen reader or someone copying the figures gets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from daiban.accounts.http import AuthedRequest
from daiban.assistance import selectors as assistance
from daiban.core import clock
from daiban.core.dbrouter import reads_from_replica
from daiban.regions.models import Level, Region
from daiban.stats import definitions as defs
from daiban.stats.figures import (
    Figures,
    Period,
    Rate,
    figures_for,
    monthly_trend,
    overdue_by_unit,
    subregion_figures,
)
from daiban.stats.views.common import (
    PERIOD_OPTIONS,
    breadcrumbs,
    dashboard_url,
    echarts_url,
    neighbours,
    period_for,
    region_for,
    require_viewer,
    rows_url,
)

# The subregions drawn in the ranking's chart (the busiest; a township may have dozens of villages).
RANK_CHARTED = 15
# The units with the most overdue matters shown at once (the rest one click away: a city has dozens).
OVERDUE_SHOWN = 10
# Rates where a higher value is the worse one (the rest: lower is worse).
HIGHER_IS_WORSE = {"repeat", "skip_level"}
# The counts of the ranking table, and whether a higher value is worse ("" = neither: a volume).
RANKED_COUNTS = [
    ("taken_up", "受理", ""),
    ("closed", "办结", ""),
    ("resolved", "已化解", ""),
    ("overdue_open", "超期未办结", "high"),
    ("screened", "排查纠纷", ""),
]


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


@dataclass(frozen=True)
class CountCell:
    key: str
    label: str
    value: int
    url: str


@dataclass(frozen=True)
class RateCell:
    rate: Rate
    numerator_url: str
    denominator_url: str
    dated_by: str


@dataclass(frozen=True)
class Part:
    label: str
    value: int
    share: str
    url: str


@dataclass(frozen=True)
class Column:
    key: str  # a count key, or "rate:<rate key>"
    label: str
    worst: str  # "high" | "low" | "" (no worst: a volume)
    sort_url: str
    aria_sort: str  # "ascending" | "descending" | ""


@dataclass(frozen=True)
class Cell:
    text: str
    detail: str  # a rate's "numerator/denominator"
    url: str
    worst: bool


@dataclass(frozen=True)
class RankRow:
    region: Region
    url: str
    cells: list[Cell]


@dataclass(frozen=True)
class TrendRow:
    label: str
    short: str
    url: str
    taken_up: int
    closed: int
    resolved: int
    resolution: str
    resolution_value: float | None


def _value(f: Figures, key: str) -> float | None:
    if key.startswith("rate:"):
        return f.rate(key[5:]).value
    return float(f.counts.get(key, 0))


def _columns(sort: str, region: Region, period: Period) -> list[Column]:
    specs = [(key, label, worst) for key, label, worst in RANKED_COUNTS]
    specs += [(f"rate:{r.key}", r.label, "high" if r.key in HIGHER_IS_WORSE else "low") for r in defs.RATES]
    columns = []
    for key, label, worst in [("name", "区域", ""), *specs]:
        if sort == key:
            aria, target = "ascending", f"-{key}"
        elif sort == f"-{key}":
            aria, target = "descending", key
        else:
            aria, target = "", key if key == "name" else f"-{key}"
        columns.append(
            Column(key, label, worst, dashboard_url(region, period, sort=target) + "#ranking", aria)
        )
    return columns


def _worst(values: list[float | None], direction: str) -> float | None:
    """The worst of a column's values, or None when nothing stands out (fewer than two values, all equal)."""
    present = [v for v in values if v is not None]
    if not direction or len(present) < 2 or len(set(present)) < 2:
        return None
    return max(present) if direction == "high" else min(present)


def ranking(subs: list[Figures], columns: list[Column], sort: str, period: Period) -> list[RankRow]:
    data = columns[1:]
    worst = {c.key: _worst([_value(f, c.key) for f in subs], c.worst) for c in data}
    key = sort.lstrip("-")
    if key in worst:
        descending = sort.startswith("-")
        present = [f for f in subs if _value(f, key) is not None]
        missing = [f for f in subs if _value(f, key) is None]
        present.sort(key=lambda f: (_value(f, key) or 0.0, f.region.code), reverse=descending)
        subs = present + missing  # "—" last either way
    elif sort == "-name":
        subs = list(reversed(subs))
    rows = []
    for f in subs:
        cells = []
        for c in data:
            value = _value(f, c.key)
            is_worst = worst[c.key] is not None and value == worst[c.key]
            if c.key.startswith("rate:"):
                r = f.rate(c.key[5:])
                cells.append(Cell(r.percent, f"{r.numerator}/{r.denominator}", "", is_worst))
            else:
                n = f.counts.get(c.key, 0)
                url = rows_url(f.region, period, c.key) if n else ""
                cells.append(Cell(str(n), "", url, is_worst))
        rows.append(RankRow(f.region, dashboard_url(f.region, period), cells))
    return rows


def _breakdown(f: Figures, prefix: str) -> list[Part]:
    _field, choices = defs.BREAKDOWNS[prefix]
    total = f.counts.get("taken_up", 0)
    parts = [
        Part(
            str(choices(value).label),
            n,
            _percent(n, total),
            rows_url(f.region, f.period, "taken_up", f"{prefix}:{value}"),
        )
        for value, n in f.breakdown_keys.get(prefix, {}).items()
        if n
    ]
    return sorted(parts, key=lambda p: (-p.value, p.label))


def _trend(trend: list[tuple[Period, Figures]], region: Region) -> list[TrendRow]:
    rows = []
    for p, f in trend:
        r = f.rate("resolution")
        rows.append(
            TrendRow(
                p.label,
                f"{p.start.year}-{p.start.month:02d}",
                dashboard_url(region, p),
                f.counts.get("taken_up", 0),
                f.counts.get("closed", 0),
                f.counts.get("resolved", 0),
                r.percent,
                r.value,
            )
        )
    return rows


def _trend_chart(rows: list[TrendRow]) -> dict[str, Any]:
    return {
        "kind": "trend",
        "labels": [r.short for r in rows],
        "series": [
            {"name": "受理事项", "type": "bar", "data": [r.taken_up for r in rows]},
            {"name": "办结事项", "type": "bar", "data": [r.closed for r in rows]},
            {
                "name": "化解率",
                "type": "line",
                "percent": True,
                "data": [
                    None if r.resolution_value is None else round(100 * r.resolution_value, 1) for r in rows
                ],
            },
        ],
    }


def _category_chart(parts: list[Part]) -> dict[str, Any]:
    top = list(reversed(parts[:12]))  # the largest at the top of a horizontal bar chart
    return {
        "kind": "bars",
        "labels": [p.label for p in top],
        "series": [{"name": "受理事项", "type": "bar", "data": [p.value for p in top]}],
    }


def _ranking_chart(subs: list[Figures]) -> dict[str, Any] | None:
    """The subregions' matters taken up and closed, the busiest at the top (at most RANK_CHARTED of them;
    the ranking table below has every one)."""
    if len(subs) < 2:
        return None
    busiest = sorted(subs, key=lambda f: (-f.counts.get("taken_up", 0), f.region.code))[:RANK_CHARTED]
    busiest.reverse()  # a horizontal bar chart draws its first category at the bottom
    return {
        "kind": "bars",
        "labels": [f.region.name for f in busiest],
        "series": [
            {"name": "受理事项", "type": "bar", "data": [f.counts.get("taken_up", 0) for f in busiest]},
            {"name": "办结事项", "type": "bar", "data": [f.counts.get("closed", 0) for f in busiest]},
        ],
    }


LEVEL_CHILDREN = {
    Level.CITY: "县（区、旗）",
    Level.COUNTY: "乡镇（街道、苏木）",
    Level.TOWNSHIP: "村（社区、嘎查）",
}


@require_GET
@reads_from_replica
def dashboard(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require_viewer(user)
    region = region_for(user, request.GET.get("region"))
    choice = period_for(request.GET)
    context: dict[str, Any] = {
        "region": region,
        "level": Level(region.level).label,
        "choice": choice,
        "period_options": PERIOD_OPTIONS,
        "months": range(1, 13),
        "quarters": range(1, 5),
        "crumbs": breadcrumbs(user, region, choice.period),
        "echarts_url": echarts_url(),
    }
    period = choice.period
    if period is None:
        return render(request, "stats/dashboard.html", context)
    sort = (request.GET.get("sort") or "name").strip()[:40]
    figures = figures_for(user, region, period)
    subs = subregion_figures(user, region, period)
    columns = _columns(sort, region, period)
    trend = _trend(monthly_trend(user, region, 12, until=period.end), region)
    categories = _breakdown(figures, "category")
    before, after = neighbours(period)
    if after is not None and after.start > clock.today():
        after = None  # nothing has happened there yet
    overdue = overdue_by_unit(user, region)

    def count(key: str) -> CountCell:
        n = figures.counts.get(key, 0)
        return CountCell(key, figures.count_labels.get(key, key), n, rows_url(region, period, key))

    context.update(
        {
            "period": period,
            "before_url": dashboard_url(region, before) if before else "",
            "before_label": before.label if before else "",
            "after_url": dashboard_url(region, after) if after else "",
            "after_label": after.label if after else "",
            "figures": figures,
            "matter_counts": [count(c.key) for c in defs.COUNTS if c.source != "screening"],
            "screening_counts": [count(c.key) for c in defs.COUNTS if c.source == "screening"],
            "rates": [
                RateCell(
                    r,
                    rows_url(region, period, r.key, "numerator"),
                    rows_url(region, period, r.key, "denominator"),
                    defs.RATES_BY_KEY[r.key].dated_by,
                )
                for r in figures.rates
            ],
            "trend": trend,
            "trend_chart": _trend_chart(trend),
            "categories": categories,
            "category_chart": _category_chart(categories),
            "channels": _breakdown(figures, "channel"),
            "purposes": _breakdown(figures, "purpose"),
            "children_label": LEVEL_CHILDREN.get(Level(region.level), ""),
            "columns": columns,
            "ranking": ranking(subs, columns, sort, period),
            "ranking_chart": _ranking_chart(subs),
            "overdue_units": overdue[:OVERDUE_SHOWN],
            "overdue_more": overdue[OVERDUE_SHOWN:],
            "overdue_unit_count": len(overdue),
            "overdue_url": rows_url(region, period, "overdue_open"),
            # 救助转介 (art. 37): the referrals of the period in the region (figures_for checked scope).
            "assistance": assistance.counts(region.path, period.start, period.end),
        }
    )
    return render(request, "stats/dashboard.html", context)
