"""List, home, export and petitioner pages: scope, query counts, and counts that match their lists."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import PASSWORD, Personas, Tree
from daiban.accounts.models import User
from daiban.matters import actions
from daiban.matters.actions import PetitionerInput
from daiban.matters.models import Matter
from daiban.matters.tests.factories import frozen, id_with_check, intake


def _home_queues(response: Any) -> list[dict[str, Any]]:
    """The queue counts of the matters' panel on the home page."""
    shown = next(s for s in response.context["panels"]["main"] if s.panel.key == "matters.queues")
    queues: list[dict[str, Any]] = shown.context["queues"]
    return queues


def _client(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _make(personas: Personas, tree: Tree, n: int, start: int = 0) -> list[Matter]:
    made = []
    for i in range(start, start + n):
        with frozen(2026, 11, 1 + (i % 20)):
            made.append(
                intake(
                    personas.village_agent,
                    tree.village_a1x,
                    petitioners=[
                        PetitionerInput(name=f"李{i}", phone=f"139047{i:05d}", group="resident"),
                        PetitionerInput(name=f"赵{i}", phone=f"138047{i:05d}", group="resident"),
                    ],
                    title=f"事项{i}",
                    content=f"第{i}号反映内容",
                    new_matter_reason="新问题",
                )
            )
    return made


def _count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow_with_rows(tree: Tree, personas: Personas) -> None:
    client = _client(personas.county_staff)
    _make(personas, tree, 3)
    few = _count_queries(client, "/matters/")
    _make(personas, tree, 20, start=3)
    many = _count_queries(client, "/matters/")
    assert many == few
    assert many <= 12
    # The same holds for the home page and a filtered, searched list.
    assert _count_queries(client, "/matters/?queue=todo&order=due") <= 14
    # The home page: its panels' fixed reads (the statistics card reads its region and two rollups; the
    # pinned 重大紧急, the pending 责令改正 and the 支持事项 to carry out one bounded read each).
    assert _count_queries(client, "/") <= 25


def test_list_paginates_without_losing_or_repeating_rows(tree: Tree, personas: Personas) -> None:
    made = _make(personas, tree, 30)
    client = _client(personas.county_staff)
    seen: list[str] = []
    url = "/matters/"
    while url:
        response = client.get(url)
        page = response.context["rows"]
        assert len(page) <= 25
        seen += [row.matter.number for row in page]
        url = response.context["next_url"] and "/matters/" + response.context["next_url"]
    assert sorted(seen) == sorted(m.number for m in made)
    assert len(seen) == len(set(seen))


def test_list_and_export_show_nothing_outside_scope(tree: Tree, personas: Personas) -> None:
    ours = _make(personas, tree, 2)
    with frozen(2026, 11, 5):
        theirs = intake(
            personas.outsider_village_agent,
            tree.village_b1x,
            petitioners=[PetitionerInput(name="刘某", phone="13704719999")],
            title="托县事项",
        )
    for user, visible, hidden in (
        (personas.county_staff, ours, [theirs]),
        (personas.outsider, [theirs], ours),
    ):
        client = _client(user)
        listing = client.get("/matters/").content.decode()
        export = b"".join(client.get("/matters/export.csv").streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
        for m in visible:
            assert m.number in listing and m.number in export
        for m in hidden:
            assert m.number not in listing and m.number not in export
        # The export never carries ID or phone numbers.
        assert "13904" not in export and "13704" not in export


def test_home_counts_equal_the_lists_they_link_to(tree: Tree, personas: Personas) -> None:
    made = _make(personas, tree, 4)
    m = Matter.objects.get(pk=made[0].pk)
    actions.matter_escalate(
        actor=personas.village_agent, matter_id=m.pk, expected_version=m.version, note="上报"
    )
    for user in (personas.village_agent, personas.township_staff, personas.county_staff, personas.supervisor):
        client = _client(user)
        home = client.get("/")
        for item in _home_queues(home):
            key, count = item["queue"].key, item["count"]
            listing = client.get(f"/matters/?queue={key}")
            assert listing.context["queue_count"] == count, (user.username, key)
            assert len(listing.context["rows"]) == min(count, 25), (user.username, key)
    todo = _home_queues(_client(personas.village_agent).get("/"))[0]
    assert todo["queue"].key == "todo" and todo["count"] == 3
    assert _home_queues(_client(personas.township_staff).get("/"))[0]["count"] == 1


def test_search_by_number_name_initials_and_content(tree: Tree, personas: Personas) -> None:
    with frozen(2026, 11, 2):
        wang = intake(personas.village_agent, tree.village_a1x)
    _make(personas, tree, 3)
    client = _client(personas.county_staff)

    def found(q: str) -> list[str]:
        return [row.matter.number for row in client.get("/matters/", {"q": q}).context["rows"]]

    assert found(wang.number) == [wang.number]
    assert found(wang.lookup_code) == [wang.number]
    assert found("王建国") == [wang.number]
    assert found("wjg") == [wang.number]
    assert found("楼道管线") == [wang.number]
    assert found("不存在的内容") == []


def test_petitioner_page_and_number_search(tree: Tree, personas: Personas) -> None:
    with frozen(2026, 10, 1):
        first = intake(personas.village_agent, tree.village_a1x)
    with frozen(2026, 11, 1):
        second = intake(
            personas.village_agent, tree.village_a1x, title="又一件事", new_matter_reason="不同问题"
        )
    person = first.petitioners.get()
    assert second.petitioners.get() == person  # recognised by the keyed hash of the ID number
    client = _client(personas.township_staff)
    page = client.get(f"/petitioners/{person.pk}/").content.decode()
    assert first.number in page and second.number in page
    assert id_with_check("15010219680315123")[:6] + "********" in page  # masked, never the full number
    # Number search is POST-only and finds the person without the number ever being in a URL.
    response = client.post("/petitioners/", {"term": "13904711234"})
    assert [p.pk for p in response.context["results"]] == [person.pk]
    assert _client(personas.outsider).get(f"/petitioners/{person.pk}/").status_code == 404
    assert _client(personas.outsider).post("/petitioners/", {"term": "13904711234"}).context["results"] == []


def test_name_search_is_post_only(tree: Tree, personas: Personas) -> None:
    with frozen(2026, 10, 1):
        m = intake(personas.village_agent, tree.village_a1x)
    client = _client(personas.county_staff)
    assert client.get("/petitioners/", {"name": "王建"}).context["results"] == []
    found = client.post("/petitioners/", {"name": "王建"}).context["results"]
    assert [p.pk for p in found] == [m.petitioners.get().pk]
    assert _client(personas.outsider).post("/petitioners/", {"name": "王建"}).context["results"] == []


def test_intake_recognises_a_known_person_from_their_number(tree: Tree, personas: Personas) -> None:
    with frozen(2026, 10, 1):
        m = intake(personas.village_agent, tree.village_a1x)
    client = _client(personas.township_staff)
    page = client.post("/matters/lookup/", {"p-0-phone": "139 0471 1234"}).content.decode()
    assert "已识别信访人" in page and m.number in page
    page = client.post(
        "/matters/lookup/", {"p-1-id_number": id_with_check("15010219680315123")}
    ).content.decode()
    assert m.number in page
    assert (
        "已识别"
        not in _client(personas.outsider)
        .post("/matters/lookup/", {"p-0-phone": "13904711234"})
        .content.decode()
    )


def test_matter_page_query_count_does_not_grow_with_units(tree: Tree, personas: Personas) -> None:
    def routed(co: list) -> Matter:  # type: ignore[type-arg]
        with frozen(2026, 11, 2):
            m = intake(personas.county_staff, tree.village_a1x, new_matter_reason="新问题")
            return actions.matter_route(
                actor=personas.county_staff,
                matter_id=m.pk,
                expected_version=m.version,
                lead_unit=tree.unit_housing_a,
                co_units=[(u, "协办") for u in co],
            )

    client = _client(personas.county_staff)
    client.get(f"/matters/{routed([]).pk}/")  # warm the per-process caches (the documents' region paths)
    one = _count_queries(client, f"/matters/{routed([]).pk}/")
    three = _count_queries(client, f"/matters/{routed([tree.unit_hr_a, tree.unit_housing_city]).pk}/")
    assert three == one
    # The matter's own sections take 25; the sections the apps around it add (documents: its documents,
    # tasks, opinions, events, orders and agreements, each read once; mediation: its dossier; the portal: the
    # online-request origin, the nav badge of pending requests, the online ratings) a constant few; the
    # regulation's further steps (issue 16) add their sections and buttons' rules, each a fixed read: the
    # 重大紧急 marking (once, shared by both buttons) and its panel, referrals, support items and their
    # opinion, failures and correction orders, hearing records.
    assert one <= 51


def test_deadline_queues_list_soonest_due_first_unless_the_reader_chooses(
    tree: Tree, personas: Personas
) -> None:
    """?queue=overdue (the home page's link) reads by due date, which is also its index; the order select shows
    it, and a chosen order is kept. The home page's most urgent rows are the same first rows."""
    made = _make(personas, tree, 4)
    due = sorted(Matter.objects.filter(pk__in=[m.pk for m in made]), key=lambda m: (m.due_date, m.pk))
    client = _client(personas.county_staff)
    with frozen(2027, 6, 1):  # every one of them is overdue by then
        by_due = client.get("/matters/?queue=overdue")
        by_receipt = client.get("/matters/?queue=overdue&order=received")
        home = _client(personas.village_agent).get("/")
    assert [r.matter.pk for r in by_due.context["rows"]] == [m.pk for m in due]
    assert by_due.context["form"]["order"].value() == "due"
    received = sorted(due, key=lambda m: (m.received_at, m.pk), reverse=True)
    assert [r.matter.pk for r in by_receipt.context["rows"]] == [m.pk for m in received]
    assert by_receipt.context["form"]["order"].value() == "received"
    shown = next(s for s in home.context["panels"]["main"] if s.panel.key == "matters.queues")
    assert shown.context["first_queue"].key == "todo"  # the agent's own point holds all four
    expected = list(
        Matter.objects.filter(pk__in=[m.pk for m in made], due_date__isnull=False)
        .order_by("due_date", "id")
        .values_list("pk", flat=True)
    )
    assert [r.matter.pk for r in shown.context["urgent"]] == expected
