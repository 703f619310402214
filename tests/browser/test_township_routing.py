"""A township station routes a matter to its own 司法所 on a phone (375 px), finding it by typing pinyin
initials into the unit picker; the co-unit list filters the same way and keeps what was ticked."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import Personas, Tree
from daiban.matters import actions
from daiban.matters.choices import Status, TaskRole
from daiban.matters.models import Matter
from daiban.matters.tests.factories import intake
from daiban.network.models import ResponsibleUnit, UnitDomain
from tests.browser.conftest import PHONE, login, no_horizontal_scroll

SCREENSHOT = "/tmp/unit_picker.png"  # the brief asks for this file, to be looked at


@pytest.fixture
def phone(new_context: Any) -> Any:
    return new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2).new_page()


@pytest.fixture
def town_units(tree: Tree) -> dict[str, ResponsibleUnit]:
    """呼伦路街道's own units, as the demo network gives every township with a station."""
    justice_a = ResponsibleUnit.objects.create(
        region=tree.county_a, name="新城区司法局", domain=UnitDomain.JUSTICE
    )
    made = {"justice_a": justice_a}
    for key, name, domain in (
        ("justice", "呼伦路街道司法所", UnitDomain.JUSTICE),
        ("police", "呼伦路街道派出所", UnitDomain.PUBLIC_SECURITY),
        ("governance", "呼伦路街道综治中心", UnitDomain.GOVERNANCE),
        ("labour", "呼伦路街道劳动保障事务所", UnitDomain.HR_SOCIAL),
        ("affairs", "呼伦路街道社会事务办公室", UnitDomain.CIVIL_AFFAIRS),
    ):
        superior = justice_a if domain == UnitDomain.JUSTICE else None
        made[key] = ResponsibleUnit.objects.create(
            region=tree.town_a1, name=name, domain=domain, superior=superior
        )
    return made


def fits(page: Any) -> None:
    scroll_width, width = no_horizontal_scroll(page)
    assert width == 375
    assert scroll_width <= 375, f"horizontal scroll on {page.url}: {scroll_width}px wide"


def visible_options(page: Any) -> list[str]:
    return page.locator("#id_lead_unit option").evaluate_all("os => os.map(o => o.textContent.trim())")


def test_a_township_station_routes_to_its_sifasuo_by_pinyin_initials(
    phone: Any, server: str, tree: Tree, personas: Personas, town_units: dict[str, ResponsibleUnit]
) -> None:
    m = intake(personas.village_agent, tree.village_a1x, title="邻里宅基地纠纷", category="other")
    actions.matter_escalate(
        actor=personas.village_agent, matter_id=m.pk, expected_version=m.version, note="需街道司法所调解"
    )
    page = phone
    login(page, server, personas.township_staff)
    page.goto(f"{server}/matters/{m.pk}/")
    page.locator(".action-buttons").get_by_role("link", name="交办事权单位").tap()
    page.wait_for_url(f"{server}/matters/{m.pk}/act/route/")
    fits(page)

    # Only the township's own units, under 本乡镇（街道）; the county's 司法局 is not offered.
    groups = page.locator("#id_lead_unit optgroup").evaluate_all("gs => gs.map(g => g.label)")
    assert groups == ["本乡镇（街道）"]
    assert "新城区司法局" not in visible_options(page)
    assert len(visible_options(page)) == 6  # 请选择主办单位 and five units

    # Typing pinyin initials narrows the list and chooses the match.
    search = page.locator("#id_lead_unit_filter")
    assert search.is_visible()
    search.tap()
    search.type("sfs")
    assert visible_options(page) == ["请选择主办单位", "呼伦路街道司法所"]
    assert page.locator("#id_lead_unit").input_value() == str(town_units["justice"].pk)
    assert "找到 1 个单位" in page.locator(".unit-picker-status").first.inner_text()
    search.press("Enter")  # closes the keyboard; does not submit
    assert page.url == f"{server}/matters/{m.pk}/act/route/"

    # A name works too; nothing found says so; clearing brings every unit back and keeps the choice.
    search.fill("")
    search.type("不存在")
    assert "没有名称或拼音含“不存在”的单位" in page.locator(".unit-picker-status").first.inner_text()
    search.fill("")
    search.dispatch_event("input")
    assert len(visible_options(page)) == 6

    page.get_by_label("交办要求").fill("请组织双方调解宅基地纠纷")
    page.locator("#id_lead_unit").select_option(str(town_units["justice"].pk))

    # The co-unit list: full pinyin of 派出所 filters it; the ticked unit stays while another filter runs.
    co_search = page.locator("#id_co_units_filter")
    co_search.type("paichusuo")
    rows = page.locator("#id_co_units [data-unit-option]:visible")
    assert rows.count() == 1 and "呼伦路街道派出所" in rows.first.inner_text()
    rows.first.tap()
    co_search.fill("")
    co_search.type("zzzx")  # 综治中心
    visible = page.locator("#id_co_units [data-unit-option]:visible").all_inner_texts()
    assert sorted(t.strip() for t in visible) == ["呼伦路街道派出所", "呼伦路街道综治中心"]
    status = page.locator("#id_co_units_filter ~ .unit-picker-status").inner_text()
    assert status == "找到 1 个单位；已选的 1 个单位仍然显示"
    page.get_by_label("协办要求").fill("请派出所协助核实")
    search.type("sfs")  # as the screenshot shows it
    assert page.locator("#id_lead_unit").input_value() == str(town_units["justice"].pk)
    fits(page)
    page.locator(".unit-picker-multi").scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOT, full_page=True)

    with page.expect_navigation():
        page.get_by_role("button", name="确认交办事权单位").tap()
    assert page.url == f"{server}/matters/{m.pk}/"
    fits(page)

    m = Matter.objects.get(pk=m.pk)
    assert (m.status, m.holder_unit, m.holder_region) == (Status.ROUTED, town_units["justice"], tree.town_a1)
    assert {(t.unit.name, t.role) for t in m.tasks.select_related("unit")} == {
        ("呼伦路街道司法所", TaskRole.LEAD),
        ("呼伦路街道派出所", TaskRole.CO),
    }
