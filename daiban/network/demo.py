"""The demo network of Hohhot (演示数据): regions, organisations, agents, responsible units and accounts.

The figures follow the newspaper report (domain.md §1): where it states a district's organisations by
level, or its number of agents, the demo reproduces that number exactly; where it states only a total, the
demo places one centre in the county, one station in each township-level unit that serves residents, and
the remaining points in villages. Nothing is forced to add up to the report's city-wide totals.

Everything is deterministic: a fixed seed per district, inputs read in a stable order, and no dependence on
database ids, so two loads into fresh databases produce the same names and codes.

``build_plan()`` is pure (no database); ``load_demo_network()`` writes a plan with bulk inserts.
"""

from __future__ import annotations

import csv
import hashlib
import random
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction

from daiban.accounts.models import Role, User
from daiban.network import demo_data as words
from daiban.network.models import (
    KIND_FOR_LEVEL,
    Agent,
    DeputyLevel,
    Employment,
    OrgKind,
    ResponsibleUnit,
    ServiceOrganization,
    UnitDomain,
)
from daiban.regions.models import Level, Region

DEMO_PASSWORD = "daiban-demo-2026"  # noqa: S105 - shared by the demo accounts only, printed by demo_logins
SEED = "daiban-demo-network-v1"
DATA_FILE = Path(__file__).resolve().parent / "data" / "hohhot-divisions.csv"

CITY_CODE = "150100"
CITY_NAME = "呼和浩特市"
ETDZ_CODE = "150172"  # 呼和浩特经济技术开发区
# 沙尔沁镇 has the statistical code of 土默特左旗 (150121105), but the development zone administers it and
# the report counts its proxy network under the zone, so the demo places it under 150172.
SHAERQIN_CODE = "150121105"
URBAN_DISTRICTS = frozenset({"150102", "150103", "150104", "150105", ETDZ_CODE})
BANNERS = frozenset({"150121"})  # 旗: some villages are 嘎查
# County seats: the first part of their villages are urban communities.
SEAT_TOWNS = frozenset({"150121100", "150122100", "150123100", "150124100", "150125100"})


@dataclass(frozen=True)
class DistrictTarget:
    """What the report states for one district; ``None`` where it says nothing."""

    organisations: int
    stations: int | None = None
    agents: int | None = None
    county_deputies: int | None = None  # agents who are district-level people's congress deputies


DISTRICT_TARGETS: dict[str, DistrictTarget] = {
    "150102": DistrictTarget(organisations=105, stations=12),  # 1 centre, 12 stations, 92 points
    "150103": DistrictTarget(organisations=94, agents=1180, county_deputies=53),
    "150104": DistrictTarget(organisations=143, stations=10, agents=346),  # 1 / 10 / 132
    "150105": DistrictTarget(organisations=242, agents=506),
    "150121": DistrictTarget(organisations=346, agents=1188),
    "150122": DistrictTarget(organisations=143, stations=6),  # 1 / 6 / 136
    "150123": DistrictTarget(organisations=171, stations=10, agents=397),  # 1 / 10 / 160
    "150124": DistrictTarget(organisations=120, agents=251),
    "150125": DistrictTarget(organisations=114, agents=533),
    ETDZ_CODE: DistrictTarget(organisations=33, agents=33),  # 沙尔沁镇
}
# Where the report says nothing about agents: a small centre and station team, three per point.
DEFAULT_CENTRE_AGENTS = 6
DEFAULT_STATION_AGENTS = 3
DEFAULT_POINT_AGENTS = 3
CITY_AGENTS = 6

# Names the report gives to particular stations.
STATION_NAMES = {
    "150102401000": "呼伦路区域服务中心信访代办服务站",
    "150102007000": "迎新路街道市域社会治理综合调度中心信访事项代办工作站",
}
# Real communities the report mentions, pinned as the first village of their township (sequence 001).
PINNED_VILLAGES: dict[str, tuple[str, ...]] = {
    "150102401": ("苏雅拉社区",),  # 呼伦路街道, 新城区
    "150122100": ("中滩社区",),  # 双河镇, 托克托县
}

OFFICE_HOURS = "工作日 8:30-12:00 14:30-17:30"
POINT_HOURS = ("工作日 9:00-12:00 15:00-18:00", "工作日 8:30-12:00 14:30-17:30，其他时间电话预约上门")


# --- the plan -------------------------------------------------------------------------------------


@dataclass
class RegionPlan:
    code: str
    name: str
    level: Level
    parent_code: str | None
    is_demo: bool = False


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


@dataclass
class UnitPlan:
    region_code: str
    name: str
    domain: UnitDomain
    phone: str
    superior_name: str | None = None  # a city unit


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    region_code: str
    person: str
    post: str
    unit_name: str | None = None
    is_staff: bool = False

    @property
    def display_name(self) -> str:
        return f"{self.person}（{self.post}）"


@dataclass
class Plan:
    regions: list[RegionPlan] = field(default_factory=list)
    organisations: list[OrgPlan] = field(default_factory=list)
    agents: list[AgentPlan] = field(default_factory=list)
    units: list[UnitPlan] = field(default_factory=list)
    accounts: tuple[DemoAccount, ...] = ()


# The demo accounts: every role, at several levels. Agent roles are linked to the first agent of the
# organisation in their region, whose name becomes the account holder's.
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("shi_admin", Role.CITY_ADMIN, CITY_CODE, "高志远", "市信访局系统管理员", is_staff=True),
    DemoAccount(
        "xinchengqu_zhongxin", Role.COUNTY_STAFF, "150102", "刘晓燕", "新城区代办中心", is_staff=True
    ),
    DemoAccount("tuoxian_zhongxin", Role.COUNTY_STAFF, "150122", "张海军", "托克托县代办中心", is_staff=True),
    DemoAccount("hulunlu_zhan", Role.TOWNSHIP_STAFF, "150102401000", "王丽娟", "呼伦路街道代办站"),
    DemoAccount("yingxinlu_zhan", Role.TOWNSHIP_STAFF, "150102007000", "陈建华", "迎新路街道代办站"),
    DemoAccount("shuanghe_zhan", Role.TOWNSHIP_STAFF, "150122100000", "李永强", "双河镇代办站"),
    DemoAccount("suyala_daiban", Role.VILLAGE_AGENT, "150102401001", "赵桂兰", "苏雅拉社区代办员"),
    DemoAccount("zhongtan_daiban", Role.VILLAGE_AGENT, "150122100001", "郭建平", "中滩社区代办员"),
    # The report's "中山路办事处" is 中山东路街道; its first community stands in for it.
    DemoAccount("zhongshanlu_daiban", Role.VILLAGE_AGENT, "150102003001", "孙秀梅", "中山东路街道社区代办员"),
    DemoAccount(
        "xinchengqu_zhujian", Role.UNIT_HANDLER, "150102", "周明", "新城区住建局", "新城区住房和城乡建设局"
    ),
    DemoAccount(
        "xinchengqu_renshe", Role.UNIT_HANDLER, "150102", "吴静", "新城区人社局", "新城区人力资源和社会保障局"
    ),
    DemoAccount(
        "tuoxian_zhujian", Role.UNIT_HANDLER, "150122", "马俊", "托县住建局", "托克托县住房和城乡建设局"
    ),
    DemoAccount(
        "shi_zhujian", Role.UNIT_HANDLER, CITY_CODE, "黄伟", "市住建局", "呼和浩特市住房和城乡建设局"
    ),
    DemoAccount("xinchengqu_lingdao", Role.LEADER, "150102", "杨振国", "新城区包案领导"),
    DemoAccount("hulunlu_lingdao", Role.LEADER, "150102401000", "徐立新", "呼伦路街道包案领导"),
    DemoAccount("shi_lingdao", Role.LEADER, CITY_CODE, "韩卫东", "市级包案领导"),
    DemoAccount("xinchengqu_jijian", Role.SUPERVISOR, "150102", "冯淑英", "新城区纪委监委"),
    DemoAccount("shi_jijian", Role.SUPERVISOR, CITY_CODE, "曹锋", "市纪委监委"),
)


# --- reading the divisions ------------------------------------------------------------------------


@dataclass(frozen=True)
class Division:
    code: str  # 6 digits (county) or 9 digits (township), as in the csv
    name: str
    parent_code: str


def read_divisions(path: Path = DATA_FILE) -> list[Division]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [Division(r["code"], r["name"], r["parent_code"]) for r in csv.DictReader(handle)]
    return sorted(rows, key=lambda d: d.code)


def township_category(name: str) -> str:
    """street (街道) / town (镇) / township (乡, 苏木) / urban_centre (区域服务中心, serves communities) /
    reserve (管护中心, administers villages) / park (industrial parks and zones: no residents to serve)."""
    if name.endswith("街道"):
        return "street"
    if name.endswith("镇"):
        return "town"
    if name.endswith(("乡", "苏木")):
        return "township"
    if name.endswith("区域服务中心"):
        return "urban_centre"
    if name.endswith("管护中心"):
        return "reserve"
    return "park"


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


# --- building the plan ----------------------------------------------------------------------------


def build_plan(path: Path = DATA_FILE) -> Plan:
    """The whole demo network, computed without touching the database."""
    divisions = read_divisions(path)
    counties = [d for d in divisions if d.parent_code == CITY_CODE]
    townships_of: dict[str, list[Division]] = {c.code: [] for c in counties}
    for d in divisions:
        if len(d.code) == 9:
            owner = ETDZ_CODE if d.code == SHAERQIN_CODE else d.parent_code
            townships_of[owner].append(d)

    plan = Plan(accounts=DEMO_ACCOUNTS)
    plan.regions.append(RegionPlan(CITY_CODE, CITY_NAME, Level.CITY, None))
    city_rng = random.Random(f"{SEED}/{CITY_CODE}")  # noqa: S311 - reproducible demo data, not secrets
    plan.organisations.append(
        OrgPlan(
            CITY_CODE,
            "呼和浩特市信访局",
            OrgKind.CENTRE,
            "呼和浩特市信访局一楼 来访接待大厅",
            _phone(city_rng),
            OFFICE_HOURS,
        )
    )
    for i in range(CITY_AGENTS):
        plan.agents.append(_staff_agent(city_rng, CITY_CODE, OrgKind.CENTRE, i, city=True))

    for county in counties:
        plan.regions.append(RegionPlan(county.code, county.name, Level.COUNTY, CITY_CODE))
        _plan_county(plan, county, sorted(townships_of[county.code], key=lambda d: d.code))
    _plan_units(plan, counties)
    return plan


def _plan_county(plan: Plan, county: Division, townships: list[Division]) -> None:
    target = DISTRICT_TARGETS[county.code]
    rng = random.Random(f"{SEED}/{county.code}")  # noqa: S311
    for town in townships:
        plan.regions.append(RegionPlan(town.code + "000", town.name, Level.TOWNSHIP, county.code))

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
            _phone(rng),
            OFFICE_HOURS,
        )
    )
    for i in range(centre_n):
        plan.agents.append(_staff_agent(rng, county.code, OrgKind.CENTRE, i, mongolian_share))

    used_names: set[str] = {n for names in PINNED_VILLAGES.values() for n in names}
    non_heads: list[AgentPlan] = []  # point agents other than the village head
    point_index = 0
    for town, n_villages in zip(stationed, points_per_town, strict=True):
        town_code = town.code + "000"
        category = township_category(town.name)
        office = "办事处" if category in ("street", "urban_centre") else "便民服务中心"
        plan.organisations.append(
            OrgPlan(
                town_code,
                STATION_NAMES.get(town_code, f"{town.name}信访代办服务站"),
                OrgKind.STATION,
                f"{town.name}{office}一楼",
                _phone(rng),
                OFFICE_HOURS,
            )
        )
        for i in range(station_n):
            plan.agents.append(_staff_agent(rng, town_code, OrgKind.STATION, i, mongolian_share))

        for seq, (name, suffix) in enumerate(
            _village_names(rng, town, county.code, category, n_villages, used_names), start=1
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
                    _phone(rng),
                    rng.choice(POINT_HOURS),
                )
            )
            for i in range(point_ns[point_index]):
                agent = _point_agent(
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


def _village_names(
    rng: random.Random, town: Division, county_code: str, category: str, count: int, used: set[str]
) -> Iterable[tuple[str, str]]:
    """(name, suffix) for each village of a township, pinned real names first."""
    pinned = PINNED_VILLAGES.get(town.code, ())
    if category in ("street", "urban_centre", "park"):
        community_share = 1.0
    elif category == "town" and town.code in SEAT_TOWNS:
        community_share = 0.35
    elif category == "town" and county_code in URBAN_DISTRICTS:
        community_share = 0.2
    elif category == "town":
        community_share = 0.05
    else:
        community_share = 0.0
    communities = max(round(count * community_share), len(pinned))
    for i in range(count):
        if i < len(pinned):
            yield pinned[i], pinned[i][-2:]
        elif i < communities:
            yield _unique(rng, used, _community_name), "社区"
        elif county_code in BANNERS and rng.random() < 0.06:
            yield _unique(rng, used, _gacha_name), "嘎查"
        else:
            yield _unique(rng, used, _village_name), "村"


def _unique(rng: random.Random, used: set[str], make: Callable[[random.Random], str]) -> str:
    for _ in range(5000):
        name = make(rng)
        if name not in used:
            used.add(name)
            return name
    raise RuntimeError("ran out of demo names")


def _community_name(rng: random.Random) -> str:
    return rng.choice(words.COMMUNITY_CORES) + rng.choice(words.COMMUNITY_SUFFIXES) + "社区"


def _village_name(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return rng.choice(words.VILLAGE_OLD_NAMES) + "村"
    return rng.choice(words.VILLAGE_PREFIXES) + rng.choice(words.VILLAGE_CORES) + "村"


def _gacha_name(rng: random.Random) -> str:
    return rng.choice(words.VILLAGE_OLD_NAMES) + "嘎查"


def _phone(rng: random.Random) -> str:
    return f"0471-{rng.choice('3456')}{rng.randrange(1_000_000):06d}"


def _person(rng: random.Random, mongolian_share: float) -> str:
    if rng.random() < mongolian_share:
        return rng.choice(words.MONGOLIAN_SURNAMES) + rng.choice(words.MONGOLIAN_NAMES)
    # Earlier surnames are more common: a triangular draw over the list.
    surname = words.SURNAMES[int(rng.triangular(0, len(words.SURNAMES), 0))]
    pool = words.GIVEN_MALE if rng.random() < 0.55 else words.GIVEN_FEMALE
    given = rng.choice(pool)
    if rng.random() < 0.75:
        given += rng.choice([c for c in pool if c != given])
    return surname + given


def _staff_agent(
    rng: random.Random,
    region_code: str,
    kind: OrgKind,
    index: int,
    mongolian_share: float = 0.07,
    *,
    city: bool = False,
) -> AgentPlan:
    """An agent at a centre or station: mostly full-time officials."""
    agent = AgentPlan(region_code, _person(rng, mongolian_share), Employment.FULL_TIME)
    heads = (
        words.TITLES_CITY
        if city
        else (words.TITLES_CENTRE if kind == OrgKind.CENTRE else words.TITLES_STATION)
    )
    roll = rng.random()
    if index < len(heads):
        agent.title = heads[index]
        agent.is_party_member = index == 0 or rng.random() < 0.8
    elif kind == OrgKind.CENTRE and roll < 0.2:
        agent.title, agent.is_expert, agent.employment = "代办专家团队成员", True, Employment.PART_TIME
        agent.is_party_member = rng.random() < 0.6
    elif roll < 0.3:
        agent.title, agent.is_legal_adviser, agent.employment = "法律顾问", True, Employment.PART_TIME
    else:
        agent.title = "信访代办专员"
        agent.is_party_member = rng.random() < 0.7
        if rng.random() < 0.2:
            agent.employment = Employment.PART_TIME
    return agent


# Profiles of point agents other than the head: (weight, profile).
_POINT_PROFILES = (
    (25, "cadre"),
    (35, "grid"),
    (12, "veteran"),
    (10, "party"),
    (6, "legal"),
    (3, "deputy"),
    (2, "cppcc"),
    (7, "mediator"),
)


def _point_agent(
    rng: random.Random,
    region_code: str,
    index: int,
    suffix: str,
    district_word: str,
    mongolian_share: float,
    *,
    random_deputies: bool,
) -> AgentPlan:
    """An agent at a village point: mostly part-time village cadres, grid workers and volunteers."""
    agent = AgentPlan(region_code, _person(rng, mongolian_share))
    place = {"社区": "社区", "村": "村", "嘎查": "嘎查"}[suffix]
    if index == 0:
        agent.title = {
            "社区": "社区党委书记、居委会主任",
            "村": "村党支部书记、村委会主任",
            "嘎查": "嘎查党支部书记、嘎查达",
        }[suffix]
        agent.is_party_member = agent.is_village_cadre = True
        if rng.random() < 0.15:
            agent.employment = Employment.FULL_TIME
        return agent
    profiles = [p for p in _POINT_PROFILES if random_deputies or p[1] != "deputy"]
    profile = rng.choices([p for _, p in profiles], weights=[w for w, _ in profiles])[0]
    if profile == "cadre":
        agent.title = "社区居委会委员" if place == "社区" else f"{place}委会委员"
        agent.is_village_cadre = True
        agent.is_party_member = rng.random() < 0.6
        agent.is_grid_worker = rng.random() < 0.15
    elif profile == "grid":
        agent.is_grid_worker = True
        agent.is_party_member = rng.random() < 0.35
        if rng.random() < 0.3:
            agent.title, agent.employment = "专职网格员", Employment.FULL_TIME
        else:
            agent.title = "网格员"
    elif profile == "veteran":
        agent.title = "老党员"
        agent.is_party_member = agent.is_veteran_party_member = True
    elif profile == "party":
        agent.title = "党员志愿者"
        agent.is_party_member = True
    elif profile == "legal":
        agent.title = f"{place}法律顾问"
        agent.is_legal_adviser = True
    elif profile == "deputy":
        roll = rng.random()
        if roll < 0.6:
            agent.deputy_level, agent.title = DeputyLevel.TOWNSHIP, "乡镇人大代表"
        elif roll < 0.95:
            agent.deputy_level, agent.title = DeputyLevel.COUNTY, f"{district_word}人大代表"
        else:
            agent.deputy_level, agent.title = DeputyLevel.CITY, "市人大代表"
        agent.is_party_member = rng.random() < 0.7
    elif profile == "cppcc":
        agent.title = "政协委员"
        agent.is_cppcc_member = True
    else:
        agent.title = "人民调解员"
        agent.is_party_member = rng.random() < 0.4
    return agent


# Responsible units (事权单位): one per domain in the city and in every county. ``{x}`` is the county's
# name; the city's unit of the same domain is the superior (复查、复核 go up to it).
_CITY_UNITS: dict[UnitDomain, str] = {
    UnitDomain.HOUSING: "呼和浩特市住房和城乡建设局",
    UnitDomain.HR_SOCIAL: "呼和浩特市人力资源和社会保障局",
    UnitDomain.NATURAL_RESOURCES: "呼和浩特市自然资源局",
    UnitDomain.AGRICULTURE: "呼和浩特市农牧局",
    UnitDomain.PUBLIC_SECURITY: "呼和浩特市公安局",
    UnitDomain.JUSTICE: "呼和浩特市司法局",
    UnitDomain.COURT: "呼和浩特市中级人民法院",
    UnitDomain.DISCIPLINE: "呼和浩特市纪委监委",
    UnitDomain.EDUCATION: "呼和浩特市教育局",
    UnitDomain.HEALTH: "呼和浩特市卫生健康委员会",
    UnitDomain.CIVIL_AFFAIRS: "呼和浩特市民政局",
    UnitDomain.MARKET: "呼和浩特市市场监督管理局",
    UnitDomain.ENVIRONMENT: "呼和浩特市生态环境局",
    UnitDomain.TRANSPORT: "呼和浩特市交通运输局",
    UnitDomain.WATER: "呼和浩特市水务局",
    UnitDomain.PETITION: "呼和浩特市信访局",
}
_COUNTY_UNITS: dict[UnitDomain, str] = {
    UnitDomain.HOUSING: "{x}住房和城乡建设局",
    UnitDomain.HR_SOCIAL: "{x}人力资源和社会保障局",
    UnitDomain.NATURAL_RESOURCES: "{x}自然资源局",
    UnitDomain.AGRICULTURE: "{x}农牧局",
    UnitDomain.PUBLIC_SECURITY: "{x}公安局",
    UnitDomain.JUSTICE: "{x}司法局",
    UnitDomain.COURT: "{x}人民法院",
    UnitDomain.DISCIPLINE: "{x}纪委监委",
    UnitDomain.EDUCATION: "{x}教育局",
    UnitDomain.HEALTH: "{x}卫生健康委员会",
    UnitDomain.CIVIL_AFFAIRS: "{x}民政局",
    UnitDomain.MARKET: "{x}市场监督管理局",
    UnitDomain.ENVIRONMENT: "呼和浩特市生态环境局{x}分局",  # environment bureaus are branches of the city's
    UnitDomain.TRANSPORT: "{x}交通运输局",
    UnitDomain.WATER: "{x}水务局",
    UnitDomain.PETITION: "{x}信访局",
}
# Urban districts have branches of the city's bureaus for land and police.
_DISTRICT_BRANCHES: dict[UnitDomain, str] = {
    UnitDomain.NATURAL_RESOURCES: "呼和浩特市自然资源局{x}分局",
    UnitDomain.PUBLIC_SECURITY: "呼和浩特市公安局{x}分局",
}


def _plan_units(plan: Plan, counties: list[Division]) -> None:
    rng = random.Random(f"{SEED}/units")  # noqa: S311
    for domain, name in _CITY_UNITS.items():
        plan.units.append(UnitPlan(CITY_CODE, name, domain, _phone(rng)))
    for county in counties:
        short = "经济技术开发区" if county.code == ETDZ_CODE else county.name
        for domain, template in _COUNTY_UNITS.items():
            if county.code == ETDZ_CODE and domain == UnitDomain.COURT:
                continue  # no court of its own: cases go to the district courts
            if county.code in URBAN_DISTRICTS:
                template = _DISTRICT_BRANCHES.get(domain, template)
            name = template.format(x=short)
            if county.code == ETDZ_CODE and domain == UnitDomain.DISCIPLINE:
                name = "经济技术开发区纪工委监察工委"
            plan.units.append(
                UnitPlan(county.code, name, domain, _phone(rng), superior_name=_CITY_UNITS[domain])
            )


# --- writing the plan -----------------------------------------------------------------------------


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
        regions = _write_regions(plan.regions)
        orgs = _write_organisations(plan.organisations, regions)
        _write_agents(plan.agents, orgs)
        units = _write_units(plan.units, regions)
        _write_accounts(plan.accounts, regions, units, orgs)
    return LoadResult(
        len(plan.regions), len(plan.organisations), len(plan.agents), len(plan.units), len(plan.accounts)
    )


BATCH = 500


def _write_regions(items: list[RegionPlan]) -> dict[str, Region]:
    by_code: dict[str, Region] = {}
    for level in (Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE):
        batch = []
        for item in items:
            if item.level != level:
                continue
            parent = by_code[item.parent_code] if item.parent_code else None
            # bulk_create bypasses Region.save, which would compute the path the same way.
            path = (parent.path if parent else "") + item.code + "/"
            batch.append(
                Region(
                    code=item.code,
                    name=item.name,
                    level=level,
                    parent=parent,
                    path=path,
                    is_demo=item.is_demo,
                )
            )
        Region.objects.bulk_create(batch, batch_size=BATCH)
        # Re-read rather than rely on the backend returning ids from a bulk insert.
        by_code.update(Region.objects.filter(level=level).in_bulk(field_name="code"))
    return by_code


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
                is_demo=True,
            )
        )
    Agent.objects.bulk_create(batch, batch_size=BATCH)


def _write_units(items: list[UnitPlan], regions: dict[str, Region]) -> dict[str, ResponsibleUnit]:
    by_name: dict[str, ResponsibleUnit] = {}
    for with_superior in (False, True):  # city units first: they are the superiors
        batch = []
        for item in items:
            if (item.superior_name is not None) != with_superior:
                continue
            region = regions[item.region_code]
            batch.append(
                ResponsibleUnit(
                    region=region,
                    region_path=region.path,
                    name=item.name,
                    domain=item.domain,
                    phone=item.phone,
                    superior=by_name[item.superior_name] if item.superior_name else None,
                    is_demo=True,
                )
            )
        ResponsibleUnit.objects.bulk_create(batch, batch_size=BATCH)
        by_name = {u.name: u for u in ResponsibleUnit.objects.select_related("region")}
    return {f"{u.region.code}:{u.name}": u for u in by_name.values()}


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
        codes = [c for c in path.split("/") if c]
        return rows.get(f"{codes[0]}/{codes[1]}/") if len(codes) > 1 else city_row

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


def display_width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters are two wide."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """Lines of a plain-text table with columns aligned for CJK text (for management commands)."""
    body = [list(r) for r in rows]
    widths = [max(display_width(r[i]) for r in [list(header), *body]) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        cells = (cell + " " * (w - display_width(cell)) for cell, w in zip(row, widths, strict=True))
        return "  ".join(cells).rstrip()

    return [line(header), "  ".join("-" * w for w in widths), *(line(r) for r in body)]
