"""Writing and reading backup archives: an encrypted (daiban.ops.crypto) tar stream of

    database.sqlite3 | database.pgdump   the consistent database copy
    media/<path>                          every file under MEDIA_ROOT (attachments, signatures, photos)
    keys.json                             the key-set manifest (fingerprints, never keys)
    manifest.json                         last: counts per table, app version, SHA-256 and size of each member

Reading extracts into a private directory and checks every member against the manifest before anything
is restored; a member not in the manifest, a missing one or a different checksum refuses the archive.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any, Final

from django.conf import settings
from django.db import DatabaseError as DjangoDatabaseError

from daiban.audit import record
from daiban.core import clock
from daiban.ops import crypto, databases, keys

FORMAT: Final = "daiban-backup/1"
SUFFIX: Final = ".dbk"
PREFIX: Final = "daiban-backup-"
MANIFEST: Final = "manifest.json"
KEYS: Final = "keys.json"
DATABASE_MEMBERS: Final = {"database.sqlite3": databases.SQLITE, "database.pgdump": databases.POSTGRES}
_COPY_BUFFER: Final = 1 << 20


class _Hashing(io.RawIOBase):
    """Reads through to ``source`` while hashing what was read (a tar member's checksum in one pass)."""

    def __init__(self, source: IO[bytes]) -> None:
        self._source = source
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._source.read(size)
        self.sha256.update(data)
        return data


def app_version() -> dict[str, str]:
    version = {"package": metadata.version("daiban")}
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"],  # noqa: S607
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        if commit.returncode == 0:
            version["commit"] = commit.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return version


def _archive_path(out_dir: Path, at: datetime.datetime) -> Path:
    stamp = at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = out_dir / f"{PREFIX}{stamp}{SUFFIX}"
    n = 1
    while path.exists():
        n += 1
        path = out_dir / f"{PREFIX}{stamp}-{n}{SUFFIX}"
    return path


def _media_files(media_root: Path) -> Iterator[tuple[Path, str]]:
    if not media_root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(media_root):
        dirnames.sort()
        for filename in sorted(filenames):
            path = Path(dirpath) / filename
            if path.is_file() and not path.is_symlink():
                yield path, "media/" + path.relative_to(media_root).as_posix()


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]


def create_backup(
    *, out_dir: Path, database: databases.Target, media_root: Path, key: bytes | None = None
) -> BackupResult:
    """Write one encrypted archive into ``out_dir`` (named by the project clock) and return it."""
    key = crypto.configured_key() if key is None else key
    out_dir.mkdir(parents=True, exist_ok=True)
    created = clock.now()
    path = _archive_path(out_dir, created)
    partial = path.with_name(path.name + ".partial")
    members: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="daiban-backup-") as work:
        db_member, db_file, counts = databases.snapshot(database, Path(work))
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as sink:
                writer = crypto.EncryptingWriter(sink, key)
                with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:  # type: ignore[call-overload]

                    def add_file(path: Path, name: str) -> None:
                        info = tarfile.TarInfo(name)
                        stat = path.stat()
                        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o600
                        with path.open("rb") as handle:
                            hashing = _Hashing(handle)
                            tar.addfile(info, hashing)
                        members[name] = {"sha256": hashing.sha256.hexdigest(), "size": stat.st_size}

                    def add_bytes(name: str, data: bytes) -> None:
                        info = tarfile.TarInfo(name)
                        info.size, info.mtime, info.mode = len(data), int(created.timestamp()), 0o600
                        tar.addfile(info, io.BytesIO(data))

                    add_file(db_file, db_member)
                    db_file.unlink()  # the clear copy goes as soon as it is in the archive
                    media_count = media_bytes = 0
                    for file, name in _media_files(media_root):
                        add_file(file, name)
                        media_count += 1
                        media_bytes += members[name]["size"]
                    key_manifest = json.dumps(keys.current_manifest(), ensure_ascii=False, indent=1).encode()
                    add_bytes(KEYS, key_manifest)
                    members[KEYS] = {
                        "sha256": hashlib.sha256(key_manifest).hexdigest(),
                        "size": len(key_manifest),
                    }
                    manifest = {
                        "format": FORMAT,
                        "created_at": created.isoformat(),
                        "app_version": app_version(),
                        "database": {"engine": database.engine, "member": db_member, "tables": counts},
                        "media": {"files": media_count, "bytes": media_bytes},
                        "members": members,
                    }
                    add_bytes(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
                writer.close()
                sink.flush()
                os.fsync(sink.fileno())
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    return BackupResult(path=path, manifest=manifest)


def audit(action: str, **kwargs: Any) -> str:
    """Record a backup or restore in the security audit log; "" or, when the configured database cannot
    take the record (a fresh machine before its first restore), a warning to print instead of failing."""
    try:
        record(action, **kwargs)
    except DjangoDatabaseError as exc:
        return f"未能写入安全审计日志（{type(exc).__name__}）。 Could not write the audit record."
    return ""


def latest_archive(directory: Path) -> Path | None:
    """The newest archive in ``directory`` (names sort by their UTC timestamp)."""
    found = sorted(directory.glob(f"{PREFIX}*{SUFFIX}")) if directory.is_dir() else []
    return found[-1] if found else None


# ---------------------------------------------------------------------------------------------- reading


class ArchiveContentError(crypto.ArchiveError):
    """The archive decrypts but its content does not match its manifest."""


def _safe_member_path(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    allowed = name in (MANIFEST, KEYS, *DATABASE_MEMBERS) or (
        len(path.parts) > 1 and path.parts[0] == "media"
    )
    if path.is_absolute() or ".." in path.parts or "\\" in name or not allowed:
        raise ArchiveContentError(f"备份中有不应出现的文件：{name!r}。 Unexpected member {name!r}.")
    return path


@dataclass
class Extracted:
    directory: Path
    manifest: dict[str, Any]
    keys: dict[str, Any]

    @property
    def database_file(self) -> Path:
        return self.directory / self.manifest["database"]["member"]

    @property
    def engine(self) -> str:
        return str(self.manifest["database"]["engine"])

    @property
    def media_dir(self) -> Path:
        return self.directory / "media"


def extract(archive: Path, directory: Path, *, key: bytes | None = None) -> Extracted:
    """Decrypt ``archive`` into ``directory`` and verify every member against the manifest."""
    key = crypto.configured_key() if key is None else key
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    seen: dict[str, dict[str, Any]] = {}
    with archive.open("rb") as source:
        reader = crypto.DecryptingReader(source, key)
        try:
            with tarfile.open(fileobj=reader, mode="r|") as tar:  # type: ignore[call-overload]
                for member in tar:
                    if not member.isfile():
                        raise ArchiveContentError(
                            f"备份中有非普通文件：{member.name!r}。 Not a regular file."
                        )
                    if member.name in seen:
                        raise ArchiveContentError(f"备份中文件重复：{member.name!r}。 Duplicate member.")
                    dest = directory.joinpath(*_safe_member_path(member.name).parts)
                    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                    handle = tar.extractfile(member)
                    assert handle is not None
                    digest = hashlib.sha256()
                    size = 0
                    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                    with os.fdopen(fd, "wb") as out:
                        while chunk := handle.read(_COPY_BUFFER):
                            digest.update(chunk)
                            size += len(chunk)
                            out.write(chunk)
                    seen[member.name] = {"sha256": digest.hexdigest(), "size": size}
        except tarfile.TarError as exc:
            raise ArchiveContentError(f"备份内容无法读取。 Archive content unreadable: {exc}") from None
        reader.drain()  # authenticate up to the final chunk: a cut-off archive fails here at the latest
    if MANIFEST not in seen:
        raise ArchiveContentError("备份缺少清单 manifest.json。 The manifest is missing.")
    manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise ArchiveContentError(f"不支持的备份格式 {manifest.get('format')!r}。 Unsupported format.")
    listed: dict[str, dict[str, Any]] = manifest["members"]
    del seen[MANIFEST]
    for name in sorted(set(listed) | set(seen)):
        if name not in seen:
            raise ArchiveContentError(f"备份缺少文件 {name!r}。 Member {name!r} is missing.")
        if name not in listed:
            raise ArchiveContentError(f"备份中有清单外的文件 {name!r}。 Member {name!r} not in the manifest.")
        if seen[name] != {"sha256": listed[name]["sha256"], "size": listed[name]["size"]}:
            raise ArchiveContentError(f"文件 {name!r} 的校验和不符。 Checksum mismatch for {name!r}.")
    if manifest["database"]["member"] not in seen or KEYS not in seen:
        raise ArchiveContentError("备份缺少数据库或密钥清单。 Database or key manifest missing.")
    key_manifest = json.loads((directory / KEYS).read_text(encoding="utf-8"))
    return Extracted(directory=directory, manifest=manifest, keys=key_manifest)


def copy_media(source: Path, dest: Path, *, overwrite: bool) -> int:
    """Copy the extracted media tree into ``dest``; returns the number of files."""
    copied = 0
    if not source.is_dir():
        return 0
    for dirpath, _dirnames, filenames in os.walk(source):
        for filename in filenames:
            src = Path(dirpath) / filename
            target = dest / src.relative_to(source)
            if target.exists() and not overwrite:
                raise ArchiveContentError(
                    f"附件目录中已有同名文件 {target}（加 --force 覆盖）。 {target} exists; use --force."
                )
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)
            copied += 1
    return copied
