"""What the statistics pages share: who may open them, which region and period a query string asks for,
the breadcrumbs up to the user's own region, and the links that keep the period while moving around."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from daiban.accounts.models import User
from daiban.core import clock
from daiban.network.jurisdiction import get_or_404, regions_for
from daiban.regions.geometry import ancestor_paths
from daiban.regions.models import Region
from daiban.stats.figures import PERIOD_KINDS, Period, can_view

ECHARTS = "vendor/echarts/echarts.min.js"
REGION_CODE = re.compile(r"\d{6,12}")


def require_viewer(user: User) -> None:
    if not can_view(user):
        raise PermissionDenied("您的岗位不使用统计分析。")


def region_for(user: User, code: str | None) -> Region:
    """The region a query string names (``region`` = its code), by default the user's own; 404 for a code
    that is malformed, unknown or outside the user's scope (the same answer for all three)."""
    code = (code or "").strip()
    if not code:
        if user.region is None:
            raise Http404
        code = user.region.code
    if not REGION_CODE.fullmatch(code):
        raise Http404
    return get_or_404(regions_for(user), code=code)


@dataclass(frozen=True)
class PeriodChoice:
    period: Period | None  # None: the query string asked for a period that does not exist
    error: str
    values: dict[str, str]  # what the period form shows


# The whole numbers of the period form, with the name its error gives them.
NUMBER_FIELDS = {"year": "年份", "month": "月份", "quarter": "季度"}
ASCII_NUMBER = re.compile(r"[0-9]{1,4}")


def _number_errors(params: Mapping[str, str]) -> list[str]:
    """Refuse what is not a plain number before it is parsed: "²" passes str.isdigit but not int()."""
    errors = []
    for name, label in NUMBER_FIELDS.items():
        raw = str(params.get(name) or "").strip()
        if raw and not ASCII_NUMBER.fullmatch(raw):
            errors.append(f"{label}：请填写阿拉伯数字。")
    return errors


def period_for(params: Mapping[str, str]) -> PeriodChoice:
    """The period a query string asks for, or the Chinese error naming the field that is wrong."""
    today = clock.today()
    shown = {k: str(params.get(k, ""))[:20] for k in ("period", "year", "month", "quarter", "start", "end")}
    errors = _number_errors(params)
    if errors:
        return PeriodChoice(None, " ".join(errors), shown)
    try:
        period = Period.from_params(params, today)
    except ValidationError as exc:
        return PeriodChoice(None, " ".join(exc.messages), shown)
    values = {
        "period": period.kind,
        "year": str(period.start.year),
        "month": str(period.start.month),
        "quarter": str((period.start.month - 1) // 3 + 1),
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
    }
    return PeriodChoice(period, "", values)


def neighbours(period: Period) -> tuple[Period | None, Period | None]:
    """The period before and after (same kind); none for a custom period."""
    year, month = period.start.year, period.start.month
    if period.kind == "month":
        before = Period.month(year - 1, 12) if month == 1 else Period.month(year, month - 1)
        after = Period.month(year + 1, 1) if month == 12 else Period.month(year, month + 1)
    elif period.kind == "quarter":
        q = (month - 1) // 3 + 1
        before = Period.quarter(year - 1, 4) if q == 1 else Period.quarter(year, q - 1)
        after = Period.quarter(year + 1, 1) if q == 4 else Period.quarter(year, q + 1)
    elif period.kind == "year":
        before, after = Period.year(year - 1), Period.year(year + 1)
    else:
        return None, None
    first, last = 2000, 2099
    return (
        before if before.start.year >= first else None,
        after if after.start.year <= last else None,
    )


def dashboard_url(region: Region, period: Period, **extra: str) -> str:
    params = {"region": region.code, **period.params(), **{k: v for k, v in extra.items() if v}}
    return f"{reverse('stats:dashboard')}?{urlencode(params)}"


def rows_url(region: Region, period: Period, key: str, part: str = "count") -> str:
    params = {"region": region.code, **period.params(), "key": key, "part": part}
    return f"{reverse('stats:dashboard_rows')}?{urlencode(params)}"


@dataclass(frozen=True)
class Crumb:
    name: str
    url: str


def breadcrumbs(user: User, region: Region, period: Period | None) -> list[Crumb]:
    """From the user's own region down to ``region``'s parent (the regions above the grant are not the
    user's to open)."""
    above = regions_for(user).filter(path__in=ancestor_paths(region.path)).exclude(pk=region.pk)
    crumbs = []
    for r in above.order_by("path"):
        url = dashboard_url(r, period) if period else f"{reverse('stats:dashboard')}?region={r.code}"
        crumbs.append(Crumb(r.name, url))
    return crumbs


def echarts_url() -> str:
    """The charts library's static URL, or "" when it is not installed (the pages then show tables only:
    a checkout without node_modules, or a production build whose manifest lacks it)."""
    if not isinstance(staticfiles_storage, ManifestFilesMixin) and not finders.find(ECHARTS):
        return ""
    try:
        return staticfiles_storage.url(ECHARTS)
    except ValueError:  # not in the manifest
        return ""


PERIOD_OPTIONS = list(PERIOD_KINDS.items())
