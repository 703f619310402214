"""The encrypted stream of daiban.ops.crypto: round trip, and every kind of damage is refused."""

from __future__ import annotations

import base64
import io
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from daiban.ops import crypto

KEY = os.urandom(32)
DATA = os.urandom(crypto.CHUNK_SIZE * 2 + 12345)  # three chunks: two full, a short final one


def seal(data: bytes, key: bytes = KEY) -> bytes:
    sink = io.BytesIO()
    writer = crypto.EncryptingWriter(sink, key)
    for i in range(0, len(data), 100_000):  # many small writes, as tarfile does
        writer.write(data[i : i + 100_000])
    writer.close()
    return sink.getvalue()


def open_(blob: bytes, key: bytes = KEY) -> bytes:
    reader = crypto.DecryptingReader(io.BytesIO(blob), key)
    out = bytearray()
    while chunk := reader.read(70_001):
        out += chunk
    reader.drain()
    return bytes(out)


def chunks(blob: bytes) -> list[bytes]:
    """The chunk records after the header, each with its 5-byte head."""
    pos, out = crypto.HEADER_SIZE, []
    while pos < len(blob):
        (length,) = struct.unpack(">I", blob[pos + 1 : pos + 5])
        out.append(blob[pos : pos + 5 + length])
        pos += 5 + length
    return out


def test_round_trip_in_chunks() -> None:
    blob = seal(DATA)
    assert open_(blob) == DATA
    records = chunks(blob)
    assert [r[0] for r in records] == [0, 0, 1]  # only the last one carries the final flag
    assert DATA[:64] not in blob


def test_empty_stream_round_trips() -> None:
    assert open_(seal(b"")) == b""


def test_each_archive_uses_fresh_salt_and_nonces() -> None:
    assert seal(b"same")[: crypto.HEADER_SIZE] != seal(b"same")[: crypto.HEADER_SIZE]


@pytest.mark.parametrize("where", [crypto.HEADER_SIZE - 1, crypto.HEADER_SIZE + 20, -1])
def test_a_flipped_byte_is_refused(where: int) -> None:
    blob = bytearray(seal(DATA))
    blob[where] ^= 0x01
    with pytest.raises(crypto.ArchiveError):
        open_(bytes(blob))


def test_truncation_is_refused() -> None:
    blob = seal(DATA)
    head, records = blob[: crypto.HEADER_SIZE], chunks(blob)
    with pytest.raises(crypto.ArchiveError, match=r"截断|truncated"):
        open_(head + b"".join(records[:-1]))  # the final chunk cut off at a chunk boundary
    with pytest.raises(crypto.ArchiveError):
        open_(blob[:-7])


def test_reordered_or_repeated_chunks_are_refused() -> None:
    blob = seal(DATA)
    head, (a, b, c) = blob[: crypto.HEADER_SIZE], chunks(blob)
    for order in ((b, a, c), (a, a, c), (a, c)):
        with pytest.raises(crypto.ArchiveError):
            open_(head + b"".join(order))


def test_a_forged_final_flag_is_refused() -> None:
    blob = seal(DATA)
    head, first = blob[: crypto.HEADER_SIZE], chunks(blob)[0]
    with pytest.raises(crypto.ArchiveError):
        open_(head + b"\x01" + first[1:])  # claim the first chunk is the last one


def test_data_after_the_final_chunk_is_refused() -> None:
    with pytest.raises(crypto.ArchiveError, match="多余"):
        open_(seal(DATA) + b"x")


def test_a_wrong_key_is_named() -> None:
    with pytest.raises(crypto.ArchiveError, match="备份密钥与本备份不符"):
        open_(seal(DATA), os.urandom(32))


def test_not_an_archive() -> None:
    with pytest.raises(crypto.ArchiveError, match="不是本系统的备份文件"):
        open_(b"PK\x03\x04" + bytes(100))


def test_key_parsing_refuses_missing_short_and_patterned_keys() -> None:
    good = base64.b64encode(KEY).decode()
    assert crypto.parse_key(good) == KEY
    assert crypto.parse_key(base64.urlsafe_b64encode(KEY).decode().rstrip("=")) == KEY
    with pytest.raises(crypto.BackupKeyError, match="未设置"):
        crypto.parse_key("")
    with pytest.raises(crypto.BackupKeyError, match="32 字节"):
        crypto.parse_key(base64.b64encode(os.urandom(16)).decode())
    with pytest.raises(crypto.BackupKeyError, match="熵太低"):
        crypto.parse_key(base64.b64encode(b"ab" * 16).decode())
    with pytest.raises(crypto.BackupKeyError, match="base64"):
        crypto.parse_key("not base64 at all!")


def test_the_local_environment_written_by_make_has_a_usable_backup_key(tmp_path: Path) -> None:
    target = tmp_path / "local.env"
    script = Path(__file__).resolve().parents[3] / "scripts" / "make_local_env.py"
    subprocess.run([sys.executable, str(script), str(target)], check=True, capture_output=True)
    lines = dict(
        line.split("=", 1) for line in target.read_text().splitlines() if "=" in line and line[0] != "#"
    )
    assert len(crypto.parse_key(lines["DAIBAN_BACKUP_KEY"])) == 32


def test_client_tool_errors_leave_out_quoted_rows() -> None:
    from daiban.ops.databases import _tool_errors

    stderr = (
        'pg_restore: error: COPY failed for table "matters_petitioner": ERROR:  duplicate key\n'
        "DETAIL:  Key (name)=(王建国) already exists.\n"
        "CONTEXT:  COPY matters_petitioner, line 1: 王建国 13904711234\n"
        "pg_restore: error: call 13904711234\n"
    )
    out = _tool_errors(stderr)
    assert "duplicate key" in out and "王建国" not in out and "13904711234" not in out
