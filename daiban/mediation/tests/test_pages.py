"""The mediation pages through the test client: the dossier, a session, an agreement with its rows (added
without losing input, refused with the error on the row's field), performance and 司法确认, the conflict
page, the matter page's section and the hint above 办结."""

from __future__ import annotations

import datetime
from typing import Any

from django.test import Client

from conftest import PASSWORD, Personas
from daiban.core import clock
from daiban.matters.tests.factories import Flow
from daiban.mediation.models import Agreement, AgreementStatus, MediationSession, ObligationStatus
from daiban.mediation.tests.helpers import draft, obligation, perform, session, sign, signed, version

D = datetime.date


def client_for(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def agreement_post(flow: Flow, matter: Any, **overrides: str) -> dict[str, str]:
    """The agreement form as a person fills it: two parties, two obligations."""
    petitioner = matter.petitioners.first()
    data = {
        "party-TOTAL_FORMS": "2",
        "party-INITIAL_FORMS": "0",
        "party-MIN_NUM_FORMS": "0",
        "party-MAX_NUM_FORMS": "5",
        "party-0-name": "王建国",
        "party-0-description": "苏雅拉社区居民",
        "party-0-petitioner": str(petitioner.pk),
        "party-1-name": "某物业服务有限公司",
        "party-1-description": "负责人李某",
        "party-1-petitioner": "",
        "ob-TOTAL_FORMS": "2",
        "ob-INITIAL_FORMS": "0",
        "ob-MIN_NUM_FORMS": "0",
        "ob-MAX_NUM_FORMS": "20",
        "ob-0-party_role": "yi",
        "ob-0-what": "修复楼道管线",
        "ob-0-manner": "施工修复并经业主验收",
        "ob-0-deadline": (flow.today + datetime.timedelta(days=10)).isoformat(),
        "ob-1-party_role": "yi",
        "ob-1-what": "赔偿墙面损失 3000 元",
        "ob-1-manner": "一次性转账",
        "ob-1-deadline": (flow.today + datetime.timedelta(days=20)).isoformat(),
        "facts": "楼道管线未恢复，雨天漏水。",
        "issues": "维修责任和赔偿。",
        "committee": "苏雅拉社区人民调解委员会",
        "place": "苏雅拉社区调解室",
        "mediator_names": "赵调解员",
        "other_terms": "",
    }
    return data | overrides


def test_the_dossier_flow_through_the_pages(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    c = client_for(personas.village_agent)
    with clock.frozen(flow.now):
        page = c.get(f"/mediation/matter/{m.pk}/")
        assert page.status_code == 200 and "尚无调解记录" in page.content.decode()
        form = c.get(f"/mediation/matter/{m.pk}/sessions/new/")
        assert (
            'type="date"' in form.content.decode()
            and f'value="{flow.today.isoformat()}"' in form.content.decode()
        )
        posted = c.post(
            f"/mediation/matter/{m.pk}/sessions/new/",
            {
                "held_on": flow.today.isoformat(),
                "held_time": "09:30",
                "place": "苏雅拉社区调解室",
                "mediators": [str(personas.village_agent.pk)],
                "participants": "王建国；物业公司李某",
                "record_text": "双方陈述，物业同意维修。",
                "outcome": "agreed",
            },
        )
        assert posted.status_code == 302 and posted["Location"] == f"/mediation/matter/{m.pk}/"
        assert MediationSession.objects.get().place == "苏雅拉社区调解室"
        # The agreement form starts from the matter: the petitioner as 甲方, the session's place.
        form = c.get(f"/mediation/matter/{m.pk}/agreements/new/").content.decode()
        assert "王建国" in form and "苏雅拉社区调解室" in form and "苏雅拉社区人民调解委员会" in form
        posted = c.post(f"/mediation/matter/{m.pk}/agreements/new/", agreement_post(flow, m))
        assert posted.status_code == 302, posted.content.decode()
        a = Agreement.objects.get()
        assert a.obligations.count() == 2 and a.parties.get(role="jia").petitioner_id is not None
        page = c.get(f"/mediation/matter/{m.pk}/").content.decode()
        assert "草拟中" in page and f"source=agreement:{a.pk}" in page and "修改协议" in page
    a = sign(flow, personas.village_agent, a)
    flow.later(days=3)
    ob = obligation(a, 0)
    with clock.frozen(flow.now):
        page = c.get(f"/mediation/matter/{m.pk}/").content.decode()
        assert "已签署生效" in page and "登记履行" in page and "修改协议" not in page
        form = c.get(f"/mediation/obligations/{ob.pk}/perform/")
        assert form.status_code == 200 and "修复楼道管线" in form.content.decode()
        posted = c.post(
            f"/mediation/obligations/{ob.pk}/perform/",
            {"version": str(version(a)), "outcome": "done", "on": flow.today.isoformat(), "note": "当面查看"},
        )
        assert posted.status_code == 302
        assert obligation(a, 0).status == ObligationStatus.DONE
        posted = c.post(
            f"/mediation/agreements/{a.pk}/judicial/",
            {"version": str(version(a)), "status": "not_applied", "note": "双方表示自觉履行"},
        )
        assert posted.status_code == 302
        page = c.get(f"/mediation/matter/{m.pk}/").content.decode()
        assert "当事人未申请司法确认（双方表示自觉履行）" in page and "已履行" in page


def test_adding_a_row_keeps_what_was_typed(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    c = client_for(personas.village_agent)
    with clock.frozen(flow.now):
        shown = c.post(
            f"/mediation/matter/{m.pk}/agreements/new/", agreement_post(flow, m, add_obligation="1")
        )
    html = shown.content.decode()
    assert shown.status_code == 200 and html.count('data-testid="obligation-row"') == 3
    assert "赔偿墙面损失 3000 元" in html and "field-error" not in html
    assert not Agreement.objects.exists()


def test_a_refused_row_shows_the_error_on_its_field_and_keeps_input(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    c = client_for(personas.village_agent)
    with clock.frozen(flow.now):
        shown = c.post(
            f"/mediation/matter/{m.pk}/agreements/new/",
            agreement_post(flow, m, **{"ob-1-party_role": "bing"}),
        )
        html = shown.content.decode()
        assert shown.status_code == 400
        assert "第 2 项义务：请选择履行义务的当事人" in html and "赔偿墙面损失 3000 元" in html
        shown = c.post(f"/mediation/matter/{m.pk}/agreements/new/", agreement_post(flow, m, facts=""))
        assert shown.status_code == 400 and "请填写纠纷主要事实。" in shown.content.decode()
        shown = c.post(
            f"/mediation/matter/{m.pk}/agreements/new/",
            agreement_post(flow, m, **{"party-1-name": "", "party-1-description": ""}),
        )
        assert shown.status_code == 400 and "请填写至少两方当事人。" in shown.content.decode()
    assert not Agreement.objects.exists()


def test_a_stale_edit_is_a_conflict_with_the_input_kept(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    a = draft(flow, personas.village_agent, m)
    c = client_for(personas.township_staff)
    with clock.frozen(flow.now):
        form = c.get(f"/mediation/agreements/{a.pk}/edit/")
        assert form.status_code == 200 and 'name="version" value="0"' in form.content.decode()
        c2 = client_for(personas.village_agent)
        assert (
            c2.post(f"/mediation/agreements/{a.pk}/edit/", agreement_post(flow, m, version="0")).status_code
            == 302
        )
        shown = c.post(
            f"/mediation/agreements/{a.pk}/edit/", agreement_post(flow, m, version="0", place="居委会二楼")
        )
    assert shown.status_code == 409
    html = shown.content.decode()
    assert "刚刚被他人修改" in html and "居委会二楼" in html
    assert Agreement.objects.get(pk=a.pk).place == "苏雅拉社区调解室"


def test_pages_that_do_not_fit_the_state_are_403(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    a = draft(flow, personas.village_agent, m)
    c = client_for(personas.village_agent)
    with clock.frozen(flow.now):
        assert c.get(f"/mediation/agreements/{a.pk}/judicial/").status_code == 403
        assert c.get(f"/mediation/obligations/{obligation(a, 0).pk}/perform/").status_code == 403
        assert c.get(f"/mediation/agreements/{a.pk}/revise/").status_code == 403
        assert c.get(f"/mediation/matter/{m.pk}/agreements/new/").status_code == 403  # one draft at a time
    a = sign(flow, personas.village_agent, a)
    with clock.frozen(flow.now):
        assert c.get(f"/mediation/agreements/{a.pk}/edit/").status_code == 403
        assert c.get(f"/mediation/agreements/{a.pk}/revise/").status_code == 200


def test_readers_read_and_may_not_write(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    signed(flow, personas.village_agent, m)
    for who in ("supervisor", "leader"):
        c = client_for(getattr(personas, who))
        with clock.frozen(flow.now):
            page = c.get(f"/mediation/matter/{m.pk}/")
            assert page.status_code == 200
            html = page.content.decode()
            assert "王建国" in html and 'data-testid="new-session"' not in html and "登记履行" not in html
            assert c.get(f"/mediation/matter/{m.pk}/sessions/new/").status_code == 403
    with clock.frozen(flow.now):
        assert client_for(personas.outsider).get(f"/mediation/matter/{m.pk}/").status_code == 404


def test_the_matter_page_shows_the_dossier(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    c = client_for(personas.village_agent)
    with clock.frozen(flow.now):
        html = c.get(f"/matters/{m.pk}/").content.decode()
    assert 'data-testid="matter-mediation"' in html and "记录调解、起草协议" in html
    a = signed(flow, personas.village_agent, m)
    flow.later(days=12)  # the repair (due in 10 days) is overdue
    with clock.frozen(flow.now):
        html = c.get(f"/matters/{m.pk}/").content.decode()
    assert a.label in html and "已签署生效" in html and "履行中" in html
    assert "修复楼道管线（2026年6月11日前，逾期未履行）" in html
    # A supervisor sees the section (there is a dossier), without the button to record.
    with clock.frozen(flow.now):
        html = client_for(personas.supervisor).get(f"/matters/{m.pk}/").content.decode()
    assert "查看调解卷宗" in html and "记录调解、起草协议" not in html


def test_a_matter_without_mediation_shows_nothing_to_readers(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    with clock.frozen(flow.now):
        html = client_for(personas.supervisor).get(f"/matters/{m.pk}/").content.decode()
    assert 'data-testid="matter-mediation"' not in html


def test_whoever_closes_sees_how_the_agreement_was_performed(flow: Flow, personas: Personas) -> None:
    m = flow.followed_up()
    a = signed(flow, personas.county_staff, m)
    c = client_for(personas.county_staff)
    with clock.frozen(flow.now):
        html = c.get(f"/matters/{m.pk}/act/close/").content.decode()
    assert 'data-testid="close-hint"' in html and "履行中" in html and "尚有义务未履行完毕" in html
    for i in range(3):
        perform(flow, personas.county_staff, obligation(a, i))
    with clock.frozen(flow.now):
        html = c.get(f"/matters/{m.pk}/act/close/").content.decode()
    assert "已全部履行" in html and "尚有义务未履行完毕" not in html
    # Other actions' pages carry no such hint.
    with clock.frozen(flow.now):
        html = c.get(f"/matters/{m.pk}/act/press/").content.decode()
    assert 'data-testid="close-hint"' not in html
    assert Agreement.objects.get(pk=a.pk).status == AgreementStatus.SIGNED


def test_a_session_form_error_names_the_field(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    c = client_for(personas.village_agent)
    with clock.frozen(flow.now):
        shown = c.post(
            f"/mediation/matter/{m.pk}/sessions/new/",
            {
                "held_on": "",
                "held_time": "09:30",
                "place": "调解室",
                "participants": "甲乙",
                "record_text": "记录",
                "outcome": "agreed",
                "mediator_names": "赵调解员",
            },
        )
    assert shown.status_code == 400 and "请填写调解日期。" in shown.content.decode()
    assert not MediationSession.objects.exists()
    session(flow, personas.village_agent, m)


def test_an_old_mediation_record_points_to_the_dossier(flow: Flow, personas: Personas) -> None:
    from daiban.matters import actions as matter_actions

    m = flow.handling()
    flow.act(
        matter_actions.matter_mediate,
        personas.unit_handler,
        m,
        participants="王建国、物业公司",
        terms="物业公司负责修复",
        performance_manner="施工修复",
        performance_deadline=flow.today + datetime.timedelta(days=10),
        signed=True,
    )
    with clock.frozen(flow.now):
        html = client_for(personas.supervisor).get(f"/matters/{m.pk}/").content.decode()
    assert 'data-testid="old-mediation-note"' in html and f"/mediation/matter/{m.pk}/" in html
    with clock.frozen(flow.now):
        html = client_for(personas.supervisor).get(f"/mediation/matter/{m.pk}/").content.decode()
    assert "事项办理中的调解记录" in html and "物业公司负责修复" in html


def test_the_panel_costs_the_same_however_many_agreements_and_obligations(
    flow: Flow, personas: Personas
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from daiban.mediation import reading
    from daiban.mediation.actions import ObligationInput

    def cost(matter: Any) -> int:
        with clock.frozen(flow.now), CaptureQueriesContext(connection) as ctx:
            reading.matter_panel(personas.county_staff, matter)
        return len(ctx.captured_queries)

    small = flow.local()
    signed(flow, personas.village_agent, small)
    big = flow.at_county(new_matter_reason="另一问题")
    agent = personas.county_staff
    session(flow, agent, big)
    session(flow, agent, big)
    many = [
        ObligationInput("yi", f"第{i}项", "转账", flow.today + datetime.timedelta(days=i + 1))
        for i in range(8)
    ]
    first = sign(flow, agent, draft(flow, agent, big, obligations=many))
    perform(flow, agent, obligation(first, 0))
    draft(flow, agent, big)
    assert cost(big) == cost(small)
    plain = flow.at_county(new_matter_reason="第三个问题")
    with clock.frozen(flow.now), CaptureQueriesContext(connection) as ctx:
        assert reading.matter_panel(personas.supervisor, plain) is None
    assert len(ctx.captured_queries) == 1  # nothing to show: one query decides it


def test_a_form_posted_after_the_matter_changed_keeps_what_was_typed(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    draft(flow, personas.village_agent, m)  # meanwhile, someone else saved a draft agreement
    c = client_for(personas.township_staff)
    with clock.frozen(flow.now):
        response = c.post(
            f"/mediation/matter/{m.pk}/agreements/new/",
            {
                "committee": "苏雅拉社区人民调解委员会",
                "place": "苏雅拉社区调解室",
                "facts": "楼上漏水殃及楼下，双方对维修费用有争议",
                "issues": "维修费用由谁承担",
                "party-TOTAL_FORMS": "2",
                "party-INITIAL_FORMS": "0",
                "ob-TOTAL_FORMS": "1",
                "ob-INITIAL_FORMS": "0",
            },
        )
    html = response.content.decode()
    assert response.status_code == 409
    assert "已有一份待签署的调解协议" in html and "楼上漏水殃及楼下，双方对维修费用有争议" in html
    assert Agreement.objects.filter(matter=m).count() == 1


def test_a_session_posted_after_the_matter_closed_keeps_the_record(flow: Flow, personas: Personas) -> None:
    m = flow.closed()
    c = client_for(personas.county_staff)
    with clock.frozen(flow.now):
        response = c.post(
            f"/mediation/matter/{m.pk}/sessions/new/",
            {
                "held_on": flow.today.isoformat(),
                "held_time": "09:30",
                "place": "苏雅拉社区调解室",
                "record_text": "双方同意由物业先行维修，费用另行协商",
            },
        )
    assert response.status_code == 409
    assert "双方同意由物业先行维修，费用另行协商" in response.content.decode()
    assert not MediationSession.objects.filter(dossier__matter=m).exists()
