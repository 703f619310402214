"""台账 (ledgers) as .xlsx: the matters and the screenings a user's list page shows, with the list's filters.

One ``Ledger`` per kind names its Chinese title, its filter form, its scoped and filtered queryset (built by the
list page's own code: ``matters_for`` + ``matters.listing.apply_filters``, ``prevention.selectors.scoped`` +
the register's ``apply_filters``) and its columns. ``write_xlsx`` streams the rows into a write-only workbook
(constant memory however long the ledger): a frozen header row, column widths, dates as Excel dates.

What never goes into a ledger: ID numbers, phone numbers, addresses. Every text cell passes through
``pii.log_filters.redact``, so a number typed into a free-text field (a title, the parties) is masked too,
and a text that starts like a formula is written as text.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters.listing import MatterFilterForm
from daiban.matters.listing import apply_filters as matter_filters
from daiban.matters.models import Matter
from daiban.matters.selectors import matters_for
from daiban.pii.log_filters import redact
from daiban.prevention import selectors as prevention
from daiban.prevention.forms.screenings import ScreeningFilterForm
from daiban.prevention.models import Screening
from daiban.prevention.views.screenings import apply_filters as screening_filters
from daiban.regions.models import Level, Region

# Rows between two progress updates of a queued export.
PROGRESS_EVERY = 500
# Control characters a worksheet cannot hold (openpyxl refuses them).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"


@dataclass(frozen=True)
class Column:
    title: str
    width: float
    value: Callable[[Any], object]
    number_format: str = ""


class FilterError(Exception):
    """The filters do not validate: the export is refused (never more rows than asked for)."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("；".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class Ledger:
    kind: str
    title: str  # 代办事项台账
    list_url_name: str
    form_class: type[forms.Form]
    columns: tuple[Column, ...]
    rows: Callable[[User, dict[str, Any], datetime.date], QuerySet[Any]]
    may_export: Callable[[User], bool]

    def form(self, user: User, params: dict[str, str] | None) -> forms.Form:
        return self.form_class(params or None, user=user)  # type: ignore[call-arg]

    def clean(self, user: User, params: dict[str, str]) -> dict[str, Any]:
        """The validated filters; ``FilterError`` naming each wrong field."""
        form = self.form(user, params)
        if not form.is_bound:
            return {}
        if not form.is_valid():
            raise FilterError(
                [
                    f"“{form.fields[f].label}”：{'；'.join(str(m) for m in e)}"
                    for f, e in form.errors.items()
                    if f in form.fields
                ]
                or ["筛选条件有误"]
            )
        data = dict(form.cleaned_data)
        term = str(data.get("q") or "")
        if redact(term) != term:
            raise FilterError(["“搜索”：身份证号码、电话不能作为导出条件"])
        return data

    def queryset(self, user: User, params: dict[str, str]) -> QuerySet[Any]:
        return self.rows(user, self.clean(user, params), clock.today())

    def summary(self, user: User, params: dict[str, str]) -> list[tuple[str, str]]:
        """The filters in words: (label, shown value) of each one set."""
        form = self.form(user, params)
        if not form.is_bound or not form.is_valid():
            return []
        shown = []
        for name, field in form.fields.items():
            value = form.cleaned_data.get(name)
            if value in (None, ""):
                continue
            if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                value = dict(field.choices).get(value, value)  # type: ignore[arg-type]
            shown.append((str(field.label), str(value)))
        return shown


def filter_params(ledger: Ledger, query: Any) -> dict[str, str]:
    """The list page's filters out of a query dict (one value each; other keys, the cursor, dropped)."""
    fields = ledger.form_class.base_fields
    return {k: str(query.get(k))[:200] for k in fields if query.get(k) not in (None, "")}


# ------------------------------------------------------------------------------------------------ cells


def text(value: object) -> str:
    """A cell's text: ID and phone numbers masked, control characters dropped."""
    if value is None:
        return ""
    return _ILLEGAL.sub("", redact(str(value)))


def local(at: datetime.datetime | None) -> datetime.datetime | None:
    """An aware time as the local wall-clock time Excel shows (a worksheet has no time zones)."""
    if at is None:
        return None
    return timezone.localtime(at).replace(tzinfo=None, second=0, microsecond=0)


def place(region: Region) -> str:
    """The region's names below the city, county first: "新城区 呼伦路街道 苏雅拉社区" (a city-wide ledger
    names the county of each village)."""
    names: list[str] = []
    node: Region | None = region
    while node is not None and node.level > Level.CITY:
        names.append(node.name)
        if node.level <= Level.COUNTY:
            break  # the county's parent is the city (not read: two levels are joined in the query)
        node = node.parent
    return " ".join(reversed(names)) or region.name


def _yes_no(value: bool | None) -> str:
    return {True: "是", False: "否", None: ""}[value]


# --------------------------------------------------------------------------------------------- matters


def _matter_rows(user: User, data: dict[str, Any], today: datetime.date) -> QuerySet[Matter]:
    qs = matter_filters(matters_for(user), data, user, today).order_by("-received_at", "-id")
    return qs.select_related(
        "region__parent__parent", "holder_region", "holder_unit", "responsible_agent"
    ).prefetch_related("petitioners")


MATTER_COLUMNS = (
    Column("事项编号", 20, lambda m: m.number),
    Column("受理时间", 17, lambda m: local(m.received_at), DATETIME),
    Column("来源渠道", 10, lambda m: m.get_channel_display()),
    Column("问题发生地", 30, lambda m: place(m.region)),
    Column("事项摘要", 36, lambda m: m.title),
    # Names only: never an ID number, a phone or an address (see docs/adr/0018-exports.md).
    Column("信访人", 16, lambda m: "、".join(p.name for p in m.petitioners.all())),
    Column("人数", 6, lambda m: m.headcount),
    Column("内容分类", 14, lambda m: m.get_category_display()),
    Column("信访目的", 10, lambda m: m.get_purpose_display()),
    Column("状态", 10, lambda m: m.get_status_display()),
    Column("当前环节", 12, lambda m: m.get_due_step_display() if m.is_open else ""),
    Column("当前承办", 22, lambda m: m.holder_label),
    Column("当前期限", 12, lambda m: m.due_date if m.is_open else None, DATE),
    Column("期限暂定", 8, lambda m: "暂定" if m.is_open and m.due_date and m.due_provisional else ""),
    Column("责任代办员", 10, lambda m: str(m.responsible_agent)),
    Column("答复时间", 17, lambda m: local(m.replied_at), DATETIME),
    Column("办结时间", 17, lambda m: local(m.closed_at), DATETIME),
    Column("办结方式", 12, lambda m: m.get_closure_kind_display()),
    Column("是否化解", 8, lambda m: _yes_no(m.resolved)),
    Column("代办服务评价", 12, lambda m: m.get_service_satisfaction_display()),
    Column("办理单位评价", 12, lambda m: m.get_unit_satisfaction_display()),
)


# ------------------------------------------------------------------------------------------ screenings


def _screening_rows(user: User, data: dict[str, Any], today: datetime.date) -> QuerySet[Screening]:
    qs = screening_filters(prevention.scoped(user, Screening), data, today).order_by("-found_on", "-id")
    # The matter a screening became is named only when the user may see that matter.
    visible = matters_for(user).filter(pk=OuterRef("matter_id"))
    return qs.select_related("region__parent__parent", "responsible", "matter").annotate(
        matter_visible=Exists(visible)
    )


SCREENING_COLUMNS = (
    Column("排查编号", 20, lambda s: s.number),
    Column("发现日期", 12, lambda s: s.found_on, DATE),
    Column("所在村（社区）", 30, lambda s: place(s.region)),
    Column("具体地点", 16, lambda s: s.place),
    Column("纠纷类型", 12, lambda s: s.get_kind_display()),
    Column("纠纷摘要", 36, lambda s: s.title),
    Column("当事人", 20, lambda s: s.parties),
    Column("涉及人数", 8, lambda s: s.headcount),
    Column("涉及群体", 8, lambda s: _yes_no(s.is_group)),
    Column("风险等级", 8, lambda s: s.get_risk_display()),
    Column("发现来源", 10, lambda s: s.get_source_display()),
    Column("状态", 10, lambda s: s.get_status_display()),
    Column("责任人", 10, lambda s: str(s.responsible)),
    Column("下次跟进日期", 12, lambda s: s.review_on, DATE),
    Column("结束日期", 12, lambda s: s.closed_on, DATE),
    Column("化解（稳控）情况", 36, lambda s: s.outcome),
    Column("转为信访事项", 20, lambda s: s.matter.number if s.matter_id and s.matter_visible else ""),
)


LEDGERS: dict[str, Ledger] = {
    "matters": Ledger(
        kind="matters",
        title="代办事项台账",
        list_url_name="matter_list",
        form_class=MatterFilterForm,
        columns=MATTER_COLUMNS,
        rows=_matter_rows,
        may_export=lambda user: bool(user.is_authenticated and user.role),
    ),
    "screenings": Ledger(
        kind="screenings",
        title="矛盾纠纷排查台账",
        list_url_name="screening_list",
        form_class=ScreeningFilterForm,
        columns=SCREENING_COLUMNS,
        rows=_screening_rows,
        may_export=prevention.can_read,
    ),
}


# ---------------------------------------------------------------------------------------------- writer


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def _cells(ws: Any, ledger: Ledger, obj: Any) -> list[Any]:
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for column in ledger.columns:
        value = column.value(obj)
        if isinstance(value, str):
            cell = WriteOnlyCell(ws, value=text(value))
            cell.data_type = "s"  # "=…" stays text, never a formula
        else:
            cell = WriteOnlyCell(ws, value=value)
            if column.number_format and value is not None:
                cell.number_format = column.number_format
        cells.append(cell)
    return cells


def iterate(qs: QuerySet[Any]) -> Iterator[Any]:
    """The rows in chunks (prefetches included), without holding the whole ledger in memory."""
    return qs.iterator(chunk_size=PROGRESS_EVERY)


def write_xlsx(
    ledger: Ledger,
    qs: QuerySet[Any],
    out: IO[bytes],
    *,
    progress: Callable[[int], None] | None = None,
    note: str = "",
) -> int:
    """Write the ledger's rows to ``out``; the number of rows written. ``progress(done)`` every
    ``PROGRESS_EVERY`` rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(ledger.title[:31])
    ws.freeze_panes = "A2"
    for i, column in enumerate(ledger.columns, start=1):
        ws.column_dimensions[_column_letter(i)].width = column.width
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE6F0")
    header = []
    for column in ledger.columns:
        cell = WriteOnlyCell(ws, value=column.title)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        header.append(cell)
    ws.append(header)
    done = 0
    for obj in iterate(qs):
        ws.append(_cells(ws, ledger, obj))
        done += 1
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
    if note:
        about = wb.create_sheet("说明")
        about.column_dimensions["A"].width = 100
        for line in note.splitlines():
            about.append([text(line)])
    wb.save(out)
    return done
