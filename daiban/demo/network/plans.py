"""The demo network as plain data, before anything is written: regions, organisations, agents, units."""

from __future__ import annotations

from dataclasses import dataclass, field

from daiban.demo.accounts import DemoAccount
from daiban.network.models import DeputyLevel, Employment, OrgKind, UnitDomain
from daiban.regions.reference import RegionRow

RegionPlan = RegionRow  # the real divisions and the generated villages alike


@dataclass
class OrgPlan:
    region_code: str
    name: str
    kind: OrgKind
    address: str
    phone: str
    opening_hours: str


@dataclass
class AgentPlan:
    region_code: str  # of its organisation
    name: str
    employment: Employment = Employment.PART_TIME
    title: str = ""
    is_party_member: bool = False
    is_veteran_party_member: bool = False
    deputy_level: DeputyLevel = DeputyLevel.NONE
    is_cppcc_member: bool = False
    is_legal_adviser: bool = False
    is_grid_worker: bool = False
    is_expert: bool = False
    is_village_cadre: bool = False
    # 亮身份: what the public directory and the village poster show (daiban.portal.directory).
    work_phone: str = ""
    duty_hours: str = ""
    duty_place: str = ""


@dataclass
class UnitPlan:
    region_code: str
    name: str
    domain: UnitDomain
    phone: str
    # The superior organ (复查、复核 go up to it): (region code, name) of a unit at a level above.
    superior: tuple[str, str] | None = None


@dataclass
class Plan:
    regions: list[RegionPlan] = field(default_factory=list)
    organisations: list[OrgPlan] = field(default_factory=list)
    agents: list[AgentPlan] = field(default_factory=list)
    units: list[UnitPlan] = field(default_factory=list)
    accounts: tuple[DemoAccount, ...] = ()
