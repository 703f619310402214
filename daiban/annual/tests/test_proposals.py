"""Art. 40 proposals: 新城区's centre proposes (to a unit or to an organ named in words), records the organ's
written answer, and the report says whether it was adopted. Bad input names the field; a stale answer gets
the conflict page with the input kept; a refused post or call changes nothing."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from conftest import Personas, Tree
from daiban.annual import actions
from daiban.annual.models import AnnualEvent, AnswerOutcome, Proposal
from daiban.annual.report import build
from daiban.matters.errors import NotAllowed, OutOfScope

YEAR = 2026


def _state() -> tuple[object, ...]:
    return (
        list(Proposal.objects.order_by("pk").values()),
        AnnualEvent.objects.count(),
    )


def _new_url(tree: Tree) -> str:
    return f"/annual/{tree.county_a.code}/{YEAR}/proposals/new/"


def test_a_proposal_and_its_answer_reach_the_report(
    quiet: datetime.date, client_for: Callable[[str], Client], tree: Tree, personas: Personas
) -> None:
    client = client_for("county_staff")
    form = client.get(_new_url(tree)).content.decode()
    assert tree.unit_housing_a.name in form and tree.unit_housing_b.name not in form  # only the level's units
    response = client.post(
        _new_url(tree), {"kind": "improve", "unit": str(tree.unit_housing_a.pk), "text": "规范维修资金使用。"}
    )
    assert response.status_code == 302
    response = client.post(
        _new_url(tree), {"kind": "accountability", "organ": "某街道办事处", "text": "追责。"}
    )
    assert response.status_code == 302
    first, second = Proposal.objects.order_by("pk")
    assert (first.organ_name, second.organ_name) == (tree.unit_housing_a.name, "某街道办事处")
    answer = f"/annual/proposals/{first.pk}/answer/"
    assert client.get(answer).status_code == 200
    response = client.post(
        answer,
        {"outcome": "partly", "answered_on": "2026-11-26", "answer_text": "部分采纳。", "version": "0"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.outcome, first.answered_on, first.version) == ("partly", datetime.date(2026, 11, 26), 1)
    report = build(personas.county_staff, tree.county_a, YEAR)
    outcomes = {t.label: t.value for t in report.proposal_outcomes}
    assert outcomes == {"采纳": 0, "部分采纳": 1, "不采纳": 0, "待书面答复": 1}
    html = unescape(client.get(f"/annual/?year={YEAR}").content.decode())
    assert "部分采纳 1 条" in html and "待书面答复" in html
    listing = client.get(f"/annual/proposals/?year={YEAR}").content.decode()
    assert "部分采纳。" in listing and "提出建议" in listing
    assert AnnualEvent.objects.count() == 3


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"kind": "improve", "text": "内容"}, "建议对象：请选择事权单位，或填写其他机关名称。"),
        ({"kind": "improve", "organ": "某局", "text": ""}, "建议内容：请填写。"),
        ({"kind": "x", "organ": "某局", "text": "内容"}, "建议类型：请选择改进工作建议或追责问责建议。"),
        (
            {"kind": "improve", "unit": "UNIT_B", "text": "内容"},
            "建议对象：请从列表中选择本级管辖范围内的事权单位。",
        ),
        ({"kind": "improve", "unit": "UNIT_A", "organ": "某局", "text": "内容"}, "已选择事权单位时不再填写"),
    ],
)
def test_bad_proposals_name_the_field(
    quiet: datetime.date,
    client_for: Callable[[str], Client],
    tree: Tree,
    data: dict[str, str],
    field_message: str,
) -> None:
    values = {"UNIT_A": str(tree.unit_housing_a.pk), "UNIT_B": str(tree.unit_housing_b.pk)}
    data = {k: values.get(v, v) for k, v in data.items()}
    response = client_for("county_staff").post(_new_url(tree), data)
    assert response.status_code == 400
    assert field_message in unescape(response.content.decode())
    assert not Proposal.objects.exists()


def _proposal(tree: Tree, personas: Personas) -> Proposal:
    return actions.proposal_make(
        actor=personas.county_staff,
        region=tree.county_a,
        year=YEAR,
        kind="improve",
        text="完善交办流程。",
        organ="某局",
    )


def test_a_stale_answer_gets_the_conflict_page_with_the_input_kept(
    quiet: datetime.date, client_for: Callable[[str], Client], tree: Tree, personas: Personas
) -> None:
    proposal = _proposal(tree, personas)
    actions.proposal_answer(
        actor=personas.county_staff,
        proposal_id=proposal.pk,
        expected_version=0,
        outcome=AnswerOutcome.ADOPTED,
        answer_text="已采纳。",
        answered_on=datetime.date(2026, 11, 26),
    )
    before = _state()
    response = client_for("county_staff").post(
        f"/annual/proposals/{proposal.pk}/answer/",
        {
            "outcome": "rejected",
            "answered_on": "2026-11-26",
            "answer_text": "不予采纳的理由。",
            "version": "0",
        },
    )
    html = unescape(response.content.decode())
    assert response.status_code == 409
    assert "刚刚被他人登记或更正" in html and "不予采纳的理由。" in html and "已采纳。" in html
    assert _state() == before


def test_bad_answers_name_the_field(
    quiet: datetime.date, client_for: Callable[[str], Client], tree: Tree, personas: Personas
) -> None:
    proposal = _proposal(tree, personas)
    url = f"/annual/proposals/{proposal.pk}/answer/"
    client = client_for("county_staff")
    before = _state()
    for data, message in [
        (
            {"outcome": "adopted", "answered_on": "2026-12-01", "answer_text": "x", "version": "0"},
            "答复日期应在",
        ),
        (
            {"outcome": "adopted", "answered_on": "2026-13-01", "answer_text": "x", "version": "0"},
            "答复日期：",
        ),
        ({"outcome": "maybe", "answered_on": "2026-11-26", "answer_text": "x", "version": "0"}, "答复结果："),
        (
            {"outcome": "adopted", "answered_on": "2026-11-26", "answer_text": "", "version": "0"},
            "答复内容：请填写",
        ),
        ({"outcome": "adopted", "answered_on": "2026-11-26", "answer_text": "x"}, "页面版本缺失"),
    ]:
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert message in unescape(response.content.decode()), data
    assert _state() == before


def test_refusals_change_nothing(
    quiet: datetime.date, client_for: Callable[[str], Client], tree: Tree, personas: Personas
) -> None:
    proposal = _proposal(tree, personas)
    before = _state()
    answer = {"outcome": "adopted", "answered_on": "2026-11-26", "answer_text": "已采纳。", "version": "0"}
    new = {"kind": "improve", "organ": "某局", "text": "内容"}
    for name, status in [("leader", 403), ("city_admin", 403), ("unit_handler", 403), ("outsider", 404)]:
        client = client_for(name)
        assert client.post(f"/annual/proposals/{proposal.pk}/answer/", answer).status_code == status, name
        assert client.post(_new_url(tree), new).status_code == status, name
        foreword = f"/annual/{tree.county_a.code}/{YEAR}/foreword/"
        assert client.post(foreword, {"foreword": "x", "version": "0"}).status_code == status, name
    assert client_for("county_staff").post("/annual/proposals/99999999/answer/", answer).status_code == 404
    assert _state() == before
    # The actions refuse the same way when called directly.
    with pytest.raises(NotAllowed):
        actions.proposal_make(
            actor=personas.city_admin, region=tree.county_a, year=YEAR, kind="improve", text="x", organ="某局"
        )
    with pytest.raises(OutOfScope):
        actions.proposal_answer(
            actor=personas.outsider,
            proposal_id=proposal.pk,
            expected_version=0,
            outcome="adopted",
            answer_text="x",
            answered_on=datetime.date(2026, 11, 26),
        )
    with pytest.raises(ValidationError):
        actions.proposal_make(
            actor=personas.county_staff,
            region=tree.county_a,
            year=YEAR,
            kind="improve",
            text="x",
            unit=tree.unit_housing_b,  # 托克托县's unit
        )
    assert _state() == before
