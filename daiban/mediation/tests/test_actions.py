"""The mediation actions: sessions, drafting and editing an agreement, signing (the kind's ``on_signed``),
司法确认, performance, a change after signing; each refusal names the field (in Chinese) and changes
nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope, WrongState
from daiban.matters.tests.factories import Flow
from daiban.mediation import actions
from daiban.mediation.actions import ObligationInput, PartyInput, RowError
from daiban.mediation.models import (
    Agreement,
    AgreementStatus,
    Dossier,
    DossierEvent,
    JudicialStatus,
    MediationSession,
    ObligationStatus,
    Performance,
)
from daiban.mediation.tests.helpers import (
    content,
    draft,
    fake_document,
    obligation,
    perform,
    session,
    sign,
    signed,
    version,
)
from daiban.notify.models import Message

D = datetime.date


def _events(matter_id: int) -> list[str]:
    return list(
        DossierEvent.objects.filter(dossier__matter_id=matter_id)
        .order_by("seq")
        .values_list("kind", flat=True)
    )


# ------------------------------------------------------------------------------------------- sessions


def test_a_session_opens_the_dossier_and_writes_its_event(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    s = session(flow, personas.village_agent, m)
    assert s.dossier.matter_id == m.pk and s.outcome == "agreed"
    assert list(s.mediators.all()) == [personas.village_agent]
    assert Dossier.objects.get(matter=m).version == 1
    assert _events(m.pk) == ["session"]
    session(flow, personas.village_agent, m, outcome="continuing")
    assert Dossier.objects.count() == 1 and _events(m.pk) == ["session", "session"]


@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        ({"place": " "}, "place", "请填写调解地点。"),
        ({"participants": ""}, "participants", "请填写参加人员。"),
        ({"record_text": ""}, "record_text", "请填写调解情况。"),
        ({"outcome": "maybe"}, "outcome", "请选择有效的调解结果。"),
        ({"held_at": None}, "held_at", "请填写调解时间。"),
        (
            {"mediators": [], "mediator_names": ""},
            "mediators",
            "请至少选择一位调解人员，或填写人民调解员姓名。",
        ),
        ({"mediator_names": "赵调解员 13904711234"}, "mediator_names", "不要填写电话或证件号码"),
    ],
)
def test_a_session_names_the_wrong_field(
    flow: Flow, personas: Personas, override: dict[str, object], field: str, message: str
) -> None:
    m = flow.local()
    with pytest.raises(ValidationError) as caught:
        session(flow, personas.village_agent, m, **override)
    assert field in caught.value.message_dict and message in caught.value.message_dict[field][0]
    assert not MediationSession.objects.exists()


def test_a_session_in_the_future_or_before_intake_is_refused(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    for when in (flow.now + datetime.timedelta(days=1), flow.now - datetime.timedelta(days=3)):
        with pytest.raises(ValidationError) as caught:
            session(flow, personas.village_agent, m, held_at=when)
        assert "held_at" in caught.value.message_dict
    assert not MediationSession.objects.exists()


def test_a_mediator_must_work_along_the_matters_path(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    with pytest.raises(ValidationError) as caught:
        session(flow, personas.village_agent, m, mediators=[personas.outsider_village_agent])
    assert "mediators" in caught.value.message_dict
    s = session(flow, personas.village_agent, m, mediators=[personas.township_staff, personas.county_staff])
    assert set(s.mediators.all()) == {personas.township_staff, personas.county_staff}


def test_who_may_record(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    for who in ("supervisor", "leader"):
        with pytest.raises(NotAllowed):
            session(flow, getattr(personas, who), m)
    for who in ("outsider", "outsider_village_agent", "outsider_unit_handler"):
        with pytest.raises(OutOfScope):
            session(flow, getattr(personas, who), m)
    assert not Dossier.objects.exists()
    # The unit handling it, the stations along its path and the county centre do.
    for who in ("unit_handler", "village_agent", "township_staff", "county_staff"):
        session(flow, getattr(personas, who), m, mediators=[], mediator_names="赵调解员")
    assert MediationSession.objects.count() == 4


def test_nothing_new_on_a_closed_matter_or_an_accusation(flow: Flow, personas: Personas) -> None:
    closed = flow.closed()
    with pytest.raises(WrongState, match="已办结"):
        session(flow, personas.county_staff, closed)
    accusation = flow.at_county(purpose="accusation", category="discipline")
    with pytest.raises(WrongState, match="检举控告"):
        session(flow, personas.county_staff, accusation)


# ------------------------------------------------------------------------------------------ agreements


def test_drafting_an_agreement(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    session(flow, personas.village_agent, m)
    a = draft(flow, personas.village_agent, m)
    assert (a.ordinal, a.revision, a.status, a.content_rev) == (1, 1, AgreementStatus.DRAFT, 1)
    assert a.office_id == personas.village_agent.region_id  # the village point organised it
    assert [(p.get_role_display(), p.name) for p in a.parties.all()] == [
        ("甲方", "王建国"),
        ("乙方", "某物业服务有限公司"),
    ]
    assert a.parties.get(role="jia").petitioner_id == m.petitioners.get().pk
    obligations = list(a.obligations.select_related("party"))
    assert [(o.party.role, o.status) for o in obligations] == [
        ("yi", "pending"),
        ("yi", "pending"),
        ("jia", "pending"),
    ]
    assert _events(m.pk) == ["session", "draft"]
    with pytest.raises(WrongState, match="待签署"):
        draft(flow, personas.village_agent, m)


def test_a_unit_handler_drafting_issues_under_the_county_centre(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    a = draft(flow, personas.unit_handler, m)
    assert a.office_id == flow.t.county_a.pk


@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        ({"facts": ""}, "facts", "请填写纠纷主要事实。"),
        ({"issues": ""}, "issues", "请填写争议事项。"),
        ({"committee": ""}, "committee", "请填写人民调解委员会。"),
        ({"parties": [PartyInput("jia", "王建国")]}, "parties", "请填写至少两方当事人。"),
        ({"obligations": []}, "obligations", "请填写至少一项"),
    ],
)
def test_drafting_names_the_wrong_field(
    flow: Flow, personas: Personas, override: dict[str, object], field: str, message: str
) -> None:
    m = flow.local()
    with pytest.raises(ValidationError) as caught:
        draft(flow, personas.village_agent, m, **override)
    assert message in caught.value.message_dict[field][0]
    assert not Agreement.objects.exists()


@pytest.mark.parametrize(
    ("rows", "value", "index", "field", "message"),
    [
        ("parties", [PartyInput("jia", "王建国"), PartyInput("jia", "李某")], 1, "role", "重复"),
        ("parties", [PartyInput("jia", "王建国"), PartyInput("yi", "")], 1, "name", "请填写姓名或名称"),
        (
            "parties",
            [PartyInput("jia", "王建国 150102196803151234"), PartyInput("yi", "李")],
            0,
            "name",
            "证件号码",
        ),
        (
            "parties",
            [PartyInput("jia", "王建国", petitioner_id=10**9), PartyInput("yi", "李")],
            0,
            "petitioner",
            "不是本事项的信访人",
        ),
        (
            "obligations",
            [ObligationInput("bing", "赔偿", "转账", D(2026, 7, 1))],
            0,
            "party_role",
            "须是上面填写的一方",
        ),
        ("obligations", [ObligationInput("yi", "", "转账", D(2026, 7, 1))], 0, "what", "请填写义务内容"),
        ("obligations", [ObligationInput("yi", "赔偿", "", D(2026, 7, 1))], 0, "manner", "请填写履行方式"),
        ("obligations", [ObligationInput("yi", "赔偿", "转账", None)], 0, "deadline", "请填写履行期限"),
        (
            "obligations",
            [ObligationInput("yi", "赔偿", "转账", D(2026, 5, 1))],
            0,
            "deadline",
            "不能早于今天",
        ),
        ("obligations", [ObligationInput("yi", "赔偿", "转账", D(2040, 1, 1))], 0, "deadline", "5 年后"),
    ],
)
def test_a_wrong_row_is_named_by_its_number_and_field(
    flow: Flow, personas: Personas, rows: str, value: list[object], index: int, field: str, message: str
) -> None:
    m = flow.local()
    with pytest.raises(RowError) as caught:
        draft(flow, personas.village_agent, m, **{rows: value})
    err = caught.value
    assert (err.rows, err.index, err.field) == (rows, index, field)
    assert f"第 {index + 1} " in err.messages[0] and message in err.messages[0]
    assert not Agreement.objects.exists()


def test_editing_replaces_the_content_while_unsigned(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    a = draft(flow, personas.village_agent, m)
    edited = flow.call(
        actions.agreement_edit,
        actor=personas.county_staff,
        agreement_id=a.pk,
        expected_version=a.version,
        **content(
            flow,
            m,
            parties=[
                PartyInput("jia", "王建国"),
                PartyInput("yi", "某物业服务有限公司"),
                PartyInput("bing", "社区居委会"),
            ],
            obligations=[
                ObligationInput("bing", "监督维修", "现场验收", flow.today + datetime.timedelta(days=15))
            ],
        ),
    )
    assert (edited.version, edited.content_rev, edited.copies) == (1, 2, 4)  # one each, one kept
    assert edited.parties.count() == 3 and edited.obligations.get().party.role == "bing"
    with pytest.raises(Conflict):
        flow.call(
            actions.agreement_edit,
            actor=personas.village_agent,
            agreement_id=a.pk,
            expected_version=0,
            **content(flow, m),
        )
    assert _events(m.pk) == ["draft", "edit"]


def test_a_supervisor_may_not_edit(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    a = draft(flow, personas.village_agent, m)
    with pytest.raises(NotAllowed):
        flow.call(
            actions.agreement_edit,
            actor=personas.supervisor,
            agreement_id=a.pk,
            expected_version=0,
            **content(flow, m),
        )
    with pytest.raises(OutOfScope):
        flow.call(
            actions.agreement_edit,
            actor=personas.outsider,
            agreement_id=a.pk,
            expected_version=0,
            **content(flow, m),
        )
    assert Agreement.objects.get(pk=a.pk).content_rev == 1


# -------------------------------------------------------------------------------------------- signing


def test_signing_makes_it_take_effect_and_tells_the_agent_and_mediators(
    flow: Flow, personas: Personas
) -> None:
    m = flow.handling()  # responsible agent: county_staff (took it in)
    session(flow, personas.village_agent, m)
    a = draft(flow, personas.village_agent, m, mediators=[personas.township_staff])
    a = sign(flow, personas.village_agent, a)
    assert a.status == AgreementStatus.SIGNED and a.signed_at == flow.now
    # 30 days from 2026-06-02 (the day of signing, not counted): Thursday 2026-07-02.
    assert flow.today == D(2026, 6, 2)
    assert a.judicial_until == D(2026, 7, 2) and "调解协议生效之日" in a.judicial_explanation
    told = Message.objects.filter(kind="mediation", key=f"agreement:{a.pk}:signed")
    assert set(told.values_list("recipient__username", flat=True)) == {"county_staff", "township_staff"}
    assert "2026年07月02日" in told.first().text  # type: ignore[union-attr]
    assert _events(m.pk) == ["session", "draft", "signed"]
    with pytest.raises(WrongState, match="已签署生效"):
        flow.call(
            actions.agreement_edit,
            actor=personas.village_agent,
            agreement_id=a.pk,
            expected_version=a.version,
            **content(flow, m),
        )


def test_the_window_ends_on_a_working_day(flow: Flow, personas: Personas) -> None:
    flow.on(2026, 9, 3)  # + 30 days = Saturday 2026-10-03, in the National Day holiday
    m = flow.local()
    a = sign(flow, personas.village_agent, draft(flow, personas.village_agent, m))
    assert a.judicial_until is not None and a.judicial_until > D(2026, 10, 3)
    assert a.judicial_until.weekday() < 5


def test_a_document_from_an_older_content_cannot_be_signed(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    a = draft(flow, personas.village_agent, m)
    stale = fake_document(a, flow.now)
    flow.call(
        actions.agreement_edit,
        actor=personas.village_agent,
        agreement_id=a.pk,
        expected_version=a.version,
        **content(flow, m, place="社区会议室"),
    )
    with pytest.raises(WrongState, match="更正"):
        sign(flow, personas.village_agent, a, stale)
    assert Agreement.objects.get(pk=a.pk).status == AgreementStatus.DRAFT
    assert sign(flow, personas.village_agent, a).status == AgreementStatus.SIGNED


def test_signing_a_corrected_version_again_keeps_the_window(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    a = sign(flow, personas.village_agent, draft(flow, personas.village_agent, m))
    flow.later(days=3)
    again = sign(flow, personas.village_agent, a, fake_document(a, flow.now, pk=900_002))
    assert again.signed_at == a.signed_at and again.judicial_until == a.judicial_until
    assert again.signed_document_id == 900_002
    assert _events(m.pk)[-1] == "resigned"


# --------------------------------------------------------------------------------------- 司法确认


def _judicial(flow: Flow, actor: object, a: Agreement, **kw: object) -> Agreement:
    return flow.call(
        actions.judicial_record, actor=actor, agreement_id=a.pk, expected_version=version(a), **kw
    )


def test_judicial_confirmation_applied_then_confirmed(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    a = signed(flow, personas.village_agent, m)
    flow.later(days=5)
    a = _judicial(
        flow, personas.village_agent, a, status="applied", applied_on=D(2026, 6, 4), court="新城区人民法院"
    )
    assert (a.judicial_status, a.judicial_applied_on) == (JudicialStatus.APPLIED, D(2026, 6, 4))
    with pytest.raises(WrongState, match="裁定结果"):
        _judicial(flow, personas.village_agent, a, status="not_applied")
    flow.later(days=5)
    a = _judicial(
        flow,
        personas.village_agent,
        a,
        status="confirmed",
        applied_on=D(2026, 6, 4),
        decided_on=D(2026, 6, 10),
        court="新城区人民法院",
    )
    assert a.judicial_status == JudicialStatus.CONFIRMED and a.judicial_decided_on == D(2026, 6, 10)
    with pytest.raises(WrongState, match="已作出裁定"):
        _judicial(flow, personas.village_agent, a, status="not_applied")


@pytest.mark.parametrize(
    ("kw", "field", "message"),
    [
        ({"status": ""}, "status", "请选择司法确认情况"),
        ({"status": "later"}, "status", "请选择有效的司法确认情况"),
        ({"status": "applied", "applied_on": D(2026, 6, 2)}, "court", "请填写人民法院"),
        ({"status": "applied", "court": "法院"}, "applied_on", "请填写申请日期"),
        (
            {"status": "applied", "court": "法院", "applied_on": D(2026, 5, 30)},
            "applied_on",
            "不能早于协议生效日期",
        ),
        ({"status": "applied", "court": "法院", "applied_on": D(2026, 6, 9)}, "applied_on", "不能晚于今天"),
        (
            {"status": "confirmed", "court": "法院", "applied_on": D(2026, 6, 2)},
            "decided_on",
            "请填写裁定日期",
        ),
        (
            {
                "status": "confirmed",
                "court": "法院",
                "applied_on": D(2026, 6, 3),
                "decided_on": D(2026, 6, 2),
            },
            "decided_on",
            "不能早于申请日期",
        ),
        (
            {"status": "applied", "court": "法院", "applied_on": D(2026, 6, 2), "decided_on": D(2026, 6, 3)},
            "decided_on",
            "尚未裁定",
        ),
    ],
)
def test_judicial_names_the_wrong_field(
    flow: Flow, personas: Personas, kw: dict[str, object], field: str, message: str
) -> None:
    m = flow.local()
    a = signed(flow, personas.village_agent, m)
    flow.later(days=4)
    with pytest.raises(ValidationError) as caught:
        _judicial(flow, personas.village_agent, a, **kw)
    assert message in caught.value.message_dict[field][0]
    assert Agreement.objects.get(pk=a.pk).judicial_status == ""


def test_judicial_needs_a_signed_agreement(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    a = draft(flow, personas.village_agent, m)
    with pytest.raises(WrongState, match="尚未签署"):
        _judicial(flow, personas.village_agent, a, status="not_applied")


# ------------------------------------------------------------------------------------------ performance


def test_performance_on_time_late_partly_and_not_done(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    a = signed(flow, personas.village_agent, m)
    flow.later(days=3)
    done = perform(flow, personas.village_agent, obligation(a, 2))  # 配合入户施工, due in 5 days
    assert (done.status, done.done_on) == (ObligationStatus.DONE, D(2026, 6, 4))
    flow.later(days=9)  # 2026-06-13: the repair was due on 06-11
    partly = perform(flow, personas.village_agent, obligation(a, 0), "partly", note="已修复一半")
    assert partly.status == ObligationStatus.PENDING
    late = perform(flow, personas.village_agent, obligation(a, 0))
    assert late.status == ObligationStatus.LATE
    refused = perform(flow, personas.village_agent, obligation(a, 1), "not_done", note="物业公司拒绝赔偿")
    assert refused.status == ObligationStatus.NOT_DONE
    with pytest.raises(WrongState, match="已登记履行完毕"):
        perform(flow, personas.village_agent, obligation(a, 0))
    assert Performance.objects.filter(obligation__agreement=a).count() == 4
    assert _events(m.pk)[-4:] == ["perform"] * 4


def test_performance_refusals(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    a = draft(flow, personas.village_agent, m)
    with pytest.raises(WrongState, match="尚未签署"):
        perform(flow, personas.village_agent, obligation(a, 0))
    a = sign(flow, personas.village_agent, a)
    with pytest.raises(ValidationError) as caught:
        perform(flow, personas.village_agent, obligation(a, 0), "not_done")
    assert "note" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        perform(flow, personas.village_agent, obligation(a, 0), on=D(2026, 5, 30))
    assert "不能早于协议生效日期" in caught.value.message_dict["on"][0]
    with pytest.raises(NotAllowed):
        perform(flow, personas.supervisor, obligation(a, 0))
    with pytest.raises(OutOfScope):
        perform(flow, personas.outsider, obligation(a, 0))
    with pytest.raises(Conflict):
        flow.call(
            actions.performance_record,
            actor=personas.village_agent,
            obligation_id=obligation(a, 0).pk,
            expected_version=0,
            outcome="done",
            on=flow.today,
        )
    assert not Performance.objects.exists()


def test_performance_and_judicial_may_be_recorded_after_closing(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    a = signed(flow, personas.county_staff, m)
    flow.later(days=3)
    m = flow.reply(m)
    flow.act(flow_actions().matter_feedback, personas.county_staff, m, method="phone", note="告知")
    flow.act(
        flow_actions().matter_follow_up,
        personas.county_staff,
        m,
        service_satisfaction="satisfied",
        unit_satisfaction="satisfied",
        method="visit",
    )
    flow.act(flow_actions().matter_close, personas.county_staff, m, resolved=True)
    flow.later(days=2)
    assert perform(flow, personas.county_staff, obligation(a, 2)).status == ObligationStatus.DONE
    assert _judicial(flow, personas.county_staff, a, status="not_applied").judicial_status == "not_applied"


def flow_actions():  # type: ignore[no-untyped-def]
    from daiban.matters import actions as matter_actions

    return matter_actions


# ---------------------------------------------------------------------------------------- a change


def test_a_change_after_signing_replaces_the_agreement_once_signed(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    a = signed(flow, personas.village_agent, m)
    perform(flow, personas.village_agent, obligation(a, 2))
    flow.later(days=2)
    new = flow.call(
        actions.agreement_revise,
        actor=personas.village_agent,
        agreement_id=a.pk,
        expected_version=version(a),
        reason="双方同意赔偿期限延后一个月",
    )
    assert (new.ordinal, new.revision, new.supersedes_id, new.status) == (1, 2, a.pk, AgreementStatus.DRAFT)
    assert new.label == "调解协议1（变更第1次）"
    assert new.obligations.count() == 3 and new.parties.count() == 2
    with pytest.raises(WrongState):
        flow.call(
            actions.agreement_revise,
            actor=personas.village_agent,
            agreement_id=a.pk,
            expected_version=version(a),
            reason="再变更",
        )
    assert Agreement.objects.get(pk=a.pk).status == AgreementStatus.SIGNED  # until the change is signed
    sign(flow, personas.village_agent, new)
    old = Agreement.objects.get(pk=a.pk)
    assert old.status == AgreementStatus.SUPERSEDED
    assert old.obligations.get(position=2).status == ObligationStatus.DONE  # its records stay
    with pytest.raises(WrongState, match="取代"):
        perform(flow, personas.village_agent, obligation(old, 0))
    with pytest.raises(WrongState, match="取代"):
        sign(flow, personas.village_agent, old, fake_document(old, flow.now, pk=900_003))


def test_performance_is_on_time_by_the_day_performed_not_the_day_checked(
    flow: Flow, personas: Personas
) -> None:
    m = flow.local()
    agent = personas.village_agent
    a = signed(flow, agent, m)
    ob = obligation(a, 0)
    flow.on(ob.deadline.year, ob.deadline.month, ob.deadline.day).later(days=3)
    with pytest.raises(ValidationError) as err:
        flow.call(
            actions.performance_record,
            actor=agent,
            obligation_id=ob.pk,
            expected_version=version(a),
            outcome="done",
            on=flow.today,
            performed_on=flow.today + datetime.timedelta(days=1),
            note="",
        )
    assert "performed_on" in err.value.message_dict
    done = flow.call(
        actions.performance_record,
        actor=agent,
        obligation_id=ob.pk,
        expected_version=version(a),
        outcome="done",
        on=flow.today,
        performed_on=ob.deadline,
        note="凭转账记录核实",
    )
    assert done.status == "done" and done.done_on == ob.deadline


def test_an_obligation_due_before_signing_must_be_corrected_first(flow: Flow, personas: Personas) -> None:
    from daiban.mediation.tests.helpers import draft, sign

    m = flow.local()
    agent = personas.village_agent
    a = draft(flow, agent, m)
    first_deadline = min(o.deadline for o in a.obligations.all())
    flow.on(first_deadline.year, first_deadline.month, first_deadline.day).later(days=1)
    with pytest.raises(WrongState, match="早于签署日期"):
        sign(flow, agent, a)
    a.refresh_from_db()
    assert a.status == "draft"
