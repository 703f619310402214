"""Export jobs: a ledger asked for by one user, built in the request when small or on the task queue when
large, kept as a file only that user can download.

Every ledger export is an ``ExportJob`` row (the 导出 page lists them: who exported which personal data,
when, with which filters). ``start`` counts the rows: up to ``INLINE_LIMIT`` the file is built at once in
the request; above, the job is queued (``build_task``, after commit) and its page shows the progress
(``done_rows`` of ``total_rows``) until the file is ready. ``build`` is idempotent: a job already done or
failed is left alone, so a task delivered twice writes one file. A daily task deletes the files past
``KEEP_DAYS`` (the rows stay).
"""

from __future__ import annotations

import datetime
import logging
import tempfile
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, close_db

from daiban.accounts.models import User
from daiban.core import clock
from daiban.exchange.exports.ledgers import LEDGERS, FilterError, Ledger, write_xlsx
from daiban.exchange.models.exports import ExportJob, ExportStatus

log = logging.getLogger(__name__)

# Up to this many rows the file is built in the request; above, on the task queue.
INLINE_LIMIT = 2000
# Recent jobs on the 导出 page; files older than KEEP_DAYS are no longer offered.
RECENT = 20
KEEP_DAYS = 7

BUILD_TASK = "exchange.build_export"
PURGE_TASK = "exchange.purge_exports"


def filename_for(ledger: Ledger, today: datetime.date) -> str:
    return f"{ledger.title}_{today:%Y%m%d}.xlsx"


def start(user: User, ledger: Ledger, params: dict[str, str]) -> ExportJob:
    """Create the job (``FilterError`` when the filters do not validate) and build or queue it."""
    qs = ledger.queryset(user, params)  # validates first: nothing is recorded for a refused export
    total = qs.count()
    job = ExportJob.objects.create(
        user=user,
        kind=ledger.kind,
        params=params,
        total_rows=total,
        filename=filename_for(ledger, clock.today()),
    )
    if total <= INLINE_LIMIT:
        build(job.pk)
        job.refresh_from_db()
    else:
        transaction.on_commit(lambda: build_task(job.pk), robust=True)
    return job


def _progress(job_id: int) -> Any:
    def report(done: int) -> None:
        ExportJob.objects.filter(pk=job_id).update(done_rows=done)

    return report


def build(job_id: int) -> str:
    """Build one job's file; its final status. A job not queued (done, failed, taken) is left alone."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING
    )
    job = ExportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None or not claimed:
        return job.status if job is not None else "missing"
    ledger = LEDGERS.get(job.kind)
    try:
        if ledger is None or not ledger.may_export(job.user) or not job.user.is_active:
            raise FilterError(["无权导出"])
        # The filters and the scope are those of the user now (a scope taken away since is not used).
        qs = ledger.queryset(job.user, {str(k): str(v) for k, v in job.params.items()})
        with tempfile.TemporaryFile() as out:
            done = write_xlsx(ledger, qs, out, progress=_progress(job.pk), note=note_for(job, ledger))
            out.seek(0)
            job.file.save(f"{job.token}.xlsx", File(out), save=False)
        job.done_rows = job.total_rows = done
        job.status = ExportStatus.DONE
    except FilterError as exc:
        job.status, job.error = ExportStatus.FAILED, str(exc)[:200]
    except Exception:
        log.exception("export job %s failed", job.pk)
        job.status, job.error = ExportStatus.FAILED, "生成文件时出错，请稍后重试"
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "done_rows", "total_rows", "status", "error", "finished_at"])
    return str(job.status)


def note_for(job: ExportJob, ledger: Ledger) -> str:
    lines = [
        f"{ledger.title}",
        f"导出人：{job.user}",
        f"导出时间：{timezone.localtime(job.created_at):%Y-%m-%d %H:%M}",
    ]
    shown = ledger.summary(job.user, {str(k): str(v) for k, v in job.params.items()})
    lines.append("筛选条件：" + ("；".join(f"{k}：{v}" for k, v in shown) if shown else "无（全部）"))
    lines.append("本表不含身份证号码、电话号码和住址；文字中出现的号码已做遮盖处理。")
    return "\n".join(lines)


def recent_for(user: User) -> list[ExportJob]:
    return list(ExportJob.objects.filter(user=user).order_by("-created_at", "-id")[:RECENT])


def downloadable(job: ExportJob) -> bool:
    return (
        job.status == ExportStatus.DONE
        and bool(job.file)
        and job.created_at >= timezone.now() - datetime.timedelta(days=KEEP_DAYS)
    )


def purge_expired(now: datetime.datetime | None = None) -> int:
    """Delete the files of jobs past ``KEEP_DAYS`` (the rows stay: who exported what, when); how many.
    Safe to run twice or on two consumers at once: each file is released by a conditional update first."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=KEEP_DAYS)
    purged = 0
    for job in ExportJob.objects.filter(created_at__lt=cutoff).exclude(file="").only("pk", "file"):
        name = job.file.name
        if ExportJob.objects.filter(pk=job.pk, file=name).update(file="") and name:
            job.file.storage.delete(name)
            purged += 1
    return purged


build_task = HUEY.task(name=BUILD_TASK)(close_db(build))
purge_task = HUEY.periodic_task(crontab(minute="17", hour="3"), name=PURGE_TASK)(close_db(purge_expired))
