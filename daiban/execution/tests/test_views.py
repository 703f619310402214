"""The execution pages: the list (scope, filters, bounded reads), the matter page's warning, the 办结 hint,
and both actions taken through the generic action page (field errors in Chinese, conflict page)."""

from __future__ import annotations

import datetime

from conftest import Personas, Tree
from daiban.core import clock
from daiban.execution.models import ItemStatus, SupportItem
from daiban.execution.tests.helpers import client_for, png, record, supported
from daiban.matters.tests.factories import Flow


def test_list_shows_the_scope_with_filters(
    flow: Flow, personas: Personas, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    m, items = supported(flow, days=3)
    record(flow, m, items[0], "done")
    flow.later(days=10)  # the second item (due in 8 days) is overdue
    with clock.frozen(flow.now):
        client = client_for(personas.county_staff)
        with django_assert_max_num_queries(14):
            page = client.get("/execution/").content.decode()
        assert "补发维修资金" in page and "恢复楼道管线" in page and m.number in page
        overdue = client.get("/execution/?show=overdue").content.decode()
        assert "恢复楼道管线" in overdue and "补发维修资金" not in overdue and "逾期" in overdue
        pending = client.get("/execution/?show=unexecuted").content.decode()
        assert "补发维修资金" not in pending
        assert client.get("/execution/?show=<script>").status_code == 200  # a bad filter is ignored
        outside = client_for(personas.outsider).get("/execution/").content.decode()
        assert m.number not in outside and "没有符合条件的支持事项" in outside
        unit = client_for(personas.unit_handler).get("/execution/").content.decode()
        assert "恢复楼道管线" in unit  # its own opinion's item, though named in words


def test_matter_page_warns_while_unexecuted(flow: Flow, personas: Personas) -> None:
    m, items = supported(flow)
    client = client_for(personas.county_staff)
    with clock.frozen(flow.now):
        page = client.get(f"/matters/{m.pk}/").content.decode()
    assert 'data-testid="execution-warning"' in page and "不计为已化解" in page and "补发维修资金" in page
    with clock.frozen(flow.now):
        for user in (personas.county_staff, personas.unit_handler):  # the home panel of who must act
            home = client_for(user).get("/").content.decode()
            assert 'data-testid="home-execution"' in home and "补发维修资金" in home
        for user in (personas.outsider, personas.outsider_unit_handler, personas.village_agent):
            assert 'data-testid="home-execution"' not in client_for(user).get("/").content.decode()
    for item in items:
        record(flow, m, item, "done")
    with clock.frozen(flow.now):
        page = client.get(f"/matters/{m.pk}/").content.decode()
    assert 'data-testid="execution-warning"' not in page and 'data-testid="execution-item"' in page
    with clock.frozen(flow.now):
        assert 'data-testid="home-execution"' not in client.get("/").content.decode()
    assert "/execution/evidence/" in page


def test_support_without_items_asks_for_them(flow: Flow, personas: Personas) -> None:
    m = flow.replied()
    with clock.frozen(flow.now):
        page = client_for(personas.unit_handler).get(f"/matters/{m.pk}/").content.decode()
    assert 'data-testid="execution-awaiting"' in page
    assert f"/matters/{m.pk}/act/support_items/" in page


def test_close_page_shows_the_hint(flow: Flow, personas: Personas) -> None:
    m = flow.followed_up()
    with clock.frozen(flow.now):
        page = client_for(personas.county_staff).get(f"/matters/{m.pk}/act/close/").content.decode()
    assert 'data-testid="execution-close-hint"' in page and "尚未列明支持事项" in page


def test_items_through_the_action_page(flow: Flow, personas: Personas, tree: Tree) -> None:
    m = flow.replied()
    client = client_for(personas.unit_handler)
    url = f"/matters/{m.pk}/act/support_items/"
    due = (flow.today + datetime.timedelta(days=20)).isoformat()
    with clock.frozen(flow.now):
        assert client.get(url).status_code == 200
        bad = client.post(url, {"version": m.version, "what_1": "补发工资", "unit_1": "", "due_1": due})
        assert bad.status_code == 400
        assert "请选择落实单位或填写其他责任方" in bad.content.decode() and "补发工资" in bad.content.decode()
        past = client.post(
            url, {"version": m.version, "what_1": "补发工资", "who_1": "物业", "due_1": "2020-01-01"}
        )
        assert past.status_code == 400 and "落实期限" in past.content.decode()
        stale = client.post(
            url, {"version": m.version - 1, "what_1": "补发工资", "who_1": "物业", "due_1": due}
        )
        assert stale.status_code == 409 and "补发工资" in stale.content.decode()
        ok = client.post(
            url,
            {
                "version": m.version,
                "what_1": "补发工资",
                "unit_1": str(tree.unit_housing_a.pk),
                "due_1": due,
                "what_2": "修复管线",
                "who_2": "某物业公司",
                "due_2": due,
            },
        )
        assert ok.status_code == 302
    assert SupportItem.objects.filter(matter=m).count() == 2
    assert not SupportItem.objects.filter(matter=m, what="").exists()


def test_execution_through_the_action_page(flow: Flow, personas: Personas) -> None:
    m, items = supported(flow)
    m = Flow.fresh(m)
    client = client_for(personas.unit_handler)
    url = f"/matters/{m.pk}/act/execution/"
    with clock.frozen(flow.now):
        assert client.get(url).status_code == 200
        missing = client.post(
            url, {"version": m.version, "item": items[0].pk, "status": "done", "note": "已发放"}
        )
        assert missing.status_code == 400 and "须上传佐证材料" in missing.content.decode()
        other = client.post(url, {"version": m.version, "item": "999999", "status": "partly", "note": "x"})
        assert other.status_code == 400
        done = client.post(
            url,
            {
                "version": m.version,
                "item": items[0].pk,
                "status": "done",
                "note": "已发放",
                "evidence": png(),
            },
        )
        assert done.status_code == 302
    assert SupportItem.objects.get(pk=items[0].pk).status == ItemStatus.DONE
    with clock.frozen(flow.now):
        forbidden = client_for(personas.county_staff).get(url)
        assert forbidden.status_code == 403
