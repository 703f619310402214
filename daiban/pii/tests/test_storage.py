"""Files at rest are encrypted with the personal-data keys (daiban/pii/storage.py)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import Client, override_settings

from conftest import PASSWORD, Personas, Tree
from daiban.matters import actions
from daiban.matters.models import Attachment
from daiban.matters.tests.factories import intake
from daiban.pii.storage import CHUNK_SIZE, HEADER_SIZE, EncryptedFileError, EncryptedFileSystemStorage
from daiban.pii.tests.keys import KEY_B, SUITE_A, SUITE_B, SUITE_B_ROTATING

SECRET = b"%PDF-1.4\n" + "王建国 身份证 150102199003071234 ".encode() * 5000  # several chunks


@pytest.fixture
def storage(tmp_path: Path) -> EncryptedFileSystemStorage:
    return EncryptedFileSystemStorage(location=tmp_path)


def test_the_project_stores_files_encrypted() -> None:
    assert isinstance(storages["default"], EncryptedFileSystemStorage)


@pytest.mark.parametrize("size", [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 5])
def test_round_trip_at_chunk_edges(storage: EncryptedFileSystemStorage, size: int) -> None:
    data = os.urandom(size)
    name = storage.save("a/file.bin", ContentFile(data))
    assert storage.size(name) == size
    with storage.open(name) as handle:
        assert handle.size == size
        assert handle.read() == data
        handle.seek(size // 2)
        assert handle.read(10) == data[size // 2 : size // 2 + 10]
    assert os.path.getsize(storage.path(name)) > size  # header and tags


@override_settings(**SUITE_A)
def test_bytes_on_disk_do_not_hold_the_plaintext(storage: EncryptedFileSystemStorage, tmp_path: Path) -> None:
    upload = TemporaryUploadedFile("scan.pdf", "application/pdf", len(SECRET), None)
    upload.write(SECRET)
    upload.flush()
    clear_temp = upload.temporary_file_path()
    name = storage.save("scan.pdf", upload)
    raw = Path(storage.path(name)).read_bytes()
    assert raw.startswith(b"DAIBANEF")
    assert b"150102199003071234" not in raw and b"%PDF" not in raw
    assert Path(clear_temp).exists()  # the clear upload was copied through the cipher, never moved in
    upload.close()
    with storage.open(name) as handle:
        assert handle.read() == SECRET


def test_tampering_truncation_and_reordering_are_detected(storage: EncryptedFileSystemStorage) -> None:
    name = storage.save("x.bin", ContentFile(SECRET))
    path = Path(storage.path(name))
    good = path.read_bytes()
    sealed = CHUNK_SIZE + 16
    chunk0, chunk1 = (
        good[HEADER_SIZE : HEADER_SIZE + sealed],
        good[HEADER_SIZE + sealed : HEADER_SIZE + 2 * sealed],
    )
    variants = {
        "flipped": good[:-20] + bytes([good[-20] ^ 1]) + good[-19:],
        "cut at a chunk boundary": good[: HEADER_SIZE + 2 * sealed],
        "cut inside": good[:-7],
        "reordered": good[:HEADER_SIZE] + chunk1 + chunk0 + good[HEADER_SIZE + 2 * sealed :],
        "appended": good + good[HEADER_SIZE : HEADER_SIZE + 16],
        "header changed": good[:20] + bytes([good[20] ^ 1]) + good[21:],
    }
    for label, data in variants.items():
        path.write_bytes(data)
        with pytest.raises(EncryptedFileError), storage.open(name) as handle:
            handle.read()
        assert label  # every variant refused


def test_files_written_before_encryption_still_open(storage: EncryptedFileSystemStorage) -> None:
    Path(storage.path("old")).mkdir()
    Path(storage.path("old/legacy.png")).write_bytes(b"\x89PNG legacy")
    assert storage.key_state("old/legacy.png") == "clear"
    assert storage.size("old/legacy.png") == len(b"\x89PNG legacy")
    with storage.open("old/legacy.png") as handle:
        assert handle.read() == b"\x89PNG legacy"
    storage.reencrypt("old/legacy.png")
    assert storage.key_state("old/legacy.png") == "current"
    with storage.open("old/legacy.png") as handle:
        assert handle.read() == b"\x89PNG legacy"


def test_old_keys_read_and_reencrypt_moves_to_the_current_key(storage: EncryptedFileSystemStorage) -> None:
    with override_settings(**SUITE_A):
        name = storage.save("k.bin", ContentFile(SECRET))
    with override_settings(**SUITE_B_ROTATING):
        assert storage.key_state(name) == "old"
        with storage.open(name) as handle:
            assert handle.read() == SECRET
        storage.reencrypt(name)
        assert storage.key_state(name) == "current"
        assert Path(storage.path(name)).read_bytes()[9] == 2  # SM4-GCM
    with override_settings(**SUITE_B), storage.open(name) as handle:
        assert handle.read() == SECRET
    with override_settings(**SUITE_A), pytest.raises(EncryptedFileError, match="not configured"):
        storage.open(name)
    assert KEY_B.encode() not in Path(storage.path(name)).read_bytes()


def test_write_modes_are_refused(storage: EncryptedFileSystemStorage) -> None:
    name = storage.save("w.bin", ContentFile(b"abc"))
    with pytest.raises(ValueError, match="read-only"):
        storage.open(name, "wb")


def test_attachment_download_returns_the_original(
    tree: Tree, personas: Personas, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    png = b"\x89PNG\r\n\x1a\n" + os.urandom(3000)
    matter = intake(personas.village_agent, tree.village_a1x)
    actions.matter_attach(
        actor=personas.village_agent,
        matter_id=matter.pk,
        expected_version=matter.version,
        uploads=[SimpleUploadedFile("现场.png", png, content_type="image/png")],
    )
    attachment = Attachment.objects.get(matter=matter)
    on_disk = (tmp_path / attachment.file.name).read_bytes()
    assert on_disk.startswith(b"DAIBANEF") and png[8:200] not in on_disk
    client = Client()
    assert client.login(username=personas.village_agent.username, password=PASSWORD)
    response = client.get(f"/matters/{matter.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png  # type: ignore[attr-defined]
    assert response["Content-Length"] == str(len(png))
