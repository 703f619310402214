"""The matter list: filters, search and keyset pagination (fast on a million rows: no OFFSET, no COUNT
over the whole table; each page is one index range scan from the cursor)."""

from __future__ import annotations

import base64
import datetime
import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from daiban.accounts.models import Role, User
from daiban.core import formfields
from daiban.matters.choices import OPEN_STATUSES, Category, Channel, Status, Step
from daiban.matters.forms import BoundedDateField, indented_region_label
from daiban.matters.models import Matter
from daiban.matters.queues import QUEUES, queue_matters
from daiban.matters.selectors import matter_region_q
from daiban.network.jurisdiction import regions_for, units_for, users_for
from daiban.regions.models import Level, Region

PAGE_SIZE = 25
_INITIALS = re.compile(r"^[a-zA-Z]{2,8}$")


class MatterFilterForm(forms.Form):
    q = forms.CharField(
        label="搜索",
        required=False,
        max_length=60,
        help_text="编号、查询码、信访人姓名（或拼音首字母）、内容",
    )
    queue = forms.ChoiceField(label="工作清单", required=False)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *Status.choices])
    step = forms.ChoiceField(label="当前环节", required=False, choices=[("", "全部"), *Step.choices])
    category = forms.ChoiceField(label="内容分类", required=False, choices=[("", "全部"), *Category.choices])
    channel = forms.ChoiceField(label="来源渠道", required=False, choices=[("", "全部"), *Channel.choices])
    region = formfields.ModelChoiceField(
        label="区域",
        required=False,
        queryset=Region.objects.none(),
        to_field_name="code",
        widget=formfields.QuickSelect,  # hundreds of options at city scope: no template per option
    )
    unit = formfields.ModelChoiceField(
        label="交办单位", required=False, queryset=Region.objects.none(), widget=formfields.QuickSelect
    )
    leader = formfields.ModelChoiceField(
        label="包案领导", required=False, queryset=User.objects.none(), widget=formfields.QuickSelect
    )
    due = forms.ChoiceField(
        label="期限", required=False, choices=[("", "全部"), ("due_soon", "临期"), ("overdue", "已超期")]
    )
    date_from = BoundedDateField(label="受理日期自", required=False, past=365 * 30, future=365)
    date_to = BoundedDateField(label="至", required=False, past=365 * 30, future=365)
    order = forms.ChoiceField(
        label="排序",
        required=False,
        choices=[("received", "按受理时间（新→旧）"), ("due", "按期限（在办，先到期在前）")],
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        queue_field = self.fields["queue"]
        assert isinstance(queue_field, forms.ChoiceField)
        queue_field.choices = [("", "全部"), *((q.key, q.label) for q in QUEUES.values())]
        region = self.fields["region"]
        assert isinstance(region, forms.ModelChoiceField)
        region.queryset = regions_for(user).filter(level__lte=Level.TOWNSHIP).order_by("path")
        region.label_from_instance = indented_region_label(1)  # type: ignore[method-assign]
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = units_for(user).order_by("region_path", "domain")
        leader = self.fields["leader"]
        assert isinstance(leader, forms.ModelChoiceField)
        leader.queryset = users_for(user).filter(role=Role.LEADER).order_by("region_path")


def apply_filters(
    qs: QuerySet[Matter], data: dict[str, Any], user: User, today: datetime.date
) -> QuerySet[Matter]:
    if data.get("queue"):
        queue = queue_matters(user, data["queue"], today)
        qs = qs.filter(pk__in=queue.values("pk")) if QUEUES[data["queue"]].joins else qs & queue
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("step"):
        qs = qs.filter(due_step=data["step"], status__in=OPEN_STATUSES)
    if data.get("category"):
        qs = qs.filter(category=data["category"])
    if data.get("channel"):
        qs = qs.filter(channel=data["channel"])
    if data.get("region"):
        qs = qs.filter(matter_region_q(data["region"].path, data["region"].pk))
    if data.get("unit"):
        qs = qs.filter(pk__in=Matter.objects.filter(tasks__unit=data["unit"]).values("pk"))
    if data.get("leader"):
        qs = qs.filter(pk__in=Matter.objects.filter(leaders=data["leader"]).values("pk"))
    if data.get("due") == "overdue":
        qs = qs.filter(due_date__lt=today)
    elif data.get("due") == "due_soon":
        from django.conf import settings

        qs = qs.filter(
            due_date__gte=today,
            due_date__lte=today + datetime.timedelta(days=settings.DUE_SOON_DAYS),
        )
    # Local days as a range on received_at (the column, not a date cast of it, so an index can serve it).
    if data.get("date_from"):
        qs = qs.filter(received_at__gte=_start_of(data["date_from"]))
    if data.get("date_to"):
        qs = qs.filter(received_at__lt=_start_of(data["date_to"] + datetime.timedelta(days=1)))
    term = (data.get("q") or "").strip()
    if term:
        # A matter number or lookup code is unique: one index probe answers it at any scope, and the
        # pattern search over titles, contents and names runs only when it finds nothing.
        exact = qs.filter(exact_q(term))
        qs = exact if exact.exists() else qs.filter(search_q(term))
    return qs


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def exact_q(term: str) -> Q:
    """The matter whose number or lookup code is ``term`` (both unique)."""
    return Q(number=term) | Q(lookup_code=term.upper())


def search_q(term: str) -> Q:
    """Number, lookup code, petitioner name or pinyin initials, title and content."""
    q = Q(number__startswith=term) | Q(lookup_code=term.upper()) | Q(title__icontains=term)
    q |= Q(pk__in=Matter.objects.filter(petitioners__name__startswith=term).values("pk"))
    if _INITIALS.match(term):
        q |= Q(pk__in=Matter.objects.filter(petitioners__name_initials__startswith=term.lower()).values("pk"))
    if len(term) >= 2:
        q |= Q(content__icontains=term)
    return q


@dataclass
class Page:
    rows: list[Matter]
    next_cursor: str | None
    has_previous: bool


def _encode(*values: object) -> str:
    raw = "|".join("" if v is None else str(v) for v in values)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str) -> list[str] | None:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return base64.urlsafe_b64decode(padded.encode()).decode().split("|")
    except (ValueError, UnicodeDecodeError):
        return None


def paginate(qs: QuerySet[Matter], order: str, cursor: str | None) -> Page:
    """One page after ``cursor``; ``order`` is "received" (newest first) or "due" (open, soonest first)."""
    if order == "due":
        qs = qs.filter(due_date__isnull=False).order_by("due_date", "id")
        decoded = _decode(cursor) if cursor else None
        if decoded and len(decoded) == 2:
            try:
                due, pk = datetime.date.fromisoformat(decoded[0]), int(decoded[1])
                qs = qs.filter(Q(due_date__gt=due) | Q(due_date=due, id__gt=pk))
            except (ValueError, OverflowError):
                pass
    else:
        qs = qs.order_by("-received_at", "-id")
        decoded = _decode(cursor) if cursor else None
        if decoded and len(decoded) == 2:
            try:
                at, pk = datetime.datetime.fromisoformat(decoded[0]), int(decoded[1])
                if at.tzinfo is None or not datetime.datetime(
                    1900, 1, 2, tzinfo=datetime.UTC
                ) < at < datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC):
                    raise ValueError("cursor out of range")
                qs = qs.filter(Q(received_at__lt=at) | Q(received_at=at, id__lt=pk))
            except (ValueError, OverflowError):
                pass
    rows = list(
        qs.select_related("region", "holder_region", "holder_unit", "responsible_agent").prefetch_related(
            "petitioners"
        )[: PAGE_SIZE + 1]
    )
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        next_cursor = (
            _encode(last.due_date, last.pk)
            if order == "due"
            else _encode(last.received_at.isoformat(), last.pk)
        )
    return Page(rows=rows, next_cursor=next_cursor, has_previous=bool(cursor))
