"""Read-side queries for the network page: counts grouped in the database, never row by row."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from daiban.accounts import scope
from daiban.accounts.models import User
from daiban.network.models import OrgKind
from daiban.regions.models import Region, subtree_q


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


def _child_code(path: str, depth: int) -> str | None:
    parts = [p for p in path.split("/") if p]
    return parts[depth] if len(parts) > depth else None


def network_summary(*, fetched_by: User, under: Region) -> tuple[list[NetworkRow], NetworkRow]:
    """Organisation and agent counts for each child region of ``under`` (within the user's scope),
    plus a total row. Rows of ``under`` itself (e.g. the county centre) count in the total only,
    and in a row of their own named after ``under``."""
    children = list(scope.regions_for(fetched_by).filter(parent=under).order_by("code"))
    depth = len([p for p in under.path.split("/") if p])
    rows = {c.code: NetworkRow(region=c) for c in children}
    own = NetworkRow(region=under)
    total = NetworkRow(region=under)

    org_counts = (
        scope.organizations_for(fetched_by)
        .filter(subtree_q(under.path))
        .values("region_path", "kind")
        .annotate(n=Count("id"))
    )
    for item in org_counts:
        code = _child_code(item["region_path"], depth)
        row = rows.get(code) if code else own
        for target in [r for r in (row, total) if r is not None]:
            if item["kind"] == OrgKind.CENTRE:
                target.centres += item["n"]
            elif item["kind"] == OrgKind.STATION:
                target.stations += item["n"]
            else:
                target.points += item["n"]

    agent_counts = (
        scope.agents_for(fetched_by)
        .filter(subtree_q(under.path), is_active=True)
        .values("region_path", "employment", "is_party_member")
        .annotate(n=Count("id"), deputies=Count("id", filter=~Q(deputy_level="")))
    )
    for item in agent_counts:
        code = _child_code(item["region_path"], depth)
        row = rows.get(code) if code else own
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
