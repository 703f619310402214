"""检索: names, places, units and content words found by their bigrams, ranked, inside the jurisdiction."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from conftest import PASSWORD, Personas, Tree
from daiban.accounts.models import User
from daiban.matters import actions
from daiban.matters.actions import PetitionerInput
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow, id_with_check
from daiban.search import query
from daiban.search.grams import code, grams, normalize
from daiban.search.index import CONTENT_GRAMS, reindex
from daiban.search.models import Gram, Kind
from daiban.search.query import Cursor, TermTooShort, search

Capture = Callable[..., AbstractContextManager[Any]]


def person(name: str, n: int) -> list[PetitionerInput]:
    return [PetitionerInput(name=name, id_number=id_with_check(f"15010219800101{n:03d}"))]


@pytest.fixture
def flow(tree: Tree, personas: Personas, django_capture_on_commit_callbacks: Capture) -> Iterator[Flow]:
    """A flow whose actions' after-commit hooks run (so the index follows them, as in production)."""

    class Committing(Flow):
        def call(self, fn: Any, **kwargs: Any) -> Any:
            with django_capture_on_commit_callbacks(execute=True):
                return super().call(fn, **kwargs)

        def intake(self, actor: User | None = None, region: Any = None, **overrides: Any) -> Matter:
            with django_capture_on_commit_callbacks(execute=True):
                return super().intake(actor, region, **overrides)

    yield Committing(tree, personas)


def numbers(user: User, term: str) -> list[str]:
    hits = search(user, term).hits
    by_id = dict(Matter.objects.filter(pk__in=[h.matter_id for h in hits]).values_list("pk", "number"))
    return [by_id[h.matter_id] for h in hits]


def labels(user: User, term: str) -> list[str]:
    return [h.label for h in search(user, term).hits]


# ------------------------------------------------------------------------------------------------ bigrams


def test_bigrams_of_text() -> None:
    assert grams("王芳") == [code("王芳")]
    assert grams("王芳芳") == [code("王芳"), code("芳芳")]
    # Punctuation and spaces split runs; full-width letters and digits are folded.
    assert grams("雨天，漏水") == [code("雨天"), code("漏水")]
    assert normalize("ＡＢ１２") == "ab12"
    assert len(grams("".join(chr(0x4E00 + i) for i in range(500)), CONTENT_GRAMS)) == CONTENT_GRAMS


def test_one_character_is_too_short(personas: Personas) -> None:
    with pytest.raises(TermTooShort):
        search(personas.county_staff, "王")


# ------------------------------------------------------------------------------------------------ finding


def test_a_name_exact_first_then_names_containing_it(flow: Flow, personas: Personas) -> None:
    longer = flow.at_county(petitioners=person("王芳芳", 1), title="供暖不达标")
    flow.later(hours=1)
    exact = flow.at_county(petitioners=person("王芳", 2), title="物业费争议")
    flow.later(hours=1)
    newest = flow.at_county(petitioners=person("李四", 3), title="王芳反映的噪声问题")
    flow.at_county(petitioners=person("赵六", 4), title="路灯不亮")
    user = personas.county_staff
    assert numbers(user, "王芳") == [exact.number, longer.number, newest.number]
    assert labels(user, "王芳") == ["姓名", "姓名", "事项摘要"]
    assert numbers(user, "芳芳") == [longer.number]
    assert numbers(user, "王五") == []


def test_place_unit_and_content_words(flow: Flow, tree: Tree, personas: Personas) -> None:
    at_suyala = flow.at_county(petitioners=person("张三", 5), content="小区改造后楼道管线未恢复，雨天漏水。")
    routed = flow.routed(petitioners=person("李明", 6), region=tree.village_a2x, content="拖欠工资三个月。")
    user = personas.county_staff
    assert numbers(user, "苏雅拉") == [at_suyala.number]
    assert labels(user, "苏雅拉") == ["问题发生地"]
    assert numbers(user, "住房和城乡") == [routed.number]
    assert labels(user, "住房和城乡") == ["事权单位"]
    assert numbers(user, "雨天漏水") == [at_suyala.number]
    assert labels(user, "雨天漏水") == ["反映内容"]
    # Every word must be there (in the same field); a word only half there is no hit.
    assert numbers(user, "雨天 漏水") == [at_suyala.number]
    assert numbers(user, "雨天 工资") == []
    assert numbers(user, "漏水了") == []


def test_a_foreign_county_is_never_searched(flow: Flow, tree: Tree, personas: Personas) -> None:
    own = flow.at_county(petitioners=person("王芳", 7))
    foreign = flow.intake(personas.outsider, tree.village_b1x, petitioners=person("王芳", 8))
    assert numbers(personas.county_staff, "王芳") == [own.number]
    assert numbers(personas.outsider, "王芳") == [foreign.number]
    assert sorted(numbers(personas.city_admin, "王芳")) == sorted([own.number, foreign.number])
    # A township sees its own township only: 迎新路街道's matter is not 呼伦路街道's.
    other_town = flow.at_county(region=tree.village_a2x, petitioners=person("王芳", 9), new_matter=True)
    assert numbers(personas.township_staff, "王芳") == [own.number]
    assert other_town.number in numbers(personas.county_staff, "王芳")


def test_a_unit_handler_finds_only_the_units_matters(flow: Flow, tree: Tree, personas: Personas) -> None:
    routed = flow.routed(petitioners=person("王芳", 10))
    flow.at_county(petitioners=person("王芳", 11), region=tree.village_a1y)
    assert numbers(personas.unit_handler, "王芳") == [routed.number]
    assert numbers(personas.outsider_unit_handler, "王芳") == []


# ------------------------------------------------------------------------------------------------ upkeep


def test_the_index_follows_intake_and_routing(flow: Flow, tree: Tree, personas: Personas) -> None:
    m = flow.at_county(petitioners=person("周敏", 12))
    assert numbers(personas.county_staff, "周敏") == [m.number]
    assert numbers(personas.county_staff, "人力资源") == []
    flow.act(
        actions.matter_route,
        personas.county_staff,
        m,
        lead_unit=tree.unit_hr_a,
        lead_instructions="请依法办理",
    )
    assert numbers(personas.county_staff, "人力资源") == [m.number]


def test_reindex_is_idempotent_and_checks_the_stored_text(flow: Flow, personas: Personas) -> None:
    m = flow.at_county(petitioners=person("王芳", 13))
    before = set(Gram.objects.values_list("matter_id", "kind", "gram", "scope_county", "received_at"))
    assert (m.pk, Kind.NAME, code("王芳"), "150102", m.received_at) in before
    call_command("reindex_search", batch=1, stdout=io.StringIO())
    call_command("reindex_search", stdout=io.StringIO())
    assert set(Gram.objects.values_list("matter_id", "kind", "gram", "scope_county", "received_at")) == before
    # A stale row never makes a hit: the stored text decides (here a name erased without an event).
    m.petitioners.update(name="（已匿名）")
    assert numbers(personas.county_staff, "王芳") == []
    reindex([m.pk])
    assert not Gram.objects.filter(matter_id=m.pk, gram=code("王芳")).exists()


def test_pages_continue_from_the_cursor(
    flow: Flow, personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = []
    for i in range(5):
        made.append(flow.at_county(petitioners=person(f"王芳{'芳' * (i % 2)}", 20 + i)).number)
        flow.later(hours=1)
    monkeypatch.setattr(query, "PAGE", 2)
    monkeypatch.setattr(query, "BATCH", 2)
    seen: list[int] = []
    cursor: Cursor | None = None
    for _ in range(5):
        result = search(personas.county_staff, "王芳", cursor)
        seen += [h.matter_id for h in result.hits]
        if result.next is None:
            break
        cursor = Cursor.decode(result.next.encode())
    found = dict(Matter.objects.filter(pk__in=seen).values_list("pk", "number"))
    # Exact names (i = 4, 2, 0) newest first, then 王芳芳 (i = 3, 1); each once.
    assert [found[pk] for pk in seen] == [made[4], made[2], made[0], made[3], made[1]]
    assert Cursor.decode("not a cursor") is None


# ------------------------------------------------------------------------------------------------ the page


def login(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_page_posts_the_term(flow: Flow, tree: Tree, personas: Personas) -> None:
    m = flow.at_county(petitioners=person("王芳", 30))
    client = login(personas.county_staff)
    page = client.get("/search/")
    assert page.status_code == 200 and 'method="post"' in page.content.decode()
    response = client.post("/search/", {"q": "王芳"})
    body = response.content.decode()
    assert response.status_code == 200 and m.number in body and "王芳" in body
    assert "请至少输入两个字" in client.post("/search/", {"q": "王"}).content.decode()
    outsider = login(personas.outsider).post("/search/", {"q": "王芳"}).content.decode()
    assert m.number not in outsider and "没有找到" in outsider


def test_an_upgraded_installation_gets_its_existing_matters_indexed(flow: Flow, personas: Personas) -> None:
    # Matters taken in before the search app existed (an upgrade): its migration 0002 indexes them, so the
    # page does not silently find nothing older than the upgrade. On an empty database it does nothing.
    import importlib

    from django.apps import apps as real_apps
    from django.db import connection

    backfill = importlib.import_module("daiban.search.migrations.0002_backfill_existing_matters").backfill
    m = flow.at_county(petitioners=person("王芳", 14))
    Gram.objects.all().delete()
    assert numbers(personas.county_staff, "王芳") == []

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection  # type: ignore[attr-defined]
    backfill(real_apps, editor)
    assert numbers(personas.county_staff, "王芳") == [m.number]
