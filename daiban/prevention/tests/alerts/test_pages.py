"""The alert pages: the scoped list with its filters and keyset pages, an alert's page, the action forms
(field errors and the conflict page keep what was typed; success goes back to the alert), and the home
panel."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import PASSWORD, Personas, Tree
from daiban.accounts.models import User
from daiban.matters.tests.factories import at
from daiban.prevention.actions.alerts import alert_acknowledge
from daiban.prevention.models import Alert, AlertStatus
from daiban.prevention.tests.alerts.helpers import intake_on, make_alert, screening

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _rows(html: str) -> int:
    return html.count('data-testid="alert-row"')


def test_list_shows_open_alerts_of_the_scope_by_default(tree: Tree, personas: Personas) -> None:
    make_alert(tree.town_a1, reason="呼伦路街道的预警")
    make_alert(tree.town_b1, reason="双河镇的预警")
    make_alert(tree.town_a1, status=AlertStatus.DISMISSED, reason="已排除的预警")
    make_alert(tree.village_a1x, rule="overdue", status=AlertStatus.ACKNOWLEDGED, reason="苏雅拉的预警")
    html = _client(personas.township_staff).get("/alerts/").content.decode()
    assert "呼伦路街道的预警" in html and "苏雅拉的预警" in html
    assert "双河镇的预警" not in html and "已排除的预警" not in html
    html = _client(personas.township_staff).get("/alerts/?status=all").content.decode()
    assert "已排除的预警" in html and _rows(html) == 3
    html = _client(personas.township_staff).get("/alerts/?status=dismissed").content.decode()
    assert _rows(html) == 1
    html = _client(personas.township_staff).get("/alerts/?rule=overdue").content.decode()
    assert _rows(html) == 1 and "苏雅拉的预警" in html
    html = _client(personas.village_agent).get("/alerts/").content.decode()
    assert _rows(html) == 1 and "苏雅拉的预警" in html
    # A forged filter value is an error on that field; the open ones are shown.
    response = _client(personas.township_staff).get("/alerts/?status=bogus&rule=x")
    assert response.status_code == 200 and _rows(response.content.decode()) == 2


def test_list_pages_by_keyset_in_a_fixed_number_of_queries(tree: Tree, personas: Personas) -> None:
    for _ in range(30):
        make_alert(tree.town_a1)
    client = _client(personas.county_staff)
    client.get("/alerts/")  # session and the like, warmed
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/alerts/")
    assert _rows(first.content.decode()) == 25
    next_url = first.context["next_url"]
    assert next_url and "after=" in next_url
    second = client.get("/alerts/" + next_url)
    assert _rows(second.content.decode()) == 5
    shown = {a.pk for a in first.context["page"].rows} | {a.pk for a in second.context["page"].rows}
    assert len(shown) == 30
    assert len(queries) <= 8


def test_alert_page_links_its_subjects(tree: Tree, personas: Personas) -> None:
    m = intake_on(at(2026, 6, 3), personas.village_agent, tree.village_a1x, headcount=6)
    s = screening(tree.village_a1x, personas.village_agent)
    alert = make_alert(tree.county_a, rule="group", matter=m, screening=s, subject_region=tree.village_a1x)
    html = _client(personas.county_staff).get(f"/alerts/{alert.pk}/").content.decode()
    assert alert.reason in html
    assert f'href="/matters/{m.pk}/"' in html
    assert f'href="/network/region/{tree.village_a1x.code}/"' in html
    assert s.number in html
    assert f'action="/alerts/{alert.pk}/act/"' in html and "确认知悉" in html
    # A reader sees the alert, not the forms.
    html = _client(personas.leader).get(f"/alerts/{alert.pk}/").content.decode()
    assert alert.reason in html and "确认知悉" not in html and "act/" not in html


def test_acknowledge_from_the_alert_page(tree: Tree, personas: Personas) -> None:
    alert = make_alert(tree.town_a1)
    client = _client(personas.township_staff)
    response = client.post(f"/alerts/{alert.pk}/acknowledge/", {"version": "0"})
    assert response.status_code == 302 and response["Location"] == f"/alerts/{alert.pk}/"
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.ACKNOWLEDGED
    page = client.get(response["Location"]).content.decode()
    assert "已确认知悉" in page and 'data-testid="event"' in page
    # Again with the old version: the conflict page.
    response = client.post(f"/alerts/{alert.pk}/acknowledge/", {"version": "0"})
    assert response.status_code == 409 and "刚刚被他人修改" in response.content.decode()
    # With the new one: refused in plain words (already acknowledged).
    response = client.post(f"/alerts/{alert.pk}/acknowledge/", {"version": "1"})
    assert response.status_code == 400 and "不需要再确认知悉" in response.content.decode()


def test_act_with_bad_input_keeps_it_and_names_the_field(tree: Tree, personas: Personas) -> None:
    alert = make_alert(tree.town_a1)
    client = _client(personas.township_staff)
    assert client.get(f"/alerts/{alert.pk}/act/").status_code == 200
    response = client.post(
        f"/alerts/{alert.pk}/act/", {"version": "0", "number": "PC999999-2026-00001", "note": "已上门调解"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "没有找到这个编号" in html and "PC999999-2026-00001" in html and "已上门调解" in html
    assert response.context["form"].errors["number"]
    response = client.post(
        f"/alerts/{alert.pk}/act/", {"version": "0", "target": "", "number": "", "note": ""}
    )
    assert response.status_code == 400 and set(response.context["form"].errors) == {"note"}
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.OPEN


def test_act_success_and_the_conflict_page(tree: Tree, personas: Personas) -> None:
    s = screening(tree.village_a1x, personas.village_agent)
    alert = make_alert(tree.town_a1)
    client = _client(personas.township_staff)
    form = client.get(f"/alerts/{alert.pk}/act/").context["form"]
    assert f"screening:{s.pk}" in [v for _, group in form.fields["target"].choices[1:] for v, _ in group]
    alert_acknowledge(actor=personas.county_staff, alert_id=alert.pk, expected_version=0)
    response = client.post(
        f"/alerts/{alert.pk}/act/", {"version": "0", "target": f"screening:{s.pk}", "note": "已组织调解"}
    )
    assert response.status_code == 409
    assert "已组织调解" in response.content.decode()
    response = client.post(
        f"/alerts/{alert.pk}/act/", {"version": "1", "target": f"screening:{s.pk}", "note": "已组织调解"}
    )
    assert response.status_code == 302
    fresh = Alert.objects.get(pk=alert.pk)
    assert (fresh.status, fresh.acted_screening) == (AlertStatus.ACTED, s)
    html = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert s.number in html and "已组织调解" in html and "确认已处置" not in html


def test_dismiss_page(tree: Tree, personas: Personas) -> None:
    alert = make_alert(tree.town_a1)
    client = _client(personas.county_staff)
    response = client.post(f"/alerts/{alert.pk}/dismiss/", {"version": "0", "reason": ""})
    assert response.status_code == 400 and "请填写排除理由" in response.content.decode()
    response = client.post(f"/alerts/{alert.pk}/dismiss/", {"version": "0", "reason": "经核实系重复登记"})
    assert response.status_code == 302
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.DISMISSED


def test_home_panel_shows_the_newest_open_alerts(tree: Tree, personas: Personas) -> None:
    for i in range(7):
        make_alert(
            tree.town_a1, reason=f"第{i}条预警", raised_at=at(2026, 6, 1) + datetime.timedelta(hours=i)
        )
    make_alert(tree.town_a1, status=AlertStatus.ACTED, reason="已处置的")
    html = _client(personas.township_staff).get("/").content.decode()
    assert html.count('data-testid="home-alert"') == 5
    assert "第6条预警" in html and "第1条预警" not in html and "已处置的" not in html
    assert "待处理 7 条" in html
    html = _client(personas.village_agent).get("/").content.decode()
    assert "本辖区暂无待处理的预警" in html
    html = _client(personas.unit_handler).get("/").content.decode()
    assert 'data-testid="home-alerts"' not in html


def test_home_panel_counts_open_alerts_up_to_99(tree: Tree, personas: Personas) -> None:
    Alert.objects.bulk_create(
        Alert(
            rule="surge",
            cause=f"bulk:{i}",
            reason=f"第{i}条",
            raised_at=at(2026, 6, 1) + datetime.timedelta(minutes=i),
            region=tree.town_a1,
            region_path=tree.town_a1.path,
            scope_city=tree.city.code,
            scope_county=tree.county_a.code,
            scope_township=tree.town_a1.code,
        )
        for i in range(120)
    )
    client = _client(personas.township_staff)
    client.get("/")  # session and the like, warmed
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/").content.decode()
    assert "待处理 99+ 条" in html and html.count('data-testid="home-alert"') == 5
    # The count reads at most 100 ids of the open ones, never the whole subtree.
    (count,) = [q["sql"] for q in queries if "prevention_alert" in q["sql"] and "LIMIT 100" in q["sql"]]
    assert "COUNT(" not in count.upper() and "status" in count
    Alert.objects.filter(cause__in=[f"bulk:{i}" for i in range(21, 120)]).update(status=AlertStatus.DISMISSED)
    assert "待处理 21 条" in client.get("/").content.decode()
