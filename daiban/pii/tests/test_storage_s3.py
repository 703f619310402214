"""Attachments in an S3-compatible object store (docs/adr/0041-encrypted-object-storage.md), against a real S3
server on this machine: moto's server mode on a free loopback port, reached over HTTP by boto3 exactly as a
MinIO or a government cloud's object service would be. No network beyond 127.0.0.1 and no real credentials."""

from __future__ import annotations

import logging
import os
import runpy
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.module_loading import import_string
from moto.server import ThreadedMotoServer

from conftest import PASSWORD, Personas, Tree
from daiban.matters.models import Attachment
from daiban.matters.tests.factories import intake
from daiban.pii import crypto, rotation, storage_s3
from daiban.pii.storage import HEADER_SIZE, MAGIC, EncryptedFileError, EncryptedFileSystemStorage
from daiban.pii.storage_s3 import EncryptedS3Storage
from daiban.pii.tests.keys import SUITE_A, SUITE_B, SUITE_B_ROTATING

PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(1024 * 1024)  # a 1 MB photo: 17 file chunks, one ranged GET
FAKE = {"access_key": "daiban-test-access", "secret_key": "daiban-test-secret-not-a-secret"}


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """A moto S3 server in this process, on a free port of the loopback address only."""
    saved = {k: os.environ.get(k) for k in ("AWS_EC2_METADATA_DISABLED", "AWS_CONFIG_FILE", "AWS_PROFILE")}
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"  # never ask an instance-metadata address for credentials
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ.pop("AWS_PROFILE", None)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _options(endpoint: str, bucket: str) -> dict[str, Any]:
    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "region_name": "cn-north-1",
        "addressing_style": "path",
        **FAKE,
    }


@pytest.fixture
def bucket(endpoint: str, settings: Any) -> Iterator[tuple[Any, str]]:
    """A fresh bucket, made the project's default storage (as settings.py does with DAIBAN_S3_BUCKET)."""
    name = f"daiban-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="cn-north-1",
        aws_access_key_id=FAKE["access_key"],
        aws_secret_access_key=FAKE["secret_key"],
    )
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "cn-north-1"})
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "daiban.pii.storage_s3.EncryptedS3Storage",
            "OPTIONS": _options(endpoint, name),
        },
    }
    for key, value in SUITE_A.items():
        setattr(settings, key, value)
    yield client, name


def _body(client: Any, bucket: str, key: str) -> bytes:
    return bytes(client.get_object(Bucket=bucket, Key=key)["Body"].read())


def _download(user: Any, attachment: Attachment) -> bytes:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    response = client.get(f"/matters/{attachment.matter_id}/attachments/{attachment.pk}/")
    assert response.status_code == 200
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_an_attachment_goes_to_the_bucket_as_ciphertext_and_comes_back_clear_across_a_rotation(
    bucket: tuple[Any, str], tree: Tree, personas: Personas, settings: Any
) -> None:
    client, name = bucket
    agent = personas.village_agent
    matter = intake(agent, tree.village_a1x)

    # Uploaded through the page, as a person adds a photo to a matter.
    web = Client()
    assert web.login(username=agent.username, password=PASSWORD)
    response = web.post(
        f"/matters/{matter.pk}/act/attach/",
        {
            "version": matter.version,
            "uploads": [SimpleUploadedFile("现场.png", PNG, "image/png")],
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    attachment = Attachment.objects.get(matter=matter)
    assert isinstance(storages["default"], EncryptedS3Storage)

    # The bucket holds ciphertext only: the header, no run of the photo's bytes, typed as opaque bytes.
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=name)["Contents"]]
    assert keys == [attachment.file.name]
    stored = _body(client, name, attachment.file.name)
    assert stored.startswith(MAGIC) and len(stored) > len(PNG)
    for at in (0, 8, 300_000, len(PNG) - 64):
        assert PNG[at : at + 32] not in stored
    head = client.head_object(Bucket=name, Key=attachment.file.name)
    assert head["ContentType"] == "application/octet-stream"
    assert default_storage.size(attachment.file.name) == len(PNG) == attachment.size

    # Read back through the application in clear.
    assert _download(agent, attachment) == PNG

    # Key rotation: the site restarts with key B (SM4-GCM), key A kept for reading; the file still opens,
    # `rotate` rewrites the object under B, and it opens after key A is gone.
    for key, value in SUITE_B_ROTATING.items():
        setattr(settings, key, value)
    assert default_storage.key_state(attachment.file.name) == "old"  # type: ignore[attr-defined]
    assert _download(agent, attachment) == PNG
    report = rotation.rotate(dry_run=True)
    assert (report.files, report.files_rewritten) == (1, 1)
    report = rotation.rotate()
    assert (report.files, report.files_rewritten, report.files_unreadable) == (1, 1, [])
    rotated = _body(client, name, attachment.file.name)
    assert rotated != stored and rotated[9] == 2  # SM4-GCM
    assert rotated[10:18] == crypto.keyring().current.key_id
    assert default_storage.key_state(attachment.file.name) == "current"  # type: ignore[attr-defined]
    assert rotation.remaining().files_rewritten == 0
    for key, value in SUITE_B.items():
        setattr(settings, key, value)
    assert _download(agent, attachment) == PNG

    # Deleted from the bucket.
    default_storage.delete(attachment.file.name)
    assert not default_storage.exists(attachment.file.name)
    assert client.list_objects_v2(Bucket=name).get("KeyCount") == 0
    with pytest.raises(FileNotFoundError):
        default_storage.open(attachment.file.name)


@pytest.mark.django_db
def test_same_names_never_overwrite_and_a_copied_disk_file_opens(
    bucket: tuple[Any, str], tmp_path: Path
) -> None:
    client, name = bucket
    first = default_storage.save("attachments/2026/12/现场.png", ContentFile(b"first"))
    second = default_storage.save("attachments/2026/12/现场.png", ContentFile(b"second"))
    assert first != second
    assert default_storage.open(first).read() == b"first" and default_storage.open(second).read() == b"second"

    # Moving from a shared volume to a bucket is a copy: a file encrypted on disk opens from the bucket.
    disk = EncryptedFileSystemStorage(location=tmp_path)
    saved = disk.save("signed/扫描件.pdf", ContentFile(b"%PDF-1.4 signed copy"))
    client.put_object(Bucket=name, Key=saved, Body=Path(disk.path(saved)).read_bytes())
    assert default_storage.open(saved).read() == b"%PDF-1.4 signed copy"

    # A clear object put there by hand still opens; rotation encrypts it (and the empty object too).
    client.put_object(Bucket=name, Key="legacy/old.txt", Body=b"written before encryption")
    client.put_object(Bucket=name, Key="legacy/empty.txt", Body=b"")
    assert default_storage.key_state("legacy/old.txt") == "clear"  # type: ignore[attr-defined]
    assert default_storage.size("legacy/empty.txt") == 0
    report = rotation.rotate()
    assert (report.files, report.files_rewritten) == (5, 2)
    assert _body(client, name, "legacy/old.txt").startswith(MAGIC)
    assert default_storage.open("legacy/old.txt").read() == b"written before encryption"
    assert default_storage.open("legacy/empty.txt").read() == b""


def test_reading_is_ranged_and_pinned_to_one_version(
    bucket: tuple[Any, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, name = bucket
    monkeypatch.setattr(storage_s3, "READ_WINDOW", 100_000)
    data = os.urandom(300_000)
    saved = default_storage.save("exports/big.csv", ContentFile(data))
    with default_storage.open(saved) as handle:
        handle.seek(250_000)
        assert handle.read(1000) == data[250_000:251_000]
        handle.seek(10)
        assert handle.read() == data[10:]

    # A file replaced while it is read (a rotation of a large file) fails cleanly, never mixing versions.
    handle = default_storage.open(saved)
    assert handle.read(10) == data[:10]
    default_storage.reencrypt(saved)  # type: ignore[attr-defined]
    with pytest.raises(EncryptedFileError):
        handle.read()
    handle.close()
    assert default_storage.open(saved).read() == data
    stored = _body(client, name, saved)
    assert len(stored) > HEADER_SIZE and data[:64] not in stored


def test_settings_choose_the_bucket_from_the_environment(
    endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With DAIBAN_S3_* set, settings.py makes the encrypted S3 storage the default; without, the disk."""
    path = str(Path(__file__).resolve().parents[2] / "settings.py")
    monkeypatch.delenv("DAIBAN_S3_BUCKET", raising=False)
    on_disk = runpy.run_path(path)["STORAGES"]["default"]
    assert on_disk == {"BACKEND": "daiban.pii.storage.EncryptedFileSystemStorage"}

    bucket = f"settings-{uuid.uuid4().hex[:8]}"
    for key, value in {
        "DAIBAN_S3_BUCKET": bucket,
        "DAIBAN_S3_ENDPOINT_URL": endpoint,
        "DAIBAN_S3_REGION": "us-east-1",
        "DAIBAN_S3_PREFIX": "daiban",
        "DAIBAN_S3_ACCESS_KEY_ID": FAKE["access_key"],
        "DAIBAN_S3_SECRET_ACCESS_KEY": FAKE["secret_key"],
    }.items():
        monkeypatch.setenv(key, value)
    config = runpy.run_path(path)["STORAGES"]["default"]
    assert config["BACKEND"] == "daiban.pii.storage_s3.EncryptedS3Storage"
    s3 = import_string(config["BACKEND"])(**config["OPTIONS"])
    assert (s3.endpoint_url, s3.addressing_style, s3.region_name) == (endpoint, "path", "us-east-1")
    client = s3.connection.meta.client
    client.create_bucket(Bucket=bucket)
    name = s3.save("a.txt", ContentFile(b"clear text"))
    assert s3.open(name).read() == b"clear text"
    assert b"clear" not in _body(client, bucket, f"daiban/{name}")


def test_a_store_that_does_not_answer_fails_fast(endpoint: str) -> None:
    """Nothing listens on the port: the request fails within seconds (bounded retries and timeouts)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    down = EncryptedS3Storage(**_options(f"http://127.0.0.1:{closed}", "nowhere"))
    assert down.client_config.connect_timeout == 5 and down.client_config.retries["max_attempts"] == 3
    started = time.monotonic()
    with pytest.raises(EndpointConnectionError):
        down.save("a.txt", ContentFile(b"x"))
    assert time.monotonic() - started < 10
