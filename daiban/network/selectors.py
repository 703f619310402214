"""Read-side queries for the network page: counts grouped in the database, never row by row."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from daiban.accounts.models import User
from daiban.network import jurisdiction
from daiban.network.models import OrgKind
from daiban.regions.geometry import child_towards, subtree_q
from daiban.regions.models import Region


@dataclass
class NetworkRow:
    region: Region
    centres: int = 0
    stations: int = 0
    points: int = 0
    agents: int = 0
    full_time: int = 0
    party_members: int = 0
    deputies: int = 0
    attrs: dict[str, int] = field(default_factory=dict)

    @property
    def organisations(self) -> int:
        return self.centres + self.stations + self.points


def network_summary(*, fetched_by: User, under: Region) -> tuple[list[NetworkRow], NetworkRow]:
    """Organisation and agent counts for each child region of ``under`` (within the user's scope),
    plus a total row. Rows of ``under`` itself (e.g. the county centre) count in the total only,
    and in a row of their own named after ``under``."""
    children = list(jurisdiction.regions_for(fetched_by).filter(parent=under).order_by("code"))
    rows = {c.path: NetworkRow(region=c) for c in children}
    own = NetworkRow(region=under)
    total = NetworkRow(region=under)

    org_counts = (
        jurisdiction.organizations_for(fetched_by)
        .filter(subtree_q(under.path))
        .values("region_path", "kind")
        .annotate(n=Count("id"))
    )
    for item in org_counts:
        child = child_towards(under.path, item["region_path"])
        row = rows.get(child) if child else own
        for target in [r for r in (row, total) if r is not None]:
            if item["kind"] == OrgKind.CENTRE:
                target.centres += item["n"]
            elif item["kind"] == OrgKind.STATION:
                target.stations += item["n"]
            else:
                target.points += item["n"]

    agent_counts = (
        jurisdiction.agents_for(fetched_by)
        .filter(subtree_q(under.path), is_active=True)
        .values("region_path", "employment", "is_party_member")
        .annotate(n=Count("id"), deputies=Count("id", filter=~Q(deputy_level="")))
    )
    for item in agent_counts:
        child = child_towards(under.path, item["region_path"])
        row = rows.get(child) if child else own
        for target in [r for r in (row, total) if r is not None]:
            target.agents += item["n"]
            target.deputies += item["deputies"]
            if item["employment"] == "full":
                target.full_time += item["n"]
            if item["is_party_member"]:
                target.party_members += item["n"]

    result = list(rows.values())
    if own.organisations or own.agents:
        result.insert(0, own)
    return result, total
