"""The session pages in the permission matrix: a session at 苏雅拉社区 (新城区) with 新城区's leader,
started an hour ago. Readers in scope see it; the organisers (agents, the city administrator) act on it;
its leader records receptions; unit handlers have no session pages (403); 托克托县 gets 404."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from conftest import Personas, Tree
from daiban.prevention.actions.sessions import SessionInput, session_schedule
from daiban.prevention.models.sessions import ReceptionSession
from daiban.prevention.tests.test_url_permissions import check_case
from tests.test_url_permissions import Case

NO_SESSIONS = {"unit_handler": 403, "outsider_unit_handler": 403}
OUTSIDE = {"outsider": 404, "outsider_village_agent": 404}
NOT_ORGANISERS = {"leader": 403, "supervisor": 403}


def _pk(w: object) -> int:
    assert isinstance(w, ReceptionSession)
    return w.pk


CASES: dict[str, Case] = {
    "session_list": Case(lambda w: "/sessions/", NO_SESSIONS),
    "session_new": Case(lambda w: "/sessions/new/", {**NO_SESSIONS, **NOT_ORGANISERS}),
    "session_detail": Case(lambda w: f"/sessions/{_pk(w)}/", {**NO_SESSIONS, **OUTSIDE}),
    "session_edit": Case(lambda w: f"/sessions/{_pk(w)}/edit/", {**NO_SESSIONS, **OUTSIDE, **NOT_ORGANISERS}),
    "session_cancel": Case(
        lambda w: f"/sessions/{_pk(w)}/cancel/", {**NO_SESSIONS, **OUTSIDE, **NOT_ORGANISERS}
    ),
    "session_close": Case(
        lambda w: f"/sessions/{_pk(w)}/close/", {**NO_SESSIONS, **OUTSIDE, **NOT_ORGANISERS}
    ),
    # The session's own leader records what they answered; a supervisor reads only.
    "session_answer": Case(
        lambda w: f"/sessions/{_pk(w)}/answer/", {**NO_SESSIONS, **OUTSIDE, "supervisor": 403}
    ),
}


@pytest.fixture
def session(tree: Tree, personas: Personas) -> ReceptionSession:
    now = timezone.now()
    return session_schedule(
        actor=personas.county_staff,
        data=SessionInput(
            kind="leader_day",
            title="区级领导接待日",
            starts_at=now - datetime.timedelta(hours=1),
            ends_at=now + datetime.timedelta(hours=2),
            place="苏雅拉社区党群服务中心",
            region=tree.village_a1x,
            leaders=[personas.leader],
        ),
    )


@pytest.mark.parametrize("route", sorted(CASES))
def test_session_route_for_every_persona(route: str, session: ReceptionSession, personas: Personas) -> None:
    check_case(route, CASES[route], session, personas)
    session.refresh_from_db()
    assert session.version == 1  # GETs change nothing
