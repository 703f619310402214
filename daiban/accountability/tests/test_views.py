"""The pages: per-level counts linking to lists of the same length, the lists, the matter page's section and
button, the order's page and the 整改 report with its conflict page and field errors."""

from __future__ import annotations

import re

from conftest import Personas, Tree
from daiban.accountability.models import CorrectionOrder, FailureKind, OrderStatus
from daiban.accountability.tests import helpers
from daiban.accountability.tests.helpers import client_for
from daiban.matters.models import Event, Matter
from daiban.matters.tests.factories import Flow, frozen


def _links(html: str) -> list[tuple[str, str]]:
    return re.findall(
        r'<a href="(/accountability/failures/[a-z_]+/\?[^"]+)" data-kind="[a-z_]+">([0-9+]+)</a>', html
    )


def test_the_overview_counts_equal_the_lists(flow: Flow, personas: Personas, tree: Tree) -> None:
    helpers.route_open_late(flow)
    helpers.routed_late(flow)
    helpers.not_accepted(flow)
    helpers.notice_late(flow)
    helpers.handling_late(flow)
    helpers.support_unexecuted(flow)
    client = client_for(personas.county_staff)
    with frozen(2026, 9, 1):
        response = client.get("/accountability/", {"year": "2026"})
        assert response.status_code == 200
        html = response.content.decode()
        assert html.count('data-testid="level-row"') == 3  # 新城区 and its two townships
        links = _links(html.replace("&amp;", "&"))
        assert links
        for url, shown in links:
            page = client.get(url)
            assert page.status_code == 200
            assert page.content.decode().count('class="matter-row"') == int(shown), url


def test_a_child_region_and_the_year(flow: Flow, personas: Personas, tree: Tree) -> None:
    helpers.route_open_late(flow)
    client = client_for(personas.city_admin)
    with frozen(2026, 9, 1):
        html = client.get("/accountability/", {"region": tree.county_a.pk, "year": "2025"}).content.decode()
        assert "新城区" in html and not _links(html.replace("&amp;", "&"))
        html = client.get("/accountability/", {"region": tree.county_a.pk}).content.decode()
        assert len(_links(html.replace("&amp;", "&"))) == 2  # 新城区 total and 呼伦路街道
        assert client.get("/accountability/", {"region": "x"}).status_code == 404
        assert client.get("/accountability/failures/nonsense/").status_code == 404
        outsider = client_for(personas.township_staff)
        assert outsider.get("/accountability/", {"region": tree.county_a.pk}).status_code == 404


def test_the_matter_page_shows_the_failure_and_the_button(flow: Flow, personas: Personas) -> None:
    m = helpers.handling_late(flow)
    with frozen(2026, 9, 1):
        html = client_for(personas.county_staff).get(f"/matters/{m.pk}/").content.decode()
        assert 'data-testid="matter-accountability"' in html and "未在法定期限内办结" in html
        assert f"/matters/{m.pk}/act/correction_order/" in html
        village = client_for(personas.village_agent).get(f"/matters/{m.pk}/").content.decode()
        assert f"/matters/{m.pk}/act/correction_order/" not in village


def _ordered(flow: Flow, personas: Personas) -> tuple[Matter, CorrectionOrder]:
    m = helpers.handling_late(flow)
    client = client_for(personas.county_staff)
    with frozen(2026, 9, 1):
        url = f"/matters/{m.pk}/act/correction_order/"
        page = client.get(url)
        assert page.status_code == 200 and "整改期限" in page.content.decode()
        response = client.post(
            url,
            {
                "version": Matter.objects.get(pk=m.pk).version,
                "failure": FailureKind.HANDLING_LATE,
                "instructions": "即日办结",
                "due_date": "2026-09-15",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    return m, CorrectionOrder.objects.get(matter=m)


def test_ordering_through_the_action_page(flow: Flow, personas: Personas) -> None:
    m, order = _ordered(flow, personas)
    assert order.to_unit is not None and order.status == OrderStatus.PENDING
    with frozen(2026, 9, 1):
        again = client_for(personas.city_admin).get(f"/matters/{m.pk}/act/correction_order/")
        assert again.status_code == 403  # its only failure is under correction now
        bad = client_for(personas.county_staff).post(
            f"/matters/{m.pk}/act/correction_order/",
            {
                "version": Matter.objects.get(pk=m.pk).version,
                "failure": "x",
                "instructions": "",
                "due_date": "",
            },
        )
        assert bad.status_code in (400, 403)


def test_the_unit_reports_its_correction_on_the_order_page(flow: Flow, personas: Personas) -> None:
    m, order = _ordered(flow, personas)
    unit = client_for(personas.unit_handler)
    listed = unit.get("/accountability/orders/").content.decode()
    assert f"/accountability/orders/{order.pk}/" in listed
    page = unit.get(f"/accountability/orders/{order.pk}/").content.decode()
    assert "报告整改情况" in page and m.number in page
    url = f"/accountability/orders/{order.pk}/report/"
    empty = unit.post(url, {"version": order.version, "report": ""})
    assert empty.status_code == 400 and "整改情况" in empty.content.decode()
    before = Event.objects.filter(matter=m).count()
    stale = unit.post(url, {"version": order.version + 3, "report": "我写的整改情况"})
    assert stale.status_code == 409
    assert "我写的整改情况" in stale.content.decode() and "刚刚被他人修改" in stale.content.decode()
    assert Event.objects.filter(matter=m).count() == before
    done = unit.post(url, {"version": order.version, "report": "已办结并送达处理意见书"})
    assert done.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.DONE
    shown = client_for(personas.county_staff).get(f"/accountability/orders/{order.pk}/").content.decode()
    assert "已办结并送达处理意见书" in shown
    assert unit.get(url).status_code == 302  # reported already: back to the order


def test_a_refused_report_changes_nothing(flow: Flow, personas: Personas) -> None:
    m, order = _ordered(flow, personas)
    before = (Event.objects.filter(matter=m).count(), CorrectionOrder.objects.get(pk=order.pk).status)
    url = f"/accountability/orders/{order.pk}/report/"
    assert client_for(personas.county_staff).post(url, {"version": 0, "report": "x"}).status_code == 403
    assert (
        client_for(personas.outsider_unit_handler).post(url, {"version": 0, "report": "x"}).status_code == 404
    )
    assert client_for(personas.outsider).get(f"/accountability/orders/{order.pk}/").status_code == 404
    assert (Event.objects.filter(matter=m).count(), CorrectionOrder.objects.get(pk=order.pk).status) == before


def test_no_personal_data_on_the_lists(flow: Flow, personas: Personas) -> None:
    m = helpers.handling_late(flow)
    with frozen(2026, 9, 1):
        html = (
            client_for(personas.county_staff)
            .get("/accountability/failures/handling_late/", {"year": "2026"})
            .content.decode()
        )
    assert m.number in html
    assert "王建国" not in html and "13904711234" not in html


def test_the_home_page_shows_the_unit_what_it_must_correct(flow: Flow, personas: Personas) -> None:
    m, order = _ordered(flow, personas)
    home = client_for(personas.unit_handler).get("/").content.decode()
    assert 'data-testid="home-corrections"' in home and f"/accountability/orders/{order.pk}/" in home
    assert m.number in home
    # The orderer is not the one ordered: no such panel for the county centre.
    assert 'data-testid="home-corrections"' not in client_for(personas.county_staff).get("/").content.decode()
    order.status = OrderStatus.DONE
    order.save(update_fields=["status"])
    assert 'data-testid="home-corrections"' not in client_for(personas.unit_handler).get("/").content.decode()
