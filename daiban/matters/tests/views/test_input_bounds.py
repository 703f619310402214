"""Hostile or absurd input on the intake and action forms is a clear error, never a 500 or a huge page
(issue 8, items 15–16)."""

from __future__ import annotations

from django.test import Client

from conftest import PASSWORD, Personas
from daiban.matters.tests.factories import Flow


def _client(user: object) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)  # type: ignore[attr-defined]
    return client


def test_unicode_digit_in_total_forms_is_not_a_500(personas: Personas) -> None:
    client = _client(personas.village_agent)
    for value in ("²", "٣", "1\u0000"):
        response = client.post(
            "/matters/new/", {"p-TOTAL_FORMS": value, "p-INITIAL_FORMS": "0", "add_person": "1"}
        )
        assert response.status_code in (200, 400), value
        response = client.post("/matters/new/", {"p-TOTAL_FORMS": value, "p-INITIAL_FORMS": "0"})
        assert response.status_code in (200, 400), value


def test_forged_total_forms_is_capped(personas: Personas) -> None:
    client = _client(personas.village_agent)
    response = client.post("/matters/new/", {"p-TOTAL_FORMS": "999999", "p-INITIAL_FORMS": "0", "title": "x"})
    assert response.status_code == 400
    assert len(response.content) < 300_000
    assert response.content.decode().count('name="p-') < 60  # five rows of inputs at most


def test_mediation_deadline_far_in_the_future_is_refused(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    response = _client(personas.village_agent).post(
        f"/matters/{m.pk}/act/mediate/",
        {
            "version": m.version,
            "participants": "双方当事人",
            "terms": "赔偿",
            "performance_manner": "现金",
            "performance_deadline": "9999-12-31",
            "signed": "on",
        },
    )
    assert response.status_code == 400
    assert "履行期限应在" in response.content.decode()
    assert not m.mediations.exists()


def test_list_date_filter_out_of_range_is_an_error_not_a_500(personas: Personas) -> None:
    response = _client(personas.county_staff).get(
        "/matters/", {"date_from": "0001-01-01", "date_to": "9999-12-31"}
    )
    assert response.status_code == 200
    assert "受理日期自应在" in response.content.decode()
