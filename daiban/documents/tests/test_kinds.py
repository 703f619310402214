"""Every registered kind of written instrument, issued from a matter driven through the real actions to the
state it comes from: its source is offered, ``actions.issue`` numbers it in its issuer's sequence, and the
body (and, where the renderers exist, the PDF and the Word file) names the number, the parties, the matter
and the dates that matter. Then numbering, cancellation, correction and the per-county template files."""

from __future__ import annotations

import datetime
import io
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import override_settings

from conftest import Personas, Tree
from daiban.accounts.models import User
from daiban.core import clock
from daiban.documents import actions, kinds, render, rendering, selectors, templating
from daiban.documents.common import cn_date
from daiban.documents.models import Document, DocumentStatus
from daiban.documents.tests.conftest import ReviewOrgans
from daiban.matters import actions as matter_actions
from daiban.matters.actions import PetitionerInput
from daiban.matters.choices import Step
from daiban.matters.models import Deadline, Matter, Opinion
from daiban.matters.tests.factories import WANG_ID, WANG_PHONE, Flow, at, id_with_check
from daiban.supervision import scan
from daiban.supervision.models import Rung, SupervisionOrder

pytestmark = pytest.mark.django_db

NAME = "王建国"  # the petitioner of every Flow matter (factories.intake)


# ------------------------------------------------------------------------------------------ helpers


def another_person(n: int) -> dict[str, object]:
    """Intake overrides for someone else, so that a second matter is not a repeat visit of the first."""
    return {
        "petitioners": [
            PetitionerInput(
                name=f"李{'一二三四五六七八九'[n % 9]}", id_number=id_with_check(f"1501021975062{n:04d}")
            )
        ]
    }


def issue(flow: Flow, actor: User, matter: Matter, kind: str, source_key: str) -> Document:
    with clock.frozen(flow.now):
        return actions.issue(actor=actor, matter_id=matter.pk, kind=kind, source_key=source_key)


def revision(doc: Document) -> int:
    return Document.objects.values_list("revision", flat=True).get(pk=doc.pk)


def source_keys(kind: str, matter: Matter) -> list[str]:
    k = kinds.get(kind)
    assert k is not None, f"{kind} is not registered"
    return [s.key for s in k.sources(Matter.objects.get(pk=matter.pk))]


def due(matter: Matter, step: str) -> str:
    """The date of the matter's latest clock of ``step``, as documents write it (2026年8月3日)."""
    row = Deadline.objects.filter(matter=matter, step=step).order_by("-id").first()
    assert row is not None, f"no {step} clock"
    return cn_date(row.due_date)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def scan_on(day: datetime.date) -> dict[str, int]:
    with clock.frozen(at(day.year, day.month, day.day, 8)):
        return scan.scan()


# ------------------------------------------------------------------------------------------ the cases


@dataclass
class Case:
    """One kind issued for one source: who issues it, the number it gets and what its body must say."""

    kind: str
    matter: Matter
    source_key: str
    actor: User
    number: str
    says: list[str] = field(default_factory=list)  # beyond the number, the petitioner and the matter number
    never: list[str] = field(default_factory=list)


@dataclass
class World:
    flow: Flow
    tree: Tree
    p: Personas
    organs: ReviewOrgans


def entrustment(w: World) -> Case:
    m = w.flow.at_village()
    return Case(
        "entrustment",
        m,
        "",
        w.p.village_agent,
        "新呼苏信代委〔2026〕1号",
        ["village_agent", "苏雅拉社区代办点"],
    )


def receipt(w: World) -> Case:
    m = w.flow.at_village()
    return Case(
        "receipt", m, "", w.p.village_agent, "新呼苏信代回〔2026〕1号", [m.lookup_code, due(m, Step.ROUTE)]
    )


def acceptance_notice(w: World) -> Case:
    m = w.flow.handling()
    task = w.flow.lead_task(m)
    return Case(
        "acceptance_notice",
        m,
        f"task:{task.pk}",
        w.p.unit_handler,
        "新住房信受〔2026〕1号",
        ["新城区住房和城乡建设局", "2026年6月2日", "60个自然日", due(m, Step.HANDLING), "第三十四条"],
        ["简易办理程序"],
    )


def acceptance_notice_local(w: World) -> Case:
    """就地办理 by the village, by the simplified procedure (10 working days)."""
    m = w.flow.at_village()
    w.flow.act(matter_actions.matter_start_local, w.p.village_agent, m, note="就地化解", simple=True)
    event = m.events.get(kind="start_local")
    return Case(
        "acceptance_notice",
        m,
        f"event:{event.pk}",
        w.p.village_agent,
        "新呼苏信代受〔2026〕1号",
        ["苏雅拉社区代办点", "简易办理", "10个工作日", due(m, Step.SIMPLIFIED)],
    )


def not_accepted_notice(w: World) -> Case:
    m = w.flow.at_county()
    w.flow.act(
        matter_actions.matter_not_accept,
        w.p.county_staff,
        m,
        reason_kind="not_petition",
        reason="所反映的邻里借款纠纷属于民事纠纷，不属于信访事项。",
    )
    event = m.events.get(kind="not_accept")
    return Case(
        "not_accepted_notice",
        m,
        f"event:{event.pk}",
        w.p.county_staff,
        "新信代不受〔2026〕1号",
        ["不属于信访事项", "邻里借款纠纷", "2026年6月1日", "诉讼、仲裁、行政复议"],
        ["诉访分离"],
    )


def not_accepted_notice_legal(w: World) -> Case:
    m = w.flow.at_county()
    w.flow.act(
        matter_actions.matter_guide_legal,
        w.p.county_staff,
        m,
        legal_channel="labour_arbitration",
        guidance="请向新城区劳动人事争议仲裁委员会申请仲裁。",
    )
    event = m.events.get(kind="guide_legal")
    return Case(
        "not_accepted_notice",
        m,
        f"event:{event.pk}",
        w.p.county_staff,
        "新信代不受〔2026〕1号",
        ["劳动人事争议仲裁", "新城区劳动人事争议仲裁委员会", "诉访分离"],
    )


def assignment(w: World) -> Case:
    m = w.flow.routed(co_units=[w.tree.unit_hr_a])
    task = w.flow.lead_task(m)
    accept_due = Deadline.objects.get(task=task, step=Step.ACCEPT_NOTICE).due_date
    assert accept_due == datetime.date(2026, 6, 16)
    return Case(
        "assignment",
        m,
        f"task:{task.pk}",
        w.p.county_staff,
        "新信代交〔2026〕1号",
        [
            "新城区住房和城乡建设局",
            "主办",
            "新城区人力资源和社会保障局",
            "2026年6月16日",
            "60个自然日",
            "请依法办理",
        ],
        [WANG_ID, WANG_PHONE],
    )


def extension_notice(w: World) -> Case:
    m = w.flow.handling()
    w.flow.later(days=20)
    w.flow.act(
        matter_actions.matter_extend,
        w.p.unit_handler,
        m,
        days=20,
        approver="局长赵明",
        reason="涉及多个部门，需要联合调查核实",
        notified_how="written",
    )
    event = m.events.get(kind="extend")
    return Case(
        "extension_notice",
        m,
        f"event:{event.pk}",
        w.p.unit_handler,
        "新住房信延〔2026〕1号",
        ["20日", "局长赵明", "联合调查核实", due(m, Step.HANDLING), "第三十四条"],
    )


def handling_opinion(w: World) -> Case:
    m = w.flow.replied()
    op = m.opinions.get(stage="handling")
    return Case(
        "handling_opinion",
        m,
        f"opinion:{op.pk}",
        w.p.unit_handler,
        "新住房信处〔2026〕1号",
        [
            "予以支持",
            "反映情况属实",
            "符合政策规定",
            "第三十二条",
            "30个自然日",
            "呼和浩特市住房和城乡建设局",
            "请求复查",
        ],
    )


def handling_opinion_local(w: World) -> Case:
    m = w.flow.local()
    w.flow.later(days=2)
    w.flow.act(
        matter_actions.matter_reply_local,
        w.p.village_agent,
        m,
        outcome="explain",
        facts="楼道管线已由物业恢复",
        reasons="属物业服务范围",
        basis="《物业管理条例》",
    )
    op = m.opinions.get(stage="local")
    return Case(
        "handling_opinion",
        m,
        f"opinion:{op.pk}",
        w.p.village_agent,
        "新呼苏信代处〔2026〕1号",
        ["苏雅拉社区代办点", "就地办理", "作如下解释说明", "楼道管线已由物业恢复"],
        ["请求复查", "自收到本意见书之日起"],
    )


def review_opinion(w: World) -> Case:
    m = w.flow.in_review()
    w.flow.later(days=10)
    m = w.flow.decide(m, w.organs.city_housing_handler)
    op = m.opinions.get(stage="review")
    requested = m.reviews.get(kind="review").requested_on
    return Case(
        "review_opinion",
        m,
        f"opinion:{op.pk}",
        w.organs.city_housing_handler,
        "呼住房信复查〔2026〕1号",
        [
            "新城区住房和城乡建设局",  # whose handling opinion was reviewed
            cn_date(requested),
            "对处理意见不服",
            "作如下解释说明",
            "第三十五条",
            "30个自然日",
            "呼和浩特市人民政府",
            "请求复核",
        ],
    )


def reexam_opinion(w: World) -> Case:
    m = w.flow.in_reexam(w.organs.city_housing_handler)
    w.flow.later(days=10)
    m = w.flow.decide(m, w.organs.city_gov_handler, outcome="not_support")
    op = m.opinions.get(stage="reexam")
    return Case(
        "reexam_opinion",
        m,
        f"opinion:{op.pk}",
        w.organs.city_gov_handler,
        "呼人民信复核〔2026〕1号",
        ["呼和浩特市住房和城乡建设局", "不予支持", "终结意见", "不再受理", "第三十六条"],
        ["自收到本意见书之日起", "请求复查"],
    )


def follow_up_record(w: World) -> Case:
    m = w.flow.followed_up()
    event = m.events.get(kind="follow_up")
    return Case(
        "follow_up_record",
        m,
        f"event:{event.pk}",
        w.p.county_staff,
        "新信代访〔2026〕1号",
        ["新城区住房和城乡建设局", "上门", "基本满意", "county_staff", cn_date(event.at), "回访人（签名）"],
        [WANG_PHONE],
    )


def _overdue_order(w: World) -> tuple[Matter, SupervisionOrder]:
    """Routed on 2026-06-01; 新城区住建局 never accepts: the acceptance-notice clock passes on 06-16 and the
    scan of 06-17 brings a 督办单 from 新城区."""
    m = w.flow.routed()
    assert scan_on(datetime.date(2026, 6, 17))["orders"] == 1
    w.flow.on(2026, 6, 17, 9)
    return m, SupervisionOrder.objects.get(matter=m, rung=Rung.ORDER)


def supervision_order(w: World) -> Case:
    m, order = _overdue_order(w)
    return Case(
        "supervision_order",
        m,
        f"order:{order.pk}",
        w.p.county_staff,
        "新信代督〔2026〕1号",
        [
            "新城区住房和城乡建设局",
            order.number,
            "受理告知",
            "2026年6月16日",
            cn_date(order.feedback_due),
            "新城区代办中心",
        ],
        ["抄送：", "挂牌督办单"],
    )


def supervision_order_listed(w: World) -> Case:
    m, order = _overdue_order(w)
    after = order.feedback_due + datetime.timedelta(days=1)
    assert scan_on(after)["listed"] == 1
    w.flow.on(after.year, after.month, after.day, 9)
    listed = SupervisionOrder.objects.get(matter=m, rung=Rung.LISTED)
    return Case(
        "supervision_order",
        m,
        f"order:{listed.pk}",
        w.p.city_admin,
        "呼信督〔2026〕1号",
        [
            "挂牌督办",
            "新城区住房和城乡建设局",
            listed.number,
            order.number,  # the 督办单 it escalates
            "2026年6月16日",
            cn_date(listed.feedback_due),
            "呼和浩特市纪检监察机关",
            "抄送",
        ],
    )


def mediation_agreement(w: World) -> Case:
    """Mediated at 苏雅拉社区 (the mediation app's kind): a sitting, then the agreement drafted."""
    from daiban.mediation import actions as mediation
    from daiban.mediation.actions import ObligationInput, PartyInput

    flow, agent = w.flow, w.p.village_agent
    m = flow.at_village()
    flow.later(hours=3)
    flow.call(
        mediation.session_record,
        actor=agent,
        matter_id=m.pk,
        held_at=flow.now - datetime.timedelta(hours=1),
        place="苏雅拉社区调解室",
        mediator_names="赵调解员",
        participants="王建国；某物业服务有限公司负责人",
        record_text="物业公司同意修复楼道管线。",
        outcome="agreed",
    )
    petitioner = m.petitioners.get()
    repair_by = flow.today + datetime.timedelta(days=10)
    agreement = flow.call(
        mediation.agreement_draft,
        actor=agent,
        matter_id=m.pk,
        committee="苏雅拉社区人民调解委员会",
        place="苏雅拉社区调解室",
        facts="小区改造后楼道管线未恢复，雨天漏水。",
        issues="维修责任。",
        mediator_names="赵调解员",
        parties=[
            PartyInput("jia", NAME, "苏雅拉社区居民", petitioner.pk),
            PartyInput("yi", "某物业服务有限公司", "负责人"),
        ],
        obligations=[ObligationInput("yi", "修复楼道管线", "施工修复并经业主验收", repair_by)],
    )
    return Case(
        "mediation_agreement",
        m,
        agreement.source_key,
        agent,
        "新呼苏信代调〔2026〕1号",
        ["苏雅拉社区人民调解委员会", "某物业服务有限公司", "修复楼道管线", cn_date(repair_by)],
    )


CASES: dict[str, Callable[[World], Case]] = {
    f.__name__: f
    for f in (
        entrustment,
        receipt,
        acceptance_notice,
        acceptance_notice_local,
        not_accepted_notice,
        not_accepted_notice_legal,
        assignment,
        extension_notice,
        handling_opinion,
        handling_opinion_local,
        review_opinion,
        reexam_opinion,
        follow_up_record,
        mediation_agreement,
        supervision_order,
        supervision_order_listed,
    )
}


@pytest.fixture
def world(flow: Flow, tree: Tree, personas: Personas, review_organs: ReviewOrgans) -> World:
    return World(flow, tree, personas, review_organs)


def test_every_registered_kind_has_a_case() -> None:
    """A kind registered without a case here would go untested: add one above."""
    registered = {k.key for k in kinds.all_kinds()}
    covered = {k for k in registered if any(name == k or name.startswith(f"{k}_") for name in CASES)}
    assert registered - covered == set()
    assert {"supervision_order", "acceptance_notice", "reexam_opinion"} <= registered


# ------------------------------------------------------------------------------------------ PDF and DOCX


def _pdf_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is missing (Debian's poppler-utils)")
    return path


def _run(tool: str, pdf: Path, *args: str) -> str:
    command = [_pdf_tool(tool), *args, str(pdf)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout


def _pdf_says(pdf: Path, wanted: list[str]) -> None:
    """Each wanted string appears in the PDF's text: read with ``-layout`` first; a string wrapped inside
    a table cell is read in the content stream's order (``-raw``) as well, since the layout interleaves the
    lines of the cells of one row."""
    layout = squeeze(_run("pdftotext", pdf, "-layout"))
    missing = [s for s in wanted if squeeze(s) not in layout]
    if missing:
        raw = squeeze(_run("pdftotext", pdf, "-raw"))
        missing = [s for s in missing if squeeze(s) not in raw]
    assert missing == [], f"not in the PDF: {missing}"


def _fonts_embedded(pdf: Path) -> None:
    lines = _run("pdffonts", pdf).splitlines()
    assert len(lines) > 2, "the PDF has no fonts"
    # The columns are as wide as the dashes under the header: name type encoding emb sub uni object ID.
    spans = [m.span() for m in re.finditer(r"-+", lines[1])]
    header = [lines[0][a:b].strip() for a, b in spans]
    emb = header.index("emb")
    for line in lines[2:]:
        a, b = spans[emb]
        assert line[a:b].strip() == "yes", f"font not embedded: {line}"


def _docx_text(data: bytes) -> str:
    import docx
    from docx.oxml.ns import qn

    document = docx.Document(io.BytesIO(data))
    return "".join(node.text or "" for node in document.element.body.iter(qn("w:t")))


def check_paper(doc: Document, wanted: list[str], tmp_path: Path) -> None:
    if not hasattr(render, "render_pdf"):
        return  # the renderers are not there yet
    pdf = tmp_path / f"{doc.kind}.pdf"
    pdf.write_bytes(render.render_pdf(doc.body_html, title=doc.title))
    _pdf_says(pdf, wanted)
    _fonts_embedded(pdf)
    if hasattr(render, "render_docx"):
        text = squeeze(_docx_text(render.render_docx(doc.body_html, title=doc.title)))
        missing = [s for s in wanted if squeeze(s) not in text]
        assert missing == [], f"not in the Word file: {missing}"


# ------------------------------------------------------------------------------------------ each kind


@pytest.mark.parametrize("case_name", list(CASES))
def test_kind_is_offered_numbered_and_says_what_it_must(case_name: str, world: World, tmp_path: Path) -> None:
    case = CASES[case_name](world)
    kind = kinds.get(case.kind)
    assert kind is not None
    m = Matter.objects.get(pk=case.matter.pk)
    assert case.source_key in source_keys(case.kind, m)
    assert selectors.may_issue(case.actor, m, kind, case.source_key)

    doc = issue(world.flow, case.actor, m, case.kind, case.source_key)

    assert (doc.number, doc.serial, doc.year, doc.version) == (case.number, 1, 2026, 1)
    assert doc.title == kind.label and doc.status == DocumentStatus.ISSUED
    body = doc.body_html
    wanted = [case.number, NAME, m.number, doc.issuer_name, *case.says]
    missing = [s for s in wanted if s not in body]
    assert missing == [], f"{case_name}: not in the body: {missing}"
    present = [s for s in case.never if s in body]
    assert present == [], f"{case_name}: should not be in the body: {present}"
    # Personal numbers never appear in full, and nothing is left unrendered.
    assert WANG_ID not in body and WANG_PHONE not in body
    assert "{{" not in body and "{%" not in body
    # The frozen body is what the template gives from the frozen values.
    assert rendering.body_of(doc) == body
    check_paper(doc, wanted, tmp_path)


def test_supervision_order_is_issued_by_the_supervising_level_only(world: World) -> None:
    m, order = _overdue_order(world)
    kind = kinds.get("supervision_order")
    assert kind is not None
    key = f"order:{order.pk}"
    m = Matter.objects.get(pk=m.pk)
    assert selectors.may_issue(world.p.county_staff, m, kind, key)
    # The unit supervised sees its orders but does not issue them; another level does not either.
    assert kind in selectors.visible_kinds(world.p.unit_handler)
    assert not selectors.may_issue(world.p.unit_handler, m, kind, key)
    assert not selectors.may_issue(world.p.city_admin, m, kind, key)
    assert not selectors.may_issue(world.p.township_staff, m, kind, key)


# ------------------------------------------------------------------------------------------ numbering


def test_numbers_run_without_gaps_per_issuer_kind_and_year(world: World) -> None:
    flow, p = world.flow, world.p
    accepted = []
    for n in range(3):
        m = flow.handling(**another_person(n))
        accepted.append(m)
        flow.later(hours=1)
    numbers = [
        issue(flow, p.unit_handler, m, "acceptance_notice", source_keys("acceptance_notice", m)[0]).number
        for m in accepted
    ]
    assert numbers == ["新住房信受〔2026〕1号", "新住房信受〔2026〕2号", "新住房信受〔2026〕3号"]
    # Another kind of the same issuer, and the same kind of another issuer, count on their own.
    first = accepted[0]
    assert issue(flow, p.county_staff, first, "receipt", "").number == "新信代回〔2026〕1号"
    task = flow.lead_task(first)
    assert issue(flow, p.county_staff, first, "assignment", f"task:{task.pk}").number == "新信代交〔2026〕1号"
    # A new year starts again at 1.
    flow.on(2027, 1, 4)
    later = flow.handling(**another_person(5))
    key = source_keys("acceptance_notice", later)[0]
    assert issue(flow, p.unit_handler, later, "acceptance_notice", key).number == "新住房信受〔2027〕1号"
    serials = list(
        Document.objects.filter(kind="acceptance_notice", year=2026)
        .order_by("serial")
        .values_list("serial", flat=True)
    )
    assert serials == [1, 2, 3]


def test_a_cancelled_document_keeps_its_number_and_the_next_issue_takes_the_next(world: World) -> None:
    flow, p = world.flow, world.p
    m = flow.at_county()
    other = flow.at_county(**another_person(1))
    doc = issue(flow, p.county_staff, m, "receipt", "")
    assert doc.number == "新信代回〔2026〕1号"
    with clock.frozen(flow.now):
        actions.cancel(
            actor=p.county_staff, document_id=doc.pk, expected_revision=revision(doc), reason="查询码登记有误"
        )
    cancelled = Document.objects.get(pk=doc.pk)
    assert cancelled.status == DocumentStatus.CANCELLED and cancelled.number == "新信代回〔2026〕1号"
    assert cancelled.cancel_reason == "查询码登记有误"
    # Issued again for the same matter: a new number; the cancelled one is never handed out again.
    again = issue(flow, p.county_staff, m, "receipt", "")
    assert again.number == "新信代回〔2026〕2号"
    assert issue(flow, p.county_staff, other, "receipt", "").number == "新信代回〔2026〕3号"
    assert Document.objects.filter(number="新信代回〔2026〕1号").count() == 1


def test_a_correction_is_version_2_with_the_same_number_and_supersedes(world: World, tmp_path: Path) -> None:
    """The handling opinion is served through the document (the review window opens from that day); the
    correction, from the matter's values now, also states the last day to ask for review."""
    flow, p = world.flow, world.p
    m = flow.replied()
    op = m.opinions.get(stage="handling")
    doc = issue(flow, p.unit_handler, m, "handling_opinion", f"opinion:{op.pk}")
    assert "最后一日" not in doc.body_html
    flow.later(days=2)
    with clock.frozen(flow.now):
        actions.serve(
            actor=p.county_staff,
            document_id=doc.pk,
            expected_revision=revision(doc),
            served_on=flow.today,
            manner="direct",
            recipient=NAME,
        )
    m = Matter.objects.get(pk=m.pk)
    assert Opinion.objects.get(pk=op.pk).served_on == flow.today
    assert m.review_window_until is not None
    until = cn_date(m.review_window_until)
    with clock.frozen(flow.now):
        v2 = actions.correct(
            actor=p.unit_handler, document_id=doc.pk, expected_revision=revision(doc), reason="补充复查期限"
        )
    old = Document.objects.get(pk=doc.pk)
    assert old.status == DocumentStatus.SUPERSEDED
    assert (v2.number, v2.serial, v2.version, v2.supersedes_id) == (old.number, old.serial, 2, old.pk)
    assert v2.status == DocumentStatus.ISSUED and v2.number_label == "新住房信处〔2026〕1号（更正第1版）"
    assert v2.correction_reason == "补充复查期限"
    assert until in v2.body_html and f"最后一日为{until}" in v2.body_html
    assert until not in old.body_html
    # No new serial was drawn: the next handling opinion of the unit is its 2号.
    second = flow.replied(**another_person(2))
    op2 = second.opinions.get(stage="handling")
    assert (
        issue(flow, p.unit_handler, second, "handling_opinion", f"opinion:{op2.pk}").number
        == "新住房信处〔2026〕2号"
    )
    check_paper(v2, [v2.number, NAME, until], tmp_path)


# ------------------------------------------------------------------------------------------ county templates


@pytest.fixture
def county_templates(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "document_templates"
    folder.mkdir()
    templating._engine_for.cache_clear()  # the engine keeps the folder it was made with
    with override_settings(DOCUMENT_TEMPLATES_DIR=folder):
        yield folder
    templating._engine_for.cache_clear()


def test_a_county_template_applies_to_new_documents_only(world: World, county_templates: Path) -> None:
    flow, p, tree = world.flow, world.p, world.tree
    before = flow.at_county()
    issued_before = issue(flow, p.county_staff, before, "receipt", "")
    assert issued_before.template_name == "documents/kinds/receipt.html"

    (county_templates / "150102").mkdir()
    (county_templates / "150102" / "receipt.html").write_text(
        '<div class="red-head"><p class="issuer">{{ issuer_name }}</p><p class="docno">{{ number }}</p></div>'
        "<h1>新城区信访事项受理回执</h1><p>{{ data.petitioner_names }}：事项编号{{ data.matter_number }}。</p>",
        encoding="utf-8",
    )
    after = flow.at_county(**another_person(1))
    issued_after = issue(flow, p.county_staff, after, "receipt", "")
    assert issued_after.template_name == "150102/receipt.html"
    assert "新城区信访事项受理回执" in issued_after.body_html and after.number in issued_after.body_html

    # The receipt issued before keeps its body and its template, also when rendered again.
    kept = Document.objects.get(pk=issued_before.pk)
    assert kept.body_html == issued_before.body_html and "新城区信访事项受理回执" not in kept.body_html
    assert "新城区信访事项受理回执" not in rendering.body_of(kept)
    # Another county's receipt is not affected.
    elsewhere = flow.intake(p.outsider_village_agent, tree.village_b1x, **another_person(2))
    theirs = issue(flow, p.outsider_village_agent, elsewhere, "receipt", "")
    assert theirs.template_name == "documents/kinds/receipt.html"
