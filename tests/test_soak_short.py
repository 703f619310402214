"""A short soak (issue 15): bench/soak.py's simulated agents against the live server for a few seconds.

Eight township staff, two to a township, each with their own session over real HTTP for 5 s: intakes through
the form (CSRF), list and matter pages, and races in which both agents of a township post an action on the
same matter at the same version (every pair races at least once, however slow the machine). Exactly one must
win and the other get the conflict page (409); nothing may answer 5xx; and afterwards the database must hold
exactly the matters the clients saw created, each with version = last event seq, seqs 1..n, one event per
won transition and the one set of open clocks its history calls for (``soak.check_invariants``). The long
run is ``bench/soak.py`` (bench/README.md).
"""

from __future__ import annotations

from typing import Any

from bench import soak
from conftest import Tree, seed_time_limits
from daiban.accounts.models import Role, User
from daiban.regions.models import Region


def test_short_soak_keeps_the_invariants(transactional_db: None, live_server: Any, tree: Tree) -> None:
    seed_time_limits()
    users: list[tuple[str, int, int]] = []
    regions: dict[int, list[int]] = {}
    for town in (tree.town_a1, tree.town_a2, tree.town_b1, tree.town_b2):
        regions[town.pk] = [town.pk, *Region.objects.filter(parent=town).values_list("pk", flat=True)]
        for side in "ab":
            user = User(
                username=f"soak_{town.code}{side}",
                display_name=f"压测{side}",
                role=Role.TOWNSHIP_STAFF,
                region=town,
            )
            user.set_password(soak.PASSWORD)
            user.save()
            users.append((user.username, user.pk, town.pk))
    world = soak.World(users, regions)
    host, port = live_server.url.removeprefix("http://").rsplit(":", 1)

    stats, ledger, _ = soak.run_agents(int(port), world, seconds=5, intake_only=False, host=host)

    problems = [*stats.failures, *soak.check_invariants(world, ledger)]
    assert not problems, "\n".join(problems[:20])
    assert not any(code >= 500 for codes in stats.statuses.values() for code in codes)
    assert len(ledger.created) >= 8, "every agent took at least one matter in"
    assert ledger.races >= 4, "every pair races at least once"
    assert ledger.conflicts == ledger.races, "each race: one winner, one 409"
