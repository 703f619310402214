"""Fixtures of the documents tests (the matters package's own fixtures are not visible here): a flow on a
moving frozen clock, and the review organs above 新城区住建局 for 复查 and 复核."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from conftest import Personas, Tree, make_user
from daiban.accounts.models import Role, User
from daiban.matters.tests.factories import Flow
from daiban.network.models import ResponsibleUnit, UnitDomain
from tests.browser.conftest import (  # noqa: F401  (the browser fixtures, for test_phone)
    browser,
    new_context,
    server,
    static_watch,
    time_limits,
)


@pytest.fixture
def flow(tree: Tree, personas: Personas) -> Flow:
    return Flow(tree, personas)


@dataclass
class ReviewOrgans:
    """The superiors of 新城区住建局: 呼和浩特市住建局 reviews (复查), 呼和浩特市人民政府 re-examines (复核)."""

    city_housing_handler: User
    city_gov_handler: User
    city_gov: ResponsibleUnit


@pytest.fixture
def review_organs(tree: Tree, personas: Personas) -> ReviewOrgans:
    city_gov = ResponsibleUnit.objects.create(
        region=tree.city, name="呼和浩特市人民政府", domain=UnitDomain.OTHER
    )
    tree.unit_housing_city.superior = city_gov
    tree.unit_housing_city.save()
    return ReviewOrgans(
        city_housing_handler=make_user(
            "city_housing_handler", Role.UNIT_HANDLER, tree.city, unit=tree.unit_housing_city
        ),
        city_gov_handler=make_user("city_gov_handler", Role.UNIT_HANDLER, tree.city, unit=city_gov),
        city_gov=city_gov,
    )
