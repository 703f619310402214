"""``build_plan()``: the whole demo network, computed without touching the database.

The figures follow the newspaper report (domain.md §1): where it states a district's organisations by
level, or its number of agents, the demo reproduces that number exactly; where it states only a total, the
demo places one centre in the county, one station in each township-level unit that serves residents, and
the remaining points in villages. Nothing is forced to add up to the report's city-wide totals.

Everything is deterministic: a fixed seed per district, inputs read in a stable order, and no dependence on
database ids, so two loads into fresh databases produce the same names and codes.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

from daiban.demo.accounts import DEMO_ACCOUNTS
from daiban.demo.network.config import (
    BANNERS,
    CITY_AGENTS,
    CITY_CODE,
    CITY_ORGANISATION,
    CITY_UNITS,
    COUNTY_UNITS,
    DEFAULT_CENTRE_AGENTS,
    DEFAULT_POINT_AGENTS,
    DEFAULT_STATION_AGENTS,
    DISTRICT_BRANCHES,
    DISTRICT_TARGETS,
    ETDZ_CODE,
    OFFICE_HOURS,
    PINNED_VILLAGES,
    POINT_HOURS,
    STATION_NAMES,
    TOWNSHIP_RURAL_UNITS,
    TOWNSHIP_URBAN_CATEGORIES,
    TOWNSHIP_URBAN_UNITS,
    URBAN_DISTRICTS,
    ZONE_NAMES,
    ZONE_SHORT_NAME,
    ZONE_WITHOUT,
    DistrictTarget,
)
from daiban.demo.network.people import (
    phone,
    point_agent,
    staff_agent,
    township_category,
    village_names,
)
from daiban.demo.network.plans import AgentPlan, OrgPlan, Plan, RegionPlan, UnitPlan
from daiban.network.models import DeputyLevel, Employment, OrgKind
from daiban.regions.models import Level
from daiban.regions.reference import DIVISIONS_CSV, Division, division_tree, township_code

SEED = "daiban-demo-network-v1"

# Preference for stations when a district has fewer stations than township-level units.
_STATION_RANK = {"street": 0, "town": 0, "township": 0, "urban_centre": 1, "reserve": 1, "park": 2}
# How many villages a township holds, relative to a sub-district (街道).
_POINT_WEIGHT = {
    "street": 1.0,
    "town": 2.0,
    "township": 1.6,
    "urban_centre": 1.0,
    "reserve": 0.6,
    "park": 0.5,
}


def build_plan(path: Path = DIVISIONS_CSV) -> Plan:
    """The whole demo network, computed without touching the database."""
    tree = division_tree(CITY_CODE, path)
    plan = Plan(accounts=DEMO_ACCOUNTS)
    plan.regions.append(RegionPlan(CITY_CODE, tree.city.name, Level.CITY, None))
    city_rng = random.Random(f"{SEED}/{CITY_CODE}")  # noqa: S311 - reproducible demo data, not secrets
    plan.organisations.append(
        OrgPlan(
            CITY_CODE,
            CITY_ORGANISATION["name"],
            OrgKind.CENTRE,
            CITY_ORGANISATION["address"],
            phone(city_rng),
            OFFICE_HOURS,
        )
    )
    for i in range(CITY_AGENTS):
        plan.agents.append(staff_agent(city_rng, CITY_CODE, OrgKind.CENTRE, i, city=True))

    stationed: dict[str, list[Division]] = {}
    for county in tree.counties:
        plan.regions.append(RegionPlan(county.code, county.name, Level.COUNTY, CITY_CODE))
        stationed[county.code] = _plan_county(plan, county, tree.townships[county.code])
    _plan_units(plan, tree.counties)
    _plan_township_units(plan, tree.counties, stationed)
    _plan_public_profiles(plan)
    return plan


# Share of demo agents with a work phone of their own; the others are reached through their organisation's.
WORK_PHONE_SHARE = 0.8


def _plan_public_profiles(plan: Plan) -> None:
    """Each agent's published work phone, reception hours and place (亮身份). Drawn from a generator of its
    own per agent, so the names and codes drawn before stay exactly as they were."""
    orgs = {org.region_code: org for org in plan.organisations}
    seen: dict[str, int] = {}
    for agent in plan.agents:
        index = seen[agent.region_code] = seen.get(agent.region_code, -1) + 1
        org = orgs[agent.region_code]
        rng = random.Random(f"{SEED}/profile/{agent.region_code}/{index}")  # noqa: S311
        if rng.random() < WORK_PHONE_SHARE:
            agent.work_phone = phone(rng)
        agent.duty_hours = org.opening_hours[:60]
        desk = "代办室" if org.kind == OrgKind.POINT else "信访代办窗口"
        agent.duty_place = f"{org.address}{desk}"[:80]


def _plan_county(plan: Plan, county: Division, townships: list[Division]) -> list[Division]:
    """Plan one county's network; returns the townships that have a station."""
    target = DISTRICT_TARGETS[county.code]
    rng = random.Random(f"{SEED}/{county.code}")  # noqa: S311
    for town in townships:
        plan.regions.append(RegionPlan(township_code(town), town.name, Level.TOWNSHIP, county.code))

    # Which township-level units get a station: all that serve residents, or the stated number of them.
    ranked = sorted(townships, key=lambda d: (_STATION_RANK[township_category(d.name)], d.code))
    n_stations = target.stations
    if n_stations is None:
        n_stations = sum(1 for d in townships if _STATION_RANK[township_category(d.name)] <= 1)
    if n_stations > len(ranked):
        raise ValueError(f"{county.name}: {n_stations} stations but only {len(ranked)} township units")
    stationed = sorted(ranked[:n_stations], key=lambda d: d.code)
    n_points = target.organisations - 1 - n_stations

    # Points (and thus villages) spread over stationed townships by weight, largest remainder first.
    points_per_town = _apportion(n_points, [_POINT_WEIGHT[township_category(d.name)] for d in stationed])

    centre_n, station_n, point_ns = _agent_allocation(target, n_stations, n_points, rng)
    mongolian_share = 0.14 if county.code in BANNERS else 0.07
    district_word = "旗" if county.code in BANNERS else ("区" if county.code in URBAN_DISTRICTS else "县")

    plan.organisations.append(
        OrgPlan(
            county.code,
            f"{county.name}信访代办服务中心",
            OrgKind.CENTRE,
            f"{county.name}政务服务中心一楼 信访接待大厅",
            phone(rng),
            OFFICE_HOURS,
        )
    )
    for i in range(centre_n):
        plan.agents.append(staff_agent(rng, county.code, OrgKind.CENTRE, i, mongolian_share))

    used_names: set[str] = {n for names in PINNED_VILLAGES.values() for n in names}
    non_heads: list[AgentPlan] = []  # point agents other than the village head
    point_index = 0
    for town, n_villages in zip(stationed, points_per_town, strict=True):
        town_code = township_code(town)
        category = township_category(town.name)
        office = "办事处" if category in ("street", "urban_centre") else "便民服务中心"
        plan.organisations.append(
            OrgPlan(
                town_code,
                STATION_NAMES.get(town_code, f"{town.name}信访代办服务站"),
                OrgKind.STATION,
                f"{town.name}{office}一楼",
                phone(rng),
                OFFICE_HOURS,
            )
        )
        for i in range(station_n):
            plan.agents.append(staff_agent(rng, town_code, OrgKind.STATION, i, mongolian_share))

        for seq, (name, suffix) in enumerate(
            village_names(rng, town, county.code, category, n_villages, used_names), start=1
        ):
            code = f"{town.code}{seq:03d}"
            pinned = name in PINNED_VILLAGES.get(town.code, ())
            plan.regions.append(RegionPlan(code, name, Level.VILLAGE, town_code, is_demo=not pinned))
            house = "党群服务中心" if suffix == "社区" else "村委会"
            plan.organisations.append(
                OrgPlan(
                    code,
                    f"{name}信访代办点",
                    OrgKind.POINT,
                    f"{name}{house}",
                    phone(rng),
                    rng.choice(POINT_HOURS),
                )
            )
            for i in range(point_ns[point_index]):
                agent = point_agent(
                    rng,
                    code,
                    i,
                    suffix,
                    district_word,
                    mongolian_share,
                    random_deputies=target.county_deputies is None,
                )
                plan.agents.append(agent)
                if i > 0:
                    non_heads.append(agent)
            point_index += 1

    if target.county_deputies:
        # The stated number of district deputies, drawn from point agents other than the heads.
        for agent in rng.sample(non_heads, target.county_deputies):
            agent.deputy_level = DeputyLevel.COUNTY
            agent.title = f"{district_word}人大代表"
            agent.is_grid_worker = False
            agent.is_village_cadre = False
            agent.employment = Employment.PART_TIME
    return stationed


def _apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder), at least one each."""
    if total < len(weights):
        raise ValueError("fewer items than buckets")
    spare = total - len(weights)
    weight_sum = sum(weights)
    exact = [spare * w / weight_sum for w in weights]
    counts = [1 + int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - int(exact[i])), i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _agent_allocation(
    target: DistrictTarget, n_stations: int, n_points: int, rng: random.Random
) -> tuple[int, int, list[int]]:
    """Agents per centre, per station, and for each point; the sum is the stated total where stated."""
    if target.agents is None:
        return DEFAULT_CENTRE_AGENTS, DEFAULT_STATION_AGENTS, [DEFAULT_POINT_AGENTS] * n_points
    if target.agents == target.organisations:
        return 1, 1, [1] * n_points
    average = target.agents / target.organisations
    centre = min(8, max(3, round(average * 1.5)))
    station = min(6, max(2, round(average * 1.2)))
    rest = target.agents - centre - station * n_stations
    base, extra = divmod(rest, n_points)
    if base < 1:
        raise ValueError("too few agents for one per point")
    per_point = [base] * n_points
    for i in rng.sample(range(n_points), extra):
        per_point[i] += 1
    return centre, station, per_point


def _plan_units(plan: Plan, counties: list[Division]) -> None:
    rng = random.Random(f"{SEED}/units")  # noqa: S311
    for domain, name in CITY_UNITS.items():
        plan.units.append(UnitPlan(CITY_CODE, name, domain, phone(rng)))
    for county in counties:
        short = ZONE_SHORT_NAME if county.code == ETDZ_CODE else county.name
        for domain, template in COUNTY_UNITS.items():
            if county.code == ETDZ_CODE and domain in ZONE_WITHOUT:
                continue  # no court of its own: cases go to the district courts
            if county.code in URBAN_DISTRICTS:
                template = DISTRICT_BRANCHES.get(domain, template)
            name = template.format(x=short)
            if county.code == ETDZ_CODE and domain in ZONE_NAMES:
                name = ZONE_NAMES[domain]
            plan.units.append(
                UnitPlan(county.code, name, domain, phone(rng), superior=(CITY_CODE, CITY_UNITS[domain]))
            )


def _plan_township_units(plan: Plan, counties: list[Division], stationed: dict[str, list[Division]]) -> None:
    """Each township with a station gets its own units (司法所, 派出所, 综治中心, …), so that the station can
    route what it can settle locally; each answers to its county's unit of the same domain."""
    county_units = {(u.region_code, u.domain): u.name for u in plan.units}
    for county in counties:
        for town in stationed[county.code]:
            code = township_code(town)
            rng = random.Random(f"{SEED}/units/{code}")  # noqa: S311
            urban = township_category(town.name) in TOWNSHIP_URBAN_CATEGORIES
            templates = TOWNSHIP_URBAN_UNITS if urban else TOWNSHIP_RURAL_UNITS
            for domain, template in templates.items():
                superior = (county.code, county_units[(county.code, domain)])
                plan.units.append(
                    UnitPlan(code, template.format(t=town.name), domain, phone(rng), superior=superior)
                )
