"""The HTTP SMS adapter against a fake provider started in the test (http.server in a thread)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import override_settings

from conftest import Personas
from daiban.core import clock
from daiban.matters.tests.factories import at
from daiban.notify import backends
from daiban.notify import outbox as box
from daiban.notify.backends import Delivery, HttpSmsBackend, SendError
from daiban.notify.models import Outbound, OutboundStatus
from daiban.notify.tests.helpers import prefer, tell

TOKEN = "test-provider-token"
PHONE = "13904719999"


@dataclass
class Provider:
    """What the fake provider answers next (a queue of (status, body, delay)), and what it received. Like
    a real provider it answers a repeated Idempotency-Key with the first result and sends nothing more."""

    answers: list[tuple[int, dict[str, Any], float]] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)
    delivered: dict[str, str] = field(default_factory=dict)
    url: str = ""


@pytest.fixture
def provider() -> Iterator[Provider]:
    state = Provider()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep the test output quiet
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            state.received.append(
                {"path": self.path, "headers": dict(self.headers), "json": json.loads(body or b"{}")}
            )
            status, answer, delay = state.answers.pop(0) if state.answers else (200, {}, 0.0)
            key = self.headers.get("Idempotency-Key", "")
            if 200 <= status < 300:
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    status, answer = 401, {"error": "unauthorized"}
                else:
                    state.delivered.setdefault(key, answer.get("id", f"sms-{len(state.delivered) + 1}"))
                    answer = {"id": state.delivered[key]}
            if delay:
                time.sleep(delay)  # sent, but the answer comes too late
            payload = json.dumps(answer).encode()
            try:
                self.send_response(status)
                if status in (301, 302, 307, 308):
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/sms/send"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _delivery(key: str = "msg1-sms") -> Delivery:
    return Delivery(
        channel="sms", address=PHONE, subject="s", text="【信访代办】事项 X 已交办本单位主办。", key=key
    )


def test_a_send_posts_json_with_the_token_and_the_idempotency_key(provider: Provider) -> None:
    provider.answers.append((200, {"id": "prov-42"}, 0.0))
    ref = HttpSmsBackend(url=provider.url, token=TOKEN, timeout=5).send(_delivery())
    assert ref == "prov-42"
    (got,) = provider.received
    assert got["path"] == "/sms/send"
    assert got["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert got["headers"]["Idempotency-Key"] == "msg1-sms"
    assert got["headers"]["Content-Type"].startswith("application/json")
    assert got["json"] == {
        "to": PHONE,
        "text": "【信访代办】事项 X 已交办本单位主办。",
        "idempotency_key": "msg1-sms",
    }


@pytest.mark.parametrize(
    ("status", "expected"),
    [(500, "HTTP 500"), (503, "HTTP 503"), (429, "HTTP 429"), (400, "HTTP 400"), (302, "HTTP 302")],
)
def test_any_answer_but_2xx_is_a_retryable_error_naming_no_address(
    status: int, expected: str, provider: Provider
) -> None:
    provider.answers.append((status, {"error": f"bad number {PHONE}"}, 0.0))
    with pytest.raises(SendError) as caught:
        HttpSmsBackend(url=provider.url, token=TOKEN, timeout=5).send(_delivery())
    assert expected in str(caught.value) and PHONE not in str(caught.value)
    assert len(provider.received) == 1  # a redirect is not followed


def test_a_timeout_and_a_refused_connection_are_retryable(provider: Provider) -> None:
    provider.answers.append((200, {}, 1.5))
    with pytest.raises(SendError, match="超时"):
        HttpSmsBackend(url=provider.url, token=TOKEN, timeout=0.3).send(_delivery())
    with pytest.raises(SendError, match="连接失败"):
        HttpSmsBackend(url="http://127.0.0.1:9/", token=TOKEN, timeout=2).send(_delivery())


def test_the_outbox_retries_through_the_provider_and_passes_the_same_key(
    provider: Provider, personas: Personas
) -> None:
    """Through the settings (NOTIFY_SMS_BACKEND=http): a 503, then a timeout (the provider got it but the
    answer was lost), then success — one SMS at the provider, since every attempt carries the same key."""
    provider.answers.extend([(503, {}, 0.0), (200, {"id": "late"}, 1.5), (200, {}, 0.0)])
    with override_settings(
        NOTIFY_SMS_BACKEND="http",
        NOTIFY_SMS_URL=provider.url,
        NOTIFY_SMS_TOKEN=TOKEN,
        NOTIFY_SMS_TIMEOUT_SECONDS=0.5,
        NOTIFY_RETRY_BASE_SECONDS=60,
        NOTIFY_MAX_ATTEMPTS=5,
    ):
        assert isinstance(backends.backend_for("sms"), HttpSmsBackend)
        prefer(personas.unit_handler, phone=PHONE)
        t0 = at(2026, 6, 1, 10)
        with clock.frozen(t0):
            tell([personas.unit_handler])
            key = Outbound.objects.get().key
            assert box.deliver(key) == "retry"
        with clock.frozen(at(2026, 6, 1, 11)):
            assert box.resend_due() == {"retry": 1}
        with clock.frozen(at(2026, 6, 1, 12)):
            assert box.resend_due() == {"sent": 1}
    row = Outbound.objects.get()
    assert (row.status, row.attempts, row.provider_ref) == (OutboundStatus.SENT, 3, "late")
    assert {r["headers"]["Idempotency-Key"] for r in provider.received} == {key}
    assert len(provider.received) == 3 and list(provider.delivered) == [key]
