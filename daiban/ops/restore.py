"""Restoring an archive, and the restore drill that proves a backup can be restored and is whole.

``restore_archive`` decrypts and verifies everything before it touches the target, refuses a target
database that is not empty (unless ``replace``), refuses when the keys configured now cannot read the data
(the key-set manifest), restores the database and the attachments, and checks the table counts against the
manifest. ``run_drill`` restores into a fresh temporary database and checks the invariants of the data.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from daiban.matters.models import Attachment, Event, Matter, Petitioner
from daiban.ops import archive, databases, keys
from daiban.pii import crypto as pii_crypto
from daiban.pii import validators as pii_validators

DRILL_PETITIONER_SAMPLE = 50


class RestoreRefused(Exception):
    """The restore was refused before anything was changed (message in Chinese and English)."""


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    target: databases.Target
    media_files: int
    warnings: list[str] = field(default_factory=list)


def _count_mismatches(expected: dict[str, int], actual: dict[str, int]) -> list[str]:
    return [
        f"{table}: {expected.get(table)} → {actual.get(table)}"
        for table in sorted(set(expected) | set(actual))
        if expected.get(table) != actual.get(table)
    ]


def restore_extracted(
    extracted: archive.Extracted,
    *,
    target: databases.Target,
    media_dir: Path,
    replace: bool = False,
    ignore_keys: bool = False,
) -> RestoreResult:
    """Restore an archive already decrypted and verified by :func:`archive.extract`."""
    if extracted.engine != target.engine:
        raise RestoreRefused(
            f"备份的数据库是 {extracted.engine}，目标是 {target.engine}，不能跨数据库恢复。"
            f" The archive holds a {extracted.engine} database; the target is {target.engine}."
        )
    check = keys.compare(extracted.keys)
    if check.errors and not ignore_keys:
        raise RestoreRefused("\n".join(check.errors))
    if not replace and not databases.is_empty(target):
        raise RestoreRefused(
            f"目标数据库 {target.describe()} 不是空的（加 --force 覆盖）。"
            " The target database is not empty; use --force to replace it."
        )
    databases.restore(extracted.database_file, target, replace=replace)
    media_files = archive.copy_media(extracted.media_dir, media_dir, overwrite=replace)
    mismatches = _count_mismatches(extracted.manifest["database"]["tables"], databases.counts(target))
    if mismatches:
        raise RestoreRefused(
            "恢复后的表行数与备份清单不符。 Table counts differ from the manifest: " + "; ".join(mismatches)
        )
    warnings = check.warnings + (check.errors if ignore_keys else [])
    return RestoreResult(extracted.manifest, target, media_files, warnings)


def restore_archive(
    archive_path: Path,
    *,
    target: databases.Target,
    media_dir: Path,
    replace: bool = False,
    ignore_keys: bool = False,
    key: bytes | None = None,
) -> RestoreResult:
    """Decrypt and verify ``archive_path`` in a private temporary directory, then restore it."""
    with tempfile.TemporaryDirectory(prefix="daiban-restore-") as work:
        extracted = archive.extract(archive_path, Path(work), key=key)
        return restore_extracted(
            extracted, target=target, media_dir=media_dir, replace=replace, ignore_keys=ignore_keys
        )


# ---------------------------------------------------------------------------------------------- the drill


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class DrillReport:
    archive: Path
    checks: list[Check]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


def _table(model: Any) -> str:
    return '"' + model._meta.db_table + '"'


def _column(model: Any, name: str) -> str:
    return '"' + model._meta.get_field(name).column + '"'


def check_versions(conn: Any) -> Check:
    """Every matter's version equals the seq of its last event (0 without events)."""
    m, e = _table(Matter), _table(Event)
    mid, ver, emid, seq = (
        _column(Matter, "id"),
        _column(Matter, "version"),
        _column(Event, "matter"),
        _column(Event, "seq"),
    )
    cursor = conn.cursor()
    cursor.execute(f"SELECT count(*) FROM {m}")  # noqa: S608 - names from the models
    total = cursor.fetchone()[0]
    cursor.execute(
        f"SELECT m.{mid}, m.{ver}, COALESCE(MAX(e.{seq}), 0) FROM {m} m LEFT JOIN {e} e ON e.{emid} = m.{mid}"  # noqa: S608
        f" GROUP BY m.{mid}, m.{ver} HAVING m.{ver} <> COALESCE(MAX(e.{seq}), 0) ORDER BY m.{mid}"
    )
    bad = cursor.fetchall()
    detail = f"{total} 件事项" + (
        "" if not bad else "；不符：" + ", ".join(f"#{r[0]} version {r[1]} ≠ seq {r[2]}" for r in bad[:10])
    )
    return Check("事项版本号等于最后一条办理记录的序号 (matter.version = last event seq)", not bad, detail)


def check_counts(manifest: dict[str, Any], target: databases.Target) -> Check:
    mismatches = _count_mismatches(manifest["database"]["tables"], databases.counts(target))
    tables = len(manifest["database"]["tables"])
    return Check(
        "各表行数与备份清单一致 (counts per table)",
        not mismatches,
        f"{tables} 张表" + ("" if not mismatches else "；不符：" + "; ".join(mismatches[:10])),
    )


_PII: tuple[tuple[str, str, Callable[[str], str]], ...] = (
    ("id_number", "id", pii_validators.validate_id_number),
    ("phone", "phone", pii_validators.validate_phone),
)


def check_personal_data(conn: Any, sample: int = DRILL_PETITIONER_SAMPLE) -> Check:
    """Decrypt the ID and phone of up to ``sample`` petitioners with the keys configured now, and check that
    each blind index still finds them. Failures name the petitioner's row id only, never a number."""
    p = _table(Petitioner)
    cols = ", ".join(
        _column(Petitioner, f"{base}_{part}") for base, _k, _v in _PII for part in ("enc", "hash")
    )
    pid, id_enc, phone_enc = (
        _column(Petitioner, "id"),
        _column(Petitioner, "id_number_enc"),
        _column(Petitioner, "phone_enc"),
    )
    cursor = conn.cursor()
    cursor.execute(
        f"SELECT {pid}, {cols} FROM {p} WHERE {id_enc} <> '' OR {phone_enc} <> '' ORDER BY {pid} LIMIT {int(sample)}"  # noqa: S608
    )
    rows = cursor.fetchall()
    values = 0
    failed: list[str] = []
    for row in rows:
        for i, (base, kind, validate) in enumerate(_PII):
            token, digest = row[1 + 2 * i], row[2 + 2 * i]
            if not token:
                continue
            try:
                plain = pii_crypto.decrypt(token)
                ok = validate(plain) == plain and digest in pii_crypto.blind_index_candidates(kind, plain)
            except (pii_crypto.DecryptionError, ValidationError, ValueError):
                ok = False
            values += 1
            if not ok:
                failed.append(f"信访人 #{row[0]} {base}")
    detail = f"{len(rows)} 位信访人、{values} 个号码解密并核对检索索引" + (
        "" if not failed else "；失败：" + ", ".join(failed[:10])
    )
    if not rows:
        detail = "没有登记身份证号码或电话的信访人，未核对"
    return Check("个人信息可用当前密钥解密、可检索 (decrypt + blind index)", not failed, detail)


def check_attachments(conn: Any, media_dir: Path) -> Check:
    cursor = conn.cursor()
    columns = f"{_column(Attachment, 'id')}, {_column(Attachment, 'file')}"
    cursor.execute(f"SELECT {columns} FROM {_table(Attachment)}")  # noqa: S608 - names from the model
    rows = cursor.fetchall()
    missing = [f"#{r[0]}" for r in rows if r[1] and not (media_dir / r[1]).is_file()]
    return Check(
        "附件文件齐全 (attachment files present)",
        not missing,
        f"{len(rows)} 个附件" + ("" if not missing else "；缺少：" + ", ".join(missing[:10])),
    )


@contextmanager
def _drill_target(engine: str, server: databases.Target, work: Path) -> Iterator[databases.Target]:
    if engine == databases.SQLITE:
        yield databases.Target(
            databases.SQLITE, {"ENGINE": "django.db.backends.sqlite3", "NAME": str(work / "drill.sqlite3")}
        )
        return
    if server.engine != databases.POSTGRES:
        raise RestoreRefused(
            "演练 PostgreSQL 备份需要当前配置的 PostgreSQL 服务器（DATABASE_URL）。"
            " A PostgreSQL archive is drilled on the configured PostgreSQL server."
        )
    with databases.fresh_pg_database(server, f"daiban_drill_{secrets.token_hex(6)}") as target:
        yield target


def run_drill(archive_path: Path, *, server: databases.Target, key: bytes | None = None) -> DrillReport:
    """Restore ``archive_path`` into a fresh temporary database and media directory, check the invariants,
    and throw the copy away."""
    with tempfile.TemporaryDirectory(prefix="daiban-drill-") as tmp:
        work = Path(tmp)
        extracted = archive.extract(archive_path, work / "archive", key=key)
        with _drill_target(extracted.engine, server, work) as target:
            result = restore_extracted(extracted, target=target, media_dir=work / "media")
            with databases.dbapi(target) as conn:
                checks = [
                    Check(
                        "解密并核对全部校验和 (decrypt + checksums)",
                        True,
                        f"{len(result.manifest['members'])} 个文件",
                    ),
                    check_counts(result.manifest, target),
                    check_versions(conn),
                    check_personal_data(conn),
                    check_attachments(conn, work / "media"),
                ]
    return DrillReport(archive=archive_path, checks=checks)
