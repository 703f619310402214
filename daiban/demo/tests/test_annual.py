"""The annual report demo (daiban.demo.annual): each county centre's foreword and three proposals (two
answered) made through the real actions, loaded once, and seen by the county's demo account on /annual/."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from daiban.accounts.models import User
from daiban.annual.models import AnnualReport, Proposal
from daiban.core import clock
from daiban.demo.annual import load_demo_annual
from daiban.demo.network import load_demo_network

NOON = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.django_db
def test_the_annual_demo() -> None:
    assert load_demo_network() is not None
    with clock.frozen(NOON):
        made = load_demo_annual()
        assert load_demo_annual() is None  # once only
    counties = Proposal.objects.values("region").distinct().count()
    assert counties >= 2 and made == 3 * counties
    assert Proposal.objects.exclude(outcome="").count() == 2 * counties
    assert AnnualReport.objects.filter(year=2026).count() == counties + 1  # and the city's
    staff = User.objects.get(username="xinchengqu_zhongxin")
    client = Client()
    client.force_login(staff)
    with clock.frozen(NOON):
        html = client.get("/annual/?year=2026").content.decode()
    assert "新城区代办中心2026年度信访工作报告" in html and "矛盾不上交" in html
    assert "采纳 1 条" in html and "部分采纳 1 条" in html and "待书面答复 1 条" in html
