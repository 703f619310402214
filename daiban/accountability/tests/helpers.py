"""Matters that fail (and that do not) each way the regulation names, driven through the real actions on
the Flow's clock (Monday 2026-06-01 onwards); the accountability pages are read on ``CHECK_DAY``."""

from __future__ import annotations

import datetime

from django.test import Client

from conftest import PASSWORD
from daiban.accounts.models import User
from daiban.core import clock
from daiban.execution.models import SupportItem
from daiban.matters import actions
from daiban.matters.models import Matter, Opinion
from daiban.matters.tests.factories import Flow

CHECK_DAY = datetime.date(2026, 9, 1)  # every 15-day and 60-day clock started in June has run out


def client_for(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def route_open_late(flow: Flow) -> Matter:
    """Registered at the county on 6 月 1 日 and never routed: the 15-day route clock ran out."""
    flow.on(2026, 6, 1)
    return flow.at_county(title="未转送事项", new_matter=True)


def routed_on_time(flow: Flow) -> Matter:
    """Routed the next day and accepted the day after: no route, acceptance or notice failure."""
    flow.on(2026, 6, 1)
    m = flow.at_county(title="按期交办事项", new_matter=True)
    flow.later(days=1)
    flow.act(actions.matter_route, flow.p.county_staff, m, lead_unit=flow.t.unit_housing_a)
    flow.later(days=1)
    flow.act_task(
        actions.task_accept, flow.p.unit_handler, flow.lead_task(Flow.fresh(m)), notice_method="written"
    )
    flow.later(days=1)
    flow.reply(m)
    return Flow.fresh(m)


def routed_late(flow: Flow) -> Matter:
    """Routed on 6 月 25 日, 24 days after registration: the route clock was met late."""
    flow.on(2026, 6, 1)
    m = flow.at_county(title="逾期交办事项", new_matter=True)
    flow.on(2026, 6, 25)
    flow.act(actions.matter_route, flow.p.county_staff, m, lead_unit=flow.t.unit_housing_a)
    return Flow.fresh(m)


def not_accepted(flow: Flow) -> Matter:
    """Routed on 6 月 1 日; the unit never accepted it."""
    flow.on(2026, 6, 1)
    return flow.routed(title="未受理事项", new_matter=True)


def notice_late(flow: Flow) -> Matter:
    """Routed on 6 月 1 日, accepted (and the petitioner told in writing) on 6 月 26 日."""
    flow.on(2026, 6, 1)
    m = flow.routed(title="逾期告知事项", new_matter=True)
    flow.on(2026, 6, 26)
    flow.act_task(actions.task_accept, flow.p.unit_handler, flow.lead_task(m), notice_method="written")
    return Flow.fresh(m)


def handling_late(flow: Flow) -> Matter:
    """Accepted on 6 月 2 日 and never answered: the 60-day handling clock ran out in August."""
    flow.on(2026, 6, 1)
    return flow.handling(title="超期未办结事项", new_matter=True)


def support_unexecuted(flow: Flow, *, due: datetime.date = datetime.date(2026, 7, 1)) -> Matter:
    """Answered 支持 on 6 月 5 日 with one item to carry out by ``due``, not carried out."""
    flow.on(2026, 6, 1)
    m = flow.replied(title="支持未落实事项", new_matter=True)
    opinion = Opinion.objects.filter(matter=m).latest("id")
    with clock.frozen(flow.now):
        SupportItem.objects.create(
            matter=m,
            opinion=opinion,
            what="补发拖欠的补助",
            unit=flow.t.unit_housing_a,
            due_date=due,
            created_by=flow.p.unit_handler,
            created_at=clock.now(),
        )
    return Flow.fresh(m)
