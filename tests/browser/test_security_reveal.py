"""Issue 8 item 21 in the browser: the reveal form asks for a reason, shows the server's refusals in place
(a missing explanation, the rate limit) and shows the number once a reason is given."""

from __future__ import annotations

from typing import Any

from django.test import override_settings

from conftest import Personas, Tree
from daiban.matters.tests.factories import WANG_ID, WANG_PHONE, intake
from daiban.pii.models import RevealLog
from tests.browser.conftest import login


def test_reveal_with_a_reason_and_the_refusals_in_place(
    page: Any, server: str, tree: Tree, personas: Personas
) -> None:
    m = intake(personas.village_agent, tree.village_a1x)
    login(page, server, personas.village_agent)
    page.goto(f"{server}/matters/{m.pk}/")
    phone = page.locator(f"#reveal-phone-{m.petitioner_links.get().pk}")
    phone.locator("summary", has_text="查看完整").click()
    phone.get_by_label("查看事由").select_option(label="其他（请说明）")
    phone.get_by_role("button", name="查看并记录").click()
    # The server's 400 is swapped in: the form stays open with its message; no number was shown.
    assert phone.get_by_role("alert").inner_text() == "选择“其他”时请说明查看事由。"
    assert WANG_PHONE not in page.content()
    phone.get_by_label("说明（选“其他”时必填）").fill("核对联系方式")
    phone.get_by_role("button", name="查看并记录").click()
    assert page.get_by_test_id("revealed").inner_text() == WANG_PHONE
    assert RevealLog.objects.get().reason.startswith("其他：核对联系方式")

    with override_settings(DAIBAN_REVEAL_LIMIT=1):
        id_number = page.locator(f"#reveal-id_number-{m.petitioner_links.get().pk}")
        id_number.locator("summary", has_text="查看完整").click()
        id_number.get_by_label("查看事由").select_option(label="核实身份")
        id_number.get_by_role("button", name="查看并记录").click()
        refused = page.get_by_test_id("reveal-refused")
        assert "达到上限" in refused.inner_text()
    assert WANG_ID not in page.content()
    assert RevealLog.objects.count() == 1
