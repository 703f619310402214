"""The demo city and the newspaper report's figures, read from ``daiban/demo/data`` (no logic here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from daiban.demo.files import read_json
from daiban.network.models import UnitDomain

_city: dict[str, Any] = read_json("city.json")
_network: dict[str, Any] = read_json("network/network.json")
_units: dict[str, Any] = read_json("network/units.json")

CITY_CODE: str = _city["city_code"]
ETDZ_CODE: str = _city["development_zone"]  # 呼和浩特经济技术开发区
URBAN_DISTRICTS = frozenset(_city["urban_districts"])
BANNERS = frozenset(_city["banners"])  # 旗: some villages are 嘎查
# County seats: the first part of their villages are urban communities.
SEAT_TOWNS = frozenset(_city["seat_towns"])


@dataclass(frozen=True)
class DistrictTarget:
    """What the report states for one district; ``None`` where it says nothing."""

    organisations: int
    stations: int | None = None
    agents: int | None = None
    county_deputies: int | None = None  # agents who are district-level people's congress deputies


DISTRICT_TARGETS: dict[str, DistrictTarget] = {
    code: DistrictTarget(**figures) for code, figures in _network["district_targets"].items()
}
# Where the report says nothing about agents: a small centre and station team, a few per point.
DEFAULT_CENTRE_AGENTS: int = _network["default_agents"]["centre"]
DEFAULT_STATION_AGENTS: int = _network["default_agents"]["station"]
DEFAULT_POINT_AGENTS: int = _network["default_agents"]["point"]
CITY_AGENTS: int = _network["default_agents"]["city"]

CITY_ORGANISATION: dict[str, str] = _network["city_organisation"]
# Names the report gives to particular stations.
STATION_NAMES: dict[str, str] = _network["station_names"]
# Real communities the report mentions, pinned as the first village of their township (sequence 001).
PINNED_VILLAGES: dict[str, tuple[str, ...]] = {
    town: tuple(names) for town, names in _network["pinned_villages"].items()
}
OFFICE_HOURS: str = _network["office_hours"]
POINT_HOURS: tuple[str, ...] = tuple(_network["point_hours"])
# Profiles of point agents other than the head: (weight, profile).
POINT_PROFILES: tuple[tuple[int, str], ...] = tuple((w, p) for w, p in _network["point_profiles"])

# Responsible units (事权单位): one per domain in the city and in every county. ``{x}`` is the county's
# name; the city's unit of the same domain is the superior (复查、复核 go up to it).
CITY_UNITS: dict[UnitDomain, str] = {UnitDomain(k): v for k, v in _units["city"].items()}
COUNTY_UNITS: dict[UnitDomain, str] = {UnitDomain(k): v for k, v in _units["county"].items()}
# Urban districts have branches of the city's bureaus for land and police.
DISTRICT_BRANCHES: dict[UnitDomain, str] = {UnitDomain(k): v for k, v in _units["district_branches"].items()}
# The development zone: a short name in its units' names, no court of its own (cases go to the district
# courts), and units whose names follow no template.
ZONE_SHORT_NAME: str = _units["zone"]["short_name"]
ZONE_WITHOUT = frozenset(UnitDomain(d) for d in _units["zone"]["without"])
ZONE_NAMES: dict[UnitDomain, str] = {UnitDomain(k): v for k, v in _units["zone"]["names"].items()}
# Every township with a station has its own units (``{t}`` is the township's name): urban sub-districts
# (街道) and rural towns (乡镇) differ in what they have. Each answers to the county's unit of its domain.
TOWNSHIP_URBAN_CATEGORIES = frozenset(_units["township"]["urban_categories"])  # of ``township_category``
TOWNSHIP_URBAN_UNITS: dict[UnitDomain, str] = {
    UnitDomain(k): v for k, v in _units["township"]["urban"].items()
}
TOWNSHIP_RURAL_UNITS: dict[UnitDomain, str] = {
    UnitDomain(k): v for k, v in _units["township"]["rural"].items()
}
