"""The hash chain: canonical serialisation, the keyed hash, appending under a lock, verification.

hash = HMAC(DAIBAN_AUDIT_KEY, canonical(record) ‖ prev_hash), with HMAC-SHA256 (default) or HMAC-SM3
(``DAIBAN_AUDIT_HASH``), both from the ``cryptography`` package. Without the key nobody — a database
administrator included — can rewrite a record and its successors so that they verify again.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import hashes, hmac
from django.conf import settings
from django.db import transaction

from daiban.core import clock

GENESIS = "0" * 64
ALGORITHMS = ("hmac-sha256", "hmac-sm3")

# The fields that are hashed, in this order. Changing it breaks every existing chain.
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_username",
    "role",
    "region_code",
    "address",
    "action",
    "outcome",
    "target",
    "detail",
)


def _algorithm() -> hashes.HashAlgorithm:
    name = getattr(settings, "DAIBAN_AUDIT_HASH", "hmac-sha256")
    if name == "hmac-sm3":
        return hashes.SM3()
    if name == "hmac-sha256":
        return hashes.SHA256()
    raise ValueError(f"DAIBAN_AUDIT_HASH must be one of {ALGORITHMS}, got {name!r}")


def _key() -> bytes:
    return str(settings.DAIBAN_AUDIT_KEY).encode("utf-8")


def _canonical_at(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def normalise_detail(detail: dict[str, Any]) -> dict[str, Any]:
    """What the JSON column gives back: plain JSON types (dates and other objects as text)."""
    result: dict[str, Any] = json.loads(json.dumps(detail, default=str, ensure_ascii=False))
    return result


def canonical(values: dict[str, Any], prev_hash: str) -> bytes:
    """The bytes that are hashed: the record's fields in a fixed order, then the previous hash."""
    items = [_canonical_at(values[name]) if name == "at" else values[name] for name in HASHED_FIELDS]
    items.append(prev_hash)
    text = json.dumps(items, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8")


def compute_hash(values: dict[str, Any], prev_hash: str) -> str:
    mac = hmac.HMAC(_key(), _algorithm())
    mac.update(canonical(values, prev_hash))
    return mac.finalize().hex()


def append(**values: Any) -> None:
    """Append one record under the head row's lock (``record()`` is the public entry point)."""
    from daiban.audit.models import AuditHead, AuditRecord

    values["detail"] = normalise_detail(values.get("detail") or {})
    with transaction.atomic():
        # The head row serialises appends (SELECT … FOR UPDATE on PostgreSQL; SQLite's write transaction
        # does the same), so two requests never take the same seq or the same predecessor.
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        values["seq"] = head.last_seq + 1
        values["at"] = clock.now()
        prev = head.last_hash or GENESIS
        digest = compute_hash(values, prev)
        AuditRecord.objects.create(prev_hash=prev, hash=digest, **values)
        AuditHead.objects.filter(pk=1).update(last_seq=values["seq"], last_hash=digest)


@dataclass
class Problem:
    seq: int
    kind: str  # "hash" (edited), "link" (prev_hash not the predecessor's), "missing" (deleted), "head"
    message: str


@dataclass
class Report:
    checked: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _row_values(row: Any) -> dict[str, Any]:
    return {name: getattr(row, name) for name in HASHED_FIELDS}


def iter_records(batch: int = 1000) -> Iterator[Any]:
    from daiban.audit.models import AuditRecord

    last = 0
    while True:
        rows = list(AuditRecord.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify(batch: int = 1000) -> Report:
    """Walk the chain from the anchor and name every edited, relinked or missing record.

    Verification starts at the anchor left by the last purge (its seq and the prev_hash of that record)
    or, before any purge, at seq 1 with the genesis hash. The head row must name the last record: a
    deleted tail shows as missing seqs up to the head's ``last_seq``.
    """
    from daiban.audit.models import AuditHead

    head = AuditHead.objects.filter(pk=1).first()
    expected_seq = head.anchor_seq if head else 1
    expected_prev = (head.anchor_prev_hash if head else "") or GENESIS
    report = Report()
    for row in iter_records(batch):
        report.checked += 1
        if report.first_seq is None:
            report.first_seq = row.seq
        report.last_seq = row.seq
        if row.seq < expected_seq:
            report.problems.append(Problem(row.seq, "hash", f"记录 #{row.seq} 早于保留起点，应已清除"))
            continue
        if row.seq > expected_seq:
            _missing(report, expected_seq, row.seq - 1)
            # The predecessor is gone: its hash is unknown, so the link cannot be checked here.
            expected_prev = row.prev_hash
        if row.prev_hash != expected_prev:
            report.problems.append(
                Problem(row.seq, "link", f"记录 #{row.seq} 的前一摘要与前一条记录不符（被改动或插入）")
            )
        if compute_hash(_row_values(row), row.prev_hash) != row.hash:
            report.problems.append(Problem(row.seq, "hash", f"记录 #{row.seq} 的内容与摘要不符（被篡改）"))
        expected_seq = row.seq + 1
        expected_prev = row.hash
    if head is not None and head.last_seq >= expected_seq:
        _missing(report, expected_seq, head.last_seq)
    if head is not None and report.last_seq is not None and head.last_seq < report.last_seq:
        report.problems.append(
            Problem(report.last_seq, "head", f"记录 #{report.last_seq} 在链头（#{head.last_seq}）之后")
        )
    return report


def _missing(report: Report, first: int, last: int) -> None:
    if first == last:
        report.problems.append(Problem(first, "missing", f"记录 #{first} 缺失（被删除）"))
    else:
        report.problems.append(Problem(first, "missing", f"记录 #{first}–#{last} 缺失（被删除）"))
