"""Who is offered as a likely repeat: the same person first, then similar texts of the same place; never a
matter outside the agent's jurisdiction, never an accusation; at most five."""

from __future__ import annotations

from conftest import Personas, Tree
from daiban.matters.tests.factories import Flow
from daiban.pii.fields import search_q
from daiban.repeats import selectors
from daiban.repeats.tests.helpers import LEAK, LEAK_AGAIN, LI_ID, WAGES, ZHAO, matter


def _ask(user, tree: Tree, text: str, number: str = ""):  # type: ignore[no-untyped-def]
    q = search_q(number, prefix="petitioners__") if number else None
    return selectors.candidates(user, text=text, region_id=tree.village_a1x.pk, person_q=q)


def test_the_same_person_comes_first_then_similar_text_of_the_same_place(
    flow: Flow, tree: Tree, personas: Personas
) -> None:
    wages = matter(flow, WAGES)  # 李秀英, another problem
    leak = matter(flow, LEAK, person=ZHAO)  # 赵红梅, the leak
    found = _ask(personas.village_agent, tree, LEAK_AGAIN, LI_ID)
    assert [c.matter.pk for c in found] == [wages.pk, leak.pk]
    assert found[0].reason == "同一信访人"
    assert found[1].reason.startswith("同一村（社区）、内容相似 ")
    assert 60 <= found[1].similarity < 100
    assert found[1].masked_names == "赵**"
    assert found[1].excerpt.startswith("小区改造后")


def test_unrelated_text_and_a_too_short_text_find_nothing(flow: Flow, tree: Tree, personas: Personas) -> None:
    matter(flow, LEAK, person=ZHAO)
    assert _ask(personas.village_agent, tree, WAGES) == []
    assert _ask(personas.village_agent, tree, "漏水") == []


def test_a_foreign_county_matter_never_appears(flow: Flow, tree: Tree, personas: Personas) -> None:
    """托克托县 took in the same person with the same words: the 新城区 agent is never shown it."""
    foreign = matter(flow, LEAK, actor=personas.outsider, region=tree.village_b1x)
    for user in (personas.village_agent, personas.county_staff):
        assert _ask(user, tree, LEAK, LI_ID) == []
        found = selectors.candidates(
            user, text=LEAK, region_id=tree.village_b1x.pk, person_q=search_q(LI_ID, prefix="petitioners__")
        )
        assert foreign.pk not in {c.matter.pk for c in found}
    assert [c.matter.pk for c in _ask(personas.outsider, tree, LEAK, LI_ID)] == [foreign.pk]


def test_accusations_are_never_offered(flow: Flow, tree: Tree, personas: Personas) -> None:
    matter(flow, LEAK, purpose="accusation")
    assert _ask(personas.village_agent, tree, LEAK, LI_ID) == []


def test_at_most_five(flow: Flow, tree: Tree, personas: Personas) -> None:
    for _ in range(7):
        matter(flow, LEAK)
    assert len(_ask(personas.village_agent, tree, LEAK, LI_ID)) == selectors.SHOWN == 5


def test_the_queries_are_few(
    flow: Flow,
    tree: Tree,
    personas: Personas,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    for _ in range(3):
        matter(flow, LEAK)
    matter(flow, LEAK_AGAIN, person=ZHAO)
    with django_assert_max_num_queries(6):
        assert _ask(personas.village_agent, tree, LEAK, LI_ID)


def test_the_matter_page_asks_about_earlier_matters_only(flow: Flow, tree: Tree, personas: Personas) -> None:
    first = matter(flow, LEAK, person=ZHAO)
    second = matter(flow, LEAK_AGAIN)
    assert [c.matter.pk for c in selectors.for_matter(personas.village_agent, second)] == [first.pk]
    assert selectors.for_matter(personas.village_agent, first) == []
