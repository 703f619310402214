"""The pages: 听证记录 taken through the generic action page (field errors, the conflict page), the matter
page's section linking each record, the printable record page and the bounded list."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Personas
from daiban.hearings.models import HearingRecord
from daiban.hearings.tests.helpers import SAID, client_for, form_data, record
from daiban.matters.models import Matter
from daiban.matters.tests.conftest import More
from daiban.matters.tests.factories import Flow, frozen

D = datetime.date


def _act(m: Matter) -> str:
    return f"/matters/{m.pk}/act/hearing_record/"


def test_the_handling_unit_records_a_hearing_through_the_action_page(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    client = client_for(personas.unit_handler)
    with frozen(2026, 6, 10):
        page = client.get(f"/matters/{m.pk}/")
        assert _act(m) in page.content.decode()  # the button
        form = client.get(_act(m))
        assert form.status_code == 200
        html = form.content.decode()
        for label in ("听证开始日期", "听证结束日期", "听证地点", "主持人", "参加人员", "信访人一方意见"):
            assert label in html
        response = client.post(_act(m), form_data(m, D(2026, 6, 8), D(2026, 6, 9)))
    assert response.status_code == 302
    row = HearingRecord.objects.get()
    assert row.days == 2 and row.conclusion == SAID["conclusion"]
    with frozen(2026, 6, 10):
        html = client.get(f"/matters/{m.pk}/").content.decode()
    assert f"/hearings/{row.pk}/" in html and 'data-testid="matter-hearings"' in html
    assert 'href="/hearings/"' in html  # the jurisdiction's list
    assert "听证结论" in html and SAID["conclusion"] in html  # the timeline's texts
    assert "2026-06-08 至 2026-06-09（2 日）" in html


def _post(user: Any, m: Matter, data: dict[str, str]) -> Any:
    with frozen(2026, 6, 10):
        return client_for(user).post(_act(m), data)


def test_last_day_before_first_is_an_error_naming_the_field(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    response = _post(personas.unit_handler, m, form_data(m, D(2026, 6, 9), D(2026, 6, 8)))
    assert response.status_code == 400
    assert response.context["form"].errors["last_day"] == ["听证结束日期不能早于开始日期。"]
    assert SAID["conclusion"] in response.content.decode()  # what was typed is kept
    assert HearingRecord.objects.count() == 0


def test_a_future_day_is_an_error_naming_the_field(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    response = _post(personas.unit_handler, m, form_data(m, D(2026, 6, 11)))
    assert response.status_code == 400
    assert "听证开始日期" in response.context["form"].errors["first_day"][0]
    assert HearingRecord.objects.count() == 0


def test_a_missing_field_is_named(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    response = _post(personas.unit_handler, m, {**form_data(m, D(2026, 6, 9)), "presiding": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["presiding"] == ["请填写主持人。"]


def test_a_stale_form_is_the_conflict_page_with_input_kept(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    data = form_data(m, D(2026, 6, 9))
    flow.later(days=1)
    record(flow, personas.unit_handler, m, flow.today)  # someone else recorded one meanwhile
    response = _post(personas.unit_handler, m, data)
    assert response.status_code == 409 and SAID["petitioner_statement"] in response.content.decode()
    assert HearingRecord.objects.count() == 1


def test_not_offered_on_a_matter_that_is_not_an_appeal(flow: Flow, personas: Personas) -> None:
    m = flow.handling(purpose="suggestion")
    with frozen(2026, 6, 10):
        client = client_for(personas.unit_handler)
        assert _act(m) not in client.get(f"/matters/{m.pk}/").content.decode()
        assert client.get(_act(m)).status_code == 403
        assert client.post(_act(m), form_data(m, D(2026, 6, 9))).status_code == 403
    assert HearingRecord.objects.count() == 0


def test_outside_scope_the_action_page_is_404(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    assert _post(personas.outsider_unit_handler, m, form_data(m, D(2026, 6, 9))).status_code == 404
    assert HearingRecord.objects.count() == 0


def test_the_record_page_prints_the_whole_record(flow: Flow, personas: Personas, more: More) -> None:
    m = flow.in_reexam(more.city_housing_handler)
    flow.on(2026, 7, 6)
    m = record(flow, more.city_gov_handler, m, D(2026, 6, 29), D(2026, 7, 3))
    row = HearingRecord.objects.get()
    with frozen(2026, 7, 6):
        response = client_for(personas.county_staff).get(f"/hearings/{row.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in SAID.values():
        assert text in html
    assert (
        "复核阶段" in html
        and "第三十六条" in html
        and "共 5 日" in html
        and "data-print" in html
        and "onclick" not in html
    )
    assert "hearings/hearings.css" in html


def test_the_list_shows_the_jurisdictions_records(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    flow.later(days=2)
    client = client_for(personas.county_staff)
    counts = []
    for _ in range(3):
        record(flow, personas.unit_handler, m, flow.today)
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/hearings/").content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[2], counts  # one query for the rows, whatever their number
    assert html.count('class="matter-row"') == 3 and m.number in html
    assert 'class="matter-row"' not in client_for(personas.outsider).get("/hearings/").content.decode()
