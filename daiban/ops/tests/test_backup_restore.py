"""Backup, restore and the restore drill on real data (issue 14 §7).

Transactional tests: the backup reads the database through its own connection (the SQLite online backup
API, or pg_dump), which sees committed rows only. On PostgreSQL (DATABASE_URL=postgres://…) the restores go
into fresh databases on the same server.
"""

from __future__ import annotations

import base64
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test import override_settings

from daiban.audit.models import AuditRecord
from daiban.matters import actions
from daiban.matters.models import Event, Matter, Petitioner
from daiban.matters.tests.factories import WANG_ID, WANG_PHONE, Flow, id_with_check
from daiban.ops import archive, databases
from daiban.ops.restore import check_versions, restore_archive, run_drill
from daiban.pii.fields import lookup_hash_for_id, lookup_hash_for_phone
from daiban.pii.storage import EncryptedFileSystemStorage

pytestmark = pytest.mark.django_db(transaction=True)

MARKER = b"daiban-backup-test-attachment-marker"
PNG = b"\x89PNG\r\n\x1a\n" + MARKER * 4
ON_POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def media(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "media"
    root.mkdir()
    with override_settings(MEDIA_ROOT=root):
        yield root


@pytest.fixture
def data(tree: Any, personas: Any, media: Path) -> dict[str, Any]:
    """Matters in several states, two petitioners with ID and phone, one attachment on disk."""
    flow = Flow(tree, personas)
    open_matter = flow.at_village()
    flow.later(days=1)
    routed = flow.routed(
        petitioners=[
            actions.PetitionerInput(
                name="李秀兰",
                id_number=id_with_check("15010219750101234"),
                phone="13804712345",
                group="resident",
            )
        ]
    )
    flow.later(days=1)
    closed = flow.closed(new_matter=True)
    flow.call(
        actions.attachments_add,
        actor=personas.village_agent,
        matter_id=open_matter.pk,
        files=[SimpleUploadedFile("现场.png", PNG, content_type="image/png")],
    )
    return {"matters": [open_matter.pk, routed.pk, closed.pk]}


def _server() -> databases.Target:
    return databases.target_from_settings(connections["default"].settings_dict)


@contextmanager
def fresh_target(tmp_path: Path, name: str) -> Iterator[databases.Target]:
    if ON_POSTGRES:
        with databases.fresh_pg_database(_server(), f"test_daiban_restore_{name}_{os.getpid()}") as target:
            yield target
    else:
        yield databases.parse_target(str(tmp_path / f"{name}.sqlite3"))


def _into(target: databases.Target) -> str:
    if target.engine == databases.SQLITE:
        return target.name
    s = target.settings
    return f"postgres://{s.get('USER') or 'postgres'}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{target.name}"


def _backup(out: Path) -> Path:
    call_command("backup", out=out)
    path = archive.latest_archive(out)
    assert path is not None
    return path


def test_backup_restore_and_drill(data: dict[str, Any], tmp_path: Path, media: Path) -> None:
    path = _backup(tmp_path / "backups")
    assert path.name.startswith("daiban-backup-") and path.suffix == ".dbk"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    blob = path.read_bytes()
    assert WANG_ID.encode() not in blob and MARKER not in blob  # encrypted, not merely packed
    (audit,) = AuditRecord.objects.filter(action="export.create", target=f"backup:{path.name}")
    assert audit.outcome == "success" and audit.detail["media_files"] == 1

    with fresh_target(tmp_path, "one") as target:
        restored_media = tmp_path / "restored-media"
        result = restore_archive(path, target=target, media_dir=restored_media)
        manifest = result.manifest
        assert manifest["database"]["tables"][Matter._meta.db_table] == 3
        assert manifest["media"]["files"] == 1 and result.media_files == 1
        assert set(manifest["app_version"]) >= {"package"}
        keys = {k["setting"] for k in archive_keys(path, tmp_path)}
        assert {"FIELD_ENCRYPTION_KEY", "BLIND_INDEX_KEY"} <= keys
        # The restored database holds the same rows; personal data decrypts and is found by its index.
        with databases.dbapi(target) as conn:
            cursor = conn.cursor()
            cursor.execute(f'SELECT count(*) FROM "{Event._meta.db_table}"')
            assert cursor.fetchone()[0] == Event.objects.count()
            cursor.execute(f'SELECT id_number_hash, phone_hash FROM "{Petitioner._meta.db_table}"')
            hashes = set(cursor.fetchall())
            assert (lookup_hash_for_id(WANG_ID), lookup_hash_for_phone(WANG_PHONE)) in hashes
            assert check_versions(conn).ok
        (stored,) = [p for p in restored_media.rglob("*") if p.is_file()]
        # Attachments are encrypted at rest (daiban/pii/storage.py) and restored as they were stored.
        assert MARKER not in stored.read_bytes()
        with EncryptedFileSystemStorage(location=restored_media).open(
            stored.relative_to(restored_media).as_posix()
        ) as handle:
            assert handle.read() == PNG

    report = run_drill(path, server=_server())
    assert report.ok, [c for c in report.checks if not c.ok]
    by_name = {c.name.split(" (")[0]: c for c in report.checks}
    assert "3 件事项" in by_name["事项版本号等于最后一条办理记录的序号"].detail
    assert "2 位信访人、4 个号码" in by_name["个人信息可用当前密钥解密、可检索"].detail
    assert WANG_ID not in str(report.checks) and WANG_PHONE not in str(report.checks)


def archive_keys(path: Path, tmp_path: Path) -> list[dict[str, Any]]:
    keys: list[dict[str, Any]] = archive.extract(path, tmp_path / "peek").keys["keys"]
    joined = str(keys)
    from django.conf import settings

    for secret in (settings.FIELD_ENCRYPTION_KEY, settings.BLIND_INDEX_KEY):
        assert secret not in joined  # fingerprints only, never the keys
    return keys


def test_restore_drill_command(data: dict[str, Any], tmp_path: Path) -> None:
    _backup(tmp_path / "backups")
    call_command("restore_drill", dir=tmp_path / "backups")


def test_restore_command_refuses_a_database_that_is_not_empty(data: dict[str, Any], tmp_path: Path) -> None:
    path = _backup(tmp_path / "backups")
    with fresh_target(tmp_path, "busy") as target:
        call_command("restore", str(path), into=_into(target), media=str(tmp_path / "m"))
        with pytest.raises(CommandError, match="不是空的"):
            call_command("restore", str(path), into=_into(target), media=str(tmp_path / "m"))
        call_command("restore", str(path), into=_into(target), media=str(tmp_path / "m"), force=True)
        assert databases.counts(target)[Matter._meta.db_table] == 3
    restores = AuditRecord.objects.filter(action="import.apply", target=f"restore:{path.name}")
    assert sorted(restores.values_list("outcome", flat=True)) == ["failure", "success", "success"]


def test_a_tampered_archive_is_refused(data: dict[str, Any], tmp_path: Path) -> None:
    path = _backup(tmp_path / "backups")
    blob = bytearray(path.read_bytes())
    blob[len(blob) // 2] ^= 0x40
    path.write_bytes(bytes(blob))
    with fresh_target(tmp_path, "tampered") as target:
        with pytest.raises(CommandError, match="篡改"):
            call_command("restore", str(path), into=_into(target), media=str(tmp_path / "m"))
        assert databases.is_empty(target)  # nothing was restored
    assert not (tmp_path / "m").exists()


def test_a_wrong_backup_key_is_refused(data: dict[str, Any], tmp_path: Path) -> None:
    path = _backup(tmp_path / "backups")
    other = base64.b64encode(os.urandom(32)).decode()
    with (
        override_settings(BACKUP_KEY=other),
        fresh_target(tmp_path, "wrongkey") as target,
        pytest.raises(CommandError, match="备份密钥与本备份不符"),
    ):
        call_command("restore", str(path), into=_into(target))


def test_backup_refuses_without_a_usable_key(tmp_path: Path, db: None) -> None:
    for value, message in (("", "未设置"), (base64.b64encode(b"short").decode(), "32 字节")):
        with override_settings(BACKUP_KEY=value), pytest.raises(CommandError, match=message):
            call_command("backup", out=tmp_path)
    assert not list(tmp_path.iterdir())


def test_restore_checks_the_personal_data_keys(data: dict[str, Any], tmp_path: Path) -> None:
    """A restore refuses when the encryption key of the archive is not configured now; it succeeds when
    that key is configured as an old key (rotation in progress)."""
    from django.conf import settings

    path = _backup(tmp_path / "backups")
    old = settings.FIELD_ENCRYPTION_KEY
    new = "a-new-field-encryption-key-for-the-rotation-test-0123456789"
    with fresh_target(tmp_path, "keys") as target:
        with (
            override_settings(FIELD_ENCRYPTION_KEY=new),
            pytest.raises(CommandError, match="缺少个人信息加密密钥"),
        ):
            call_command("restore", str(path), into=_into(target), media=str(tmp_path / "m"))
        assert databases.is_empty(target)
        with override_settings(BLIND_INDEX_KEY=new), pytest.raises(CommandError, match="检索将失效"):
            call_command("restore", str(path), into=_into(target), media=str(tmp_path / "m"))
        with override_settings(FIELD_ENCRYPTION_KEY=new, FIELD_ENCRYPTION_OLD_KEYS=[old]):
            call_command("restore", str(path), into=_into(target), media=str(tmp_path / "m"))


def test_the_drill_finds_a_broken_invariant(data: dict[str, Any], tmp_path: Path) -> None:
    """The version check is not vacuous: a matter whose version lags its events is named."""
    if ON_POSTGRES:
        pytest.skip("the check's SQL is shared; editing the copy is simplest on SQLite")
    path = _backup(tmp_path / "backups")
    target = databases.parse_target(str(tmp_path / "broken.sqlite3"))
    restore_archive(path, target=target, media_dir=tmp_path / "m")
    matter_id = data["matters"][2]
    with sqlite3.connect(target.name) as conn:
        conn.execute(f'UPDATE "{Matter._meta.db_table}" SET version = version - 1 WHERE id = {matter_id}')
    with databases.dbapi(target) as conn:
        check = check_versions(conn)
    assert not check.ok and f"#{matter_id}" in check.detail


def test_a_restore_across_engines_is_refused(data: dict[str, Any], tmp_path: Path) -> None:
    path = _backup(tmp_path / "backups")
    other = str(tmp_path / "x.sqlite3") if ON_POSTGRES else "postgres://nobody@127.0.0.1:1/nowhere"
    with pytest.raises(CommandError, match="不能跨数据库恢复"):
        call_command("restore", str(path), into=other, media=str(tmp_path / "m"))
