"""Matters marked 重大紧急 for the urgent tests, through the real actions, and the people around them."""

from __future__ import annotations

from dataclasses import dataclass

from django.test import Client

from conftest import PASSWORD, Personas, Tree, make_user
from daiban.accounts.models import Role, User
from daiban.matters.models import Event, Matter
from daiban.matters.tests.factories import Flow
from daiban.urgent import actions
from daiban.urgent.models import UrgentMarking, UrgentNotice

REASON = "三十余名村民聚集在村委会门口，情绪激动，扬言到市政府上访。"


@dataclass
class Others:
    """Beyond the shared personas: staff who must and must not hear of a matter of 苏雅拉社区."""

    city_leader: User  # 呼和浩特市: told
    sibling_station: User  # 迎新路街道, the other township of 新城区: not told
    village_colleague: User  # 苏雅拉社区 itself: not a level above
    other_county_leader: User  # 托克托县: not told


def others(tree: Tree, suffix: str = "") -> Others:
    return Others(
        city_leader=make_user("city_leader" + suffix, Role.LEADER, tree.city),
        sibling_station=make_user("sibling_station" + suffix, Role.TOWNSHIP_STAFF, tree.town_a2),
        village_colleague=make_user("village_colleague" + suffix, Role.VILLAGE_AGENT, tree.village_a1x),
        other_county_leader=make_user("other_county_leader" + suffix, Role.LEADER, tree.county_b),
    )


def mark(flow: Flow, actor: User, m: Matter, category: str = "group", reason: str = REASON) -> Matter:
    return flow.act(actions.urgent_mark, actor, m, category=category, reason=reason)


def downgrade(
    flow: Flow, actor: User, m: Matter, reason: str = "经现场劝导，群众已散去，诉求转入正常程序办理。"
) -> Matter:
    return flow.act(actions.urgent_downgrade, actor, m, reason=reason)


def state(m: Matter) -> tuple[object, ...]:
    """Everything a refused action must leave as it was."""
    fresh = Matter.objects.get(pk=m.pk)
    return (
        fresh.version,
        fresh.status,
        Event.objects.filter(matter=m).count(),
        list(UrgentMarking.objects.filter(matter=m).values_list("pk", "active", "ended_at")),
        UrgentNotice.objects.filter(marking__matter=m).count(),
    )


def client_for(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def told(m: Matter) -> set[str]:
    return set(UrgentNotice.objects.filter(marking__matter=m).values_list("recipient__username", flat=True))


__all__ = ["Others", "Personas", "client_for", "downgrade", "mark", "others", "state", "told"]
