"""月报 (the monthly report of one region): its figures and rates, the table of its subregions, the
breakdowns by category, channel and purpose, and a short summary written from the numbers — as .xlsx and
as .docx (GB/T 9704 layout through ``documents.render``).

Every number is ``stats.figures``' own (``figures_for``, ``subregion_figures``): the report adds no
definition of its own, so it says what the dashboard says. A rate without a denominator is "—", never 0 %.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape

from daiban.accounts.models import User
from daiban.core import formfields
from daiban.exchange.exports.ledgers import text
from daiban.network.jurisdiction import regions_for
from daiban.regions.models import Level, Region
from daiban.stats.figures import Figures, Period, Rate, can_view, figures_for, subregion_figures

FIRST_YEAR = 2000
LAST_YEAR = 2099
FORMATS = {"xlsx": "Excel 表格", "docx": "Word 文档"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The counts the report lists, in its order (overdue_open is a present-day count).
COUNT_KEYS = (
    "taken_up",
    "closed",
    "resolved",
    "closed_unresolved",
    "replied",
    "overdue_open",
    "screened",
    "screened_resolved",
    "screened_open",
    "screened_petition",
    "screened_transferred",
)
# Columns of the subregion table: counts, then rates (their percent).
SUB_COUNTS = ("taken_up", "closed", "resolved", "replied", "overdue_open", "screened")
SUB_RATES = ("timely_acceptance", "on_time_completion", "reply", "resolution", "service_satisfaction")


def _indented(region: Region) -> str:
    return "　" * max(0, region.level - 1) + region.name


class MonthlyForm(forms.Form):
    region = formfields.ModelChoiceField(
        label="区域", queryset=Region.objects.none(), to_field_name="code", empty_label=None
    )
    month = forms.CharField(
        label="月份",
        max_length=7,
        widget=forms.TextInput(attrs={"placeholder": "2026-11", "autocomplete": "off"}),
        help_text="如 2026-11",
    )
    format = forms.ChoiceField(label="格式", choices=list(FORMATS.items()), initial="xlsx")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["region"]
        assert isinstance(field, forms.ModelChoiceField)
        # Levels down to the townships (a village's agents: their own village too).
        own = Q(pk=user.region_id) if user.region_id else Q(pk__in=[])
        field.queryset = regions_for(user).filter(Q(level__lte=Level.TOWNSHIP) | own).order_by("path")
        field.label_from_instance = _indented  # type: ignore[method-assign,assignment]

    def clean_month(self) -> Period:
        raw = str(self.cleaned_data.get("month") or "").strip()
        year, sep, month = raw.partition("-")
        if not (sep and year.isascii() and year.isdigit() and month.isascii() and month.isdigit()):
            raise forms.ValidationError("请按 2026-11 的格式填写月份。")
        y, m = int(year), int(month)
        if not (FIRST_YEAR <= y <= LAST_YEAR and 1 <= m <= 12):
            raise forms.ValidationError(f"请填写 {FIRST_YEAR} 年至 {LAST_YEAR} 年之间的月份。")
        return Period.month(y, m)


def may_report(user: User) -> bool:
    return can_view(user)


def previous_month(period: Period) -> Period:
    first = period.start - datetime.timedelta(days=1)
    return Period.month(first.year, first.month)


@dataclass(frozen=True)
class Report:
    region: Region
    period: Period
    figures: Figures
    previous: Figures
    subregions: list[Figures]
    summary: str
    made_at: datetime.datetime

    @property
    def title(self) -> str:
        return f"{self.region.name}信访代办工作月报（{self.period.label}）"

    def filename(self, fmt: str) -> str:
        return f"{self.region.name}_月报_{self.period.start:%Y-%m}.{fmt}"

    def counts(self) -> list[tuple[str, str, int]]:
        f = self.figures
        return [(k, f.count_labels.get(k, k), f.counts.get(k, 0)) for k in COUNT_KEYS if k in f.counts]


def build(user: User, region: Region, period: Period) -> Report:
    """The report's numbers (404 outside the user's scope, from ``figures_for``)."""
    figures = figures_for(user, region, period)
    previous = figures_for(user, region, previous_month(period))
    subregions = subregion_figures(user, region, period)
    return Report(
        region=region,
        period=period,
        figures=figures,
        previous=previous,
        subregions=subregions,
        summary=summary(figures, previous),
        made_at=timezone.localtime(),
    )


# ------------------------------------------------------------------------------------------ summary


def _change(now: int, before: int) -> str:
    if now == before:
        return "与上月持平"
    if before == 0:
        return f"上月为0件，本月增加{now}件"
    word = "增加" if now > before else "减少"
    return f"较上月{word}{abs(now - before)}件（{abs(now - before) * 100 / before:.1f}%）"


def summary(f: Figures, previous: Figures) -> str:
    """A short paragraph written from the numbers. Nothing divides: a rate without data reads "—"."""
    c, p = f.counts, previous.counts
    taken, before = c.get("taken_up", 0), p.get("taken_up", 0)
    parts = []
    if taken or before:
        parts.append(f"本月共受理代办事项{taken}件，{_change(taken, before)}")
    else:
        parts.append("本月及上月均无受理的代办事项")
    parts.append(
        f"办结{c.get('closed', 0)}件，其中已化解{c.get('resolved', 0)}件、"
        f"办结未化解{c.get('closed_unresolved', 0)}件；答复{c.get('replied', 0)}件"
    )
    screened = c.get("screened", 0)
    if screened:
        parts.append(f"排查矛盾纠纷{screened}件，其中已化解{c.get('screened_resolved', 0)}件")
    else:
        parts.append("本月未登记排查的矛盾纠纷")
    rates = {r.key: r for r in f.rates}
    shown = [
        f"{rates[k].label}{rates[k].percent}"
        for k in ("timely_acceptance", "on_time_completion", "reply", "resolution")
        if k in rates
    ]
    if shown:
        parts.append("、".join(shown))
    overdue = c.get("overdue_open", 0)
    parts.append(f"目前超期未办结{overdue}件" + ("，请相关单位抓紧办理" if overdue else ""))
    if f.by_category:
        label, n = f.by_category[0]
        parts.append(f"受理事项中“{label}”类最多（{n}件）")
    return "；".join(parts) + "。"


# ------------------------------------------------------------------------------------------ xlsx


def _percent_cell(ws: Any, rate: Rate) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if not rate.denominator:
        return "—"
    cell = WriteOnlyCell(ws, value=rate.numerator / rate.denominator)
    cell.number_format = "0.0%"
    return cell


def _bold(ws: Any, values: list[object]) -> list[Any]:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    out = []
    for value in values:
        cell = WriteOnlyCell(ws, value=value)
        cell.font = Font(bold=True)
        out.append(cell)
    return out


def _sheet(wb: Any, title: str, widths: Sequence[float]) -> Any:
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    return ws


def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    f = report.figures
    ws = _sheet(wb, "月报", [26, 14, 12, 28, 12, 28, 60])
    ws.append(_bold(ws, [report.title]))
    ws.append([f"统计期间：{report.period.start:%Y-%m-%d} 至 {report.period.end:%Y-%m-%d}"])
    ws.append([f"生成时间：{report.made_at:%Y-%m-%d %H:%M}（“当前超期未办结”为生成时的数字）"])
    ws.append([])
    ws.append(_bold(ws, ["情况综述"]))
    ws.append([text(report.summary)])
    ws.append([])
    ws.append(_bold(ws, ["主要数字", "本月", "上月"]))
    for key, label, n in report.counts():
        ws.append([label, n, report.previous.counts.get(key, 0)])
    ws.append([])
    ws.append(_bold(ws, ["指标", "本月", "分子", "分子含义", "分母", "分母含义", "口径"]))
    for rate in f.rates:
        ws.append(
            [
                rate.label,
                _percent_cell(ws, rate),
                rate.numerator,
                rate.numerator_label,
                rate.denominator,
                rate.denominator_label,
                text(rate.basis),
            ]
        )

    count_labels = [f.count_labels.get(k, k) for k in SUB_COUNTS]
    rate_labels = [next((r.label for r in f.rates if r.key == k), k) for k in SUB_RATES]
    sub = _sheet(wb, "分地区", [18] + [12] * (len(SUB_COUNTS) + len(SUB_RATES)))
    sub.freeze_panes = "B2"
    sub.append(_bold(sub, ["地区", *count_labels, *rate_labels]))
    for child in report.subregions:
        rates = {r.key: r for r in child.rates}
        sub.append(
            [
                child.region.name,
                *(child.counts.get(k, 0) for k in SUB_COUNTS),
                *(_percent_cell(sub, rates[k]) if k in rates else "—" for k in SUB_RATES),
            ]
        )
    if not report.subregions:
        sub.append(["（无下级地区）"])

    cat = _sheet(wb, "分类", [24, 12])
    for title, pairs in (
        ("按内容分类", f.by_category),
        ("按来源渠道", f.by_channel),
        ("按信访目的", f.by_purpose),
    ):
        cat.append(_bold(cat, [title, "受理事项"]))
        for label, n in pairs:
            cat.append([label, n])
        if not pairs:
            cat.append(["（无）", 0])
        cat.append([])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ------------------------------------------------------------------------------------------ docx


def _grid(header: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f'<table class="grid"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def body_html(report: Report) -> str:
    f = report.figures
    parts = [
        f"<h1>{escape(report.region.name)}信访代办工作月报</h1>",
        f'<p class="center">（{escape(report.period.label)}）</p>',
        "<h2>一、情况综述</h2>",
        f"<p>{escape(report.summary)}</p>",
        "<h2>二、主要数字</h2>",
        _grid(
            ["项目", "本月", "上月"],
            [[label, n, report.previous.counts.get(key, 0)] for key, label, n in report.counts()],
        ),
        "<h2>三、主要指标</h2>",
        _grid(
            ["指标", "本月", "计算"],
            [
                [
                    r.label,
                    r.percent,
                    f"{r.numerator_label}{r.numerator} ÷ {r.denominator_label}{r.denominator}",
                ]
                for r in f.rates
            ],
        ),
    ]
    if report.subregions:
        rate_labels = [next((r.label for r in f.rates if r.key == k), k) for k in SUB_RATES[:3]]
        rows = []
        for child in report.subregions:
            rates = {r.key: r for r in child.rates}
            rows.append(
                [
                    child.region.name,
                    child.counts.get("taken_up", 0),
                    child.counts.get("closed", 0),
                    child.counts.get("overdue_open", 0),
                    *(rates[k].percent if k in rates else "—" for k in SUB_RATES[:3]),
                ]
            )
        parts += [
            "<h2>四、分地区情况</h2>",
            _grid(["地区", "受理", "办结", "超期未办结", *rate_labels], rows),
        ]
    number = "五" if report.subregions else "四"
    categories = [[label, n] for label, n in f.by_category] or [["（无）", 0]]
    parts += [f"<h2>{number}、按内容分类</h2>", _grid(["内容分类", "受理事项"], categories)]
    parts.append(
        f'<p class="note">统计期间 {report.period.start:%Y-%m-%d} 至 {report.period.end:%Y-%m-%d}；'
        f"生成时间 {report.made_at:%Y-%m-%d %H:%M}；“当前超期未办结”为生成时的数字。各项指标的口径见系统统计说明。</p>"
    )
    return "".join(parts)


def to_docx(report: Report) -> bytes:
    from daiban.documents.render import render_docx

    return render_docx(body_html(report), title=report.title)
