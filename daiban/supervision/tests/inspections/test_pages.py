"""The 督查件 pages: the list (督查中 first, keyset pages, only the reader's scope), the inspection page with
its events and close form, the finding and close forms (400 with the input kept, 409 when stale, 403 once
closed), and the matter page's section."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Personas, Tree
from daiban.core import clock
from daiban.matters.tests.factories import Flow
from daiban.supervision.actions import inspections as insp
from daiban.supervision.models import Inspection
from daiban.supervision.tests.inspections.helpers import client_for, dissatisfied
from daiban.supervision.views import consultations as views


@pytest.fixture
def flow(tree: Tree, personas: Personas) -> Flow:
    return Flow(tree, personas)


def _open(flow: Flow, **overrides: object) -> Inspection:
    _, event = dissatisfied(flow, **overrides)
    with clock.frozen(flow.now):
        opened = insp.inspection_open(event_id=event.pk)
    assert opened is not None
    return opened


def test_the_list_shows_open_ones_first_and_only_in_scope(flow: Flow, personas: Personas) -> None:
    older = _open(flow)
    newer = _open(flow, new_matter=True)
    with clock.frozen(flow.now):
        insp.inspection_close(
            actor=personas.county_staff, inspection_id=newer.pk, expected_version=1, finding="已整改"
        )
    body = client_for(personas.county_staff).get("/inspections/").content.decode()
    assert body.index(older.number) < body.index(newer.number)  # the open one first, though older
    assert older.matter.title in body
    assert 'data-testid="open-count">1<' in body
    closed_only = client_for(personas.supervisor).get("/inspections/?status=closed").content.decode()
    assert newer.number in closed_only and older.number not in closed_only
    outsider = client_for(personas.outsider).get("/inspections/")
    assert outsider.status_code == 200 and "DC150102" not in outsider.content.decode()
    assert client_for(personas.village_agent).get("/inspections/").status_code == 403


def test_keyset_pages_run_on_from_open_into_closed(
    flow: Flow, personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = [_open(flow, new_matter=i > 0) for i in range(3)]
    with clock.frozen(flow.now):
        insp.inspection_close(
            actor=personas.county_staff, inspection_id=made[2].pk, expected_version=1, finding="已整改"
        )
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    client = client_for(personas.county_staff)
    seen = []
    url = "/inspections/"
    for _ in range(5):
        response = client.get(url)
        page = response.context["page"]
        seen += [r.number for r in page.rows]
        if not response.context["next_url"]:
            break
        url = "/inspections/" + response.context["next_url"]
    assert seen == [made[1].number, made[0].number, made[2].number]
    assert client.get("/inspections/?after=garbage").status_code == 200


def test_the_inspection_page_and_its_forms(flow: Flow, personas: Personas) -> None:
    inspection = _open(flow)
    staff = client_for(personas.county_staff)
    page = staff.get(f"/inspections/{inspection.pk}/").content.decode()
    assert inspection.number in page and "新城区住房和城乡建设局" in page
    assert 'data-testid="inspection-close"' in page and "记录督查情况" in page
    leader = client_for(personas.leader).get(f"/inspections/{inspection.pk}/").content.decode()
    assert inspection.number in leader and 'data-testid="inspection-close"' not in leader
    assert client_for(personas.outsider).get(f"/inspections/{inspection.pk}/").status_code == 404
    assert client_for(personas.leader).get(f"/inspections/{inspection.pk}/close/").status_code == 403

    url = f"/inspections/{inspection.pk}/finding/"
    empty = staff.post(url, {"finding": " ", "version": "1"})
    assert empty.status_code == 400 and "请填写督查情况" in empty.content.decode()
    ok = staff.post(url, {"finding": "调阅了卷宗", "version": "1"})
    assert ok.status_code == 302 and ok["Location"] == f"/inspections/{inspection.pk}/"
    stale = staff.post(url, {"finding": "我写的内容", "version": "1"})
    body = stale.content.decode()
    assert stale.status_code == 409 and "刚刚被他人修改" in body and "我写的内容" in body
    assert Inspection.objects.get(pk=inspection.pk).finding == "调阅了卷宗"

    closed = client_for(personas.supervisor).post(
        f"/inspections/{inspection.pk}/close/", {"finding": "单位已整改", "version": "2"}
    )
    assert closed.status_code == 302
    assert staff.get(url).status_code == 403
    assert staff.post(url, {"finding": "再写", "version": "3"}).status_code == 403
    assert staff.post(url, {"finding": "旧表单", "version": "2"}).status_code == 409
    final = staff.get(f"/inspections/{inspection.pk}/").content.decode()
    assert "督查结论" in final and "单位已整改" in final and 'data-testid="inspection-close"' not in final


def test_the_matter_page_lists_the_inspections_to_whoever_reads_them(flow: Flow, personas: Personas) -> None:
    inspection = _open(flow)
    url = f"/matters/{inspection.matter_id}/"
    for who in ("county_staff", "supervisor", "leader", "city_admin"):
        body = client_for(getattr(personas, who)).get(url).content.decode()
        assert 'data-testid="matter-inspections"' in body and inspection.number in body, who
    for who in ("village_agent", "township_staff", "unit_handler"):
        body = client_for(getattr(personas, who)).get(url).content.decode()
        assert inspection.number not in body, who


def test_the_home_panel_counts_open_inspections(flow: Flow, personas: Personas) -> None:
    _open(flow)
    body = client_for(personas.supervisor).get("/").content.decode()
    assert 'data-testid="home-inspections">1<' in body
    assert 'data-testid="home-hard-cases"' not in client_for(personas.outsider).get("/").content.decode()


def test_the_nav_entry_is_for_inspection_readers(personas: Personas) -> None:
    for who in ("county_staff", "supervisor", "leader", "city_admin"):
        assert "督查研判" in client_for(getattr(personas, who)).get("/").content.decode(), who
    for who in ("village_agent", "township_staff", "unit_handler"):
        assert "督查研判" not in client_for(getattr(personas, who)).get("/").content.decode(), who


def test_the_list_costs_the_same_queries_for_more_rows(flow: Flow, personas: Personas) -> None:
    client = client_for(personas.county_staff)
    _open(flow)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/inspections/").status_code == 200
    for _ in range(3):
        _open(flow, new_matter=True)
    with CaptureQueriesContext(connection) as four:
        body = client.get("/inspections/").content.decode()
    assert body.count("DC150102-2026-0000") == 4
    assert len(four) == len(one)
