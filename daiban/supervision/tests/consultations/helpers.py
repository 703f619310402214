"""What the consultation tests share: the county's experts, a difficult (group) matter, a convened
consultation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conftest import Personas, Tree
from daiban.core import clock
from daiban.matters.actions import PetitionerInput
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow, id_with_check
from daiban.network.models import Agent, ServiceOrganization
from daiban.supervision.actions import consultations as cons
from daiban.supervision.models import Consultation

# Six people, one of them registered: a group matter (集体访), so a difficult one.
GROUP: dict[str, Any] = {"headcount": 6}
OTHER_PERSON = {"petitioners": [PetitionerInput(name="李秀英", id_number=id_with_check("15010219750620002"))]}


@dataclass
class Experts:
    lawyer: Agent  # 新城区 centre, 法律顾问
    expert: Agent  # 苏雅拉社区, 专家
    plain: Agent  # 新城区 centre, neither
    elsewhere: Agent  # 托克托县 centre, 专家 (another county)


def _agent(region: Any, name: str, **attrs: bool) -> Agent:
    org = ServiceOrganization.objects.get(region=region)
    return Agent.objects.create(name=name, organization=org, **attrs)


def experts(tree: Tree) -> Experts:
    return Experts(
        lawyer=_agent(tree.county_a, "张律师", is_legal_adviser=True),
        expert=_agent(tree.village_a1x, "赵专家", is_expert=True),
        plain=_agent(tree.county_a, "钱干事"),
        elsewhere=_agent(tree.county_b, "孙专家", is_expert=True),
    )


def group_matter(flow: Flow, **overrides: Any) -> Matter:
    """A group matter routed to 新城区住建局 (taken in by the 新城区 centre at 苏雅拉社区)."""
    return flow.routed(**{**GROUP, **overrides})


def convene(flow: Flow, personas: Personas, matter: Matter, ex: Experts, **kw: Any) -> Consultation:
    args: dict[str, Any] = {
        "question": "诉求是否有政策依据",
        "experts": [ex.lawyer, ex.expert],
        "outside_members": "王教授（内蒙古大学）",
    } | kw
    with clock.frozen(flow.now):
        return cons.consultation_convene(actor=personas.county_staff, matter_id=matter.pk, **args)
