"""月报: its numbers are figures_for's (counts, rates, subregions, categories), its summary is written from
them ("—" without data, never a division error), the .docx opens and holds the summary, and the region must
lie in the user's scope."""

from __future__ import annotations

import datetime
import io

import docx
import pytest
from django.test import Client
from django.utils import timezone

from conftest import Personas, Tree
from daiban.core.clock import frozen
from daiban.exchange.exports import monthly
from daiban.exchange.tests.exports.helpers import body, workbook
from daiban.exchange.tests.exports.test_ledgers import client_for
from daiban.matters.actions import PetitionerInput
from daiban.matters.tests.factories import Flow, id_with_check
from daiban.stats.figures import Figures, Period, figures_for, subregion_figures

pytestmark = pytest.mark.django_db

JUNE = Period.month(2026, 6)


def person(n: int) -> dict[str, object]:
    return {
        "petitioners": [PetitionerInput(name=f"测试{n}", id_number=id_with_check(f"150102198001010{n:02d}"))]
    }


@pytest.fixture
def june(tree: Tree, personas: Personas, django_capture_on_commit_callbacks) -> Flow:  # type: ignore[no-untyped-def]
    # The after-commit hooks run as in production (they keep the statistics' rollups).
    with django_capture_on_commit_callbacks(execute=True):
        return _june(tree, personas)


def _june(tree: Tree, personas: Personas) -> Flow:
    flow = Flow(tree, personas)
    flow.closed(**person(1))
    flow.on(2026, 6, 3)
    flow.at_village(**person(2))
    flow.at_county(region=tree.village_a2x, category="labour", **person(3))
    flow.intake(personas.outsider_village_agent, tree.village_b1x, **person(4))
    flow.on(2026, 5, 20)
    flow.at_village(**person(5))
    return flow


def get(client: Client, **params: str):  # type: ignore[no-untyped-def]
    return client.get("/exports/monthly/", params)


def test_xlsx_numbers_are_figures_for(personas: Personas, tree: Tree, june: Flow) -> None:
    client = client_for(personas.county_staff)
    response = get(client, region=tree.county_a.code, month="2026-06", format="xlsx")
    assert response.status_code == 200
    assert (
        "attachment" in response["Content-Disposition"]
        and "filename*=utf-8''" in response["Content-Disposition"]
    )
    wb = workbook(body(response))
    figures: Figures = figures_for(personas.county_staff, tree.county_a, JUNE)
    previous = figures_for(personas.county_staff, tree.county_a, Period.month(2026, 5))
    assert figures.counts["taken_up"] == 3 and previous.counts["taken_up"] == 1

    sheet = list(wb["月报"].iter_rows(values_only=True))
    main = {row[0]: row for row in sheet if row and row[0]}
    start = next(i for i, row in enumerate(sheet) if row and row[0] == "主要数字") + 1
    shown = [row for row in sheet[start : start + len(monthly.COUNT_KEYS)]]
    assert [(r[0], r[1], r[2]) for r in shown] == [
        (figures.count_labels[k], figures.counts[k], previous.counts[k]) for k in monthly.COUNT_KEYS
    ]
    assert figures.counts["closed"] == 1 and figures.counts["overdue_open"] >= 0
    for rate in figures.rates:
        row = main[rate.label]
        if rate.denominator:
            assert row[1] == pytest.approx(rate.numerator / rate.denominator)
        else:
            assert row[1] == "—"
        assert (row[2], row[4]) == (rate.numerator, rate.denominator)
    assert any(r.denominator for r in figures.rates)
    summary = next(
        row[0] for row in wb["月报"].iter_rows(values_only=True) if row[0] and "本月共受理" in row[0]
    )
    assert "本月共受理代办事项3件，较上月增加2件" in summary

    subs = list(wb["分地区"].iter_rows(values_only=True))
    expected = subregion_figures(personas.county_staff, tree.county_a, JUNE)
    assert [r[0] for r in subs[1:]] == [f.region.name for f in expected]
    for row, f in zip(subs[1:], expected, strict=True):
        assert list(row[1 : 1 + len(monthly.SUB_COUNTS)]) == [f.counts[k] for k in monthly.SUB_COUNTS]
    assert wb["分地区"].freeze_panes == "B2"

    cats = {row[0]: row[1] for row in wb["分类"].iter_rows(values_only=True) if row and row[0]}
    for label, n in figures.by_category:
        assert cats[label] == n


def test_docx_opens_and_holds_the_summary(personas: Personas, tree: Tree, june: Flow) -> None:
    client = client_for(personas.county_staff)
    response = get(client, region=tree.county_a.code, month="2026-06", format="docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    document = docx.Document(io.BytesIO(body(response)))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    report = monthly.build(personas.county_staff, tree.county_a, JUNE)
    assert report.summary in paragraphs
    assert "新城区信访代办工作月报" in paragraphs
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    figures = report.figures
    for rate in figures.rates:
        assert rate.label in cells and rate.percent in cells
    assert {f.region.name for f in report.subregions} <= cells


def test_empty_month_reads_dash_never_an_error(personas: Personas, tree: Tree) -> None:
    client = client_for(personas.township_staff)
    for fmt in ("xlsx", "docx"):
        response = get(client, region=tree.town_a1.code, month="2031-02", format=fmt)
        assert response.status_code == 200
    report = monthly.build(personas.township_staff, tree.town_a1, Period.month(2031, 2))
    assert "本月及上月均无受理的代办事项" in report.summary
    assert all(r.percent == "—" for r in report.figures.rates)
    assert "—" in report.summary and "%" not in report.summary
    wb = workbook(body(get(client, region=tree.town_a1.code, month="2031-02", format="xlsx")))
    rows = {row[0]: row for row in wb["月报"].iter_rows(values_only=True) if row and row[0]}
    assert all(rows[r.label][1] == "—" for r in report.figures.rates)


def test_summary_change_words() -> None:
    assert monthly._change(5, 5) == "与上月持平"
    assert monthly._change(3, 0) == "上月为0件，本月增加3件"
    assert monthly._change(2, 4) == "较上月减少2件（50.0%）"


def test_region_outside_scope_and_bad_input(personas: Personas, tree: Tree, june: Flow) -> None:
    client = client_for(personas.county_staff)
    response = get(client, region=tree.county_b.code, month="2026-06", format="xlsx")
    assert response.status_code == 400 and "区域" in response.content.decode()
    for month in ("2026-13", "1999-12", "²０２６-06", "2026/06", "9" * 30):
        response = get(client, region=tree.county_a.code, month=month, format="xlsx")
        assert response.status_code == 400 and "月份" in response.content.decode()
    response = get(client, region=tree.county_a.code, month="2026-06", format="pdf")
    assert response.status_code == 400
    # The form itself; units have no statistics.
    assert client.get("/exports/monthly/").status_code == 200
    assert client_for(personas.unit_handler).get("/exports/monthly/").status_code == 403
    # A township's staff gets only its own township.
    response = get(
        client_for(personas.township_staff), region=tree.county_a.code, month="2026-06", format="xlsx"
    )
    assert response.status_code == 400


def test_county_report_never_counts_another_county(personas: Personas, tree: Tree, june: Flow) -> None:
    report = monthly.build(personas.county_staff, tree.county_a, JUNE)
    assert report.figures.counts["taken_up"] == 3  # the 托克托县 matter of June is not among them
    city = monthly.build(personas.city_admin, tree.city, JUNE)
    assert city.figures.counts["taken_up"] == 4
    assert [f.region.name for f in city.subregions] == sorted(
        [tree.county_a.name, tree.county_b.name],
        key=lambda n: {tree.county_a.name: tree.county_a.code, tree.county_b.name: tree.county_b.code}[n],
    )


def test_a_link_presets_region_and_month(personas: Personas, tree: Tree) -> None:
    client = client_for(personas.county_staff)
    response = get(client, region=tree.town_a1.code, month="2026-03")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="2026-03"' in page
    assert f'value="{tree.town_a1.code}" selected' in page
    # Without a preset: last month, the user's own region.
    page = client.get("/exports/monthly/").content.decode()
    assert f'value="{tree.county_a.code}" selected' in page


def test_a_field_left_out_of_the_address_takes_the_forms_default(personas: Personas, tree: Tree) -> None:
    """``?format=docx`` alone is last month of the user's own region; a field sent empty is an error."""
    client = client_for(personas.county_staff)
    with frozen(timezone.make_aware(datetime.datetime(2026, 7, 15, 10, 0))):
        response = get(client, format="docx")
        assert response.status_code == 200
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(body(response))).paragraphs)
        assert "2026年6月" in text and tree.county_a.name in text
        response = get(client, format="xlsx", month="")
        assert response.status_code == 400 and "月份" in response.content.decode()
