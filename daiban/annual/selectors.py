"""Who reads and writes the annual report and proposals, and which level and year a request names.

The report is the petition office's of a county or of the city (art. 41: 信访部门 at county level and
above), so its level is a county or the city inside the reader's grant: the reader's own region, or — for
the city — one of its counties. The readers are those of the statistics pages (``stats.figures.can_view``)
whose grant is at such a level; a village agent, a township station or a unit's handler has no annual
report (403). A region outside the grant, unknown or malformed is 404, the same answer for all three.

Proposals and the foreword are written by the staff of that level's own office: county-centre staff for
their county, the city administrator for the city. A reader in scope who is not (a leader, a supervisor,
the city administrator looking at a county) may read, not write (403).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404

from daiban.accounts.models import Role, User
from daiban.annual.models import AnnualEvent, AnnualReport, Proposal
from daiban.network.jurisdiction import regions_for, scope_path
from daiban.regions import geometry
from daiban.regions.models import Level, Region
from daiban.stats.figures import can_view

REPORT_LEVELS = (Level.CITY, Level.COUNTY)
WRITER_ROLES = {Role.COUNTY_STAFF, Role.CITY_ADMIN}
REGION_CODE = re.compile(r"\d{6,12}")
FIRST_YEAR, LAST_YEAR = 2000, 2099
MAX_ID = 2**63 - 1

NOT_READER = "年度工作报告由县级以上信访代办服务中心编写，您的岗位不使用此功能。"
NOT_WRITER = "只有本级代办服务中心工作人员（县级中心或市级管理员）可以提出建议、登记答复或修改报告前言。"


def can_read(user: User) -> bool:
    """A statistics reader whose grant is a county or the city (read from the grant's path: no query)."""
    path = scope_path(user)
    return can_view(user) and path is not None and 1 <= len(geometry.codes(path)) <= len(REPORT_LEVELS)


def can_write(user: User, region: Region) -> bool:
    return can_read(user) and user.role in WRITER_ROLES and user.region_id == region.pk


def require_reader(user: User) -> None:
    if not can_read(user):
        raise PermissionDenied(NOT_READER)


def require_writer(user: User, region: Region) -> None:
    if not can_write(user, region):
        raise PermissionDenied(NOT_WRITER)


def report_regions(user: User) -> QuerySet[Region]:
    """The levels whose report the user may read: the user's own and the counties below a city."""
    return regions_for(user).filter(level__in=REPORT_LEVELS).order_by("path")


def region_for(user: User, code: str | None) -> Region:
    """The level a query string names (``region`` = its code), by default the user's own; 403 for a role
    without a report, 404 for a code malformed, unknown, not a report level or outside the grant."""
    require_reader(user)
    code = str(code or "").strip()
    if not code:
        assert user.region is not None  # can_read
        return user.region
    if not REGION_CODE.fullmatch(code):
        raise Http404
    region = report_regions(user).filter(code=code).first()
    if region is None:
        raise Http404
    return region


def default_year(today: datetime.date) -> int:
    return today.year


def year_from(params: Mapping[str, str], today: datetime.date) -> int:
    """The year a query string names (``year``), this year by default; a Chinese error naming the field."""
    raw = str(params.get("year") or "").strip()
    if not raw:
        return default_year(today)
    if not re.fullmatch(r"[0-9]{4}", raw) or not FIRST_YEAR <= int(raw) <= LAST_YEAR:
        raise ValidationError({"year": [f"年度：请填写 {FIRST_YEAR}—{LAST_YEAR} 之间的四位年份。"]})
    return int(raw)


def proposals_of(user: User, region: Region, year: int) -> QuerySet[Proposal]:
    """The proposals of one level and year, oldest first (a level makes a handful a year)."""
    require_reader(user)
    if not report_regions(user).filter(pk=region.pk).exists():
        raise Http404
    return Proposal.objects.filter(region=region, year=year).select_related("unit").order_by("made_at", "id")


def proposal_or_404(user: User, pk: int) -> Proposal:
    """A proposal of a level the user may read; outside the grant it does not exist (404)."""
    require_reader(user)
    if pk > MAX_ID:
        raise Http404
    found = (
        Proposal.objects.filter(pk=pk, region__in=report_regions(user))
        .select_related("unit", "region")
        .first()
    )
    if found is None:
        raise Http404
    return found


def report_text(region: Region, year: int) -> AnnualReport | None:
    return AnnualReport.objects.filter(region=region, year=year).first()


def recent_events(region: Region, year: int, limit: int = 20) -> list[AnnualEvent]:
    return list(
        AnnualEvent.objects.filter(region=region, year=year)
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )
