"""Where an outbound SMS or e-mail goes: a backend per channel, chosen by settings.

- ``console``: one log line, the address masked (the text names no person: see ``services.notify``);
- ``file``: one JSON line per send appended to ``NOTIFY_FILE_DIR/<channel>.jsonl``, the address masked —
  the local demo's "sent box";
- ``http`` (SMS only): POST JSON ``{"to", "text", "idempotency_key"}`` to ``NOTIFY_SMS_URL`` with
  ``Authorization: Bearer NOTIFY_SMS_TOKEN`` and an ``Idempotency-Key`` header. Any answer but 2xx, a
  redirect, a timeout or a network error is retryable (``SendError``); the provider is expected to answer
  a repeated key with the first send's result, which makes a retry after a lost answer safe.

A backend raises ``SendError`` with a message that never contains the address (it is stored as the
outbound row's ``last_error``).
"""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings

from daiban.core import clock
from daiban.pii.masking import mask_phone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    channel: str  # "sms" or "email"
    address: str  # the plaintext phone or e-mail address: in memory only, never logged or stored
    subject: str
    text: str
    key: str  # the idempotency key


class SendError(Exception):
    """The send did not (certainly) happen; it may be tried again. The message names no address."""


class Backend(Protocol):
    def send(self, delivery: Delivery) -> str:
        """Send; the provider's reference ("" if none). Raises ``SendError``."""
        ...


def mask_address(channel: str, address: str) -> str:
    if channel == "sms":
        return mask_phone(address)
    local, at, domain = address.partition("@")
    return f"{local[:1]}***{at}{domain}" if at else "***"


class ConsoleBackend:
    def send(self, delivery: Delivery) -> str:
        logger.info(
            "notify %s to %s [%s]: %s",
            delivery.channel,
            mask_address(delivery.channel, delivery.address),
            delivery.key,
            delivery.text,
        )
        return f"console:{delivery.key}"


class FileBackend:
    def send(self, delivery: Delivery) -> str:
        folder = settings.NOTIFY_FILE_DIR
        folder.mkdir(parents=True, exist_ok=True)
        line = json.dumps(
            {
                "at": clock.now().isoformat(),
                "channel": delivery.channel,
                "to": mask_address(delivery.channel, delivery.address),
                "subject": delivery.subject,
                "text": delivery.text,
                "key": delivery.key,
            },
            ensure_ascii=False,
        )
        # One write of one line to a file opened for appending: lines of two consumers never interleave.
        fd = os.open(folder / f"{delivery.channel}.jsonl", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (line + "\n").encode())
        except OSError as exc:
            raise SendError(f"写入文件失败：{type(exc).__name__}") from exc
        finally:
            os.close(fd)
        return f"file:{delivery.key}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A provider that redirects a POST is misconfigured: never re-send the body elsewhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class HttpSmsBackend:
    def __init__(self, url: str | None = None, token: str | None = None, timeout: float | None = None):
        self.url = url if url is not None else settings.NOTIFY_SMS_URL
        self.token = token if token is not None else settings.NOTIFY_SMS_TOKEN
        self.timeout = timeout if timeout is not None else settings.NOTIFY_SMS_TIMEOUT_SECONDS

    def send(self, delivery: Delivery) -> str:
        if not self.url.startswith(("https://", "http://")):
            raise SendError("短信服务地址未配置")
        body = json.dumps(
            {"to": delivery.address, "text": delivery.text, "idempotency_key": delivery.key},
            ensure_ascii=False,
        ).encode()
        request = urllib.request.Request(  # noqa: S310  (the scheme is checked above)
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.token}",
                "Idempotency-Key": delivery.key,
            },
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=self.timeout) as response:
                status = response.status
                raw = response.read(64 * 1024)
        except urllib.error.HTTPError as exc:
            exc.close()
            raise SendError(f"短信服务返回 HTTP {exc.code}") from None
        except TimeoutError:
            raise SendError("短信服务超时") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                raise SendError("短信服务超时") from None
            raise SendError(f"短信服务连接失败：{type(reason).__name__}") from None
        if not 200 <= status < 300:
            raise SendError(f"短信服务返回 HTTP {status}")
        return _reference(raw)


def _reference(raw: bytes) -> str:
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        return ""
    if not isinstance(answer, dict):
        return ""
    return str(answer.get("id") or answer.get("message_id") or "")[:100]


BUILTIN: dict[str, type[ConsoleBackend] | type[FileBackend] | type[HttpSmsBackend]] = {
    "console": ConsoleBackend,
    "file": FileBackend,
    "http": HttpSmsBackend,
}

# A backend put in place for a while (tests, a management command's dry run): channel -> backend.
_overrides: dict[str, Backend] = {}


@contextmanager
def using(channel: str, backend: Backend) -> Iterator[Backend]:
    saved = _overrides.get(channel)
    _overrides[channel] = backend
    try:
        yield backend
    finally:
        if saved is None:
            _overrides.pop(channel, None)
        else:
            _overrides[channel] = saved


def backend_for(channel: str) -> Backend:
    if channel in _overrides:
        return _overrides[channel]
    name = settings.NOTIFY_SMS_BACKEND if channel == "sms" else settings.NOTIFY_EMAIL_BACKEND
    if channel != "sms" and name == "http":
        name = "console"
    return BUILTIN[name]()
