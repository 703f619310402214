"""The export pages: 导出 (the user's recent jobs), a ledger's export page (the list's filters in words and
one button), a job's page (progress, then the download) and its download; the monthly report (月报).

A job is the asking user's alone: anyone else gets 404 for its page and its file, exactly as for a job that
does not exist.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from daiban.accounts.http import AuthedRequest
from daiban.audit import record
from daiban.core import clock
from daiban.core.dbrouter import replica_reads
from daiban.exchange.exports import jobs, monthly
from daiban.exchange.exports.ledgers import LEDGERS, FilterError, Ledger, filter_params
from daiban.exchange.models.exports import ExportJob, ExportStatus
from daiban.pii.log_filters import redact


def _ledger_or_404(kind: str) -> Ledger:
    ledger = LEDGERS.get(kind)
    if ledger is None:
        raise Http404
    return ledger


def _job_or_404(request: AuthedRequest, token: Any) -> ExportJob:
    job = ExportJob.objects.filter(token=token, user=request.user).first()
    if job is None:
        raise Http404
    return job


def may_export(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "role", ""))


@require_GET
def export_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not may_export(user):
        raise PermissionDenied("您的账号没有岗位，不能导出。")
    ledgers = [ledger for ledger in LEDGERS.values() if ledger.may_export(user)]
    rows = [(job, LEDGERS.get(job.kind), jobs.downloadable(job)) for job in jobs.recent_for(user)]
    context = {
        "ledgers": ledgers,
        "rows": rows,
        "keep_days": jobs.KEEP_DAYS,
        "monthly_url": reverse("exchange:monthly_report") if monthly.may_report(user) else None,
    }
    return render(request, "exchange/exports/list.html", context)


@require_http_methods(["GET", "POST"])
def ledger_export(request: AuthedRequest, kind: str) -> HttpResponse:
    """GET: the filters carried over from the list page, in words, and the button; POST: start the job."""
    user = request.user
    ledger = _ledger_or_404(kind)
    if not ledger.may_export(user):
        raise PermissionDenied("您的岗位不能导出此台账。")
    source = request.POST if request.method == "POST" else request.GET
    params = filter_params(ledger, source)
    errors: list[str] = []
    try:
        ledger.clean(user, params)
    except FilterError as exc:
        errors = exc.messages
    if request.method == "POST" and not errors:
        try:
            job = jobs.start(user, ledger, params)
        except FilterError as exc:
            errors = exc.messages
        else:
            record(
                "export.create",
                request=request,
                target=f"exportjob#{job.pk}",
                detail={"ledger": job.kind, "filters": sorted(params)},
            )
            response = HttpResponseRedirect(reverse("exchange:export_job", args=[job.token]))
            response.status_code = 303  # See Other: the job's page, by GET
            return response
    # Back to the list with its filters (a number that looks like an ID or phone is not put into a URL).
    back = {k: v for k, v in params.items() if redact(v) == v}
    list_url = reverse(ledger.list_url_name) + (f"?{urlencode(back)}" if back else "")
    context = {
        "ledger": ledger,
        "params": params,
        "summary": ledger.summary(user, params) if not errors else [],
        "errors": errors,
        "list_url": list_url,
        "inline_limit": jobs.INLINE_LIMIT,
    }
    return render(request, "exchange/exports/ledger.html", context, status=400 if errors else 200)


@require_GET
def export_job(request: AuthedRequest, token: Any) -> HttpResponse:
    job = _job_or_404(request, token)
    ledger = LEDGERS.get(job.kind)
    running = job.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)
    percent = min(100, job.done_rows * 100 // job.total_rows) if job.total_rows else (0 if running else 100)
    context = {
        "job": job,
        "ledger": ledger,
        "running": running,
        "percent": percent,
        "downloadable": jobs.downloadable(job),
        "summary": ledger.summary(request.user, {str(k): str(v) for k, v in job.params.items()})
        if ledger
        else [],
    }
    return render(request, "exchange/exports/job.html", context)


@require_GET
def export_download(request: AuthedRequest, token: Any) -> FileResponse:
    job = _job_or_404(request, token)
    if not jobs.downloadable(job):
        raise Http404
    try:
        handle = job.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    record("export.download", request=request, target=f"exportjob#{job.pk}", detail={"ledger": job.kind})
    # FileResponse writes filename*=UTF-8''… (RFC 5987) for the Chinese name, with an ASCII fallback.
    return FileResponse(
        handle,
        as_attachment=True,
        filename=job.filename or "export.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@require_GET
def monthly_report(request: AuthedRequest) -> HttpResponse | FileResponse:
    """The 月报 form (region, month, format); filled in, the file itself (nothing is stored)."""
    user = request.user
    if not monthly.may_report(user):
        raise PermissionDenied("您的岗位不使用统计月报。")
    status = 200
    today = clock.today()
    last = monthly.previous_month(monthly.Period.month(today.year, today.month))
    defaults = {"month": f"{last.start:%Y-%m}", "region": getattr(user.region, "code", None) or ""}
    if "format" in request.GET:
        # A field left out of the address (a link naming only the format) takes the form's default: the
        # user's own region, last month. A field sent empty is an error shown on the form.
        query = request.GET.copy()
        for key, value in defaults.items():
            if key not in query:
                query[key] = value
        form = monthly.MonthlyForm(query, user=user)
        if form.is_valid():
            # The figures from the replica (when there is one); the audit record below to the primary.
            with replica_reads(request):
                report = monthly.build(user, form.cleaned_data["region"], form.cleaned_data["month"])
            fmt = form.cleaned_data["format"]
            data = monthly.to_docx(report) if fmt == "docx" else monthly.to_xlsx(report)
            record(
                "export.create", request=request, target=report.filename(fmt), detail={"report": "monthly"}
            )
            return FileResponse(
                io.BytesIO(data),
                as_attachment=True,
                filename=report.filename(fmt),
                content_type=monthly.DOCX if fmt == "docx" else monthly.XLSX,
            )
        status = 400
    else:
        # Last month of the user's own region; a link (a dashboard's) may preset the region and the month.
        initial: dict[str, Any] = dict(defaults)
        for key in defaults:
            value = str(request.GET.get(key, "")).strip()
            if value:
                initial[key] = value[:20]
        form = monthly.MonthlyForm(user=user, initial=initial)
    return render(request, "exchange/exports/monthly.html", {"form": form}, status=status)
