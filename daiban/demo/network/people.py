"""Names for the demo network's villages and agents, and the agents' titles and attributes."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable

from daiban.demo.network import words
from daiban.demo.network.config import BANNERS, PINNED_VILLAGES, POINT_PROFILES, SEAT_TOWNS, URBAN_DISTRICTS
from daiban.demo.network.plans import AgentPlan
from daiban.network.models import DeputyLevel, Employment, OrgKind
from daiban.regions.reference import Division


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


def village_names(
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


def phone(rng: random.Random) -> str:
    return f"0471-{rng.choice('3456')}{rng.randrange(1_000_000):06d}"


def person(rng: random.Random, mongolian_share: float) -> str:
    if rng.random() < mongolian_share:
        return rng.choice(words.MONGOLIAN_SURNAMES) + rng.choice(words.MONGOLIAN_NAMES)
    # Earlier surnames are more common: a triangular draw over the list.
    surname = words.SURNAMES[int(rng.triangular(0, len(words.SURNAMES), 0))]
    pool = words.GIVEN_MALE if rng.random() < 0.55 else words.GIVEN_FEMALE
    given = rng.choice(pool)
    if rng.random() < 0.75:
        given += rng.choice([c for c in pool if c != given])
    return surname + given


def staff_agent(
    rng: random.Random,
    region_code: str,
    kind: OrgKind,
    index: int,
    mongolian_share: float = 0.07,
    *,
    city: bool = False,
) -> AgentPlan:
    """An agent at a centre or station: mostly full-time officials."""
    agent = AgentPlan(region_code, person(rng, mongolian_share), Employment.FULL_TIME)
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


def point_agent(
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
    agent = AgentPlan(region_code, person(rng, mongolian_share))
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
    profiles = [p for p in POINT_PROFILES if random_deputies or p[1] != "deputy"]
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
