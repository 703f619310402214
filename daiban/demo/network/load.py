"""Writing the demo network plan with bulk inserts, and reading it back (counts, fingerprint)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from daiban.accounts.models import User
from daiban.core import clock
from daiban.demo.accounts import DEMO_PASSWORD, DemoAccount
from daiban.demo.network.build import build_plan
from daiban.demo.network.plans import AgentPlan, OrgPlan, Plan, UnitPlan
from daiban.network.models import (
    KIND_FOR_LEVEL,
    Agent,
    DeputyLevel,
    OrgKind,
    ResponsibleUnit,
    ServiceOrganization,
)
from daiban.regions import geometry
from daiban.regions.models import Level, Region
from daiban.regions.reference import write_regions

BATCH = 500


@dataclass(frozen=True)
class LoadResult:
    regions: int
    organisations: int
    agents: int
    units: int
    accounts: int


def load_demo_network(plan: Plan | None = None) -> LoadResult | None:
    """Write the demo network into an empty database; return ``None`` (and write nothing) if any region
    exists already, so running it twice is harmless."""
    if Region.objects.exists():
        return None
    plan = plan or build_plan()
    with transaction.atomic():
        regions = write_regions(plan.regions)
        orgs = _write_organisations(plan.organisations, regions)
        _write_agents(plan.agents, orgs)
        units = _write_units(plan.units, regions)
        _write_accounts(plan.accounts, regions, units, orgs)
    return LoadResult(
        len(plan.regions), len(plan.organisations), len(plan.agents), len(plan.units), len(plan.accounts)
    )


def _write_organisations(items: list[OrgPlan], regions: dict[str, Region]) -> dict[str, ServiceOrganization]:
    batch = []
    for item in items:
        region = regions[item.region_code]
        kind, role = KIND_FOR_LEVEL[Level(region.level)]
        if kind != item.kind:
            raise ValueError(f"{item.name}: a {item.kind} cannot sit at level {region.level}")
        batch.append(
            ServiceOrganization(
                region=region,
                region_path=region.path,  # RegionBound.save is bypassed by bulk_create
                name=item.name,
                kind=kind,
                level=region.level,
                handling_role=role,
                address=item.address,
                phone=item.phone,
                opening_hours=item.opening_hours,
                is_demo=True,
            )
        )
    ServiceOrganization.objects.bulk_create(batch, batch_size=BATCH)
    # The demo has one organisation per region.
    code_of = {r.pk: code for code, r in regions.items()}
    return {code_of[o.region_id]: o for o in ServiceOrganization.objects.all()}


def _write_agents(items: list[AgentPlan], orgs: dict[str, ServiceOrganization]) -> None:
    batch = []
    for item in items:
        org = orgs[item.region_code]
        batch.append(
            Agent(
                organization=org,
                region_id=org.region_id,
                region_path=org.region_path,
                name=item.name,
                employment=item.employment,
                title=item.title,
                is_party_member=item.is_party_member,
                is_veteran_party_member=item.is_veteran_party_member,
                deputy_level=item.deputy_level,
                is_cppcc_member=item.is_cppcc_member,
                is_legal_adviser=item.is_legal_adviser,
                is_grid_worker=item.is_grid_worker,
                is_expert=item.is_expert,
                is_village_cadre=item.is_village_cadre,
                work_phone=item.work_phone,
                duty_hours=item.duty_hours,
                duty_place=item.duty_place,
                is_demo=True,
            )
        )
    Agent.objects.bulk_create(batch, batch_size=BATCH)


def _write_units(items: list[UnitPlan], regions: dict[str, Region]) -> dict[str, ResponsibleUnit]:
    """Write the units level by level (city, county, township), so that every superior exists before the
    units below it; returns them by ``"region code:name"``."""
    written: dict[str, ResponsibleUnit] = {}
    for level in sorted({regions[item.region_code].level for item in items}):
        batch = []
        for item in items:
            region = regions[item.region_code]
            if region.level != level:
                continue
            superior = written[f"{item.superior[0]}:{item.superior[1]}"] if item.superior else None
            if superior is not None and superior.region.level >= level:
                raise ValueError(f"{item.name}: its superior {superior.name} is not at a level above")
            batch.append(
                ResponsibleUnit(
                    region=region,
                    region_path=region.path,
                    name=item.name,
                    domain=item.domain,
                    phone=item.phone,
                    superior=superior,
                    is_demo=True,
                )
            )
        ResponsibleUnit.objects.bulk_create(batch, batch_size=BATCH)
        written = {f"{u.region.code}:{u.name}": u for u in ResponsibleUnit.objects.select_related("region")}
    return written


def _write_accounts(
    accounts: Iterable[DemoAccount],
    regions: dict[str, Region],
    units: dict[str, ResponsibleUnit],
    orgs: dict[str, ServiceOrganization],
) -> None:
    # One hash for the one shared password: hashing is deliberately slow, and the accounts are demo-only.
    encoded = make_password(DEMO_PASSWORD)
    for account in accounts:
        region = regions[account.region_code]
        user = User(
            username=account.username,
            display_name=account.display_name,
            role=account.role,
            region=region,
            unit=units[f"{region.code}:{account.unit_name}"] if account.unit_name else None,
            is_staff=account.is_staff,
        )
        user.password = encoded
        user.password_changed_at = clock.now()  # set now: not sent to the change page at once
        user.full_clean()
        user.save()
        if user.is_agent:
            agent = Agent.objects.filter(organization=orgs[account.region_code]).order_by("pk").first()
            if agent is None:
                raise ValueError(f"no agent to link to {account.username}")
            agent.user = user
            agent.name = account.person
            agent.save(update_fields=["user", "name"])


# --- reading back ---------------------------------------------------------------------------------


@dataclass
class DistrictCount:
    code: str
    name: str
    centres: int = 0
    stations: int = 0
    points: int = 0
    agents: int = 0
    county_deputies: int = 0

    @property
    def organisations(self) -> int:
        return self.centres + self.stations + self.points


def district_counts() -> list[DistrictCount]:
    """Organisations by kind and agents for each county, from the database (the city's own row last)."""
    counties = Region.objects.filter(level=Level.COUNTY).order_by("code")
    rows = {c.path: DistrictCount(c.code, c.name) for c in counties}
    city = Region.objects.filter(level=Level.CITY).first()
    city_row = DistrictCount(city.code, city.name) if city else None

    def row_for(path: str) -> DistrictCount | None:
        ancestors = geometry.ancestor_paths(path)  # the city's, the county's, ...
        return rows.get(ancestors[1]) if len(ancestors) > 1 else city_row

    for path, kind in ServiceOrganization.objects.values_list("region_path", "kind"):
        row = row_for(path)
        if row is not None:
            attr = _KIND_ATTR[OrgKind(kind)]
            setattr(row, attr, getattr(row, attr) + 1)
    for path, deputy in Agent.objects.values_list("region_path", "deputy_level"):
        row = row_for(path)
        if row is not None:
            row.agents += 1
            row.county_deputies += deputy == DeputyLevel.COUNTY
    return [*rows.values(), *([city_row] if city_row else [])]


_KIND_ATTR = {OrgKind.CENTRE: "centres", OrgKind.STATION: "stations", OrgKind.POINT: "points"}


def network_fingerprint() -> str:
    """A hash of the loaded network in a stable order, without database ids: equal across fresh loads."""
    digest = hashlib.sha256()

    def feed(rows: Iterable[Sequence[object]]) -> None:
        for row in rows:
            digest.update(repr(tuple(row)).encode())

    feed(Region.objects.order_by("code").values_list("code", "name", "level", "path", "is_demo"))
    feed(
        ServiceOrganization.objects.order_by("region_path", "name").values_list(
            "region_path", "name", "kind", "handling_role", "address", "phone", "opening_hours"
        )
    )
    feed(
        Agent.objects.order_by("region_path", "pk").values_list(
            "region_path",
            "name",
            "employment",
            "title",
            "is_party_member",
            "is_veteran_party_member",
            "deputy_level",
            "is_cppcc_member",
            "is_legal_adviser",
            "is_grid_worker",
            "is_expert",
            "is_village_cadre",
            "work_phone",
            "duty_hours",
            "duty_place",
            "user__username",
        )
    )
    feed(
        ResponsibleUnit.objects.order_by("region_path", "name").values_list(
            "region_path", "name", "domain", "phone", "superior__name"
        )
    )
    feed(User.objects.order_by("username").values_list("username", "display_name", "role", "region__code"))
    return digest.hexdigest()
