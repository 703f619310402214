"""Encrypted files in an S3-compatible object store (django-storages' ``S3Storage``): MinIO, Ceph, a
government cloud's object service or AWS itself (docs/adr/0041-encrypted-object-storage.md, docs/deploy.md).

The file is encrypted in the web process exactly as on disk (``daiban.pii.storage``: same format, same keys),
so the bucket only ever receives ciphertext and a file copied from ``DAIBAN_MEDIA_ROOT`` into the bucket
under the same name opens as it did. Differences from django-storages' defaults, on purpose:

- never overwrite: two attachments of the same name get two objects (``file_overwrite`` forced off, as on
  disk), since one would otherwise silently replace the other;
- no gzip (ciphertext does not compress) and every object typed ``application/octet-stream`` (the bucket
  never serves a file to a browser; the download views do, with the type sniffed at upload);
- reading is ranged: an open file fetches ``READ_WINDOW`` bytes at a time (a 1 MB attachment is one GET)
  instead of downloading the whole object first, and every range after the first is pinned to the first
  one's ETag, so a file replaced meanwhile (key rotation) fails cleanly instead of mixing two versions;
- key rotation rewrites an object under the same key with one PUT (or multipart upload), which S3 makes
  visible atomically.
- a store that does not answer fails a request within seconds (bounded timeouts and retries).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import IO, Any, Final, cast

from botocore.config import Config
from botocore.exceptions import ClientError
from django.utils.deconstruct import deconstructible
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from daiban.pii.storage import EncryptedFileError, EncryptedStorageMixin

READ_WINDOW: Final = 4 * 1024 * 1024  # bytes fetched per ranged GET while reading
_CONTENT_RANGE: Final = re.compile(r"bytes (\d+)-(\d+)/(\d+)")
_MISSING: Final = {"404", "NoSuchKey", "NotFound"}


def _code(err: ClientError) -> str:
    return str(err.response.get("Error", {}).get("Code", ""))


class _RangedObject(io.RawIOBase):
    """A seekable, read-only view of one object, fetched in ranged GETs of ``window`` bytes."""

    def __init__(self, client: Any, bucket: str, key: str, window: int = READ_WINDOW) -> None:
        self._client, self._bucket, self._key, self._window = client, bucket, key, window
        self._pos = 0
        self._etag: str | None = None
        self._start, self._data = 0, b""
        self.length = 0
        self._fetch(0)

    def _fetch(self, start: int) -> None:
        args: dict[str, Any] = {"Bucket": self._bucket, "Key": self._key}
        args["Range"] = f"bytes={start}-{start + self._window - 1}"
        if self._etag is not None:
            args["IfMatch"] = self._etag
        try:
            response = self._client.get_object(**args)
        except ClientError as err:
            code = _code(err)
            if code in _MISSING:
                raise FileNotFoundError(f"no stored file {self._key}") from None
            if code in ("PreconditionFailed", "412"):
                raise EncryptedFileError("the stored file was replaced while it was read") from None
            if code == "InvalidRange" and start == 0:  # an empty object has no byte 0
                self._etag, self._start, self._data, self.length = None, 0, b"", 0
                return
            raise
        with response["Body"] as body:
            self._data = body.read()
        self._start = start
        self._etag = response.get("ETag")
        match = _CONTENT_RANGE.match(response.get("ContentRange") or "")
        self.length = int(match.group(3)) if match else len(self._data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.length}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._pos = base + offset
        return self._pos

    def readinto(self, b: Any) -> int:
        if self._pos >= self.length:
            return 0
        if not self._start <= self._pos < self._start + len(self._data):
            self._fetch(self._pos)
        at = self._pos - self._start
        data = self._data[at : at + len(b)]
        b[: len(data)] = data
        self._pos += len(data)
        return len(data)


@deconstructible(path="daiban.pii.storage_s3.EncryptedS3Storage")
class EncryptedS3Storage(EncryptedStorageMixin, S3Storage):
    """``S3Storage`` that encrypts on save and decrypts on open (see the module docstring)."""

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        self.file_overwrite = False
        self.gzip = False
        if "client_config" not in settings:
            # A store that does not answer fails a request in seconds, not after botocore's 60 s default.
            base: Config = self.client_config  # type: ignore[has-type]  # set by setattr in S3Storage
            self.client_config = base.merge(
                Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"})
            )

    def get_object_parameters(self, name: str) -> dict[str, Any]:
        params: dict[str, Any] = super().get_object_parameters(name)
        params["ContentType"] = "application/octet-stream"
        params.pop("ContentEncoding", None)
        return params

    def _key(self, name: str) -> str:
        return str(self._normalize_name(clean_name(name)))

    @property
    def _client(self) -> Any:
        return self.connection.meta.client

    def _raw_reader(self, name: str) -> IO[bytes]:
        return cast(
            "IO[bytes]", _RangedObject(self._client, self.bucket_name, self._key(name), window=READ_WINDOW)
        )

    def _raw_head(self, name: str, n: int) -> tuple[bytes, int]:
        obj = _RangedObject(self._client, self.bucket_name, self._key(name), window=n)
        return obj.read(n) or b"", obj.length

    def _raw_replace(self, name: str, encrypted: IO[bytes]) -> None:
        key = self._key(name)
        self._client.upload_fileobj(
            encrypted,
            self.bucket_name,
            key,
            ExtraArgs=self._get_write_parameters(key),
            Config=self.transfer_config,
        )

    def _raw_names(self) -> Iterator[str]:
        prefix = self._key("")
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        paginator = self._client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket_name, Prefix=prefix):
            for entry in page.get("Contents", ()):
                key = str(entry["Key"])
                if not key.endswith("/"):
                    yield key[len(prefix) :]
