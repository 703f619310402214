"""Receiving organs and referrals for the assistance tests, made through the real actions."""

from __future__ import annotations

from typing import Any

from django.test import Client

from conftest import PASSWORD
from daiban.accounts.models import User
from daiban.assistance import actions
from daiban.assistance.models import Outcome, Referral
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow
from daiban.network.models import ResponsibleUnit, UnitDomain
from daiban.regions.geometry import ancestor_paths
from daiban.regions.models import Level, Region

HARDSHIP = "信访人因病致贫，家中无固定收入，子女尚在读书。"


def organ(m: Matter, kind: str = "social") -> ResponsibleUnit:
    """The 民政局 (social) or the 人民法院 (judicial) of the county where ``m`` arose."""
    county = Region.objects.get(path__in=ancestor_paths(m.region_path), level=Level.COUNTY)
    name, domain = (
        (f"{county.name}民政局", UnitDomain.CIVIL_AFFAIRS)
        if kind == "social"
        else (f"{county.name}人民法院", UnitDomain.COURT)
    )
    found, _ = ResponsibleUnit.objects.get_or_create(region=county, name=name, defaults={"domain": domain})
    return found


def refer(flow: Flow, actor: User, m: Matter, kind: str = "social", **kw: Any) -> Referral:
    flow.act(
        actions.referral_record,
        actor,
        m,
        kind=kind,
        organ=kw.pop("organ", None) or organ(m, kind),
        hardship=kw.pop("hardship", HARDSHIP),
    )
    return Referral.objects.filter(matter=m).latest("pk")


def referred(flow: Flow, **overrides: Any) -> Matter:
    """A matter held by 苏雅拉社区 with one social-assistance referral awaiting its outcome."""
    m = flow.at_village(**overrides)
    refer(flow, flow.p.village_agent, m)
    return Flow.fresh(m)


def open_referral(m: Matter) -> Referral | None:
    return Referral.objects.filter(matter_id=m.pk, outcome=Outcome.PENDING).order_by("pk").first()


def referral_inputs(name: str, m: Matter) -> dict[str, Any]:
    """The two actions' inputs on any matter (for the shared tests that iterate the registry)."""
    if name == "assistance_referral":
        return {"kind": "social", "organ": organ(m), "hardship": HARDSHIP}
    return {"referral": open_referral(m), "outcome": "granted", "amount": None, "note": ""}


def client_for(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def ready(flow: Flow, **overrides: Any) -> Matter:
    """A matter held by 苏雅拉社区 whose county has a 民政局 to refer to."""
    m = flow.at_village(**overrides)
    organ(m)
    return m
