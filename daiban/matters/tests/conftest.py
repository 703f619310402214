"""Fixtures for the matters domain tests: a moving frozen clock, more people, review organs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from conftest import Personas, Tree, make_user
from daiban.accounts.models import Role, User
from daiban.matters.tests.factories import Flow
from daiban.network.models import ResponsibleUnit, UnitDomain
from daiban.workcal import hooks
from daiban.workcal.schedule import clear_cache


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    # Schedule rows written by a test are rolled back without signals: forget what the cache and the
    # pending schedule-change notifications remember of them.
    discard = getattr(hooks, "discard_pending", None)
    clear_cache()
    if discard:
        discard()
    yield
    clear_cache()
    if discard:
        discard()


@pytest.fixture
def flow(tree: Tree, personas: Personas) -> Flow:
    return Flow(tree, personas)


@dataclass
class More:
    """People beyond the shared personas."""

    hr_handler: User  # 新城区人社局 (a co-unit)
    discipline_handler: User  # 新城区纪委监委
    village_agent_2: User  # a second agent at 苏雅拉社区 (recusal replacement)
    unit_handler_2: User  # a second handler at 新城区住建局
    township_staff_a2: User  # 迎新路街道: same county, other township
    city_housing_handler: User  # 呼和浩特市住建局: review organ of 新城区住建局
    city_gov_handler: User  # 呼和浩特市人民政府: re-examination organ
    city_leader: User
    city_gov: ResponsibleUnit


@pytest.fixture
def more(tree: Tree, personas: Personas) -> More:
    city_gov = ResponsibleUnit.objects.create(
        region=tree.city, name="呼和浩特市人民政府", domain=UnitDomain.OTHER
    )
    tree.unit_housing_city.superior = city_gov
    tree.unit_housing_city.save()
    return More(
        hr_handler=make_user("hr_handler", Role.UNIT_HANDLER, tree.county_a, unit=tree.unit_hr_a),
        discipline_handler=make_user(
            "discipline_handler", Role.UNIT_HANDLER, tree.county_a, unit=tree.unit_discipline_a
        ),
        village_agent_2=make_user("village_agent_2", Role.VILLAGE_AGENT, tree.village_a1x),
        unit_handler_2=make_user(
            "unit_handler_2", Role.UNIT_HANDLER, tree.county_a, unit=tree.unit_housing_a
        ),
        township_staff_a2=make_user("township_staff_a2", Role.TOWNSHIP_STAFF, tree.town_a2),
        city_housing_handler=make_user(
            "city_housing_handler", Role.UNIT_HANDLER, tree.city, unit=tree.unit_housing_city
        ),
        city_gov_handler=make_user("city_gov_handler", Role.UNIT_HANDLER, tree.city, unit=city_gov),
        city_leader=make_user("city_leader", Role.LEADER, tree.city),
        city_gov=city_gov,
    )
