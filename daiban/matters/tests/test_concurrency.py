"""Two people act on the same matter at the same moment (PostgreSQL only: SQLite has one writer).

Each thread has its own database connection; a barrier releases both calls together. The row lock and the
version check must let exactly one through; the other gets a clear Conflict and nothing is half-written.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from conftest import PASSWORD, Personas, Tree, make_user
from daiban.accounts.models import Role
from daiban.core import clock
from daiban.matters import actions
from daiban.matters.actions import PetitionerInput
from daiban.matters.models import Event, Matter, UnitTask
from daiban.matters.tests.factories import at, id_with_check, intake

pytestmark = [
    # Seeded reference rows (time limits) are put back after the flush by the root conftest.
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs PostgreSQL row locks"),
]

WHEN = at(2026, 6, 1)


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run ``calls`` in parallel threads released together; each result is the return value or the error."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            with clock.frozen(WHEN):  # the frozen clock is per thread (a ContextVar)
                results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a thread hung (deadlock?)"
    return results


def outcome(results: list[Any]) -> list[str]:
    return sorted("ok" if isinstance(r, Matter) else type(r).__name__ for r in results)


def test_two_escalations_at_once(tree: Tree, personas: Personas) -> None:
    with clock.frozen(WHEN):
        m = intake(personas.village_agent, tree.village_a1x)
    version = m.version

    def escalate(note: str) -> Callable[[], Matter]:
        return lambda: actions.matter_escalate(
            actor=personas.village_agent, matter_id=m.pk, expected_version=version, note=note
        )

    results = race(escalate("第一次上报"), escalate("第二次上报"))
    assert outcome(results) == ["Conflict", "ok"], results
    m.refresh_from_db()
    assert m.version == version + 1 and m.holder_region == tree.town_a1
    assert Event.objects.filter(matter=m).count() == version + 1


def test_route_and_escalate_at_once(tree: Tree, personas: Personas) -> None:
    with clock.frozen(WHEN):
        m = intake(personas.county_staff, tree.village_a1x)
    version = m.version
    results = race(
        lambda: actions.matter_route(
            actor=personas.county_staff,
            matter_id=m.pk,
            expected_version=version,
            lead_unit=tree.unit_housing_a,
        ),
        lambda: actions.matter_escalate(
            actor=personas.county_staff, matter_id=m.pk, expected_version=version, note="报市局"
        ),
    )
    assert outcome(results) in (["Conflict", "ok"], ["ok", "WrongState"]), results
    m.refresh_from_db()
    assert m.version == version + 1 and Event.objects.filter(matter=m).count() == version + 1
    routed = m.status == "routed"
    assert UnitTask.objects.filter(matter=m).count() == (1 if routed else 0)
    assert m.deadlines.filter(is_open=True).count() == (2 if routed else 1)


def test_two_units_accept_at_once_without_a_version(tree: Tree, personas: Personas) -> None:
    """Without an expected version (an API client that does not send one) the row lock still serialises:
    the second acceptance of the same task sees it accepted and is refused."""
    with clock.frozen(WHEN):
        m = intake(personas.county_staff, tree.village_a1x)
        m = actions.matter_route(
            actor=personas.county_staff,
            matter_id=m.pk,
            expected_version=m.version,
            lead_unit=tree.unit_housing_a,
        )
    task = m.tasks.get()

    def accept() -> Matter:
        return actions.task_accept(
            actor=personas.unit_handler, task_id=task.pk, expected_version=None, notice_method="phone"
        )

    results = race(accept, accept)
    assert outcome(results) == ["WrongState", "ok"], results
    m.refresh_from_db()
    assert m.version == 3 and m.deadlines.filter(step="handling").count() == 1


def test_two_first_intakes_of_the_year_get_distinct_numbers(tree: Tree, personas: Personas) -> None:
    from daiban.matters.actions import PetitionerInput
    from daiban.matters.tests.factories import id_with_check

    def take(i: int) -> Callable[[], Matter]:
        person = PetitionerInput(name=f"信访人{i}", id_number=id_with_check(f"15010219800101{i:03d}"))
        return lambda: intake(personas.county_staff, tree.village_a1x, petitioners=[person])

    results = race(take(1), take(2))
    assert outcome(results) == ["ok", "ok"], results
    assert sorted(Matter.objects.values_list("number", flat=True)) == [
        "150102-2026-00001",
        "150102-2026-00002",
    ]


def test_the_loser_of_two_posted_forms_gets_the_conflict_page(tree: Tree, personas: Personas) -> None:
    """Two agents of one village submit forms loaded on the same version at about the same moment,
    through the pages: one action goes through, the other gets the 409 conflict page with its text kept —
    never the 403 "cannot act" that the winner's change would otherwise cause when the loser's request
    reads the matter after the winner committed (the second request is released a little later in most
    trials, so both orders are exercised)."""
    colleague = make_user("village_agent_2", Role.VILLAGE_AGENT, tree.village_a1x)
    clients = []
    for user in (personas.village_agent, colleague):
        client = Client()
        assert client.login(username=user.username, password=PASSWORD)
        clients.append(client)

    def post(client: Client, m: Matter, action: str, note: str, delay: float) -> Callable[[], Any]:
        def call() -> Any:
            time.sleep(delay)
            return client.post(f"/matters/{m.pk}/act/{action}/", {"version": m.version, "note": note})

        return call

    trials = [(a, d) for d in (0.0, 0.02, 0.1, 0.3) for a in ("escalate", "start_local")]
    for i, (second_action, delay) in enumerate(trials):
        person = PetitionerInput(name=f"信访人{i}", id_number=id_with_check(f"15010219800101{i:03d}"))
        with clock.frozen(WHEN):
            m = intake(personas.village_agent, tree.village_a1x, petitioners=[person])
        notes = ("甲的上报说明", f"乙的说明（{second_action}）")
        responses = race(
            post(clients[0], m, "escalate", notes[0], 0.0),
            post(clients[1], m, second_action, notes[1], delay),
        )
        statuses = [r.status_code for r in responses]
        assert sorted(statuses) == [302, 409], (second_action, delay, statuses)
        loser = statuses.index(409)
        page = responses[loser].content.decode()
        assert "刚刚被他人修改" in page and notes[loser] in page
        m.refresh_from_db()
        assert m.version == 2 and Event.objects.filter(matter=m).count() == 2


def test_concurrent_intakes_of_one_new_person_make_one_person_and_ask_the_second(
    tree: Tree, personas: Personas
) -> None:
    """Issue 8 item 17: two agents take in the same new ID number at once. The database holds one row per
    person and county; the second intake waits for the first, finds its matter and asks the agent (art.
    19) instead of opening a duplicate."""
    from daiban.matters.errors import RepeatVisitUndecided
    from daiban.matters.models import Petitioner

    colleague = make_user("county_staff_2", Role.COUNTY_STAFF, tree.county_a)
    person = PetitionerInput(name="赵新民", id_number=id_with_check("15010219750505123"))

    def take(actor: Any) -> Callable[[], Matter]:
        return lambda: intake(actor, tree.village_a1x, petitioners=[person])

    results = race(take(personas.county_staff), take(colleague))
    kinds = sorted(type(r).__name__ for r in results)
    assert kinds == ["Matter", "RepeatVisitUndecided"], results
    asked = next(r for r in results if isinstance(r, RepeatVisitUndecided))
    assert [m.pk for m in asked.matters] == [Matter.objects.get().pk]
    assert Petitioner.objects.filter(name="赵新民").count() == 1
