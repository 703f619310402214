"""The demo accounts acting in the story (``Cast``), the desks that take matters in, and the extra accounts
created on demand.

Actors are the network loader's demo accounts where they exist. Elsewhere accounts are created on demand, as
the loader creates its own (shared demo password): a centre, a station and a point account in each other
district, and one handler for each responsible unit that gets a task. The demo network gives the city
bureaus no superior organ, so no re-examination (复核) could be filed; ``Cast`` adds the city government as
the superior of the city's administrative bureaus (art. 36).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.core import clock
from daiban.demo.accounts import DEMO_PASSWORD
from daiban.demo.matters.config import (
    CITY_CODE,
    CITY_GOVERNMENT,
    CITY_SLUG,
    DISTRICT_SLUGS,
    DISTRICT_WEIGHTS,
    DOMAIN_SLUGS,
    GOVERNMENT_SLUG,
    NOT_UNDER_CITY_GOVERNMENT,
    PASSWORD_ACCOUNT,
    REQUIRED_ACCOUNTS,
    DistrictConfig,
    district_config,
)
from daiban.demo.matters.people import person_name
from daiban.network.models import Agent, ResponsibleUnit, ServiceOrganization, UnitDomain
from daiban.regions import geometry
from daiban.regions.geometry import subtree_q
from daiban.regions.models import Level, Region


class DemoNetworkMissing(RuntimeError):
    """The demo network (regions, units, demo accounts) must be loaded first."""


@dataclass
class Desk:
    """A place that takes matters in: its account, the places it may register, and who relays upward."""

    user: User
    level: int  # Level of the desk
    regions: list[Region]
    chain: list[User | None]  # who escalates, from this desk up to the county centre (None: no account)

    @property
    def can_reach_county(self) -> bool:
        return all(u is not None for u in self.chain)


@dataclass
class District:
    code: str
    region: Region
    centre: User  # county staff
    supervisor: User
    desks: list[Desk]
    leaders: list[User]  # county-level leaders, then the city's
    config: DistrictConfig

    @property
    def co_units(self) -> bool:
        return self.config.co_units


def _region(user: User) -> Region:
    assert user.region is not None
    return user.region


class Cast:
    """The demo accounts acting in the story, and the extra accounts created on demand."""

    def __init__(self) -> None:
        users = {u.username: u for u in User.objects.select_related("region", "unit")}
        missing = REQUIRED_ACCOUNTS - users.keys()
        if missing:
            raise DemoNetworkMissing("请先载入演示网络（manage.py load_demo_network）。")
        self.users = users
        self.created: list[str] = []
        self._password = ""
        self.city = Region.objects.get(code=CITY_CODE)
        self.units = {
            (u.region.code, u.domain): u
            for u in ResponsibleUnit.objects.filter(is_active=True).select_related("region", "superior")
        }
        self.city_government = self._ensure_city_government()
        self.districts = {code: self._district(code) for code in DISTRICT_WEIGHTS}

    # -- accounts

    def user(self, username: str) -> User:
        return self.users[username]

    def _create(
        self, username: str, role: str, region: Region, post: str, unit: ResponsibleUnit | None = None
    ) -> User:
        """An extra demo account, made as the network loader makes its accounts (shared demo password)."""
        if username in self.users:
            return self.users[username]
        if not self._password:
            existing = self.users[PASSWORD_ACCOUNT].password
            self._password = existing or make_password(DEMO_PASSWORD)
        person = person_name(username)
        agent = None
        if role in AGENT_ROLES:
            org = ServiceOrganization.objects.filter(region=region).order_by("pk").first()
            agent = (
                Agent.objects.filter(organization=org, user__isnull=True).order_by("pk").first()
                if org
                else None
            )
            if agent is not None:
                person = agent.name
        user = User(
            username=username, display_name=f"{person}（{post}）", role=role, region=region, unit=unit
        )
        user.password = self._password
        user.password_changed_at = clock.now()  # set now: not sent to the change page at once
        user.full_clean()
        user.save()
        if agent is not None:
            agent.user = user
            agent.save(update_fields=["user"])
        self.users[username] = user
        self.created.append(username)
        return user

    def handler(self, unit: ResponsibleUnit) -> User:
        """The unit's handler: an existing demo account, or one created for the demo."""
        for u in self.users.values():
            if u.role == Role.UNIT_HANDLER and u.unit_id == unit.pk:
                return u
        if unit.name == CITY_GOVERNMENT:
            username = f"{CITY_SLUG}_{GOVERNMENT_SLUG}"
        elif unit.region.code == CITY_CODE:
            username = f"{CITY_SLUG}_{DOMAIN_SLUGS[UnitDomain(unit.domain)]}"
        else:
            username = f"{DISTRICT_SLUGS[unit.region.code]}_{DOMAIN_SLUGS[UnitDomain(unit.domain)]}"
        return self._create(username, Role.UNIT_HANDLER, unit.region, unit.name, unit)

    def unit(self, county_code: str, domain: str) -> ResponsibleUnit:
        found = self.units.get((county_code, domain)) or self.units.get((CITY_CODE, domain))
        if found is None:
            raise DemoNetworkMissing(f"演示网络中没有 {county_code} 的“{domain}”事权单位。")
        return found

    def _ensure_city_government(self) -> ResponsibleUnit:
        """Re-examination of a city bureau's review goes to the city government (art. 36). The demo
        network gives its city bureaus no superior, so without this no 复核 could be filed at all."""
        gov = ResponsibleUnit.objects.filter(region=self.city, name=CITY_GOVERNMENT).first()
        if gov is None:
            gov = ResponsibleUnit(
                region=self.city, name=CITY_GOVERNMENT, domain=UnitDomain.OTHER, is_demo=True
            )
            gov.save()
        (
            ResponsibleUnit.objects.filter(region=self.city, superior__isnull=True)
            .exclude(pk=gov.pk)
            .exclude(domain__in=NOT_UNDER_CITY_GOVERNMENT)
            .update(superior=gov)
        )
        self.units = {
            (u.region.code, u.domain): u
            for u in ResponsibleUnit.objects.filter(is_active=True)
            .exclude(pk=gov.pk)
            .select_related("region", "superior__superior")
        }
        return gov

    # -- districts

    def _villages(self, parent: Region, limit: int = 40) -> list[Region]:
        return list(
            Region.objects.filter(subtree_q(parent.path, "path"), level=Level.VILLAGE).order_by("code")[
                :limit
            ]
        )

    def _listed_desk(self, username: str, chain: tuple[str | None, ...]) -> Desk:
        """A desk of the network loader's accounts: a point registers its own village, a station the
        villages of its township."""
        user = self.users[username]
        level = Level(_region(user).level)
        regions = [_region(user)] if level == Level.VILLAGE else self._villages(_region(user))
        return Desk(user, level, regions, [self.users[u] if u else None for u in chain])

    def _district(self, code: str) -> District:
        county = Region.objects.get(code=code)
        slug = DISTRICT_SLUGS[code]
        config = district_config(code)
        stationed = [
            o.region
            for o in ServiceOrganization.objects.filter(subtree_q(county.path), level=Level.TOWNSHIP)
            .select_related("region")
            .order_by("region__code")
        ]
        centre = self._create(f"{slug}_zhongxin", Role.COUNTY_STAFF, county, f"{county.name}代办中心")
        desks: list[Desk] = [self._listed_desk(d.user, d.chain) for d in config.desks]
        if not desks:
            # A point in the first village of the first stationed township, and that township's station.
            town = stationed[0]
            village = self._villages(town, 1)[0]
            station = self._create(f"{slug}_zhan", Role.TOWNSHIP_STAFF, town, f"{town.name}代办站")
            point = self._create(f"{slug}_daiban", Role.VILLAGE_AGENT, village, f"{village.name}代办员")
            desks += [
                Desk(point, Level.VILLAGE, [village], [point, station]),
                Desk(station, Level.TOWNSHIP, self._villages(town), [station]),
            ]
        leaders = [self.users[u] for u in config.leaders]
        supervisor = self.users[config.supervisor]
        everywhere: list[Region] = []
        for town in stationed:
            everywhere += self._villages(town, 12)
        desks.append(Desk(centre, Level.COUNTY, everywhere, []))
        return District(code, county, centre, supervisor, desks, leaders, config)

    def case_leaders(self, district: District, region: Region, count: int) -> list[User]:
        """The leaders of a 包案 (one) or 双包案 (two): the district's first, then the local leader if the
        place lies in the local leader's region, else the other one. Districts with one leader get one."""
        names = district.config.case_leaders
        first = self.users[names["first"]]
        if count == 1 or "local" not in names:
            return [first]
        local = self.users[names["local"]]
        second = local if geometry.contains(local.region_path, region.path) else self.users[names["other"]]
        return [first, second]
