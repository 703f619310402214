"""The accountability demo (arts. 42(4), 43–45): in each county the centre's first staff account orders
the parties responsible for the first few failures of its matters to correct them (责令改正), through the
real action; the first order of each county is answered with a 整改 report by the ordered party. The
texts are in ``data/accountability/orders.json``, with two matters registered 40 days ago and left lying
(never routed; routed but never accepted) so that those failures show too: the first ordered by its
township station, the second left for the county centre to order from the matter page. Nothing is done
when an order exists already."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from daiban.accountability import actions, failures
from daiban.accountability.models import CorrectionOrder
from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.core import clock
from daiban.demo.files import read_json
from daiban.matters import actions as matter_actions
from daiban.matters.actions import PetitionerInput
from daiban.matters.models import Matter
from daiban.matters.selectors import matter_region_q
from daiban.network.models import ResponsibleUnit
from daiban.regions.models import Level, Region

PLAN_FILE = "accountability/orders.json"
SCANNED = 60  # the county's matters looked at: those whose current deadline passed first


def _reporter(order: CorrectionOrder) -> User | None:
    people = User.objects.filter(is_active=True)
    if order.to_unit_id is not None:
        return people.filter(role=Role.UNIT_HANDLER, unit_id=order.to_unit_id).order_by("pk").first()
    if order.to_region_id is None:
        return None
    return people.filter(role__in=AGENT_ROLES, region_id=order.to_region_id).order_by("pk").first()


def _late_matter(entry: dict[str, Any], instructions: dict[str, str], due_in_days: int) -> int:
    """One matter left lying since ``days_ago`` (registered then, and routed then for ``not_accepted``),
    made through the real actions on a clock set back; ordered corrected by ``ordered_by`` when named."""
    agent = User.objects.get(username=entry["agent"])
    region = Region.objects.get(code=entry["region_code"])
    then = clock.now() - datetime.timedelta(days=entry["days_ago"])
    with clock.frozen(then):
        m = matter_actions.matter_intake(
            actor=agent,
            petitioners=[PetitionerInput(name=entry["petitioner"], phone=entry["phone"])],
            channel="window",
            consent=True,
            region=region,
            title=entry["title"],
            content=entry["content"],
            request=entry["request"],
            category=entry["category"],
            purpose="appeal",
            new_matter=True,
        ).matter
        if entry.get("unit"):
            unit = ResponsibleUnit.objects.get(
                region__code=agent.region.code if agent.region else "", name=entry["unit"]
            )
            matter_actions.matter_route(
                actor=agent, matter_id=m.pk, expected_version=m.version, lead_unit=unit
            )
    if entry.get("ordered_by"):
        actions.correction_order(
            actor=User.objects.get(username=entry["ordered_by"]),
            matter_id=m.pk,
            expected_version=None,
            failure=entry["kind"],
            instructions=instructions[entry["kind"]],
            due_date=clock.today() + datetime.timedelta(days=due_in_days),
        )
    return m.pk


def load_demo_accountability() -> tuple[int, int] | None:
    """(orders made, reports made), or None when there were orders already."""
    if CorrectionOrder.objects.exists():
        return None
    plan = read_json(PLAN_FILE)
    today = clock.today()
    orders = reports = 0
    staff = User.objects.filter(role=Role.COUNTY_STAFF, is_active=True, region__level=Level.COUNTY)
    with transaction.atomic():
        lying = [_late_matter(e, plan["instructions"], plan["due_in_days"]) for e in plan["late_matters"]]
        orders = CorrectionOrder.objects.count()
        seen: set[int] = set()
        for actor in staff.select_related("region").order_by("region__path", "pk"):
            county = actor.region
            assert county is not None
            if county.pk in seen:
                continue
            seen.add(county.pk)
            late = (
                Matter.objects.filter(matter_region_q(county.path, county.pk))
                .exclude(due_date=None)
                .exclude(pk__in=lying)
            )
            made: list[CorrectionOrder] = []
            for m in late.filter(due_date__lt=today).order_by("due_date", "pk")[:SCANNED]:
                if len(made) >= plan["per_county"]:
                    break
                found = failures.orderable(actor, m, today)
                if not found:
                    continue
                actions.correction_order(
                    actor=actor,
                    matter_id=m.pk,
                    expected_version=None,
                    failure=found[0].kind,
                    instructions=plan["instructions"][found[0].kind],
                    due_date=today + datetime.timedelta(days=plan["due_in_days"]),
                )
                made.append(CorrectionOrder.objects.filter(matter=m).latest("pk"))
            orders += len(made)
            for order in made[:1]:
                reporter = _reporter(order)
                if reporter is None:
                    continue
                actions.correction_report(
                    actor=reporter, order_id=order.pk, expected_version=order.version, report=plan["report"]
                )
                reports += 1
    return orders, reports
