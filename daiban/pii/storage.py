"""Files at rest encrypted with the personal-data keys: the project's default storage.

The encryption is a mixin over any Django storage (``EncryptedStorageMixin``): ``EncryptedFileSystemStorage``
on a disk or shared volume, ``daiban.pii.storage_s3.EncryptedS3Storage`` on an S3-compatible object store
(docs/adr/0041-encrypted-object-storage.md). Either way the file is encrypted in the web process, before it
leaves the node, and the store only ever holds ciphertext.

Attachments, signed-copy scans, photos sent with an online request, agents' photos and export files all go
through ``default_storage`` (``STORAGES["default"]``), so each is written encrypted and read back in clear
through ``storage.open()``. Nothing serves MEDIA_ROOT directly (settings: MEDIA_URL is never routed).

Format (version 1; docs/adr/0026-sm4-gcm-sm3-key-rotation.md)::

    header  = b"DAIBANEF" | version (1) | algorithm (1: 1 AES-256-GCM, 2 SM4-GCM) | key id (8)
              | salt (16) | nonce prefix (8)                                                      42 bytes
    chunk i = GCM(file key, nonce prefix | i (4, big-endian), plaintext[i*64 KiB : (i+1)*64 KiB],
                  AAD = header | i (8, big-endian) | final flag (1)) = ciphertext | tag (16)
    file key = HKDF(field key, salt, info per algorithm)          (daiban.pii.crypto.derive_file_key)

Chunks are fixed-size except the last (which may be empty), so the plaintext size and the place of any byte
follow from the file size: reading is random access (``seek`` decrypts one chunk) and ``size()`` reports the
plaintext size without decrypting. The index and the final flag are authenticated, so reordering, cutting
off or appending chunks fails. The algorithm follows ``PII_CIPHER`` (fernet → AES-256-GCM, sm4-gcm → SM4-GCM);
the key id names the field key (current or old). A file without the header (written before this storage)
is read as it is; ``manage.py rotate_keys`` encrypts it.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import struct
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Final, cast

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage
from django.utils.deconstruct import deconstructible

from daiban.pii import crypto

MAGIC: Final = b"DAIBANEF"
VERSION: Final = 1
HEADER_SIZE: Final = len(MAGIC) + 1 + 1 + crypto.KEY_ID_SIZE + 16 + 8
CHUNK_SIZE: Final = 64 * 1024
TAG_SIZE: Final = crypto.TAG_SIZE
SEALED_CHUNK: Final = CHUNK_SIZE + TAG_SIZE
ALGORITHMS: Final = {1: "aes-256-gcm", 2: "sm4-gcm"}
_ALGORITHM_CODES: Final = {v: k for k, v in ALGORITHMS.items()}


class EncryptedFileError(OSError):
    """A stored file cannot be decrypted: unknown key, tampered with or truncated."""


def current_algorithm() -> str:
    return "sm4-gcm" if crypto.current_cipher() == "sm4-gcm" else "aes-256-gcm"


def _seal(algorithm: str, key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
    if algorithm == "sm4-gcm":
        return crypto.sm4_gcm_encrypt(key, nonce, data, aad)
    return AESGCM(key).encrypt(nonce, data, aad)


def _open_sealed(algorithm: str, key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    if algorithm == "sm4-gcm":
        return crypto.sm4_gcm_decrypt(key, nonce, sealed, aad)
    return AESGCM(key).decrypt(nonce, sealed, aad)


def _aad(header: bytes, index: int, final: bool) -> bytes:
    return header + struct.pack(">QB", index, 1 if final else 0)


def _nonce(prefix: bytes, index: int) -> bytes:
    if index >= 1 << 32:
        raise EncryptedFileError("file too large for one nonce prefix")
    return prefix + struct.pack(">I", index)


def encrypt_stream(source: IO[bytes]) -> Iterator[bytes]:
    """The encrypted form of ``source`` (read from where it stands), under the current key and algorithm."""
    algorithm = current_algorithm()
    key = crypto.keyring().current
    salt, prefix = os.urandom(16), os.urandom(8)
    header = MAGIC + bytes([VERSION, _ALGORITHM_CODES[algorithm]]) + key.key_id + salt + prefix
    file_key = crypto.derive_file_key(key.secret, "sm4-gcm" if algorithm == "sm4-gcm" else "fernet", salt)
    yield header
    index = 0
    current = _read_full(source, CHUNK_SIZE)
    while True:
        following = _read_full(source, CHUNK_SIZE) if len(current) == CHUNK_SIZE else b""
        final = not following
        yield _seal(algorithm, file_key, _nonce(prefix, index), current, _aad(header, index, final))
        if final:
            return
        current, index = following, index + 1


def _read_full(source: IO[bytes], n: int) -> bytes:
    parts, left = [], n
    while left:
        data = source.read(left)
        if not data:
            break
        parts.append(data)
        left -= len(data)
    return b"".join(parts)


class _EncryptingReader(io.RawIOBase):
    """A read-only stream of the encrypted form of a file, for the wrapped storage's ``_save``."""

    def __init__(self, source: IO[bytes]) -> None:
        self._parts = encrypt_stream(source)
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while not self._buffer:
            try:
                self._buffer = next(self._parts)
            except StopIteration:
                return 0
        n = min(len(b), len(self._buffer))
        b[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n


def is_encrypted(handle: IO[bytes]) -> bool:
    handle.seek(0)
    magic = handle.read(len(MAGIC))
    handle.seek(0)
    return magic == MAGIC


def plaintext_size(stored: int) -> int:
    """The plaintext size of an encrypted file of ``stored`` bytes (no decryption needed)."""
    body = stored - HEADER_SIZE
    chunks = max(1, -(-body // SEALED_CHUNK))
    last = body - (chunks - 1) * SEALED_CHUNK - TAG_SIZE
    if last < 0:
        raise EncryptedFileError("encrypted file truncated")
    return (chunks - 1) * CHUNK_SIZE + last


class DecryptingReader(io.RawIOBase):
    """Random-access plaintext view of an encrypted file; ``size`` is the plaintext size."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        header = raw.read(HEADER_SIZE)
        if len(header) != HEADER_SIZE or header[: len(MAGIC)] != MAGIC or header[len(MAGIC)] != VERSION:
            raise EncryptedFileError("not an encrypted file of a known version")
        self.header = header
        code = header[len(MAGIC) + 1]
        if code not in ALGORITHMS:
            raise EncryptedFileError("unknown file encryption algorithm")
        self.algorithm = ALGORITHMS[code]
        at = len(MAGIC) + 2
        self.key_id = header[at : at + crypto.KEY_ID_SIZE]
        salt = header[at + crypto.KEY_ID_SIZE : at + crypto.KEY_ID_SIZE + 16]
        self._prefix = header[at + crypto.KEY_ID_SIZE + 16 :]
        key = crypto.keyring().by_id.get(self.key_id)
        if key is None:
            raise EncryptedFileError("the file was encrypted with a key that is not configured")
        kdf = "sm4-gcm" if self.algorithm == "sm4-gcm" else "fernet"
        self._key = crypto.derive_file_key(key.secret, kdf, salt)
        stored = raw.seek(0, io.SEEK_END)
        self.size = plaintext_size(stored)
        self._chunks = max(1, -(-(stored - HEADER_SIZE) // SEALED_CHUNK))
        self._pos = 0
        self._cached: tuple[int, bytes] | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._pos = base + offset
        return self._pos

    def _chunk(self, index: int) -> bytes:
        if self._cached is not None and self._cached[0] == index:
            return self._cached[1]
        final = index == self._chunks - 1
        self._raw.seek(HEADER_SIZE + index * SEALED_CHUNK)
        sealed = _read_full(self._raw, SEALED_CHUNK)
        try:
            plain = _open_sealed(
                self.algorithm,
                self._key,
                _nonce(self._prefix, index),
                sealed,
                _aad(self.header, index, final),
            )
        except InvalidTag:
            raise EncryptedFileError("encrypted file tampered with, truncated or under another key") from None
        self._cached = (index, plain)
        return plain

    def readinto(self, b: Any) -> int:
        if self._pos >= self.size:
            return 0
        index, skip = divmod(self._pos, CHUNK_SIZE)
        data = self._chunk(index)[skip : skip + len(b)]
        b[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


class _StoredFile(File):
    """A file opened through the storage; reopening it (``FieldFile.open`` twice) goes through the storage
    again, since its name is the storage name, not a path ``File.open`` could find."""

    def __init__(self, file: IO[bytes], name: str, storage: EncryptedStorageMixin) -> None:
        super().__init__(file, name)
        self._storage = storage

    def open(self, mode: str | None = None, *args: Any, **kwargs: Any) -> _StoredFile:
        if not self.closed:
            self.seek(0)
        else:
            self.file = self._storage._open(str(self.name), mode or "rb").file
        return self


class EncryptedStorageMixin(Storage):
    """Encrypt on save, decrypt on open, over the storage class that follows it in the bases
    (``class X(EncryptedStorageMixin, SomeStorage)``). That storage's own ``_save`` receives the encrypted
    stream, so whatever it writes to (a disk, a bucket) never sees the plaintext. The subclass gives the four
    raw operations below; everything else (names, ``exists``, ``delete``, listing) is the storage's own."""

    # ------------------------------------------------------------------------- raw operations (per store)

    def _raw_reader(self, name: str) -> IO[bytes]:
        """The stored bytes of ``name``, seekable; ``FileNotFoundError`` when there is no such file."""
        raise NotImplementedError

    def _raw_head(self, name: str, n: int) -> tuple[bytes, int]:
        """The first ``n`` stored bytes of ``name`` and its stored size."""
        raise NotImplementedError

    def _raw_replace(self, name: str, encrypted: IO[bytes]) -> None:
        """Replace ``name``'s stored bytes by ``encrypted`` atomically: a reader sees the old or the new file,
        never a mix or a half-written one."""
        raise NotImplementedError

    def _raw_names(self) -> Iterator[str]:
        """Every stored file's name."""
        raise NotImplementedError

    # ------------------------------------------------------------------------------ the storage API

    def _save(self, name: str, content: Any) -> str:
        if hasattr(content, "seek"):
            with contextlib.suppress(OSError, ValueError):
                content.seek(0)
        # A plain File wrapper: no temporary_file_path, so the upload's clear temporary file is never moved in.
        encrypted = File(cast("IO[Any]", _EncryptingReader(content)), name=name)
        return cast("str", super()._save(name, encrypted))  # type: ignore[misc]

    def _open(self, name: str, mode: str = "rb") -> File:
        if mode not in ("r", "rb"):
            raise ValueError("encrypted storage files are read-only once written; save a new file instead")
        raw = self._raw_reader(name)
        try:
            handle: IO[bytes]
            if is_encrypted(raw):
                handle = io.BufferedReader(DecryptingReader(raw), buffer_size=CHUNK_SIZE)
            elif isinstance(raw, io.RawIOBase):
                handle = io.BufferedReader(raw)
            else:
                handle = raw
        except BaseException:
            raw.close()
            raise
        return _StoredFile(handle, name, self)

    def size(self, name: str) -> int:
        head, stored = self._raw_head(name, HEADER_SIZE)
        return plaintext_size(stored) if head[: len(MAGIC)] == MAGIC else stored

    # ---------------------------------------------------------------------------------- rotation support

    def key_state(self, name: str) -> str:
        """``current``, ``old`` (another key or algorithm) or ``clear`` (written before encryption)."""
        header, _ = self._raw_head(name, HEADER_SIZE)
        if header[: len(MAGIC)] != MAGIC:
            return "clear"
        code = header[len(MAGIC) + 1] if len(header) > len(MAGIC) + 1 else 0
        key_id = header[len(MAGIC) + 2 : len(MAGIC) + 2 + crypto.KEY_ID_SIZE]
        current = ALGORITHMS.get(code) == current_algorithm() and key_id == crypto.keyring().current.key_id
        return "current" if current else "old"

    def reencrypt(self, name: str) -> None:
        """Rewrite one file under the current key and algorithm, atomically (a reader holding the old file
        keeps reading it; the name never points at a half-written file)."""
        with self.open(name, "rb") as clear:
            self._raw_replace(name, cast("IO[bytes]", _EncryptingReader(clear)))

    def walk(self) -> Iterator[str]:
        """Every stored file's name, our own temporary files excepted."""
        return self._raw_names()


@deconstructible(path="daiban.pii.storage.EncryptedFileSystemStorage")
class EncryptedFileSystemStorage(EncryptedStorageMixin, FileSystemStorage):
    """``FileSystemStorage`` that encrypts on save and decrypts on open (see the module docstring)."""

    def _raw_reader(self, name: str) -> IO[bytes]:
        return open(self.path(name), "rb")  # closed by the returned File

    def _raw_head(self, name: str, n: int) -> tuple[bytes, int]:
        with open(self.path(name), "rb") as raw:
            return raw.read(n), os.fstat(raw.fileno()).st_size

    def _raw_replace(self, name: str, encrypted: IO[bytes]) -> None:
        """A temporary file beside it, synced, then renamed over it (atomic on one filesystem)."""
        path = Path(self.path(name))
        mode = path.stat().st_mode & 0o777
        fd, tmp = tempfile.mkstemp(prefix=".rotating-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(encrypted, out, CHUNK_SIZE)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _raw_names(self) -> Iterator[str]:
        root = Path(self.location)
        if not root.is_dir():
            return
        for dirpath, _dirnames, filenames in os.walk(root):
            for filename in sorted(filenames):
                if not filename.startswith(".rotating-"):
                    yield (Path(dirpath) / filename).relative_to(root).as_posix()
