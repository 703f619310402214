"""A village agent's session pages on a phone (375 px): the session, recording an answer, and the
network page that publishes it fit the screen without scrolling sideways."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from conftest import Personas
from daiban.accounts.models import Role
from daiban.prevention.actions.sessions import SessionInput, session_schedule
from daiban.prevention.models.sessions import Reception
from tests.browser.conftest import (  # noqa: F401  (fixtures)
    PHONE,
    browser,
    login,
    new_context,
    no_horizontal_scroll,
    server,
    static_watch,
    time_limits,
)

pytestmark = pytest.mark.browser


def _fits(page: Any) -> None:
    scroll_width, width = no_horizontal_scroll(page)
    assert width == 375 and scroll_width <= 375, f"horizontal scroll on {page.url}: {scroll_width}px"


def test_a_session_on_a_phone(new_context: Any, server: str, personas: Personas) -> None:  # noqa: F811
    from conftest import make_user

    mayor = make_user("mayor_with_a_long_name_here_xx", Role.LEADER, personas.city_admin.region)
    now = timezone.now()
    session = session_schedule(
        actor=personas.county_staff,
        data=SessionInput(
            kind="joint",
            title="新城区联合接访（征地拆迁、劳资纠纷专题）",
            starts_at=now - datetime.timedelta(hours=1),
            ends_at=now + datetime.timedelta(days=1),
            place="苏雅拉社区党群服务中心二楼会议室",
            region=personas.village_agent.region,
            leaders=[personas.leader, mayor],
            bodies=["npc", "cppcc", "union", "justice", "court", "lawyer"],
            other_bodies="法律援助中心",
        ),
    )
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    login(page, server, personas.village_agent)
    page.goto(f"{server}/sessions/{session.pk}/")
    _fits(page)
    page.get_by_role("link", name="记录当场答复").tap()
    page.wait_for_url(f"{server}/sessions/{session.pk}/answer/")
    _fits(page)
    page.get_by_label("来访人").fill("张女士")
    page.get_by_label("反映问题").fill("孩子入学学区划分")
    page.get_by_label("答复情况").fill("当场解释划片政策")
    page.get_by_role("button", name="确认记录当场答复").tap()
    page.wait_for_url(f"{server}/sessions/{session.pk}/")
    assert Reception.objects.get().visitor == "张女士"
    _fits(page)
    page.goto(f"{server}/sessions/{session.pk}/edit/")
    _fits(page)
    page.goto(f"{server}/network/")
    assert page.get_by_test_id("region-sessions").is_visible()
    _fits(page)
