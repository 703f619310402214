"""The "what is held about this person" page (个人信息查阅, PIPL art. 45) for the network's agents."""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods
from openpyxl import Workbook

from daiban import audit
from daiban.accounts.http import AuthedRequest
from daiban.core import clock
from daiban.lifecycle.access import HeldReport, can_report, held_about
from daiban.lifecycle.forms import AccessReportForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_http_methods(["GET", "POST"])
def access_report(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not can_report(user):
        raise PermissionDenied("个人信息查阅由代办员办理。")
    form = AccessReportForm(request.POST if request.method == "POST" else None)
    report: HeldReport | None = None
    if request.method == "POST" and form.is_valid():
        report = held_about(user, form.cleaned_data["id_number"])
        fmt = form.cleaned_data["format"]
        audit.record(
            "pii.access_report",
            request=request,
            target="petitioners:" + ",".join(str(p.pk) for p in report.people),
            detail={
                "found": report.found,
                "format": fmt,
                "matters": [m.number for m in report.matters],
            },
        )
        if fmt == "xlsx":
            return _xlsx(report)
    return render(
        request,
        "lifecycle/access_report.html",
        {"form": AccessReportForm() if report is not None else form, "report": report, "now": clock.now()},
    )


def _xlsx(report: HeldReport) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "信访人"
    sheet.append(["姓名", "身份证号码", "联系电话", "住址", "人员类别", "登记时间"])
    for p in report.people:
        sheet.append([p.name, p.id_number, p.phone, p.address, p.group, _naive(p.registered)])
    rows = book.create_sheet("信访事项")
    rows.append(["事项编号", "摘要", "状态", "登记时间", "办结时间"])
    for m in report.matters:
        rows.append([m.number, m.title, m.get_status_display(), _naive(m.received_at), _naive(m.closed_at)])
    events = book.create_sheet("办理记录")
    events.append(["事项编号", "时间", "摘要"])
    for e in report.events:
        events.append([e.matter.number, _naive(e.at), e.summary])
    files = book.create_sheet("附件")
    files.append(["事项编号", "文件名", "上传时间"])
    for a in report.attachments:
        files.append([a.matter.number, a.name, _naive(a.uploaded_at)])
    docs = book.create_sheet("文书")
    docs.append(["事项编号", "文号", "标题", "状态", "出具时间"])
    for d in report.documents:
        docs.append([d.matter.number, d.number_label, d.title, d.get_status_display(), _naive(d.issued_at)])
    requests = book.create_sheet("网上申请")
    requests.append(["申请编号", "状态", "提交时间"])
    for r in report.requests:
        requests.append([r.number, r.get_status_display(), _naive(r.created_at)])
    screenings = book.create_sheet("矛盾纠纷排查")
    screenings.append(["排查编号", "摘要", "状态", "发现日期"])
    for s in report.screenings:
        screenings.append([s.number, s.title, s.get_status_display(), s.found_on])
    parties = book.create_sheet("调解协议当事人")
    parties.append(["协议", "称谓", "姓名"])
    for party in report.parties:
        parties.append([str(party.agreement), party.get_role_display(), party.name])
    reveals = book.create_sheet("查看记录")
    reveals.append(["时间", "查看人", "字段", "事由"])
    for v in report.reveals:
        reveals.append([_naive(v.at), v.who, v.field, v.reason])
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="personal-data-report.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


def _naive(value: object) -> object:
    """openpyxl refuses aware datetimes: the local wall time."""
    from django.utils import timezone

    if value is None:
        return ""
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return timezone.localtime(value).replace(tzinfo=None)  # type: ignore[arg-type]
    return value
