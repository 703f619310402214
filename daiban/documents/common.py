"""What every written instrument shares, whichever app registers its kind: the issuers (the network's
offices and the responsible units, each with its 机关代字) and the matter's common data (``base_data``).

ID and phone numbers appear masked only (150102********1234): a document is handed out and printed.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from daiban.accounts.models import Role, User
from daiban.documents.kinds import Issuer
from daiban.matters.models import Matter, office_label
from daiban.network.models import ResponsibleUnit, ServiceOrganization
from daiban.pii.fields import masked_id_number, masked_phone
from daiban.regions import geometry
from daiban.regions.models import Level, Region


def cn_date(day: datetime.date | datetime.datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime.datetime):
        day = timezone.localdate(day)
    return f"{day.year}年{day.month}月{day.day}日"


# ------------------------------------------------------------------------------------------ issuers


def unique_prefix(name: str, others: list[str], minimum: int = 1) -> str:
    """The shortest start of ``name`` (at least ``minimum`` characters) that starts none of ``others``:
    东街街道 beside 东风路街道 and 东河街道 → 东街. A name that is another's start is used whole."""
    others = [o for o in others if o != name]
    for n in range(minimum, len(name) + 1):
        if not any(o.startswith(name[:n]) for o in others):
            return name[:n]
    return name


def _chain(region: Region) -> str:
    """Each level below the city, by the shortest start of its name that its siblings do not share:
    新城区 → 新; 东街街道 in 新城区 → 新东街 (beside 东风路街道). So no two offices share a 机关代字, and no
    two of their documents print the same number."""
    codes = geometry.codes(region.path)
    rows = list(Region.objects.filter(code__in=codes[1:]).values_list("code", "name", "parent_id"))
    by_code: dict[str, tuple[str, int | None]] = {code: (name, parent) for code, name, parent in rows}
    parents = {parent for _, _, parent in rows}
    siblings: dict[int, list[str]] = {}
    for parent, name in Region.objects.filter(parent_id__in=parents).values_list("parent_id", "name"):
        siblings.setdefault(parent, []).append(name)
    parts = []
    for code in codes[1:]:
        name, parent_id = by_code.get(code, ("", None))
        if name:
            parts.append(unique_prefix(name, siblings.get(parent_id, []) if parent_id is not None else []))
    return "".join(parts)


def _abbr(region: Region) -> str:
    """The 机关代字 of a network office: its chain of levels below the city, then 信代 (新城区 → 新信代;
    苏雅拉社区 of 呼伦路街道 → 新呼苏信代); the city's own office: 呼信."""
    chain = _chain(region)
    return f"{chain}信代" if chain else f"{region.name[:1]}信"


def region_issuer(region: Region) -> Issuer:
    return Issuer(
        key=f"region:{region.code}",
        name=office_label(region),
        abbr_of=lambda: _abbr(region),
        county_code=geometry.county_code(region.path),
    )


def _short_name(unit_name: str, region: Region) -> str:
    short = unit_name
    for prefix in (region.name, "呼和浩特市"):
        short = short.removeprefix(prefix)
    return short or unit_name


def unit_issuer(unit: ResponsibleUnit) -> Issuer:
    """A unit numbers as its region's chain (the city's first character for a city unit) and the shortest
    start (two characters at least) of its name that the other units of its region do not share:
    新住房信 (新城区住建局), 托住房信, 呼住房信, 新呼司法信 (呼伦路街道司法所)."""
    region = unit.region
    county = geometry.county_code(region.path) if region.level >= Level.COUNTY else ""

    def abbr() -> str:
        others = [
            _short_name(n, region)
            for n in ResponsibleUnit.objects.filter(region=region)
            .exclude(pk=unit.pk)
            .values_list("name", flat=True)
        ]
        short = unique_prefix(_short_name(unit.name, region), others, minimum=2)
        return (_chain(region) or region.name[:1]) + short + "信"

    return Issuer(key=f"unit:{unit.pk}", name=unit.name, abbr_of=abbr, county_code=county)


def user_office(user: User, fallback: Region) -> Region:
    return (
        user.region
        if user.region_id and user.region is not None and user.role != Role.UNIT_HANDLER
        else fallback
    )


# ------------------------------------------------------------------------------------------ common data


def _office_of(region: Region) -> dict[str, str]:
    org = ServiceOrganization.objects.filter(region=region).order_by("level", "id").first()
    return {
        "office_phone": org.phone if org else "",
        "office_address": org.address if org else "",
        "office_hours": org.opening_hours if org else "",
    }


def base_data(m: Matter) -> dict[str, Any]:
    """The matter's common part of every kind's data (see the module's docstring); other apps' kinds reuse it."""
    links = list(m.petitioner_links.select_related("petitioner").order_by("-is_representative", "id"))
    people = [
        {
            "name": link.petitioner.name,
            "id_masked": masked_id_number(link.petitioner),
            "phone_masked": masked_phone(link.petitioner),
            "address": link.petitioner.address,
            "representative": link.is_representative,
        }
        for link in links
    ]
    names = "、".join(str(p["name"]) for p in people)
    agent = m.responsible_agent
    agent_region = user_office(agent, m.region)
    return {
        "matter_number": m.number,
        "title": m.title,
        "content": m.content,
        "request": m.request,
        "received_on": cn_date(m.received_at),
        "region_name": m.region.full_name(),
        "category": m.get_category_display(),
        "purpose": m.get_purpose_display(),
        "headcount": m.headcount,
        "is_group": m.is_group,
        "petitioners": people,
        "petitioner_names": names,
        "recipient": people[0]["name"] if people else "",
        "agent_name": str(agent),
        "agent_office": office_label(agent_region),
        **_office_of(agent_region),
    }
