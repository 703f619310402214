"""The 调解协议书 as a kind of the documents app: its sources, values, issuer and signers (without the
documents actions), its body (the preview the documents app renders), and the whole way through the
documents actions: issued, edited then refused for signing until corrected, signed, taking effect."""

from __future__ import annotations

import datetime

import pytest

from conftest import Personas
from daiban.core import clock
from daiban.documents import actions as doc_actions
from daiban.documents import kinds, rendering
from daiban.documents.models import Document
from daiban.matters.errors import WrongState
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow
from daiban.mediation import actions, kind
from daiban.mediation.models import AgreementStatus
from daiban.mediation.tests.helpers import content, draft, session, sign, signature_data_url

D = datetime.date


def test_the_kind_is_registered() -> None:
    k = kinds.get("mediation_agreement")
    assert k is not None
    assert (k.label, k.code, k.order, k.served) == ("调解协议书", "调", 90, False)
    assert k.signers is not None and k.on_signed is not None


def test_sources_data_issuer_and_signers(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    assert kind.sources(m) == []
    session(flow, personas.village_agent, m)
    a = draft(flow, personas.village_agent, m)
    (source,) = kind.sources(m)
    assert source.key == f"agreement:{a.pk}"
    assert source.label == "调解协议1：甲方王建国 与 乙方某物业服务有限公司"
    data = kind.data(m, source.key)
    assert data["matter_number"] == m.number and data["content_rev"] == 1
    assert [p["role"] + p["name"] for p in data["parties"]] == ["甲方王建国", "乙方某物业服务有限公司"]
    assert data["obligations"][0] == {
        "party": "乙方 某物业服务有限公司",
        "role": "乙方",
        "name": "某物业服务有限公司",
        "what": "修复楼道管线",
        "manner": "施工修复并经业主验收",
        "deadline": "2026年6月11日",
    }
    assert data["mediators"] == ["赵调解员"] and data["copies"] == 3 and data["copies_cn"] == "三"
    assert data["mediated_on"] == "2026年6月1日" and data["committee"] == "苏雅拉社区人民调解委员会"
    assert "三十日内共同向人民法院申请司法确认" in data["judicial_note"]
    assert "id_masked" not in str(data) and "1501021968" not in str(data)  # no ID number, not even masked
    issuer = kind.issuer(m, source.key)
    assert issuer.key == f"region:{flow.t.village_a1x.code}" and issuer.name == "苏雅拉社区代办点"
    assert issuer.county_code == "150102"
    assert kind.signers(data) == ["甲方 王建国", "乙方 某物业服务有限公司"]
    assert kind.may_issue(personas.village_agent, m, source.key)
    assert not kind.may_issue(personas.village_agent, m, "agreement:999999")
    with pytest.raises(WrongState):
        kind.data(m, "agreement:999999")


def test_another_matters_agreement_is_not_a_source(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    a = draft(flow, personas.village_agent, m)
    routed = flow.routed(new_matter_reason="另一问题")
    assert not kind.may_issue(personas.county_staff, routed, a.source_key)
    with pytest.raises(WrongState):
        kind.data(routed, a.source_key)


def test_chinese_numbers() -> None:
    assert [kind.cn_number(n) for n in (1, 3, 10, 12, 20)] == ["一", "三", "十", "十二", "二十"]


def test_the_body_has_the_art_29_parts(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    a = draft(flow, personas.village_agent, m)
    k = kinds.get("mediation_agreement")
    assert k is not None
    body, template = rendering.preview(k, Matter.objects.get(pk=m.pk), a.source_key, D(2026, 6, 1))
    assert template.endswith("mediation_agreement.html")
    for text in (
        'class="red-head"',
        "苏雅拉社区代办点",
        "<h1>调解协议书</h1>",
        "甲方：</strong>王建国",
        "纠纷主要事实",
        "争议事项",
        'class="grid"',
        "赔偿墙面损失 3000 元",
        "2026年6月21日前",
        "履行方式与期限",
        "自各方当事人签名、人民调解员签名并加盖人民调解委员会印章之日起生效",
        "一式三份",
        "三十日内共同向人民法院申请司法确认",
        'class="signatures"',
        "甲方 王建国（签名）",
        "乙方 某物业服务有限公司（签名）",
        "人民调解员（签名）",
        'class="sign-area"',
    ):
        assert text in body, text


def test_issued_edited_corrected_and_signed_through_the_documents_actions(
    flow: Flow, personas: Personas
) -> None:
    m = flow.local()
    agent = personas.village_agent
    session(flow, agent, m)
    a = draft(flow, agent, m)
    with clock.frozen(flow.now):
        doc = doc_actions.issue(
            actor=agent, matter_id=m.pk, kind="mediation_agreement", source_key=a.source_key
        )
    assert doc.number == "新呼苏信代调〔2026〕1号" and doc.issuer_name == "苏雅拉社区代办点"
    assert doc.data["content_rev"] == 1
    # Changed after issue: the parties may not sign the old wording.
    flow.call(
        actions.agreement_edit,
        actor=agent,
        agreement_id=a.pk,
        expected_version=a.version,
        **content(flow, m, place="苏雅拉社区居委会二楼"),
    )
    images = [signature_data_url(0), signature_data_url(7)]
    with clock.frozen(flow.now), pytest.raises(WrongState, match="更正"):
        doc_actions.sign(actor=agent, document_id=doc.pk, expected_revision=doc.revision, images=images)
    doc = Document.objects.get(pk=doc.pk)
    assert doc.signed_at is None
    with clock.frozen(flow.now):
        corrected = doc_actions.correct(
            actor=agent, document_id=doc.pk, expected_revision=doc.revision, reason="调解地点有误"
        )
    assert corrected.number == doc.number and corrected.data["content_rev"] == 2
    assert "苏雅拉社区居委会二楼" in corrected.body_html
    flow.later(hours=1)
    with clock.frozen(flow.now):
        signed_doc = doc_actions.sign(
            actor=agent, document_id=corrected.pk, expected_revision=corrected.revision, images=images
        )
    a.refresh_from_db()
    assert a.status == AgreementStatus.SIGNED and a.signed_at == signed_doc.signed_at
    assert a.signed_document_id == corrected.pk and a.judicial_until == D(2026, 7, 1)
    assert 'class="signature"' in signed_doc.body_html and "data:image/png;base64," in signed_doc.body_html


def test_a_signed_agreement_is_still_a_source_for_its_correction(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    a = sign(flow, personas.village_agent, draft(flow, personas.village_agent, m))
    assert [s.key for s in kind.sources(m)] == [a.source_key]
    assert kind.may_issue(personas.village_agent, m, a.source_key)


def test_a_paper_signed_agreement_runs_from_the_signing_day_and_is_not_cancelled(
    flow: Flow, personas: Personas
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from daiban.documents.tests.world import PNG

    m = flow.local()
    agent = personas.village_agent
    session(flow, agent, m)
    a = draft(flow, agent, m)
    with clock.frozen(flow.now):
        doc = doc_actions.issue(
            actor=agent, matter_id=m.pk, kind="mediation_agreement", source_key=a.source_key
        )
    signed_on = flow.today
    flow.later(days=9)  # the scan is uploaded nine days after the parties signed on paper
    with clock.frozen(flow.now):
        doc_actions.attach_scan(
            actor=agent,
            document_id=doc.pk,
            expected_revision=doc.revision,
            scan=SimpleUploadedFile("s.png", PNG),
            signed_on=signed_on,
        )
    a.refresh_from_db()
    assert a.status == AgreementStatus.SIGNED
    assert a.signed_at is not None and a.signed_at.date() == signed_on
    assert a.judicial_until == signed_on + datetime.timedelta(days=30)  # 2026-06-01 → 07-01
    with clock.frozen(flow.now), pytest.raises(WrongState, match="变更协议"):
        doc_actions.cancel(
            actor=agent,
            document_id=doc.pk,
            expected_revision=Document.objects.get(pk=doc.pk).revision,
            reason="x",
        )


def test_a_blank_party_row_keeps_the_roles_of_the_rows_after_it(flow: Flow, personas: Personas) -> None:
    from django.test import Client

    from conftest import PASSWORD

    m = flow.local()
    agent = personas.village_agent
    session(flow, agent, m)
    c = Client()
    assert c.login(username=agent.username, password=PASSWORD)
    url = f"/mediation/matter/{m.pk}/agreements/new/"
    page = c.get(url)
    assert page.status_code == 200
    form = {
        k: v
        for k, v in (
            ("facts", "邻里漏水纠纷"),
            ("issues", "维修费用分担"),
            ("place", "苏雅拉社区调解室"),
            ("committee", "苏雅拉社区人民调解委员会"),
            ("mediator_names", "李调解"),
        )
    }
    data = {
        **form,
        "party-TOTAL_FORMS": "4",
        "party-INITIAL_FORMS": "0",
        "party-0-name": "王建国",
        "party-1-name": "",
        "party-2-name": "某物业服务有限公司",
        "party-3-name": "某建筑公司",
        "ob-TOTAL_FORMS": "1",
        "ob-INITIAL_FORMS": "0",
        "ob-0-party_role": "bing",
        "ob-0-what": "承担维修费用",
        "ob-0-manner": "一次性支付",
        "ob-0-deadline": (flow.today + datetime.timedelta(days=10)).isoformat(),
    }
    with clock.frozen(flow.now):
        response = c.post(url, data)
    from daiban.mediation.models import Agreement, Obligation

    assert response.status_code == 302, response.status_code
    agreement = Agreement.objects.get(matter=m)
    roles = {p.name: p.get_role_display() for p in agreement.parties.all()}
    assert roles["某物业服务有限公司"] == "丙方" and roles["某建筑公司"] == "丁方"
    assert Obligation.objects.get(agreement=agreement).party.name == "某物业服务有限公司"
