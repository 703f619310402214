"""The documents pages: a matter's documents (its page section and a page of its own), the preview of a
document before it is issued (出具), an issued document (preview, PDF, Word, its history and versions), and
the forms that sign, add a signed scan, serve, correct and cancel it.

Every read goes through ``selectors`` (documents of matters in the reader's scope; outside it, 404); a
stale form gets the conflict page (409) with what was typed kept; bad input a Chinese error naming the
field (400)."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods

from daiban.accounts.http import AuthedRequest
from daiban.accounts.models import User
from daiban.core import clock
from daiban.documents import actions, kinds, rendering, selectors
from daiban.documents import render as paper
from daiban.documents.forms import ReasonForm, ScanForm, ServeForm, SignForm
from daiban.documents.models import Document, DocumentStatus, Service
from daiban.matters import hooks, panels
from daiban.matters.choices import EventKind
from daiban.matters.models import Event, Matter
from daiban.matters.views.actions import run_action

T = TypeVar("T")
CONFLICT = (
    "该文书刚刚被他人办理（签名、送达、更正或作废），请返回查看最新内容后再提交；您填写的内容保留在下面。"
)
MAX_ID = 2**63 - 1


def _pk(pk: int) -> int:
    if pk > MAX_ID:
        raise Http404
    return pk


def run(form: forms.Form, call: Callable[[], T]) -> tuple[T | None, int | None]:
    return run_action(form, call, conflict=CONFLICT)


# ------------------------------------------------------------------------------------ a matter's documents


@dataclass
class Row:
    """One source of one kind: its valid document, or a link to issue one."""

    source: kinds.Source
    document: Document | None
    may_issue: bool
    served_on: datetime.date | None = None  # the written reply's service, whichever version or page


@dataclass
class KindRows:
    kind: kinds.Kind
    rows: list[Row] = field(default_factory=list)
    others: list[Document] = field(default_factory=list)  # superseded and cancelled, kept


def documents_of(user: User, matter: Matter) -> list[KindRows]:
    with kinds.reading(matter):
        return _documents_of(user, matter)


def _documents_of(user: User, matter: Matter) -> list[KindRows]:
    docs = list(
        Document.objects.filter(matter=matter, kind__in=[k.key for k in selectors.visible_kinds(user)])
        .defer("data", "body_html", "template_source")  # the list shows none of the frozen content
        .select_related("issued_by")
        .prefetch_related("services")
        .order_by("issued_at", "id")
    )
    acting = selectors.may_act(user, matter)
    out = []
    for kind in selectors.visible_kinds(user):
        mine = [d for d in docs if d.kind == kind.key]
        valid = {d.source_key: d for d in mine if d.status == DocumentStatus.ISSUED}
        group = KindRows(kind=kind, others=[d for d in mine if d.status != DocumentStatus.ISSUED])
        sources = kind.sources(matter)
        known = {s.key for s in sources}
        served: dict[str, datetime.date] = {}
        for d in mine:
            for service in d.services.all():
                served[d.source_key] = min(served.get(d.source_key, service.served_on), service.served_on)
        for s in sources:
            may = (
                acting and s.key not in valid and selectors.may_issue(user, matter, kind, s.key, acting=True)
            )
            when = served.get(s.key)
            if when is None and kind.served and kind.served_elsewhere is not None and s.key in valid:
                when = kind.served_elsewhere(matter, s.key)
            group.rows.append(Row(source=s, document=valid.get(s.key), may_issue=may, served_on=when))
        for key, d in valid.items():  # issued for a record that no longer offers one (kept, listed)
            if key not in known:
                group.rows.append(Row(source=kinds.Source(key, d.title), document=d, may_issue=False))
        if group.rows or group.others:
            out.append(group)
    return out


def _panel(user: User, matter: Matter) -> dict[str, Any] | None:
    groups = documents_of(user, matter)
    if not groups:
        return None
    return {"groups": groups, "matter": matter}


def connect() -> None:
    panels.register(
        panels.Panel("documents.list", order=5, template="documents/_matter.html", context=_panel)
    )
    hooks.subscribe(_mirror_matter_service, [EventKind.SERVE])


def _mirror_matter_service(happened: hooks.MatterEvent) -> None:
    """A reply's service recorded on the matter page (登记送达) is the service of its issued opinion
    document too: mirrored once, after commit (the document action itself records both at once)."""
    event = Event.objects.filter(pk=happened.event_id).select_related("actor").first()
    if event is None:
        return
    opinion = event.details.get("opinion")
    served_on = event.details.get("served_on")
    if not isinstance(opinion, int) or not isinstance(served_on, str):
        return
    doc = Document.objects.filter(
        matter_id=happened.matter_id, source_key=f"opinion:{opinion}", status=DocumentStatus.ISSUED
    ).first()
    if doc is not None:
        actions.record_matter_service(
            actor=event.actor,
            document=doc,
            served_on=datetime.date.fromisoformat(served_on),
            manner=str(event.details.get("manner", "")),
        )


@require_GET
def matter_documents(request: AuthedRequest, matter_id: int) -> HttpResponse:
    matter = selectors.matter_or_404(request.user, _pk(matter_id))
    return render(
        request,
        "documents/matter.html",
        {"matter": matter, "panel": {"groups": documents_of(request.user, matter), "matter": matter}},
    )


# ------------------------------------------------------------------------------------ issuing


@require_http_methods(["GET", "POST"])
def new(request: AuthedRequest, matter_id: int) -> HttpResponse:
    """预览 then 出具: the document as it would be issued now, from the matter's values."""
    matter = selectors.matter_or_404(request.user, _pk(matter_id))
    params = request.POST if request.method == "POST" else request.GET
    kind = kinds.get(str(params.get("kind", ""))[:40])
    source_key = str(params.get("source", ""))[:40]
    if kind is None or kind not in selectors.visible_kinds(request.user):
        raise Http404
    sources = {s.key: s for s in kind.sources(matter)}
    if source_key not in sources:
        raise Http404
    form = forms.Form(request.POST or None)
    status = None
    if request.method == "POST":
        doc, status = run(
            form,
            lambda: actions.issue(
                actor=request.user, matter_id=matter.pk, kind=kind.key, source_key=source_key
            ),
        )
        if doc is not None:
            messages.success(request, f"已出具{doc.title} {doc.number}。")
            return redirect("documents:detail", doc.pk)
    body, template_name = rendering.preview(kind, matter, source_key, clock.today())
    existing = Document.objects.filter(
        matter=matter, kind=kind.key, source_key=source_key, status=DocumentStatus.ISSUED
    ).first()
    return render(
        request,
        "documents/new.html",
        {
            "matter": matter,
            "kind": kind,
            "source": sources[source_key],
            "body": body,
            "template_name": template_name,
            "form": form,
            "existing": existing,
            "may_issue": existing is None and selectors.may_issue(request.user, matter, kind, source_key),
        },
        status=status or 200,
    )


# ------------------------------------------------------------------------------------ one document


def _detail_context(user: User, doc: Document) -> dict[str, Any]:
    kind = kinds.get(doc.kind)
    acting = selectors.may_act(user, doc.matter) and doc.status == DocumentStatus.ISSUED
    service = doc.services.first()
    versions = []
    root: Document | None = doc
    while root is not None and root.supersedes_id:
        root = Document.objects.filter(pk=root.supersedes_id).first()
        if root is not None:
            versions.append(root)
    newer = Document.objects.filter(supersedes=doc).first()
    # Served through an earlier version, or on the matter page before this copy was issued: the review
    # window already runs from that day; this copy needs no service record of its own.
    served_before = actions.served_before(doc) if service is None else None
    may_issue = acting and kind is not None and selectors.may_issue(user, doc.matter, kind, doc.source_key)
    return {
        "doc": doc,
        "kind": kind,
        "matter": doc.matter,
        "service": service,
        "events": list(doc.events.select_related("actor")),
        "older": versions,
        "newer": newer,
        "may_sign": acting and kind is not None and kind.signers is not None and not doc.is_signed,
        "may_serve": acting
        and kind is not None
        and service is None
        and served_before is None
        and selectors.may_serve(user, doc.matter, kind, doc.source_key),
        "served_before": served_before,
        "may_change": may_issue,
        "may_cancel": may_issue and not (kind is not None and kind.refuse_cancel and kind.refuse_cancel(doc)),
        "signers": kind.signers(doc.data) if kind and kind.signers else [],
    }


@require_GET
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    doc = selectors.document_or_404(request.user, _pk(pk))
    return render(request, "documents/detail.html", _detail_context(request.user, doc))


def _filename(doc: Document, ext: str) -> str:
    return f"{doc.title}-{doc.number_label}.{ext}"


def _attachment(content: bytes, content_type: str, filename: str) -> FileResponse:
    response = FileResponse(
        io.BytesIO(content), as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def pdf(request: AuthedRequest, pk: int) -> FileResponse:
    doc = selectors.document_or_404(request.user, _pk(pk))
    content = paper.render_pdf(_watermarked(doc), title=f"{doc.title} {doc.number_label}")
    return _attachment(content, "application/pdf", _filename(doc, "pdf"))


@require_GET
def docx(request: AuthedRequest, pk: int) -> FileResponse:
    doc = selectors.document_or_404(request.user, _pk(pk))
    content = paper.render_docx(_watermarked(doc), title=f"{doc.title} {doc.number_label}")
    return _attachment(
        content,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _filename(doc, "docx"),
    )


def _watermarked(doc: Document) -> str:
    """A cancelled or superseded document still prints, but says so at its top."""
    if doc.status == DocumentStatus.CANCELLED:
        return _note(f"本文书已作废：{doc.cancel_reason}") + doc.body_html
    if doc.status == DocumentStatus.SUPERSEDED:
        return _note("本文书已被更正，以更正后的版本为准。") + doc.body_html
    return doc.body_html


def _note(text: str) -> str:
    return str(format_html('<p class="note">【{}】</p>', text))


@require_GET
def scan_file(request: AuthedRequest, pk: int) -> FileResponse:
    doc = selectors.document_or_404(request.user, _pk(pk))
    if not doc.scan:
        raise Http404
    response = FileResponse(
        doc.scan.open("rb"), content_type=doc.scan_content_type or "application/octet-stream"
    )
    ext = doc.scan.name.rsplit(".", 1)[-1]
    response["Content-Disposition"] = (
        f"inline; filename=\"scan.{ext}\"; filename*=UTF-8''{quote(_filename(doc, ext))}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


# ------------------------------------------------------------------------------------ changing a document


def _acting_page(
    request: AuthedRequest,
    pk: int,
    template: str,
    make_form: Callable[[Document, Any], forms.Form],
    call: Callable[[Document, Any], Any],
    done: str,
    allowed: Callable[[dict[str, Any]], bool],
    *,
    issuer_only: bool = False,
) -> HttpResponse:
    """A form that changes a document: 403 to who may not (only its issuer corrects or cancels it), the
    document's page again (with a note) when its state no longer allows it, the form otherwise."""
    doc = selectors.document_or_404(request.user, _pk(pk))
    if not selectors.may_act(request.user, doc.matter):
        raise PermissionDenied("只有承办本事项的人员可以办理文书。")
    kind = kinds.get(doc.kind)
    if issuer_only and (
        kind is None or not selectors.may_issue(request.user, doc.matter, kind, doc.source_key, acting=True)
    ):
        raise PermissionDenied("只有出具机关的人员可以更正或作废这份文书。")
    ctx = _detail_context(request.user, doc)
    data = request.POST if request.method == "POST" else None
    form = make_form(doc, data)
    status = None
    if request.method == "POST":
        if form.is_valid():
            version = form.cleaned_data["version"]
            result, status = run(form, lambda: call(doc, (form, version)))
            if status is None:
                messages.success(request, done)
                target = result if isinstance(result, Document) else doc
                return redirect("documents:detail", target.pk)
        else:
            status = 400
    elif not allowed(ctx):
        messages.info(request, "该文书当前不能办理此项（已签署、已送达、已作废或已被更正）。")
        return redirect("documents:detail", doc.pk)
    ctx["form"] = form
    ctx["heading"] = HEADINGS.get(template, "")
    return render(request, template, ctx, status=status or 200)


HEADINGS = {
    "documents/sign.html": "当面签名",
    "documents/scan.html": "上传纸质签字件",
    "documents/serve.html": "登记送达",
    "documents/correct.html": "更正文书",
    "documents/cancel.html": "作废文书",
}


@require_http_methods(["GET", "POST"])
def sign(request: AuthedRequest, pk: int) -> HttpResponse:
    def make(doc: Document, data: Any) -> forms.Form:
        kind = kinds.get(doc.kind)
        signers = kind.signers(doc.data) if kind and kind.signers else []
        return SignForm(data, signers=signers, initial={"version": doc.revision})

    def call(doc: Document, fv: Any) -> Any:
        form, version = fv
        return actions.sign(
            actor=request.user, document_id=doc.pk, expected_revision=version, images=form.images()
        )

    return _acting_page(request, pk, "documents/sign.html", make, call, "已签名。", lambda c: c["may_sign"])


@require_http_methods(["GET", "POST"])
def scan(request: AuthedRequest, pk: int) -> HttpResponse:
    def make(doc: Document, data: Any) -> forms.Form:
        return ScanForm(
            data,
            request.FILES or None,
            initial={"version": doc.revision, "signed_on": clock.today()},
            user_id=request.user.pk,
        )

    def call(doc: Document, fv: Any) -> Any:
        form, version = fv
        return actions.attach_scan(
            actor=request.user,
            document_id=doc.pk,
            expected_revision=version,
            scan=form.cleaned_data.get("scan"),
            signed_on=form.cleaned_data.get("signed_on"),
        )

    return _acting_page(
        request, pk, "documents/scan.html", make, call, "已上传签字件扫描件。", lambda c: c["may_sign"]
    )


@require_http_methods(["GET", "POST"])
def serve(request: AuthedRequest, pk: int) -> HttpResponse:
    def make(doc: Document, data: Any) -> forms.Form:
        return ServeForm(
            data,
            initial={
                "version": doc.revision,
                "served_on": clock.today(),
                "recipient": doc.data.get("recipient", ""),
            },
        )

    def call(doc: Document, fv: Any) -> Service:
        form, version = fv
        c = form.cleaned_data
        return actions.serve(
            actor=request.user,
            document_id=doc.pk,
            expected_revision=version,
            served_on=c.get("served_on"),
            manner=c.get("manner") or "",
            recipient=c.get("recipient") or "",
            note=c.get("note") or "",
        )

    return _acting_page(
        request, pk, "documents/serve.html", make, call, "已登记送达。", lambda c: c["may_serve"]
    )


@require_http_methods(["GET", "POST"])
def correct(request: AuthedRequest, pk: int) -> HttpResponse:
    def make(doc: Document, data: Any) -> forms.Form:
        form = ReasonForm(data, initial={"version": doc.revision})
        form.fields["reason"].label = "更正理由"
        return form

    def call(doc: Document, fv: Any) -> Document:
        form, version = fv
        return actions.correct(
            actor=request.user,
            document_id=doc.pk,
            expected_revision=version,
            reason=form.cleaned_data.get("reason") or "",
        )

    return _acting_page(
        request,
        pk,
        "documents/correct.html",
        make,
        call,
        "已出具更正后的新版本。",
        lambda c: c["may_change"],
        issuer_only=True,
    )


@require_http_methods(["GET", "POST"])
def cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    def make(doc: Document, data: Any) -> forms.Form:
        form = ReasonForm(data, initial={"version": doc.revision})
        form.fields["reason"].label = "作废理由"
        return form

    def call(doc: Document, fv: Any) -> Document:
        form, version = fv
        return actions.cancel(
            actor=request.user,
            document_id=doc.pk,
            expected_revision=version,
            reason=form.cleaned_data.get("reason") or "",
        )

    return _acting_page(
        request,
        pk,
        "documents/cancel.html",
        make,
        call,
        "文书已作废，文号保留。",
        lambda c: c["may_cancel"],
        issuer_only=True,
    )


def issue_url(matter_id: int, kind: str, source_key: str) -> str:
    return reverse("documents:new", args=[matter_id]) + "?" + urlencode({"kind": kind, "source": source_key})
