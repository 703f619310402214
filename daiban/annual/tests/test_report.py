"""The annual report (art. 41): its figures are the statistics page's for the same level and year (and the
rows' direct count), the Word file opens and says them, the PDF embeds its fonts, each download is an
audit record, the routing and supervision sections count the year's rows, and the foreword is kept."""

from __future__ import annotations

import datetime
import io
import re
import zlib
from collections.abc import Callable
from html import unescape

import docx
from django.test import Client

from conftest import Personas, Tree
from daiban.annual import actions
from daiban.annual.report import build, scope_q, year_bounds
from daiban.audit.models import AuditRecord
from daiban.core import clock
from daiban.documents.tests.render.tools import run_on_pdf, squeeze
from daiban.matters.choices import EventKind, TaskRole
from daiban.matters.models import Event, UnitTask
from daiban.matters.tests.factories import at
from daiban.stats import definitions as defs
from daiban.stats.figures import Figures, Period, direct_figures
from daiban.supervision.models import SupervisionOrder
from daiban.supervision.tests.ladder.helpers import routed_with_leaders, scan_on

YEAR = 2026


def _get(client: Client, url: str, status: int = 200) -> tuple[str, dict]:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode(), response.context


def _same(a: Figures, b: Figures) -> None:
    assert a.counts == b.counts
    assert [(r.key, r.numerator, r.denominator) for r in a.rates] == [
        (r.key, r.numerator, r.denominator) for r in b.rates
    ]
    assert (a.by_channel, a.by_category, a.by_purpose) == (b.by_channel, b.by_category, b.by_purpose)


def _page_counts(html: str, tag: str) -> dict[str, int]:
    return {k: int(n) for k, n in re.findall(rf'data-testid="count-([a-z_]+)"[^>]*>(\d+)</{tag}>', html)}


def test_the_reports_figures_are_the_statistics_pages(
    summer: datetime.date, client_for: Callable[[str], Client], tree: Tree, personas: Personas
) -> None:
    for name, region in [
        ("county_staff", tree.county_a),
        ("city_admin", tree.city),
        ("city_admin", tree.county_b),
    ]:
        client = client_for(name)
        stats_html, stats = _get(client, f"/stats/?region={region.code}&period=year&year={YEAR}")
        html, ctx = _get(client, f"/annual/?region={region.code}&year={YEAR}")
        report = ctx["r"]
        _same(report.figures, stats["figures"])
        _same(report.figures, direct_figures(region, Period.year(YEAR), summer))
        # What each page shows, read off the HTML: the same number under the same key.
        shown, on_stats = _page_counts(html, "span"), _page_counts(stats_html, "a")
        assert shown == on_stats and shown["taken_up"] == report.figures.counts["taken_up"]
        for r in report.figures.rates:
            row = html.split(f'data-testid="rate-{r.key}"', 1)[1].split("</tr>", 1)[0]
            assert f"{r.percent}</td>" in row and f"{r.numerator}/{r.denominator}</td>" in row
        assert [(p.label, p.value) for p in report.categories] == [
            (p.label, p.value) for p in stats["categories"]
        ]
    county = build(personas.county_staff, tree.county_a, YEAR)
    assert county.figures.counts["taken_up"] > 5 and county.figures.counts["closed"] > 0


def test_routing_and_the_organs_most_complained_about_count_the_years_rows(
    summer: datetime.date, tree: Tree, personas: Personas
) -> None:
    report = build(personas.county_staff, tree.county_a, YEAR)
    start, end = year_bounds(YEAR)
    tasks = UnitTask.objects.filter(
        scope_q(tree.county_a, "matter__"), assigned_at__gte=start, assigned_at__lt=end
    )
    lead = tasks.filter(role=TaskRole.LEAD)
    assert lead.exists()
    top = report.top_units[0]
    busiest = max(
        {t.unit.name for t in lead},
        key=lambda n: lead.filter(unit__name=n).values("matter").distinct().count(),
    )
    assert top.lead == lead.filter(unit__name=busiest).values("matter").distinct().count()
    assert sum(u.lead for u in report.top_units) <= lead.values("matter").distinct().count()
    routes = Event.objects.filter(matter__scope_county=tree.county_a.code, kind=EventKind.ROUTE)
    assert report.routing[0].value == routes.count() > 0
    assert report.tasks[0].value == lead.count()
    # 托克托县's routings are not 新城区's, and the city's report holds both counties'.
    other = build(personas.outsider, tree.county_b, YEAR)
    city = build(personas.city_admin, tree.city, YEAR)
    assert city.routing[0].value == report.routing[0].value + other.routing[0].value
    # A year with nothing in it.
    empty = build(personas.county_staff, tree.county_a, YEAR - 1)
    assert empty.figures.counts["taken_up"] == 0 and not empty.top_units and empty.routing[0].value == 0


def test_supervision_orders_are_counted_by_rung(tree: Tree, personas: Personas) -> None:
    # A 督办单 on 2026-06-17 and its 挂牌督办 on 2026-06-26, issued by the real scan.
    ladder = routed_with_leaders(tree, personas)
    scan_on(datetime.date(2026, 6, 17))
    scan_on(datetime.date(2026, 6, 26))
    with clock.frozen(at(2026, 7, 1, 9)):
        report = build(personas.county_staff, tree.county_a, YEAR)
        other = build(personas.outsider, tree.county_b, YEAR)
        city = build(personas.city_admin, tree.city, YEAR)
    rows = {r.label: r for r in report.supervision}
    orders = SupervisionOrder.objects.filter(matter=ladder.matter)
    assert orders.count() == 2
    assert (rows["督办"].issued, rows["督办"].escalated) == (1, 1)
    assert rows["挂牌督办"].issued == 1
    assert report.supervision_total == city.supervision_total == 2 and other.supervision_total == 0


def test_the_word_file_opens_and_says_the_figures(
    summer: datetime.date, client_for: Callable[[str], Client], tree: Tree, personas: Personas
) -> None:
    actions.foreword_save(
        actor=personas.county_staff,
        region=tree.county_a,
        year=YEAR,
        foreword="一年来，代办服务覆盖全区。",
        expected_version=0,
    )
    actions.proposal_make(
        actor=personas.county_staff,
        region=tree.county_a,
        year=YEAR,
        kind="improve",
        text="完善物业维修资金使用流程。",
        unit=tree.unit_housing_a,
    )
    response = client_for("county_staff").get(f"/annual/report.docx?region={tree.county_a.code}&year={YEAR}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    document = docx.Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    f = build(personas.county_staff, tree.county_a, YEAR).figures
    assert "新城区代办中心2026年度信访工作报告" in text
    assert "一年来，代办服务覆盖全区。" in text
    assert f"本年度受理信访事项{f.counts['taken_up']}件，办结{f.counts['closed']}件" in text
    rows = [(row.cells[0].text, row.cells[1].text) for row in document.tables[0].rows][1:]
    matter_keys = [c.key for c in defs.COUNTS if c.source != "screening"]
    screening_keys = [c.key for c in defs.COUNTS if c.source == "screening"]
    assert rows == [(f.count_labels[k], str(f.counts[k])) for k in matter_keys] + [
        (f"{f.count_labels[k]}（矛盾纠纷排查）", str(f.counts[k])) for k in screening_keys
    ]
    rates = [(row.cells[0].text, row.cells[1].text, row.cells[2].text) for row in document.tables[1].rows][1:]
    assert rates == [(r.label, r.percent, f"{r.numerator}/{r.denominator}") for r in f.rates]
    assert (
        tree.unit_housing_a.name in cells
        and "完善物业维修资金使用流程。" in cells
        and "待书面答复" in " ".join(cells)
    )
    record = AuditRecord.objects.filter(action="export.create").order_by("-seq").first()
    assert record is not None and record.target == f"annual-report/{tree.county_a.code}/{YEAR}.docx"


def _inflated(pdf: bytes) -> bytes:
    """The PDF's bytes with every Flate stream decompressed (PDF 1.7 keeps objects in object streams)."""
    parts = [pdf]
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            parts.append(zlib.decompress(raw))
        except zlib.error:
            continue
    return b"".join(parts)


def test_the_pdf_embeds_its_fonts(
    quiet: datetime.date, client_for: Callable[[str], Client], tree: Tree
) -> None:
    response = client_for("city_admin").get(f"/annual/report.pdf?region={tree.city.code}&year={YEAR}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF")
    assert b"/FontFile" in _inflated(content)  # font programs embedded
    fonts = run_on_pdf("pdffonts", content).splitlines()
    header, _rule, *rows = fonts
    emb = header.index("emb")
    assert rows and all(row[emb : emb + 3] == "yes" for row in rows), fonts
    assert any("CJK" in row for row in rows), fonts  # the Chinese text's font (fonts-noto-cjk)
    text = squeeze(run_on_pdf("pdftotext", content, "-enc", "UTF-8"))
    assert "呼和浩特市信访局2026年度信访工作报告" in text and "一、信访事项统计" in text
    assert AuditRecord.objects.filter(
        action="export.create", target=f"annual-report/{tree.city.code}/{YEAR}.pdf"
    ).exists()


def test_a_bad_year_names_the_field(quiet: datetime.date, client_for: Callable[[str], Client]) -> None:
    client = client_for("county_staff")
    html, _ = _get(client, "/annual/?year=20266", 400)
    assert "年度：请填写 2000—2099 之间的四位年份。" in unescape(html)
    response = client.get("/annual/report.pdf?year=abc")
    assert response.status_code == 400 and "年度" in response.content.decode()
    assert not AuditRecord.objects.filter(action="export.create").exists()


def test_the_foreword_is_kept_and_shown(
    quiet: datetime.date, client_for: Callable[[str], Client], tree: Tree, personas: Personas
) -> None:
    client = client_for("county_staff")
    url = f"/annual/{tree.county_a.code}/{YEAR}/foreword/"
    _get(client, url)
    response = client.post(url, {"foreword": "第一段。\n第二段。", "version": "0"})
    assert response.status_code == 302
    html, ctx = _get(client, f"/annual/?year={YEAR}")
    assert "<p>第一段。</p>" in html and "<p>第二段。</p>" in html
    # A second editor who loaded the old version gets the conflict page with the text kept.
    response = client.post(url, {"foreword": "另一个版本。", "version": "0"})
    assert response.status_code == 409 and "另一个版本。" in response.content.decode()
    assert ctx["r"].foreword == "第一段。\n第二段。"


def test_the_report_reads_a_fixed_number_of_queries(
    tree: Tree, personas: Personas, client_for: Callable[[str], Client]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from daiban.matters.tests.factories import Flow

    flow = Flow(tree, personas)
    client = client_for("county_staff")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/annual/?year={YEAR}").status_code == 200
        return len(captured)

    flow.routed()
    actions.proposal_make(
        actor=personas.county_staff, region=tree.county_a, year=YEAR, kind="improve", text="一", organ="某局"
    )
    first = queries()
    flow.routed(co_units=[tree.unit_hr_a], new_matter=True)
    flow.routed(new_matter=True)
    actions.proposal_make(
        actor=personas.county_staff,
        region=tree.county_a,
        year=YEAR,
        kind="improve",
        text="二",
        unit=tree.unit_hr_a,
    )
    assert queries() == first <= 30
