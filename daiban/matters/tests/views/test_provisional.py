"""暂定 is shown wherever a matter's deadline appears: the lists, the home page's urgent list, the
petitioner page and the CSV export (issue 8, item 13)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client

from conftest import PASSWORD, Personas, Tree
from daiban.accounts.models import User
from daiban.matters.actions import PetitionerInput
from daiban.matters.choices import Status
from daiban.matters.models import Matter
from daiban.matters.tests.factories import frozen, intake
from daiban.matters.views.lists import list_row

D = datetime.date


def _client(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _person(name: str, phone: str) -> list[PetitionerInput]:
    return [PetitionerInput(name=name, phone=phone, group="resident")]


@pytest.fixture
def two(tree: Tree, personas: Personas) -> tuple[Matter, Matter]:
    """One matter whose deadline rests on the unpublished 2027 schedule, one inside 2026."""
    with frozen(2026, 12, 17):
        guessed = intake(
            personas.village_agent, tree.village_a1x, petitioners=_person("刘建华", "13904710001")
        )
    with frozen(2026, 11, 2):
        known = intake(
            personas.village_agent,
            tree.village_a1x,
            petitioners=_person("陈志刚", "13904710002"),
            title="路灯不亮",
        )
    guessed.refresh_from_db()
    known.refresh_from_db()
    # 12-17 + 15 = 2027-01-01, 元旦 by the holiday law (2027 not yet published) → 01-04, provisional
    assert (guessed.due_date, guessed.due_provisional) == (D(2027, 1, 4), True)
    assert (known.due_date, known.due_provisional) == (D(2026, 11, 17), False)
    return guessed, known


def _rows(html: str) -> dict[str, str]:
    """Each matter row of a page by matter number."""
    found = re.findall(r'<li class="matter-row" data-number="([^"]+)">(.*?)</li>', html, re.S)
    return dict(found)


def test_matter_list_marks_a_provisional_deadline(two: tuple[Matter, Matter], personas: Personas) -> None:
    guessed, known = two
    response = _client(personas.village_agent).get("/matters/")
    rows = _rows(response.content.decode())
    assert "1月4日" in rows[guessed.number] and "暂定" in rows[guessed.number]
    assert "11月17日" in rows[known.number] and "暂定" not in rows[known.number]
    by_number = {row.matter.number: row.due_provisional for row in response.context["rows"]}
    assert by_number == {guessed.number: True, known.number: False}


def test_home_urgent_list_marks_a_provisional_deadline(
    two: tuple[Matter, Matter], personas: Personas
) -> None:
    guessed, known = two
    response = _client(personas.village_agent).get("/")
    shown = next(s for s in response.context["panels"]["main"] if s.panel.key == "matters.queues")
    assert {row.matter.number: row.due_provisional for row in shown.context["urgent"]} == {
        guessed.number: True,
        known.number: False,
    }
    rows = _rows(response.content.decode())
    assert "暂定" in rows[guessed.number] and "暂定" not in rows[known.number]


def test_petitioner_page_marks_a_provisional_deadline(two: tuple[Matter, Matter], personas: Personas) -> None:
    guessed, _known = two
    person = guessed.petitioners.get()
    page = _client(personas.village_agent).get(f"/petitioners/{person.pk}/").content.decode()
    assert "暂定" in _rows(page)[guessed.number]


def test_csv_export_marks_a_provisional_deadline(two: tuple[Matter, Matter], personas: Personas) -> None:
    guessed, known = two
    response = _client(personas.village_agent).get("/matters/export.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    lines = {line.split(",")[0]: line for line in text.splitlines()[1:]}
    assert ",2027-01-04（暂定）," in lines[guessed.number]
    assert ",2026-11-17," in lines[known.number] and "暂定" not in lines[known.number]


def test_a_closed_matter_shows_no_provisional_mark(two: tuple[Matter, Matter]) -> None:
    guessed, _known = two
    assert list_row(guessed, D(2026, 12, 20)).due_provisional
    guessed.status = Status.CLOSED  # in memory only: a closed matter shows no deadline, so no mark either
    assert not list_row(guessed, D(2026, 12, 20)).due_provisional
