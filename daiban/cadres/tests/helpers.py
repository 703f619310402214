"""Accusations and notices for the cadre tests, made through the real actions."""

from __future__ import annotations

from typing import Any

from django.test import Client

from conftest import PASSWORD, Tree, make_user
from daiban.accounts.models import Role, User
from daiban.cadres import actions
from daiban.cadres.models import CadreNotice
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow
from daiban.network.models import UnitDomain
from daiban.regions.geometry import ancestor_paths
from daiban.regions.models import Level, Region

CADRE, POST = "钱国栋", "房产管理科科长"


def county_of(m: Matter) -> Region:
    return Region.objects.get(path__in=ancestor_paths(m.region_path), level=Level.COUNTY)


def notice_inputs(m: Matter, **changes: Any) -> dict[str, Any]:
    """A valid notice on any matter: the county's 委组织部, the first non-discipline unit as the accused."""
    county = county_of(m)
    accused = actions.accused_units(m).exclude(domain=UnitDomain.DISCIPLINE).first()
    return {
        "cadre_name": CADRE,
        "cadre_post": POST,
        "level": county,
        "department": f"{county.name}委组织部",
        "accused_unit": accused,
        **changes,
    }


def accusation(flow: Flow, tree: Tree, *, routed: bool = False) -> Matter:
    """An accusation taken in by the 新城区 centre; ``routed``: sent on to 新城区纪委监委."""
    if routed:
        return flow.routed(lead_unit=tree.unit_discipline_a, purpose="accusation")
    return flow.at_county(purpose="accusation")


def discipline_handler(tree: Tree) -> User:
    return make_user("discipline_handler", Role.UNIT_HANDLER, tree.county_a, unit=tree.unit_discipline_a)


def notify(flow: Flow, actor: User, m: Matter, **changes: Any) -> CadreNotice:
    flow.act(actions.cadre_notify, actor, m, **notice_inputs(m, **changes))
    return CadreNotice.objects.filter(matter=m).latest("pk")


def client_for(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client
