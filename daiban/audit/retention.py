"""Export to a separate store (incremental, JSON lines) and the retention purge.

* ``export(batch)``: every record after the head's ``exported_seq`` is written to the sink
  (``DAIBAN_AUDIT_SINK``), batch by batch; each batch is written under the head row's lock and the new
  ``exported_seq`` committed after the write, so several consumers (or a consumer and the command) never
  write a record twice in the normal course; a crash between the write and the commit writes that batch again
  (at least once: every line carries its ``seq`` and ``hash``).
* ``purge()``: removes the exported records older than ``DAIBAN_AUDIT_RETENTION_DAYS`` (at least 184), after
  recording the first kept record and its ``prev_hash`` as the anchor from which ``verify`` starts.
"""

from __future__ import annotations

import datetime
import fcntl
import json
import logging
import logging.handlers
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from daiban.audit import guard
from daiban.audit.api import ACTIONS, OUTCOMES
from daiban.audit.models import AuditHead, AuditRecord
from daiban.core import clock


def as_json(row: AuditRecord) -> dict[str, Any]:
    return {
        "seq": row.seq,
        "at": row.at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "actor_id": row.actor_id,
        "actor": row.actor_username,
        "role": row.role,
        "region_code": row.region_code,
        "address": row.address,
        "action": row.action,
        "action_label": ACTIONS.get(row.action, row.action),
        "outcome": row.outcome,
        "outcome_label": OUTCOMES.get(row.outcome, row.outcome),
        "target": row.target,
        "detail": row.detail,
        "prev_hash": row.prev_hash,
        "hash": row.hash,
    }


class Sink(Protocol):
    def write(self, lines: list[str]) -> None: ...


class FileSink:
    """Appends JSON lines to a file (mode 600), flushed and fsynced before the export is committed."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, lines: list[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.write("".join(line + "\n" for line in lines))
            handle.flush()
            os.fsync(handle.fileno())


class SyslogSink:
    """One syslog message per record (facility authpriv), through logging.handlers.SysLogHandler."""

    def __init__(self, address: str | tuple[str, int]) -> None:
        self.handler = logging.handlers.SysLogHandler(
            address=address, facility=logging.handlers.SysLogHandler.LOG_AUTHPRIV
        )
        self.handler.setFormatter(logging.Formatter("daiban-audit: %(message)s"))

    def write(self, lines: list[str]) -> None:
        for line in lines:
            self.handler.emit(
                logging.makeLogRecord({"msg": line, "levelno": logging.INFO, "levelname": "INFO"})
            )


def sink_from_settings() -> Sink:
    spec = str(settings.DAIBAN_AUDIT_SINK)
    kind, _, where = spec.partition(":")
    if kind == "file" and where:
        path = Path(where)
        if not path.is_absolute():
            path = Path(settings.DAIBAN_AUDIT_DIR) / path
        return FileSink(path)
    if kind == "syslog" and where:
        if where.startswith("/"):
            return SyslogSink(where)
        host, _, port = where.rpartition(":")
        if host and port.isdigit():
            return SyslogSink((host, int(port)))
    raise ImproperlyConfigured(
        f"DAIBAN_AUDIT_SINK {spec!r}: use file:<path> or syslog:<host>:<port> / syslog:<socket>"
    )


def export(*, batch: int = 1000, sink: Sink | None = None) -> int:
    """Write the records not yet exported to the sink; return how many were written."""
    sink = sink or sink_from_settings()
    total = 0
    while True:
        with transaction.atomic():
            head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
            rows = list(AuditRecord.objects.filter(seq__gt=head.exported_seq).order_by("seq")[:batch])
            if not rows:
                return total
            sink.write([json.dumps(as_json(row), ensure_ascii=False, sort_keys=True) for row in rows])
            AuditHead.objects.filter(pk=1).update(exported_seq=rows[-1].seq)
        total += len(rows)


@dataclass
class PurgeResult:
    removed: int
    anchor_seq: int


def purge(*, batch: int = 1000) -> PurgeResult:
    """Remove exported records older than the retention; the chain stays verifiable from the anchor."""
    days = int(settings.DAIBAN_AUDIT_RETENTION_DAYS)
    if days < guard.MIN_DAYS:
        raise ImproperlyConfigured(f"DAIBAN_AUDIT_RETENTION_DAYS must be at least {guard.MIN_DAYS}.")
    cutoff = clock.now() - datetime.timedelta(days=days)
    removed = 0
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        # The first record that must stay: the first one inside the retention, or the first not exported.
        young = (
            AuditRecord.objects.filter(at__gte=cutoff).order_by("seq").values_list("seq", flat=True).first()
        )
        keep_from = min(head.exported_seq + 1, young if young is not None else head.last_seq + 1)
        keep_from = min(keep_from, head.last_seq + 1)
        if keep_from <= head.anchor_seq:
            return PurgeResult(0, head.anchor_seq)
        first_kept = AuditRecord.objects.filter(seq=keep_from).values_list("prev_hash", flat=True).first()
        if first_kept is None:
            # Everything up to the head goes: the next record will link to the head's hash.
            first_kept = head.last_hash or ""
        AuditHead.objects.filter(pk=1).update(anchor_seq=keep_from, anchor_prev_hash=first_kept)
        guard.allow_purge(connection)
        while True:
            ids = list(
                AuditRecord.objects.filter(seq__lt=keep_from)
                .order_by("seq")
                .values_list("id", flat=True)[:batch]
            )
            if not ids:
                break
            removed += AuditRecord.objects.filter(id__in=ids).delete()[0]
    return PurgeResult(removed, keep_from)
