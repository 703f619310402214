"""Issuing, numbering, signing, serving, correcting and cancelling documents through the real actions."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import Personas, Tree
from daiban.core import clock
from daiban.documents import actions
from daiban.documents.models import Document, DocumentStatus, Service
from daiban.documents.tests.helpers import fresh, issue, kwargs_for, other_person, signature_data_url
from daiban.matters import actions as matter_actions
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope, WrongState
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow

pytestmark = pytest.mark.django_db


@pytest.fixture
def flow(tree: Tree, personas: Personas) -> Flow:
    return Flow(tree, personas)


def test_receipt_is_numbered_per_issuer_kind_and_year_without_gaps(flow: Flow, personas: Personas) -> None:
    first = flow.at_county()
    second = flow.at_county(**other_person(1))
    a = issue(flow, personas.county_staff, first, "receipt")
    b = issue(flow, personas.county_staff, second, "receipt")
    assert (a.number, b.number) == ("新信代回〔2026〕1号", "新信代回〔2026〕2号")
    assert a.issuer_name == "新城区代办中心"
    # Another kind has its own sequence; the receipt freezes the lookup code and the QR address.
    entrust = issue(flow, personas.county_staff, first, "entrustment")
    assert entrust.number == "新信代委〔2026〕1号"
    assert first.lookup_code in a.body_html and "data:image/png;base64," in a.body_html
    assert a.data["petitioner_names"] in a.body_html and first.number in a.body_html


def test_one_valid_document_per_source(flow: Flow, personas: Personas) -> None:
    m = flow.at_county()
    issue(flow, personas.county_staff, m, "receipt")
    with pytest.raises(WrongState):
        issue(flow, personas.county_staff, m, "receipt")


def test_cancelled_keeps_its_number_and_the_next_issue_takes_the_next(flow: Flow, personas: Personas) -> None:
    m = flow.at_county()
    doc = issue(flow, personas.county_staff, m, "receipt")
    with pytest.raises(ValidationError) as err:
        actions.cancel(actor=personas.county_staff, **kwargs_for(doc, reason=" "))
    assert "作废理由" in str(err.value)
    actions.cancel(actor=personas.county_staff, **kwargs_for(doc, reason="查询码登记有误"))
    doc = fresh(doc)
    assert doc.status == DocumentStatus.CANCELLED and doc.number == "新信代回〔2026〕1号"
    assert doc.cancel_reason == "查询码登记有误"
    again = issue(flow, personas.county_staff, m, "receipt")
    assert again.number == "新信代回〔2026〕2号"
    with pytest.raises(WrongState):
        actions.cancel(actor=personas.county_staff, **kwargs_for(doc, reason="再次作废"))


def test_correction_is_a_new_version_with_the_same_number(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    doc = issue(flow, personas.unit_handler, m, "acceptance_notice")
    assert doc.number.startswith("住建信受〔2026〕1号") or doc.number.endswith("受〔2026〕1号")
    body_before = doc.body_html
    flow.later(days=1)
    with clock.frozen(flow.now):
        new = actions.correct(actor=personas.unit_handler, **kwargs_for(doc, reason="告知书受理日期笔误"))
    assert (new.number, new.version, new.supersedes_id) == (doc.number, 2, doc.pk)
    assert new.number_label.endswith("（更正第1版）")
    old = fresh(doc)
    assert old.status == DocumentStatus.SUPERSEDED and old.body_html == body_before
    with pytest.raises(WrongState):
        actions.correct(actor=personas.unit_handler, **kwargs_for(old, reason="再改"))


def test_an_issued_document_never_changes_with_the_matter(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    doc = issue(flow, personas.county_staff, m, "assignment")
    frozen_body = doc.body_html
    flow.later(days=2)
    flow.act(
        matter_actions.matter_extend,
        personas.unit_handler,
        m,
        days=10,
        approver="王局长",
        reason="需现场勘查",
        notified_how="written",
    )
    assert fresh(doc).body_html == frozen_body


def test_finger_signatures_are_stored_and_rendered_once(flow: Flow, personas: Personas) -> None:
    m = flow.at_county()
    doc = issue(flow, personas.county_staff, m, "entrustment")
    assert "委托人" in doc.body_html and "data:image/png" not in doc.body_html
    with pytest.raises(ValidationError) as err:
        actions.sign(actor=personas.county_staff, **kwargs_for(doc, images=["data:image/png;base64,AAAA"]))
    assert "signature_0" in err.value.message_dict
    with clock.frozen(flow.now):
        actions.sign(actor=personas.county_staff, **kwargs_for(doc, images=[signature_data_url()]))
    doc = fresh(doc)
    assert doc.signed_at is not None and doc.signatures.count() == 1
    assert "data:image/png;base64," in doc.body_html
    with pytest.raises(WrongState):
        actions.sign(actor=personas.county_staff, **kwargs_for(doc, images=[signature_data_url(1)]))


def test_a_paper_scan_signs_instead(flow: Flow, personas: Personas) -> None:
    m = flow.at_county()
    doc = issue(flow, personas.county_staff, m, "entrustment")
    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    actions.attach_scan(actor=personas.county_staff, **kwargs_for(doc, scan=scan))
    doc = fresh(doc)
    assert doc.is_signed and doc.scan and doc.scan_content_type == "application/pdf"
    assert "纸质" in doc.body_html
    bad = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf")
    other = issue(flow, personas.county_staff, flow.at_county(**other_person(2)), "entrustment")
    with pytest.raises(ValidationError) as err:
        actions.attach_scan(actor=personas.county_staff, **kwargs_for(other, scan=bad))
    assert "scan" in err.value.message_dict


def test_serving_the_opinion_opens_the_review_window_from_the_service_date(
    flow: Flow, personas: Personas
) -> None:
    m = flow.replied()
    doc = issue(flow, personas.unit_handler, m, "handling_opinion")
    assert "复查" in doc.body_html and "反映情况属实" in doc.body_html
    flow.later(days=4)
    served_on = flow.today - datetime.timedelta(days=2)
    with clock.frozen(flow.now):
        actions.serve(
            actor=personas.county_staff,
            **kwargs_for(doc, served_on=served_on, manner="sms_copy", recipient="张三"),
        )
    m = Matter.objects.get(pk=m.pk)
    opinion = m.opinions.get()
    assert opinion.served_on == served_on and opinion.service_manner == "sms_copy"
    # 30 days from the recorded service date (not from the issue, not from today).
    assert m.review_window_until is not None and m.review_window_until >= served_on + datetime.timedelta(
        days=29
    )
    assert Service.objects.get(document=doc).served_on == served_on
    with pytest.raises(WrongState):
        actions.serve(
            actor=personas.county_staff,
            **kwargs_for(doc, served_on=served_on, manner="mail", recipient="张三"),
        )


def test_service_recorded_on_the_matter_page_is_mirrored_on_the_document(
    flow: Flow, personas: Personas, django_capture_on_commit_callbacks
) -> None:
    m = flow.replied()
    doc = issue(flow, personas.unit_handler, m, "handling_opinion")
    with django_capture_on_commit_callbacks(execute=True):
        flow.serve(m, manner="mail")
    service = Service.objects.get(document=doc)
    assert service.manner == "mail" and service.served_on == flow.today


def test_service_dates_are_checked(flow: Flow, personas: Personas) -> None:
    m = flow.replied()
    doc = issue(flow, personas.unit_handler, m, "handling_opinion")
    with clock.frozen(flow.now), pytest.raises(ValidationError) as err:
        actions.serve(
            actor=personas.county_staff,
            **kwargs_for(
                doc, served_on=flow.today + datetime.timedelta(days=1), manner="mail", recipient="张三"
            ),
        )
    assert "served_on" in err.value.message_dict
    with clock.frozen(flow.now), pytest.raises(ValidationError) as err:
        actions.serve(
            actor=personas.county_staff,
            **kwargs_for(
                doc, served_on=flow.today - datetime.timedelta(days=30), manner="mail", recipient="张三"
            ),
        )
    assert "出具日期" in str(err.value)


def test_stale_revision_is_a_conflict(flow: Flow, personas: Personas) -> None:
    m = flow.at_county()
    doc = issue(flow, personas.county_staff, m, "entrustment")
    stale = doc.revision
    actions.attach_scan(
        actor=personas.county_staff,
        document_id=doc.pk,
        expected_revision=stale,
        scan=SimpleUploadedFile("s.png", _PNG),
    )
    with pytest.raises(Conflict):
        actions.cancel(
            actor=personas.county_staff, document_id=doc.pk, expected_revision=stale, reason="重复"
        )


def test_who_may_issue(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    with pytest.raises(NotAllowed):  # a unit sees the matter, but the receipt is the network's
        issue(flow, personas.unit_handler, m, "receipt", "")
    with pytest.raises(OutOfScope):
        issue(flow, personas.outsider, m, "receipt", "")
    with pytest.raises(NotAllowed):  # a supervisor reads, never issues
        issue(flow, personas.supervisor, m, "receipt", "")
    with pytest.raises(ValidationError):
        issue(flow, personas.county_staff, m, "no_such_kind", "")
    with pytest.raises(WrongState):  # a source that does not exist on this matter
        issue(flow, personas.county_staff, m, "handling_opinion", "opinion:999999")


_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_documents_are_listed_on_the_matter(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    issue(flow, personas.county_staff, m, "receipt", "")
    assert list(Document.objects.filter(matter=m).values_list("kind", flat=True)) == ["receipt"]


def test_only_the_issuer_corrects_or_cancels(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    assignment = issue(flow, personas.county_staff, m, "assignment")
    notice = issue(flow, personas.unit_handler, m, "acceptance_notice")
    for who in (personas.unit_handler, personas.village_agent, personas.township_staff):
        with pytest.raises(NotAllowed):  # the 交办单 is the county centre's
            actions.cancel(actor=who, **kwargs_for(assignment, reason="不需要"))
        with pytest.raises(NotAllowed):
            actions.correct(actor=who, **kwargs_for(assignment, reason="改一改"))
    with pytest.raises(NotAllowed):  # the 受理告知书 is the unit's
        actions.cancel(actor=personas.county_staff, **kwargs_for(notice, reason="不需要"))
    with pytest.raises(NotAllowed):  # a village point does not issue in the county centre's name
        issue(flow, personas.village_agent, m, "assignment")
    actions.cancel(actor=personas.county_staff, **kwargs_for(assignment, reason="交办单位写错"))
    assert fresh(assignment).status == DocumentStatus.CANCELLED


def test_a_recused_person_no_longer_issues_or_signs(flow: Flow, personas: Personas, tree: Tree) -> None:
    from conftest import make_user
    from daiban.accounts.models import Role

    colleague = make_user("county_colleague", Role.COUNTY_STAFF, tree.county_a)
    m = flow.at_county()
    doc = issue(flow, personas.county_staff, m, "entrustment")
    flow.act(
        matter_actions.matter_recuse,
        personas.county_staff,
        m,
        reason="信访人是我的亲属",
        replacement=colleague,
    )
    with pytest.raises(NotAllowed):
        issue(flow, personas.county_staff, m, "receipt", "")
    with pytest.raises(NotAllowed):
        actions.sign(actor=personas.county_staff, **kwargs_for(doc, images=[signature_data_url()]))


def test_a_reply_is_served_once_whichever_page_records_it(
    flow: Flow, personas: Personas, django_capture_on_commit_callbacks
) -> None:
    m = flow.replied()
    doc = issue(flow, personas.unit_handler, m, "handling_opinion")
    with django_capture_on_commit_callbacks(execute=True):
        flow.serve(m, manner="mail")
    with clock.frozen(flow.now):
        v2 = actions.correct(actor=personas.unit_handler, **kwargs_for(doc, reason="依据条文笔误"))
    assert actions.served_before(v2) == flow.today
    flow.later(days=2)
    with clock.frozen(flow.now), pytest.raises(WrongState):
        actions.serve(
            actor=personas.county_staff,
            **kwargs_for(v2, served_on=flow.today, manner="direct", recipient="王建国"),
        )
    assert Service.objects.filter(document__matter=m).count() == 1


def test_a_refused_scan_leaves_no_file(flow: Flow, personas: Personas, settings, tmp_path) -> None:
    import dataclasses

    from daiban.documents import kinds

    settings.MEDIA_ROOT = tmp_path
    m = flow.at_county()
    doc = issue(flow, personas.county_staff, m, "entrustment")
    original = kinds.get("entrustment")
    assert original is not None

    def refuse(actor: object, document: object) -> None:
        raise WrongState("协议内容已修改，请先更正")

    kinds.register(dataclasses.replace(original, on_signed=refuse))
    try:
        with pytest.raises(WrongState):
            actions.attach_scan(
                actor=personas.county_staff, **kwargs_for(doc, scan=SimpleUploadedFile("s.png", _PNG))
            )
    finally:
        kinds.register(original)
    assert not fresh(doc).scan
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
