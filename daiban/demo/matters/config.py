"""The demo matters' settings, read from ``daiban/demo/data/matters`` (no logic here): districts, desks,
scenarios, the essential matters and the phrases the steps use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from daiban.demo.files import optional_bool, read_csv, read_json
from daiban.demo.matters.steps import Spec
from daiban.matters.choices import Channel
from daiban.network.models import UnitDomain
from daiban.regions.models import Level

DEFAULT_COUNT = 300
DEFAULT_SEED = 2026
HISTORY_DAYS = 300  # intakes spread over the ten months before today

_districts: dict[str, Any] = read_json("matters/districts.json")
_scenarios: dict[str, Any] = read_json("matters/scenarios.json")

CITY_CODE: str = read_json("city.json")["city_code"]
CITY_SLUG: str = _districts["city_slug"]
# Where the demo accounts are, most matters are; every other district still gets some.
DISTRICT_WEIGHTS: dict[str, float] = _districts["weights"]
# Account name prefixes of the districts (as the network loader's demo accounts: xinchengqu_zhongxin ...).
DISTRICT_SLUGS: dict[str, str] = _districts["slugs"]
DOMAIN_SLUGS: dict[UnitDomain, str] = {UnitDomain(k): v for k, v in _districts["domain_slugs"].items()}
# The organ that re-examines (复核) what a city bureau reviewed (复查): the city government (art. 36).
CITY_GOVERNMENT: str = _districts["city_government"]
GOVERNMENT_SLUG: str = _districts["government_slug"]
# City bodies whose superior is not the city government (they answer to the region's organs).
NOT_UNDER_CITY_GOVERNMENT = frozenset(UnitDomain(d) for d in _districts["not_under_city_government"])
# The network loader's accounts the story needs, and the one whose password hash extra accounts share.
REQUIRED_ACCOUNTS = frozenset(_districts["required_accounts"])
PASSWORD_ACCOUNT: str = _districts["password_account"]
# Counties whose older residents were registered under another county's address code.
ID_ADDRESS_CODES: dict[str, str] = _districts["id_address_codes"]


@dataclass(frozen=True)
class DeskConfig:
    user: str
    chain: tuple[str | None, ...]  # who escalates, from the desk up to the county centre (None: no account)


@dataclass(frozen=True)
class DistrictConfig:
    """Who acts in a district: its desks (none listed: a station and a point are made), its leaders, the
    leaders of a 包案 (first; second: ``local`` if the place lies in its region, else ``other``), its
    supervisor, and whether co-units (and so extra handler accounts) may be asked."""

    desks: tuple[DeskConfig, ...]
    leaders: tuple[str, ...]
    case_leaders: dict[str, str]
    supervisor: str
    co_units: bool


def _district_config(raw: dict[str, Any]) -> DistrictConfig:
    return DistrictConfig(
        desks=tuple(DeskConfig(d["user"], tuple(d["chain"])) for d in raw.get("desks", ())),
        leaders=tuple(raw["leaders"]),
        case_leaders=raw["case_leaders"],
        supervisor=raw["supervisor"],
        co_units=raw["co_units"],
    )


_DESKS = {code: _district_config(raw) for code, raw in _districts["desks"].items()}


def district_config(code: str) -> DistrictConfig:
    return _DESKS.get(code) or _DESKS["other"]


CHANNELS_BY_LEVEL: dict[int, tuple[tuple[str, float], ...]] = {
    Level[level.upper()]: tuple((Channel(channel), weight) for channel, weight in pairs)
    for level, pairs in _districts["channels_by_level"].items()
}


@dataclass(frozen=True)
class Scenario:
    """A state a matter should end in: its weight in the random fill, what the desk that takes it in must be
    able to do, and which topics fit."""

    weight: float
    desk: str
    topics: str


SCENARIOS: dict[str, Scenario] = {name: Scenario(**s) for name, s in _scenarios["scenarios"].items()}
REVIEWING = frozenset(_scenarios["reviewing"])
# Reviews go up to the city unit of this domain, which has a demo account (shi_zhujian).
REVIEW_DOMAIN = UnitDomain(_scenarios["review_domain"])


def _spec(row: dict[str, str]) -> Spec:
    return Spec(
        scenario=row["scenario"],
        county=row["county"],
        desk=row["desk"],
        topic=row["topic"],
        group=optional_bool(row["group"]),
        leaders=int(row["leaders"]) if row["leaders"] else None,
        repeat=optional_bool(row["repeat"]),
        objection=optional_bool(row["objection"]),
        story=row["story"],
        return_visit=optional_bool(row["return_visit"]),
    )


# The essential matters, made whatever the count: every state and scenario, and work in every demo
# account's queues.
ESSENTIAL: tuple[Spec, ...] = tuple(_spec(row) for row in read_csv("matters/essential.csv"))

# Phrases the steps draw from, and the two stories of the newspaper report.
TEXTS: dict[str, Any] = read_json("matters/texts.json")
STORIES: dict[str, dict[str, Any]] = read_json("matters/stories.json")
