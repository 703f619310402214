"""The demo network of Hohhot (演示数据): regions, organisations, agents, responsible units and accounts.

The real divisions (city, counties, townships) come from the reference data of ``daiban.regions.reference``;
the villages below them, the organisations, agents, units and accounts are generated here from the data
files in ``daiban/demo/data``. ``build_plan()`` is pure (no database); ``load_demo_network()`` writes a
plan with bulk inserts.
"""

from daiban.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, DemoAccount
from daiban.demo.network.build import SEED, build_plan
from daiban.demo.network.config import CITY_CODE
from daiban.demo.network.load import (
    DistrictCount,
    LoadResult,
    district_counts,
    load_demo_network,
    network_fingerprint,
)
from daiban.demo.network.plans import Plan

__all__ = [
    "CITY_CODE",
    "DEMO_ACCOUNTS",
    "DEMO_PASSWORD",
    "SEED",
    "DemoAccount",
    "DistrictCount",
    "LoadResult",
    "Plan",
    "build_plan",
    "district_counts",
    "load_demo_network",
    "network_fingerprint",
]
