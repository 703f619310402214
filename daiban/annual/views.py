"""The annual report pages (art. 41) and the proposals (art. 40).

``/annual/`` shows one level's report for one year (the level: the user's county or city, or a county of
the city; the year: this one by default), with its Word and PDF downloads (generated here, audited as an
export); ``/annual/proposals/`` lists the level's proposals of the year, with the pages that make one and
record the organ's written answer; ``/annual/foreword/`` edits the report's foreword.

Every page reads through ``selectors`` (a role without a report: 403; a level outside the grant: 404) and
writes through ``actions`` (``run_action``: a stale form 409 with the input kept, bad input 400 with a
Chinese error naming the field).
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from daiban.accounts.http import AuthedRequest
from daiban.annual import actions, report, selectors
from daiban.annual.forms import AnswerForm, ForewordForm, ProposalForm
from daiban.annual.models import AnswerOutcome, Proposal
from daiban.audit import record
from daiban.core import clock
from daiban.core.dbrouter import reads_from_replica
from daiban.documents import render as paper
from daiban.matters.views.actions import run_action
from daiban.network.jurisdiction import units_for
from daiban.regions import geometry
from daiban.regions.models import Region

ANSWER_CONFLICT = "该建议的答复刚刚被他人登记或更正，请核对下面的最新答复后再提交；您填写的内容保留在表单中。"
FOREWORD_CONFLICT = "报告前言刚刚被他人修改，请核对最新内容后再提交；您填写的内容保留在表单中。"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
YEARS_SHOWN = 6


def _query(region: Region, year: int) -> str:
    return urlencode({"region": region.code, "year": str(year)})


def _url(name: str, region: Region, year: int) -> str:
    return f"{reverse(name)}?{_query(region, year)}"


def _level(request: AuthedRequest) -> tuple[Region, int | None, str]:
    """The level (403/404 as ``selectors.region_for``) and the year asked for, or the year's error."""
    region = selectors.region_for(request.user, request.GET.get("region"))
    try:
        return region, selectors.year_from(request.GET, clock.today()), ""
    except ValidationError as exc:
        return region, None, " ".join(exc.messages)


def _level_at(request: AuthedRequest, code: str, year: int) -> Region:
    """The level and year of a writing page, named in its path (a form's fields never replace them):
    403/404 as ``selectors.region_for``; a year out of range is 404 like an unknown level."""
    region = selectors.region_for(request.user, code or "-")
    if not selectors.FIRST_YEAR <= year <= selectors.LAST_YEAR:
        raise Http404
    return region


def _write_url(name: str, region: Region, year: int) -> str:
    return reverse(name, kwargs={"code": region.code, "year": year})


def _bad_year(error: str) -> HttpResponse:
    return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")


def _years() -> list[int]:
    this = clock.today().year
    return list(range(this, this - YEARS_SHOWN, -1))


def _chooser(request: AuthedRequest, region: Region, year: int | None, error: str) -> dict[str, Any]:
    return {
        "region": region,
        "year": year,
        "year_error": error,
        "regions": list(selectors.report_regions(request.user)),
        "years": _years(),
    }


# ------------------------------------------------------------------------------------------ the report


@require_GET
@reads_from_replica
def report_page(request: AuthedRequest) -> HttpResponse:
    region, year, error = _level(request)
    context = _chooser(request, region, year, error)
    if year is None:
        return render(request, "annual/report.html", context, status=400)
    built = report.build(request.user, region, year)
    context.update(
        {
            "r": built,
            "foreword_paragraphs": [line.strip() for line in built.foreword.splitlines() if line.strip()],
            "can_write": selectors.can_write(request.user, region),
            "docx_url": _url("annual:docx", region, year),
            "pdf_url": _url("annual:pdf", region, year),
            "proposals_url": _url("annual:proposals", region, year),
            "foreword_url": _write_url("annual:foreword", region, year),
            "stats_url": f"{reverse('stats:dashboard')}?"
            + urlencode({"region": region.code, "period": "year", "year": str(year)}),
        }
    )
    return render(request, "annual/report.html", context)


def _download(request: AuthedRequest, ext: str) -> HttpResponseBase:
    region, year, error = _level(request)
    if year is None:
        return _bad_year(error)
    built = report.build(request.user, region, year)
    body = report.body_html(built)
    if ext == "pdf":
        content, content_type = paper.render_pdf(body, title=built.title), "application/pdf"
    else:
        content, content_type = paper.render_docx(body, title=built.title), DOCX_TYPE
    filename = f"{built.title}.{ext}"
    record(
        "export.create",
        request=request,
        target=f"annual-report/{region.code}/{year}.{ext}",
        detail={"report": "annual", "region": region.code, "year": year, "format": ext},
    )
    response = FileResponse(
        io.BytesIO(content), as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def report_docx(request: AuthedRequest) -> HttpResponseBase:
    return _download(request, "docx")


@require_GET
def report_pdf(request: AuthedRequest) -> HttpResponseBase:
    return _download(request, "pdf")


@require_http_methods(["GET", "POST"])
def foreword(request: AuthedRequest, code: str, year: int) -> HttpResponse:
    region = _level_at(request, code, year)
    selectors.require_writer(request.user, region)
    current = selectors.report_text(region, year)
    status = None
    if request.method == "POST":
        form = ForewordForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            saved, status = run_action(
                form,
                lambda: actions.foreword_save(
                    actor=request.user,
                    region=region,
                    year=year,
                    foreword=data["foreword"],
                    expected_version=data["version"],
                ),
                conflict=FOREWORD_CONFLICT,
            )
            if saved is not None:
                messages.success(request, "报告前言已保存。")
                return redirect(_url("annual:report", region, year))
        else:
            status = 400
    else:
        form = ForewordForm(
            initial={
                "foreword": current.foreword if current else "",
                "version": current.version if current else 0,
            }
        )
    context = {
        "region": region,
        "year": year,
        "form": form,
        "current": current,
        "report_url": _url("annual:report", region, year),
        "action_url": _write_url("annual:foreword", region, year),
    }
    return render(request, "annual/foreword.html", context, status=status or 200)


# ------------------------------------------------------------------------------------------ proposals


@require_GET
def proposals(request: AuthedRequest) -> HttpResponse:
    region, year, error = _level(request)
    context = _chooser(request, region, year, error)
    if year is None:
        return render(request, "annual/proposals.html", context, status=400)
    context.update(
        {
            "proposals": list(selectors.proposals_of(request.user, region, year)),
            "can_write": selectors.can_write(request.user, region),
            "new_url": _write_url("annual:proposal_new", region, year),
            "report_url": _url("annual:report", region, year),
            "events": selectors.recent_events(region, year),
        }
    )
    return render(request, "annual/proposals.html", context)


def _units(request: AuthedRequest, region: Region) -> Any:
    return (
        units_for(request.user)
        .filter(geometry.subtree_q(region.path), is_active=True)
        .order_by("region_path", "name")
    )


@require_http_methods(["GET", "POST"])
def proposal_new(request: AuthedRequest, code: str, year: int) -> HttpResponse:
    region = _level_at(request, code, year)
    selectors.require_writer(request.user, region)
    units = _units(request, region)
    status = None
    if request.method == "POST":
        form = ProposalForm(request.POST, units=units)
        if form.is_valid():
            data = form.cleaned_data
            made, status = run_action(
                form,
                lambda: actions.proposal_make(
                    actor=request.user,
                    region=region,
                    year=year,
                    kind=data["kind"],
                    text=data["text"],
                    unit=data["unit"],
                    organ=data["organ"],
                ),
            )
            if made is not None:
                messages.success(request, f"已记录向{made.organ_name}提出的{made.get_kind_display()}。")
                return redirect(_url("annual:proposals", region, year))
        else:
            status = 400
    else:
        form = ProposalForm(units=units)
    context = {
        "region": region,
        "year": year,
        "form": form,
        "list_url": _url("annual:proposals", region, year),
        "action_url": _write_url("annual:proposal_new", region, year),
    }
    return render(request, "annual/proposal_new.html", context, status=status or 200)


@require_http_methods(["GET", "POST"])
def proposal_answer(request: AuthedRequest, pk: int) -> HttpResponse:
    proposal: Proposal = selectors.proposal_or_404(request.user, pk)
    selectors.require_writer(request.user, proposal.region)
    list_url = _url("annual:proposals", proposal.region, proposal.year)
    status = None
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            answered, status = run_action(
                form,
                lambda: actions.proposal_answer(
                    actor=request.user,
                    proposal_id=proposal.pk,
                    expected_version=data["version"],
                    outcome=data["outcome"],
                    answer_text=data["answer_text"],
                    answered_on=data["answered_on"],
                ),
                conflict=ANSWER_CONFLICT,
            )
            if answered is not None:
                messages.success(
                    request, f"已登记{answered.organ_name}的书面答复：{answered.get_outcome_display()}。"
                )
                return redirect(list_url)
            proposal.refresh_from_db()
        else:
            status = 400
    else:
        form = AnswerForm(
            initial={
                "version": proposal.version,
                "outcome": proposal.outcome or AnswerOutcome.ADOPTED,
                "answered_on": proposal.answered_on or clock.today(),
                "answer_text": proposal.answer_text,
            }
        )
    context = {"proposal": proposal, "form": form, "list_url": list_url}
    return render(request, "annual/proposal_answer.html", context, status=status or 200)
