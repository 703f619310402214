"""导入: choose what to import, download its template, upload the file, see the report or the result."""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_http_methods

from daiban.accounts.http import AuthedRequest
from daiban.audit import record
from daiban.exchange.imports.columns import COLUMNS
from daiban.exchange.imports.forms import UploadForm
from daiban.exchange.imports.service import import_file, kinds_for, may_import
from daiban.exchange.imports.template import build_template, template_filename
from daiban.exchange.models.imports import ImportKind, ImportRun, ImportStatus

RECENT = 10


def _kind_or_404(kind: str) -> ImportKind:
    if kind not in ImportKind.values:
        raise Http404
    return ImportKind(kind)


def _require(request: AuthedRequest, kind: str) -> ImportKind:
    found = _kind_or_404(kind)
    if not may_import(request.user, found):
        raise PermissionDenied
    return found


@require_GET
def import_home(request: AuthedRequest) -> HttpResponse:
    kinds = kinds_for(request.user)
    if not kinds:
        raise PermissionDenied
    runs = ImportRun.objects.filter(user=request.user).order_by("-at", "-id")[:RECENT]
    return render(request, "exchange/imports/home.html", {"kinds": kinds, "runs": runs})


@require_GET
def import_template(request: AuthedRequest, kind: str) -> FileResponse:
    found = _require(request, kind)
    # FileResponse writes the Chinese name for browsers that read filename* and an ASCII one for the rest.
    response = FileResponse(
        io.BytesIO(build_template(found)),
        as_attachment=True,
        filename=template_filename(found),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return response


@require_http_methods(["GET", "POST"])
def import_upload(request: AuthedRequest, kind: str) -> HttpResponse:
    found = _require(request, kind)
    context = {"kind": found, "columns": COLUMNS[found]}
    if request.method == "GET":
        return render(request, "exchange/imports/upload.html", {**context, "form": UploadForm()})
    form = UploadForm(request.POST, request.FILES, user_id=request.user.pk)
    if not form.is_valid():
        return render(request, "exchange/imports/upload.html", {**context, "form": form}, status=400)
    upload = form.cleaned_data["file"]
    run = import_file(actor=request.user, kind=found, filename=upload.name or "", content=upload.read())
    applied = run.status == ImportStatus.APPLIED
    record(
        "import.apply",
        request=request,
        outcome="success" if applied else "failure",
        target=f"importrun#{run.pk}",
        detail={"kind": run.kind, "rows": run.rows, "created": run.created, "updated": run.updated},
    )
    return redirect("exchange:import_run", pk=run.pk)


@require_GET
def import_run(request: AuthedRequest, pk: int) -> HttpResponse:
    # A run is its importer's: its report names rows of their file (outside it: 404, as for none).
    run = get_object_or_404(ImportRun, pk=pk, user=request.user)
    problems = [p for p in run.report if p.get("row") or run.status == ImportStatus.REJECTED]
    notes = [p for p in run.report if not p.get("row") and run.status == ImportStatus.APPLIED]
    return render(
        request,
        "exchange/imports/run.html",
        {"run": run, "problems": problems, "notes": notes, "applied": run.status == ImportStatus.APPLIED},
    )


urlpatterns: list[URLPattern] = [
    path("imports/", import_home, name="import_home"),
    path("imports/<slug:kind>/", import_upload, name="import_upload"),
    path("imports/<slug:kind>/template.xlsx", import_template, name="import_template"),
    path("imports/runs/<int:pk>/", import_run, name="import_run"),
]
