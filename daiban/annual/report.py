"""The annual report of a level's petition office (art. 41) for one year, computed when it is read.

Its sections:

1. 信访事项统计: every count and rate of the statistics pages, the matters taken up by channel (form),
   category (field) and purpose — from ``daiban.stats.figures.figures_for`` for the calendar year, the very
   function the statistics page calls, so the report's figures are the page's (``test_report`` compares
   them); the overdue matters by who holds them (``overdue_by_unit``, a present-day figure like the page's).
2. 被反映较多的机关: the responsible units by matters routed to them as lead unit (主办) in the year.
3. 转送、交办和督办: the routing events of the year (转送交办事权单位, 交由下级办理, 催办/督办 by hand) and the
   supervision orders issued in it by rung (督办 / 挂牌督办) with how many were answered in writing.
4. 建议及采纳情况 (art. 40): the level's proposals of the year and the organs' answers.

plus the office's foreword (``AnnualReport.foreword``). Sections 2–3 count rows of matters arising in the
level's subtree (an equality on the level's scope column), each one aggregate query over one year: this is
a page opened a few times a year, not a daily list (ADR 0036).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone

from daiban.accounts.models import User
from daiban.annual import selectors
from daiban.annual.models import AnswerOutcome, Proposal, ProposalKind
from daiban.core import clock
from daiban.matters.choices import EventKind, TaskRole
from daiban.matters.models import SCOPE_COLUMNS, Event, UnitTask, office_label
from daiban.network.models import ResponsibleUnit
from daiban.regions import geometry
from daiban.regions.models import Region
from daiban.stats import definitions as defs
from daiban.stats.figures import Figures, Period, Rate, figures_for, overdue_by_unit
from daiban.supervision.models import OrderStatus, Rung, SupervisionOrder

TOP_UNITS = 10
OVERDUE_UNITS = 10
ROUTING_KINDS = (EventKind.ROUTE, EventKind.HAND_DOWN, EventKind.ESCALATE, EventKind.PRESS)


@dataclass(frozen=True)
class Count_:
    key: str
    label: str
    value: int


@dataclass(frozen=True)
class Part:
    label: str
    value: int
    share: str


@dataclass(frozen=True)
class UnitRow:
    name: str
    lead: int  # matters routed to the unit as lead (主办) in the year
    co: int  # …as co-handler (协办)


@dataclass(frozen=True)
class RungRow:
    label: str
    issued: int
    answered: int  # answered in writing (书面反馈) — whatever happened after
    escalated: int


@dataclass(frozen=True)
class Tally:
    label: str
    value: int


@dataclass(frozen=True)
class Report:
    region: Region
    year: int
    period: Period
    office: str
    title: str
    generated_on: datetime.date
    foreword: str
    figures: Figures
    matter_counts: list[Count_]
    screening_counts: list[Count_]
    rates: list[Rate]
    channels: list[Part]
    categories: list[Part]
    purposes: list[Part]
    overdue_units: list[tuple[str, int]]
    top_units: list[UnitRow]
    routing: list[Tally]
    tasks: list[Tally]
    supervision: list[RungRow]
    proposals: list[Proposal]
    proposal_kinds: list[Tally]
    proposal_outcomes: list[Tally]

    @property
    def supervision_total(self) -> int:
        return sum(r.issued for r in self.supervision)

    @property
    def filename(self) -> str:
        return f"{self.region.code}-{self.year}-annual-report"


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


def _parts(figures: Figures, prefix: str) -> list[Part]:
    _field, choices = defs.BREAKDOWNS[prefix]
    total = figures.counts.get("taken_up", 0)
    parts = [
        Part(str(choices(value).label), n, _share(n, total))
        for value, n in figures.breakdown_keys.get(prefix, {}).items()
        if n
    ]
    return sorted(parts, key=lambda p: (-p.value, p.label))


def scope_q(region: Region, prefix: str = "") -> Q:
    """Rows (or, with ``prefix`` "matter__", rows of matters) arising in the level's subtree: an equality
    on its scope column. The report's levels are a city or a county, which always have one."""
    codes = geometry.codes(region.path)
    assert 1 <= len(codes) <= len(SCOPE_COLUMNS)
    return Q(**{prefix + SCOPE_COLUMNS[len(codes) - 1]: codes[-1]})


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The year's first instant and the next year's, in local time (a date-time counts on its local day,
    as in the statistics)."""
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime(year, 1, 1, tzinfo=tz),
        datetime.datetime(year + 1, 1, 1, tzinfo=tz),
    )


def _top_units(region: Region, start: datetime.datetime, end: datetime.datetime) -> list[UnitRow]:
    rows = (
        UnitTask.objects.filter(scope_q(region, "matter__"), assigned_at__gte=start, assigned_at__lt=end)
        .values("unit_id", "role")
        .annotate(n=Count("matter_id", distinct=True))
        .order_by()
    )
    lead: Counter[int] = Counter()
    co: Counter[int] = Counter()
    for row in rows:
        (lead if row["role"] == TaskRole.LEAD else co)[row["unit_id"]] += row["n"]
    names = dict(ResponsibleUnit.objects.filter(pk__in=set(lead) | set(co)).values_list("pk", "name"))
    ranked = sorted(set(lead) | set(co), key=lambda u: (-lead[u], -co[u], names.get(u, "")))
    return [UnitRow(names.get(u, "—"), lead[u], co[u]) for u in ranked[:TOP_UNITS]]


def _routing(region: Region, start: datetime.datetime, end: datetime.datetime) -> list[Tally]:
    counts = dict(
        Event.objects.filter(scope_q(region, "matter__"), kind__in=ROUTING_KINDS, at__gte=start, at__lt=end)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    labels = {
        EventKind.ROUTE: "转送交办事权单位（次）",
        EventKind.HAND_DOWN: "交由下级办理（次）",
        EventKind.ESCALATE: "上报上一级（次）",
        EventKind.PRESS: "催办、督办（人工，次）",
    }
    return [Tally(labels[k], int(counts.get(k, 0))) for k in ROUTING_KINDS]


def _tasks(region: Region, start: datetime.datetime, end: datetime.datetime) -> list[Tally]:
    counts = dict(
        UnitTask.objects.filter(scope_q(region, "matter__"), assigned_at__gte=start, assigned_at__lt=end)
        .values_list("role")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [Tally(f"交办{TaskRole(r).label}任务（件）", int(counts.get(r, 0))) for r in TaskRole.values]


def _supervision(region: Region, start: datetime.datetime, end: datetime.datetime) -> list[RungRow]:
    rows = (
        SupervisionOrder.objects.filter(scope_q(region), issued_at__gte=start, issued_at__lt=end)
        .values_list("rung", "status", "feedback_at")
        .order_by()
    )
    issued: Counter[str] = Counter()
    answered: Counter[str] = Counter()
    escalated: Counter[str] = Counter()
    for rung, status, feedback_at in rows:
        issued[rung] += 1
        if feedback_at is not None:
            answered[rung] += 1
        if status == OrderStatus.ESCALATED:
            escalated[rung] += 1
    return [RungRow(str(Rung(r).label), issued[r], answered[r], escalated[r]) for r in Rung.values]


def _proposal_tallies(proposals: list[Proposal]) -> tuple[list[Tally], list[Tally]]:
    kinds = Counter(p.kind for p in proposals)
    outcomes = Counter(p.outcome for p in proposals)
    return (
        [Tally(str(k.label), kinds[k.value]) for k in ProposalKind],
        [Tally(str(o.label), outcomes[o.value]) for o in AnswerOutcome] + [Tally("待书面答复", outcomes[""])],
    )


def build(user: User, region: Region, year: int) -> Report:
    """The report of ``region``'s office for ``year`` as ``user`` may read it (403/404 otherwise)."""
    selectors.require_reader(user)
    proposals = list(selectors.proposals_of(user, region, year))  # 404 outside the grant
    period = Period.year(year)
    figures = figures_for(user, region, period)
    start, end = year_bounds(year)
    text = selectors.report_text(region, year)
    kinds, outcomes = _proposal_tallies(proposals)
    office = office_label(region)

    def counts(source: str) -> list[Count_]:
        keys = [c.key for c in defs.COUNTS if (c.source == "screening") == (source == "screening")]
        return [Count_(k, figures.count_labels.get(k, k), figures.counts.get(k, 0)) for k in keys]

    return Report(
        region=region,
        year=year,
        period=period,
        office=office,
        title=f"{office}{year}年度信访工作报告",
        generated_on=clock.today(),
        foreword=text.foreword if text is not None else "",
        figures=figures,
        matter_counts=counts("matter"),
        screening_counts=counts("screening"),
        rates=list(figures.rates),
        channels=_parts(figures, "channel"),
        categories=_parts(figures, "category"),
        purposes=_parts(figures, "purpose"),
        overdue_units=overdue_by_unit(user, region)[:OVERDUE_UNITS],
        top_units=_top_units(region, start, end),
        routing=_routing(region, start, end),
        tasks=_tasks(region, start, end),
        supervision=_supervision(region, start, end),
        proposals=proposals,
        proposal_kinds=kinds,
        proposal_outcomes=outcomes,
    )


def body_html(report: Report) -> str:
    """The report as a document body (``daiban.documents.render`` markup): the same words in DOCX and PDF."""
    return render_to_string(
        "annual/report_body.html", {"r": report, "paragraphs": _paragraphs(report.foreword)}
    )


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]
