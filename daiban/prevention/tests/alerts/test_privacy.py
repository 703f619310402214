"""An alert is read by everyone at its level, its matter and its person are not: a leader or a township
station may not see an accusation (检举控告) or its accuser. No title or name is stored in an alert's reason
or history; the pages add them only for readers whose selectors include the matter, the person or the
screening."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import PASSWORD, Personas, Tree
from daiban.accounts.models import User
from daiban.matters.models import Matter
from daiban.matters.selectors import matters_for, petitioners_for
from daiban.matters.tests.factories import at
from daiban.prevention.actions.alerts import alert_act
from daiban.prevention.models import Alert, AlertEvent
from daiban.prevention.tests.alerts.helpers import intake_on, make_alert, person, scan_on, screening
from daiban.regions.models import Region

pytestmark = pytest.mark.django_db

TITLE = "检举村干部侵占征地补偿款"
ACCUSER = "村民7"


def _client(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _accusation(tree: Tree, personas: Personas) -> Matter:
    """A group accusation about 苏雅拉社区, taken in at the county centre."""
    m = intake_on(
        at(2026, 6, 3),
        personas.county_staff,
        tree.village_a1x,
        purpose="accusation",
        category="discipline",
        title=TITLE,
        headcount=6,
        petitioners=person(7),
    )
    assert m.is_accusation
    return m


def _alert_on(m: Matter, region: Region, rule: str) -> Alert:
    """An alert about the accusation (as raised before accusations were left out, or by a rule that
    names a matter); the rules themselves no longer raise one."""
    return make_alert(
        region,
        rule=rule,
        reason=f"事项 {m.number} 涉及 {m.headcount} 人。",
        matter=m,
        petitioner=m.petitioners.get(),
        subject_region=m.region,
    )


def test_the_scan_raises_nothing_about_an_accusation(tree: Tree, personas: Personas) -> None:
    _accusation(tree, personas)
    assert sum(scan_on(2026, 6, 3).values()) == 0
    assert not Alert.objects.exists()


def test_leader_and_township_see_neither_the_title_nor_the_accuser(tree: Tree, personas: Personas) -> None:
    m = _accusation(tree, personas)
    county_alert = _alert_on(m, tree.county_a, "group")
    town_alert = _alert_on(m, tree.town_a1, "bypass")
    readers = {personas.leader: county_alert, personas.township_staff: town_alert}
    for user, alert in readers.items():
        assert not matters_for(user).filter(pk=m.pk).exists()
        assert not petitioners_for(user).filter(name=ACCUSER).exists()
        client = _client(user)
        for page in (f"/alerts/{alert.pk}/", "/alerts/", "/"):
            html = client.get(page).content.decode()
            assert f'href="/alerts/{alert.pk}/"' in html or page == f"/alerts/{alert.pk}/", (user, page)
            assert TITLE not in html and ACCUSER not in html, (user, page)
            assert f'href="/matters/{m.pk}/"' not in html
        detail = client.get(f"/alerts/{alert.pk}/").content.decode()
        assert m.number in detail and "不在您的查看范围内" in detail
    # The county centre, which routes accusations, sees both, linked, on the alert and in the list.
    client = _client(personas.county_staff)
    for page in (f"/alerts/{county_alert.pk}/", "/alerts/", "/"):
        html = client.get(page).content.decode()
        assert TITLE in html and ACCUSER in html, page
    assert f'href="/matters/{m.pk}/"' in client.get(f"/alerts/{county_alert.pk}/").content.decode()


def test_what_an_alert_was_acted_on_is_stored_by_number_and_shown_by_scope(
    tree: Tree, personas: Personas
) -> None:
    m = _accusation(tree, personas)
    alert = make_alert(tree.county_a)
    alert_act(
        actor=personas.county_staff, alert_id=alert.pk, expected_version=0, number=m.number, note="已转"
    )
    (event,) = AlertEvent.objects.filter(alert=alert)
    assert event.summary == f"已处置（信访事项：{m.number}）"
    assert TITLE not in str(event.details)
    html = _client(personas.leader).get(f"/alerts/{alert.pk}/").content.decode()
    assert m.number in html and TITLE not in html and f'href="/matters/{m.pk}/"' not in html
    html = _client(personas.county_staff).get(f"/alerts/{alert.pk}/").content.decode()
    assert TITLE in html and f'href="/matters/{m.pk}/"' in html


def test_a_screening_alert_shows_its_summary_and_risk_reason_to_its_readers(
    tree: Tree, personas: Personas
) -> None:
    s = screening(tree.village_a1x, personas.village_agent, risk="grave")
    alert = make_alert(tree.county_a, rule="grave", reason=f"重大风险矛盾纠纷：{s.number}。", screening=s)
    for user in (personas.county_staff, personas.leader):
        html = _client(user).get(f"/alerts/{alert.pk}/").content.decode()
        assert s.title in html and "推搡" in html, user
        assert s.title in _client(user).get("/alerts/").content.decode()
