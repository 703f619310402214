"""Shared personas and a small region tree for every test module.

Tree (codes are real-looking but small): city 150100 → counties 新城区 (150102), 托克托县 (150122) →
two townships each → two villages each. One user per role, plus an outsider in the other county.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps as django_apps
from hypothesis import settings as hypothesis_settings
from pytest_django.plugin import blocking_manager_key

from daiban.accounts.models import Role, User
from daiban.network.models import (
    KIND_FOR_LEVEL,
    Agent,
    ResponsibleUnit,
    ServiceOrganization,
    UnitDomain,
)
from daiban.regions.models import Level, Region
from daiban.workcal.hooks import discard_pending
from daiban.workcal.schedule import clear_cache

# Property tests check what is computed, not how fast: with two workers and a browser on two cores an example
# may take longer than Hypothesis's default 200 ms deadline, which then failed a correct test.
hypothesis_settings.register_profile("daiban", deadline=None)
hypothesis_settings.load_profile("daiban")

PASSWORD = "persona-pass-123"

# Data migrations that seed the statutory time limits. A transactional test's teardown flushes every
# table, these rows included, so they are seeded again after it (see pytest_runtest_teardown).
_SEED_MIGRATIONS = (
    "daiban.workcal.migrations.0002_seed_default_time_limits",
    "daiban.matters.migrations.0002_follow_up_time_limit",
)


def seed_time_limits() -> None:
    """Run the data migrations' seed functions again (idempotent: get_or_create)."""
    for name in _SEED_MIGRATIONS:
        module: Any = importlib.import_module(name)
        seed = getattr(module, "seed", None) or module.add_limit
        seed(django_apps, None)


def _flushes_database(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction"))
    names = getattr(item, "fixturenames", ())
    return transactional or "transactional_db" in names or "live_server" in names


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """After a transactional test's flush, put the seeded reference rows back for the next test in this
    worker (after the worker's last test the database is already gone)."""
    try:
        return (yield)
    finally:
        if nextitem is not None and _flushes_database(item):
            with item.config.stash[blocking_manager_key].unblock():
                seed_time_limits()


@pytest.fixture(autouse=True)
def _fresh_workcal_cache() -> Iterator[None]:
    """Test rollbacks send no signals: drop the calendar's per-process cache around every test."""
    clear_cache()
    discard_pending()
    yield
    clear_cache()
    discard_pending()


@dataclass
class Tree:
    city: Region
    county_a: Region
    county_b: Region
    town_a1: Region
    town_a2: Region
    town_b1: Region
    town_b2: Region
    village_a1x: Region
    village_a1y: Region
    village_a2x: Region
    village_b1x: Region
    unit_housing_a: ResponsibleUnit
    unit_hr_a: ResponsibleUnit
    unit_discipline_a: ResponsibleUnit
    unit_housing_b: ResponsibleUnit
    unit_housing_city: ResponsibleUnit

    def all_regions(self) -> list[Region]:
        return list(Region.objects.order_by("path"))


def _region(code: str, name: str, level: int, parent: Region | None) -> Region:
    return Region.objects.create(code=code, name=name, level=level, parent=parent)


def _org(region: Region) -> ServiceOrganization:
    kind, role = KIND_FOR_LEVEL[Level(region.level)]
    return ServiceOrganization.objects.create(
        region=region,
        name=f"{region.name}信访代办{kind.label}",
        kind=kind,
        level=region.level,
        handling_role=role,
    )


@pytest.fixture
def tree(db: None) -> Tree:
    city = _region("150100", "呼和浩特市", Level.CITY, None)
    county_a = _region("150102", "新城区", Level.COUNTY, city)
    county_b = _region("150122", "托克托县", Level.COUNTY, city)
    town_a1 = _region("150102401000", "呼伦路街道", Level.TOWNSHIP, county_a)
    town_a2 = _region("150102007000", "迎新路街道", Level.TOWNSHIP, county_a)
    town_b1 = _region("150122100000", "双河镇", Level.TOWNSHIP, county_b)
    town_b2 = _region("150122101000", "新营子镇", Level.TOWNSHIP, county_b)
    villages = {}
    for town, names in (
        (town_a1, ("苏雅拉社区", "呼伦社区")),
        (town_a2, ("迎新社区", "光华社区")),
        (town_b1, ("中滩社区", "河口村")),
        (town_b2, ("新营村", "东营村")),
    ):
        for i, name in enumerate(names, start=1):
            villages[name] = _region(town.code[:9] + f"{i:03d}", name, Level.VILLAGE, town)
    for region in Region.objects.exclude(level=Level.CITY):
        _org(region)
    _org(city)

    def unit(
        region: Region, name: str, domain: str, superior: ResponsibleUnit | None = None
    ) -> ResponsibleUnit:
        return ResponsibleUnit.objects.create(region=region, name=name, domain=domain, superior=superior)

    housing_city = unit(city, "呼和浩特市住房和城乡建设局", UnitDomain.HOUSING)
    return Tree(
        city=city,
        county_a=county_a,
        county_b=county_b,
        town_a1=town_a1,
        town_a2=town_a2,
        town_b1=town_b1,
        town_b2=town_b2,
        village_a1x=villages["苏雅拉社区"],
        village_a1y=villages["呼伦社区"],
        village_a2x=villages["迎新社区"],
        village_b1x=villages["中滩社区"],
        unit_housing_a=unit(county_a, "新城区住房和城乡建设局", UnitDomain.HOUSING, housing_city),
        unit_hr_a=unit(county_a, "新城区人力资源和社会保障局", UnitDomain.HR_SOCIAL),
        unit_discipline_a=unit(county_a, "新城区纪委监委", UnitDomain.DISCIPLINE),
        unit_housing_b=unit(county_b, "托克托县住房和城乡建设局", UnitDomain.HOUSING, housing_city),
        unit_housing_city=housing_city,
    )


@dataclass
class Personas:
    village_agent: User  # 苏雅拉社区
    township_staff: User  # 呼伦路街道
    county_staff: User  # 新城区
    unit_handler: User  # 新城区住建局
    leader: User  # 新城区
    supervisor: User  # 新城区纪检
    city_admin: User
    outsider: User  # 托克托县 county staff: sees nothing of 新城区
    outsider_village_agent: User  # 中滩社区
    outsider_unit_handler: User  # 托县住建局

    def all(self) -> dict[str, User]:
        return dict(vars(self))


def make_user(
    username: str, role: str, region: Region, unit: ResponsibleUnit | None = None, **extra: object
) -> User:
    user = User(username=username, display_name=username, role=role, region=region, unit=unit, **extra)
    user.set_password(PASSWORD)
    user.full_clean()
    user.save()
    if role in (Role.VILLAGE_AGENT, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF):
        org = ServiceOrganization.objects.filter(region=region).first()
        if org is not None:
            Agent.objects.create(name=username, organization=org, region=region, user=user)
    return user


@pytest.fixture
def personas(tree: Tree) -> Personas:
    return Personas(
        village_agent=make_user("village_agent", Role.VILLAGE_AGENT, tree.village_a1x),
        township_staff=make_user("township_staff", Role.TOWNSHIP_STAFF, tree.town_a1),
        county_staff=make_user("county_staff", Role.COUNTY_STAFF, tree.county_a, is_staff=True),
        unit_handler=make_user("unit_handler", Role.UNIT_HANDLER, tree.county_a, unit=tree.unit_housing_a),
        leader=make_user("leader", Role.LEADER, tree.county_a),
        supervisor=make_user("supervisor", Role.SUPERVISOR, tree.county_a),
        city_admin=make_user("city_admin", Role.CITY_ADMIN, tree.city, is_staff=True),
        outsider=make_user("outsider", Role.COUNTY_STAFF, tree.county_b, is_staff=True),
        outsider_village_agent=make_user("outsider_village_agent", Role.VILLAGE_AGENT, tree.village_b1x),
        outsider_unit_handler=make_user(
            "outsider_unit_handler", Role.UNIT_HANDLER, tree.county_b, unit=tree.unit_housing_b
        ),
    )
