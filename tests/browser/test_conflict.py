"""Two people press the same matter at once: the second is told, keeps what was typed, and nothing doubles."""

from __future__ import annotations

from typing import Any

from conftest import Personas, Tree, make_user
from daiban.accounts.models import Role
from daiban.matters.models import Event
from daiban.matters.tests.factories import intake
from tests.browser.conftest import login


def open_press(new_context: Any, server: str, user: Any, pk: int, note: str) -> Any:
    page = new_context().new_page()
    login(page, server, user)
    page.goto(f"{server}/matters/{pk}/")
    page.locator(".action-buttons").get_by_role("link", name="催办 / 督办").click()
    page.wait_for_url(f"{server}/matters/{pk}/act/press/")
    page.locator("#id_note").fill(note)
    return page


def test_second_submit_sees_conflict_and_keeps_its_text(
    new_context: Any, server: str, tree: Tree, personas: Personas
) -> None:
    matter = intake(personas.village_agent, tree.village_a1x)
    colleague = make_user("county_staff_2", Role.COUNTY_STAFF, tree.county_a)
    before = Event.objects.filter(matter=matter).count()

    first = open_press(new_context, server, personas.county_staff, matter.pk, "请社区三日内上门核实")
    second = open_press(new_context, server, colleague, matter.pk, "请尽快联系物业公司，周五前回复")

    with first.expect_navigation():
        first.get_by_role("button", name="确认催办 / 督办").click()
    assert first.url == f"{server}/matters/{matter.pk}/"
    assert "已催办 / 督办" in first.locator(".messages").inner_text()

    with second.expect_navigation() as navigation:
        second.get_by_role("button", name="确认催办 / 督办").click()
    response = navigation.value
    assert response is not None and response.status == 409
    assert second.url == f"{server}/matters/{matter.pk}/act/press/"
    assert "刚刚被他人修改" in second.locator(".form-error").inner_text()
    assert second.locator("#id_note").input_value() == "请尽快联系物业公司，周五前回复"

    events = Event.objects.filter(matter=matter).order_by("seq")
    assert events.count() == before + 1
    last = events.last()
    assert last is not None and last.kind == "press" and last.actor == personas.county_staff
    assert last.details["note"] == "请社区三日内上门核实"
