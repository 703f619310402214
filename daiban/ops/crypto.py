"""The backup key and the encrypted stream that every archive is written in.

Format (version 1; see docs/adr for the reasoning)::

    header  = b"DAIBANBK" | version (1 byte) | key id (8) | salt (16) | nonce prefix (8)      41 bytes
    chunk   = final flag (1 byte: 0 more, 1 last) | ciphertext length (4, big-endian) | ciphertext
    file key        = HKDF-SHA256(backup key, salt, info="daiban.ops/backup/aes-256-gcm/v1")  32 bytes
    nonce of chunk i = nonce prefix | i (4, big-endian)                                    12 bytes
    AAD of chunk i   = header | i (8, big-endian) | final flag

Each chunk holds at most ``CHUNK_SIZE`` bytes of plaintext, sealed with AES-256-GCM (``cryptography``'s
AESGCM; nothing hand-rolled). Because the chunk index and the final flag are authenticated, reordering,
dropping, duplicating or cutting off chunks fails, and so does anything written after the final chunk.
The header is authenticated by every chunk. The key id (derived from the key, not the key) lets a wrong key
be named as such instead of looking like corruption.
"""

from __future__ import annotations

import base64
import binascii
import os
import struct
from typing import BinaryIO, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

MAGIC: Final = b"DAIBANBK"
VERSION: Final = 1
HEADER_SIZE: Final = len(MAGIC) + 1 + 8 + 16 + 8
CHUNK_SIZE: Final = 1 << 20
TAG_SIZE: Final = 16
KEY_SIZE: Final = 32
MIN_DISTINCT_KEY_BYTES: Final = 16  # 32 random bytes have ~25 distinct values; fewer than 16 is a pattern
_MAX_CHUNKS: Final = 1 << 32
_FILE_KEY_INFO: Final = b"daiban.ops/backup/aes-256-gcm/v1"
_KEY_ID_INFO: Final = b"daiban.ops/backup/key-id/v1"


class BackupKeyError(Exception):
    """The backup key is missing or unusable."""


class ArchiveError(Exception):
    """An archive cannot be read: wrong key, tampered with, truncated or not an archive."""


def parse_key(raw: str) -> bytes:
    """Decode DAIBAN_BACKUP_KEY (base64 of exactly 32 bytes), refusing a missing, short or patterned key."""
    raw = (raw or "").strip()
    if not raw:
        raise BackupKeyError(
            "未设置备份密钥 DAIBAN_BACKUP_KEY（32 字节随机数的 base64）。"
            " DAIBAN_BACKUP_KEY is not set: generate one with "
            '`python -c "import base64, secrets; print(base64.b64encode(secrets.token_bytes(32)).decode())"`.'
        )
    try:
        key = base64.b64decode(raw.replace("-", "+").replace("_", "/") + "=" * (-len(raw) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise BackupKeyError(
            "备份密钥 DAIBAN_BACKUP_KEY 不是有效的 base64。 DAIBAN_BACKUP_KEY is not base64."
        ) from None
    if len(key) != KEY_SIZE:
        raise BackupKeyError(
            f"备份密钥 DAIBAN_BACKUP_KEY 须为 {KEY_SIZE} 字节（现为 {len(key)} 字节）。"
            f" DAIBAN_BACKUP_KEY must decode to {KEY_SIZE} bytes, got {len(key)}."
        )
    if len(set(key)) < MIN_DISTINCT_KEY_BYTES:
        raise BackupKeyError(
            "备份密钥 DAIBAN_BACKUP_KEY 熵太低（不是随机生成的）。 DAIBAN_BACKUP_KEY has too little entropy."
        )
    return key


def configured_key() -> bytes:
    return parse_key(getattr(settings, "BACKUP_KEY", ""))


def _hkdf(key: bytes, *, salt: bytes | None, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(key)


def key_id(key: bytes) -> bytes:
    """8 bytes that name a backup key without revealing it."""
    return _hkdf(key, salt=None, info=_KEY_ID_INFO, length=8)


def _aad(header: bytes, index: int, final: bool) -> bytes:
    return header + struct.pack(">QB", index, 1 if final else 0)


class EncryptingWriter:
    """A write-only file object: plaintext in, the encrypted stream out to ``sink``. ``close()`` seals it."""

    def __init__(self, sink: BinaryIO, key: bytes) -> None:
        salt, self._prefix = os.urandom(16), os.urandom(8)
        self._header = MAGIC + bytes([VERSION]) + key_id(key) + salt + self._prefix
        self._aead = AESGCM(_hkdf(key, salt=salt, info=_FILE_KEY_INFO, length=KEY_SIZE))
        self._sink = sink
        self._buffer = bytearray()
        self._index = 0
        self._closed = False
        sink.write(self._header)

    def _emit(self, plaintext: bytes, final: bool) -> None:
        if self._index >= _MAX_CHUNKS:
            raise ArchiveError("archive too large for one stream")
        nonce = self._prefix + struct.pack(">I", self._index)
        sealed = self._aead.encrypt(nonce, plaintext, _aad(self._header, self._index, final))
        self._sink.write(struct.pack(">BI", 1 if final else 0, len(sealed)) + sealed)
        self._index += 1

    def write(self, data: bytes) -> int:
        if self._closed:
            raise ValueError("write to a closed archive")
        self._buffer += data
        # Strictly more than a chunk: what is left at close() becomes the final chunk (possibly empty).
        while len(self._buffer) > CHUNK_SIZE:
            self._emit(bytes(self._buffer[:CHUNK_SIZE]), final=False)
            del self._buffer[:CHUNK_SIZE]
        return len(data)

    def flush(self) -> None:
        self._sink.flush()

    def close(self) -> None:
        if not self._closed:
            self._emit(bytes(self._buffer), final=True)
            self._buffer.clear()
            self._closed = True
            self._sink.flush()


class DecryptingReader:
    """A read-only file object over an encrypted stream. Every chunk is authenticated before any of its
    bytes are returned; reading past the final chunk checks that nothing follows it."""

    def __init__(self, source: BinaryIO, key: bytes) -> None:
        header = source.read(HEADER_SIZE)
        if len(header) != HEADER_SIZE or not header.startswith(MAGIC):
            raise ArchiveError("不是本系统的备份文件。 Not a daiban backup archive.")
        if header[len(MAGIC)] != VERSION:
            raise ArchiveError(f"不支持的备份格式版本 {header[len(MAGIC)]}。 Unsupported archive version.")
        offset = len(MAGIC) + 1
        if header[offset : offset + 8] != key_id(key):
            raise ArchiveError(
                "备份密钥与本备份不符（DAIBAN_BACKUP_KEY 不是制作该备份时的密钥）。"
                " Wrong backup key: this archive was made with another DAIBAN_BACKUP_KEY."
            )
        salt = header[offset + 8 : offset + 24]
        self._prefix = header[offset + 24 : offset + 32]
        self._header = header
        self._aead = AESGCM(_hkdf(key, salt=salt, info=_FILE_KEY_INFO, length=KEY_SIZE))
        self._source = source
        self._index = 0
        self._buffer = b""
        self._pos = 0
        self._done = False

    def _next_chunk(self) -> None:
        head = self._source.read(5)
        if len(head) < 5:
            raise ArchiveError("备份文件不完整（被截断）。 Archive truncated: the final chunk is missing.")
        flag, length = struct.unpack(">BI", head)
        if flag not in (0, 1) or length > CHUNK_SIZE + TAG_SIZE or length < TAG_SIZE:
            raise ArchiveError("备份文件已损坏或被篡改。 Archive corrupted or tampered with (chunk header).")
        sealed = self._source.read(length)
        if len(sealed) != length:
            raise ArchiveError("备份文件不完整（被截断）。 Archive truncated.")
        final = flag == 1
        nonce = self._prefix + struct.pack(">I", self._index)
        try:
            self._buffer = self._aead.decrypt(nonce, sealed, _aad(self._header, self._index, final))
            self._pos = 0
        except InvalidTag:
            raise ArchiveError(
                f"备份文件已损坏或被篡改（第 {self._index} 块校验失败）。"
                f" Archive corrupted or tampered with: chunk {self._index} fails authentication."
            ) from None
        self._index += 1
        if final:
            if self._source.read(1):
                raise ArchiveError("备份文件末尾有多余数据（被篡改）。 Data after the final chunk.")
            self._done = True

    def read(self, size: int = -1) -> bytes:
        out = bytearray()
        while size < 0 or len(out) < size:
            left = len(self._buffer) - self._pos
            if not left:
                if self._done:
                    break
                self._next_chunk()
                continue
            take = left if size < 0 else min(size - len(out), left)
            out += self._buffer[self._pos : self._pos + take]
            self._pos += take
        return bytes(out)

    def drain(self) -> None:
        """Read (and so authenticate) the rest of the stream up to its final chunk."""
        while not self._done:
            self._next_chunk()
        self._buffer, self._pos = b"", 0
