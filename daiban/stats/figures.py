"""The statistics API (issue 13): figures and rates of a region over a period, for the dashboards and the
monthly report. Every function takes the user and refuses (404) a region outside the user's scope.

Figures are read from the rollups (``daiban.stats.facts``: per region × day × measure × dimension), so a
dashboard reads only its own region's rows and its direct children's; ``direct_figures`` computes the same
figures straight from the matters and screenings (``daiban.stats.definitions``) — the reference the tests
compare the rollups with. ``rows_behind`` is what a figure's link opens.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters.models import Matter, office_label
from daiban.matters.selectors import matter_region_q, matters_for
from daiban.network.jurisdiction import in_scope
from daiban.network.models import ResponsibleUnit
from daiban.prevention import selectors as prevention_selectors
from daiban.prevention.models import Screening
from daiban.regions.models import Level, Region
from daiban.stats import definitions as defs
from daiban.stats.models import Rollup, RollupMonth

__all__ = [
    "Figures",
    "Period",
    "Rate",
    "can_view",
    "direct_figures",
    "figures_for",
    "monthly_trend",
    "overdue_by_unit",
    "rows_behind",
    "subregion_figures",
]

# The earliest and latest dates a period may cover (a typo like 0202 or 20266 is refused, not scanned).
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2099, 12, 31)
MAX_CUSTOM_DAYS = 366 * 5

# Read the rollups (False: count straight from the rows, the slow reference form).
USE_ROLLUPS = True

PERIOD_KINDS = {"month": "月度", "quarter": "季度", "year": "年度", "custom": "自定义"}


# ------------------------------------------------------------------------------------------ period


@dataclass(frozen=True)
class Period:
    kind: str  # "month" | "quarter" | "year" | "custom"
    start: datetime.date  # inclusive
    end: datetime.date  # inclusive
    label: str

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        last = calendar.monthrange(year, month)[1]
        return cls(
            "month", datetime.date(year, month, 1), datetime.date(year, month, last), f"{year}年{month}月"
        )

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = 3 * (quarter - 1) + 1
        end = cls.month(year, first + 2).end
        return cls("quarter", datetime.date(year, first, 1), end, f"{year}年第{quarter}季度")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls("year", datetime.date(year, 1, 1), datetime.date(year, 12, 31), f"{year}年")

    @classmethod
    def custom(cls, start: datetime.date, end: datetime.date) -> Period:
        return cls("custom", start, end, f"{start.isoformat()} 至 {end.isoformat()}")

    @classmethod
    def from_params(cls, params: Mapping[str, str], today: datetime.date) -> Period:
        """The period a query string asks for (``period`` = month|quarter|year|custom, with ``year``,
        ``month``, ``quarter``, or ``start``/``end`` as YYYY-MM-DD); this month by default. Bad input
        raises ValidationError with a Chinese message naming the field."""
        kind = (params.get("period") or "month").strip()
        if kind not in PERIOD_KINDS:
            raise ValidationError("统计期间：请选择月度、季度、年度或自定义。", code="period")
        if kind == "custom":
            start = _date_param(params, "start", "开始日期")
            end = _date_param(params, "end", "结束日期")
            if end < start:
                raise ValidationError("结束日期：不能早于开始日期。", code="end")
            if (end - start).days >= MAX_CUSTOM_DAYS:
                raise ValidationError("结束日期：自定义期间最长 5 年。", code="end")
            return cls.custom(start, end)
        year = _int_param(params, "year", "年份", today.year, FIRST_DAY.year, LAST_DAY.year)
        if kind == "year":
            return cls.year(year)
        if kind == "quarter":
            quarter = _int_param(params, "quarter", "季度", (today.month - 1) // 3 + 1, 1, 4)
            return cls.quarter(year, quarter)
        month = _int_param(params, "month", "月份", today.month, 1, 12)
        return cls.month(year, month)

    def params(self) -> dict[str, str]:
        """The query parameters that give this period back through ``from_params``."""
        if self.kind == "custom":
            return {"period": "custom", "start": self.start.isoformat(), "end": self.end.isoformat()}
        out = {"period": self.kind, "year": str(self.start.year)}
        if self.kind == "month":
            out["month"] = str(self.start.month)
        elif self.kind == "quarter":
            out["quarter"] = str((self.start.month - 1) // 3 + 1)
        return out


def _int_param(params: Mapping[str, str], name: str, label: str, default: int, low: int, high: int) -> int:
    raw = (params.get(name) or "").strip()
    if not raw:
        return default
    # ASCII digits only: "²" passes str.isdigit but int() refuses it.
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise ValidationError(f"{label}：请填写 {low}—{high} 之间的整数。", code=name)
    return int(raw)


def _date_param(params: Mapping[str, str], name: str, label: str) -> datetime.date:
    raw = (params.get(name) or "").strip()
    if not raw:
        raise ValidationError(f"{label}：请填写日期（如 2026-11-03）。", code=name)
    try:
        value = datetime.date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationError(f"{label}：日期格式不正确，请按 2026-11-03 的格式填写。", code=name) from exc
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValidationError(f"{label}：请填写 2000 年至 2099 年之间的日期。", code=name)
    return value


# ------------------------------------------------------------------------------------------ figures


@dataclass(frozen=True)
class Rate:
    key: str
    label: str
    numerator: int
    denominator: int
    numerator_label: str
    denominator_label: str
    basis: str

    @property
    def percent(self) -> str:
        """ "97.3%", or "—" when nothing was counted (never 0 % for an empty period)."""
        if not self.denominator:
            return "—"
        return f"{100 * self.numerator / self.denominator:.1f}%"

    @property
    def value(self) -> float | None:
        """The rate as a fraction (None when nothing was counted): for sorting and charts."""
        return self.numerator / self.denominator if self.denominator else None


@dataclass(frozen=True)
class Figures:
    region: Region
    period: Period
    counts: dict[str, int]
    count_labels: dict[str, str]
    rates: list[Rate]
    by_channel: list[tuple[str, int]]
    by_category: list[tuple[str, int]]
    by_purpose: list[tuple[str, int]]
    # The breakdowns keyed by stored value (for links): {"channel": {"window": 3, ...}, ...}
    breakdown_keys: dict[str, dict[str, int]] = field(default_factory=dict)

    def rate(self, key: str) -> Rate:
        return next(r for r in self.rates if r.key == key)


COUNT_LABELS = {c.key: c.label for c in defs.COUNTS}


def _assemble(region: Region, period: Period, totals: Mapping[tuple[str, str], int], overdue: int) -> Figures:
    """Figures from (measure, dim) -> count of the period (dim "" = total)."""
    counts = {c.key: int(totals.get((c.key, ""), 0)) for c in defs.COUNTS if c.source != "live"}
    counts["overdue_open"] = overdue
    rates = [
        Rate(
            key=r.key,
            label=r.label,
            numerator=int(totals.get((r.numerator_measure, ""), 0)),
            denominator=int(totals.get((r.denominator_measure, ""), 0)),
            numerator_label=r.numerator_label,
            denominator_label=r.denominator_label,
            basis=r.basis,
        )
        for r in defs.RATES
    ]
    keyed: dict[str, dict[str, int]] = {}
    lists: dict[str, list[tuple[str, int]]] = {}
    for prefix, (_field, choices) in defs.BREAKDOWNS.items():
        values = {v: int(totals.get(("taken_up", f"{prefix}:{v}"), 0)) for v in choices.values}
        keyed[prefix] = values
        pairs = [(str(choices(v).label), n) for v, n in values.items() if n]
        lists[prefix] = sorted(pairs, key=lambda p: -p[1])
    return Figures(
        region=region,
        period=period,
        counts=counts,
        count_labels=dict(COUNT_LABELS),
        rates=rates,
        by_channel=lists["channel"],
        by_category=lists["category"],
        by_purpose=lists["purpose"],
        breakdown_keys=keyed,
    )


# ------------------------------------------------------------------------------------------ scope


def can_view(user: User) -> bool:
    """Who sees statistics: the network's agents, leaders, supervisors and the city administrator (the
    readers of the prevention register), each over the subtree of their grant. Not a unit's handler."""
    return prevention_selectors.can_read(user)


def _check(user: User, region: Region) -> None:
    if not can_view(user) or not in_scope(user, region.path):
        raise Http404


def _today() -> datetime.date:
    return clock.today()


def region_matters(region: Region) -> QuerySet[Matter]:
    """The region's matters that the statistics count (not those merged into another: ``counted_q``)."""
    return Matter.objects.filter(matter_region_q(region.path, region.pk)).filter(defs.counted_q())


def region_screenings(region: Region) -> QuerySet[Screening]:
    return Screening.objects.filter(prevention_selectors.region_q(region.path, region.pk))


# ------------------------------------------------------------------------------------------ direct form


def direct_figures(region: Region, period: Period, today: datetime.date | None = None) -> Figures:
    """The figures counted straight from the rows (slow; the reference truth of the rollups)."""
    today = today or _today()
    matters = region_matters(region)
    screenings = region_screenings(region)
    totals: dict[tuple[str, str], int] = {}
    for c in defs.COUNTS:
        if c.source == "live":
            continue
        rows = screenings if c.source == "screening" else matters
        totals[(c.key, "")] = c.direct(rows, period.start, period.end, today).count()
    for r in defs.RATES:
        totals[(r.numerator_measure, "")] = r.numerator(matters, period.start, period.end, today).count()
        totals[(r.denominator_measure, "")] = r.denominator(matters, period.start, period.end, today).count()
    for prefix, (fname, _choices) in defs.BREAKDOWNS.items():
        taken = matters.filter(received_at__date__gte=period.start, received_at__date__lte=period.end)
        for row in taken.values(fname).annotate(n=Count("pk")):
            totals[("taken_up", f"{prefix}:{row[fname]}")] = row["n"]
    overdue = defs.COUNTS_BY_KEY["overdue_open"].direct(matters, period.start, period.end, today).count()
    return _assemble(region, period, totals, overdue)


# ------------------------------------------------------------------------------------------ rollups


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _spans(
    start: datetime.date, end: datetime.date
) -> tuple[tuple[datetime.date, datetime.date] | None, list[tuple[datetime.date, datetime.date]]]:
    """The whole months inside [start, end] (first and last month's first day, or None) and the day
    ranges left at either end."""
    first_full = start if start.day == 1 else _next_month(start)
    after_last_full = _month_start(end + datetime.timedelta(days=1))  # the month after the last whole one
    if first_full >= after_last_full:
        return None, [(start, end)]
    last_full = _month_start(after_last_full - datetime.timedelta(days=1))
    days = []
    if start < first_full:
        days.append((start, first_full - datetime.timedelta(days=1)))
    if after_last_full <= end:
        days.append((after_last_full, end))
    return (first_full, last_full), days


def _rollup_totals(region_ids: Iterable[int], start: datetime.date, end: datetime.date) -> dict[int, dict]:
    """region id -> {(measure, dim): count} over the period: whole months from the monthly rollups, the
    days of a partial month at either end from the daily ones."""
    ids = list(region_ids)
    out: dict[int, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
    months, days = _spans(start, end)
    parts: list[QuerySet[Any]] = []
    if months:
        monthly = RollupMonth.objects.filter(region_id__in=ids, month__gte=months[0], month__lte=months[1])
        parts.append(monthly.values_list("region_id", "measure", "dim").annotate(n=Sum("count")).order_by())
    if days:
        where = Q()
        for first, last in days:
            where |= Q(day__gte=first, day__lte=last)
        daily = Rollup.objects.filter(where, region_id__in=ids)
        parts.append(daily.values_list("region_id", "measure", "dim").annotate(n=Sum("count")).order_by())
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]  # one query
    for region_id, measure, dim, n in rows:
        out[region_id][(measure, dim)] += n
    return out


def _overdue_rollups(
    region_ids: Iterable[int], today: datetime.date, holders: bool = False
) -> dict[int, dict[str, int]]:
    """region id -> {holder dim ("" = all; with ``holders`` also "u:<unit>", "r:<office region>"): open
    matters whose current deadline is before today}, in one query: the "open_due" rollups (each open
    matter counted on its due date) of the months before this one and of this month's days before today,
    each summed per region and holder by the database (a row per holder, not one per holder and date)."""
    ids = list(region_ids)
    this_month = _month_start(today)
    dims = Q() if holders else Q(dim="")
    months = (
        RollupMonth.objects.filter(dims, region_id__in=ids, measure="open_due", month__lt=this_month)
        .values_list("region_id", "dim")
        .annotate(n=Sum("count"))
        .order_by()
    )
    days = (
        Rollup.objects.filter(dims, region_id__in=ids, measure="open_due", day__gte=this_month, day__lt=today)
        .values_list("region_id", "dim")
        .annotate(n=Sum("count"))
        .order_by()
    )
    rows = months.union(days, all=True)
    out: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for region_id, dim, n in rows:
        out[region_id][dim] += n
    return out


def _open_overdue(matters: QuerySet[Matter], today: datetime.date) -> QuerySet[Matter]:
    """Open matters past their current deadline. Only open matters carry a ``due_date`` (a check
    constraint), so the range alone says it: one range of the level's ``(scope_…, due_date, id)`` index."""
    return matters.filter(due_date__lt=today)


def figures_for(user: User, region: Region, period: Period) -> Figures:
    _check(user, region)
    today = _today()
    if not USE_ROLLUPS:
        return direct_figures(region, period, today)
    totals = _rollup_totals([region.pk], period.start, period.end)
    overdue = _overdue_rollups([region.pk], today)[region.pk][""]
    return _assemble(region, period, totals.get(region.pk, {}), overdue)


def subregion_figures(user: User, region: Region, period: Period) -> list[Figures]:
    """The figures of each direct child region (ordered by code)."""
    _check(user, region)
    today = _today()
    children = list(Region.objects.filter(parent_id=region.pk).order_by("code"))
    if not children:
        return []
    if not USE_ROLLUPS:
        return [direct_figures(c, period, today) for c in children]
    totals = _rollup_totals([c.pk for c in children], period.start, period.end)
    overdue = _overdue_rollups([c.pk for c in children], today)
    return [_assemble(c, period, totals.get(c.pk, {}), overdue[c.pk][""]) for c in children]


def monthly_trend(
    user: User, region: Region, months: int = 12, until: datetime.date | None = None
) -> list[tuple[Period, Figures]]:
    """The last ``months`` calendar months up to the month of ``until`` (default today), oldest first.
    ``overdue_open`` is a present-day count and is the same in every month."""
    _check(user, region)
    today = _today()
    until = until or today
    months = max(1, min(months, 120))
    periods = []
    year, month = until.year, until.month
    for _ in range(months):
        periods.append(Period.month(year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    periods.reverse()
    by_month: dict[datetime.date, dict[tuple[str, str], int]] = defaultdict(dict)
    rows = (
        RollupMonth.objects.filter(
            region_id=region.pk, month__gte=periods[0].start, month__lte=periods[-1].start
        )
        .values_list("month", "measure", "dim", "count")
        .order_by()
    )
    for month_start, measure, dim, n in rows:
        by_month[month_start][(measure, dim)] = n
    if not USE_ROLLUPS:
        return [(p, direct_figures(region, p, today)) for p in periods]
    overdue = _overdue_rollups([region.pk], today)[region.pk][""]
    return [(p, _assemble(region, p, by_month.get(p.start, {}), overdue)) for p in periods]


def overdue_by_unit(user: User, region: Region) -> list[tuple[str, int]]:
    """Open overdue matters arising in the region, by who holds them now: the lead unit (事权单位) or, when
    no unit holds it, the network office (代办点/站/中心). Most overdue first."""
    _check(user, region)
    today = _today()
    if not USE_ROLLUPS:
        return overdue_by_unit_direct(region, today)
    holders = _overdue_rollups([region.pk], today, holders=True)[region.pk]
    rows = [
        (int(dim[2:]) if dim.startswith("u:") else None, int(dim[2:]) if dim.startswith("r:") else None, n)
        for dim, n in holders.items()
        if dim and n
    ]
    return _by_holder(rows)


def overdue_by_unit_direct(region: Region, today: datetime.date) -> list[tuple[str, int]]:
    """``overdue_by_unit`` counted straight from the matters (the reference of the rollup form)."""
    rows = list(
        _open_overdue(region_matters(region), today)
        .values_list("holder_unit_id", "holder_region_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _by_holder([(u, None if u else r, n) for u, r, n in rows])


def _by_holder(rows: list[tuple[int | None, int | None, int]]) -> list[tuple[str, int]]:
    units = dict(
        ResponsibleUnit.objects.filter(pk__in={u for u, _r, _n in rows if u}).values_list("pk", "name")
    )
    offices = {r.pk: r for r in Region.objects.filter(pk__in={r for _u, r, _n in rows if r})}
    totals: dict[str, int] = defaultdict(int)
    for unit_id, holder_region_id, n in rows:
        if unit_id in units:
            totals[units[unit_id]] += n
        elif holder_region_id in offices:
            totals[office_label(offices[holder_region_id])] += n
        else:
            totals["—"] += n
    return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))


# ------------------------------------------------------------------------------------------ drill-down


def rows_behind(user: User, region: Region, period: Period, key: str, part: str) -> QuerySet:
    """The rows a figure counts (``key``: a count or rate key; ``part``: "count" for a count, "numerator"
    or "denominator" for a rate; for a breakdown: key "taken_up", part "channel:window"), scoped to the
    user and the region, newest first. Unknown key or part: 404.

    For a user who may not open every matter of the region (an agent does not see others' accusations,
    matters_for) the list can be shorter than the figure by exactly those rows."""
    _check(user, region)
    today = _today()
    if key in defs.COUNTS_BY_KEY:
        c = defs.COUNTS_BY_KEY[key]
        if c.source == "screening":
            if part != "count":
                raise Http404
            rows = prevention_selectors.scoped(user, Screening).filter(
                prevention_selectors.region_q(region.path, region.pk)
            )
            return c.direct(rows, period.start, period.end, today).order_by("-found_on", "-id")
        matters = matters_for(user).filter(matter_region_q(region.path, region.pk)).filter(defs.counted_q())
        if part == "count":
            return c.direct(matters, period.start, period.end, today).order_by("-received_at", "-id")
        prefix, _, value = part.partition(":")
        if key == "taken_up" and prefix in defs.BREAKDOWNS:
            _field, choices = defs.BREAKDOWNS[prefix]
            if value in choices.values:
                return defs.breakdown_direct(matters, part, period.start, period.end).order_by(
                    "-received_at", "-id"
                )
        raise Http404
    if key in defs.RATES_BY_KEY and part in ("numerator", "denominator"):
        r = defs.RATES_BY_KEY[key]
        matters = matters_for(user).filter(matter_region_q(region.path, region.pk)).filter(defs.counted_q())
        direct = r.numerator if part == "numerator" else r.denominator
        return direct(matters, period.start, period.end, today).order_by("-received_at", "-id")
    raise Http404


LEVEL_NAMES = {
    Level.CITY: "市",
    Level.COUNTY: "县（区）",
    Level.TOWNSHIP: "乡镇（街道）",
    Level.VILLAGE: "村（社区）",
}
