"""Shared pieces of the notify tests: a backend that records what it was asked to send (and can fail on
demand), preferences set through the action, and a message made through ``services.notify``."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from daiban.accounts.models import User
from daiban.notify import actions, backends, services
from daiban.notify.backends import Delivery, SendError
from daiban.notify.models import Message


@dataclass
class Recorder:
    """Records each send; fails the first ``fail`` sends (``SendError``); sleeps ``delay`` seconds inside a
    send (to widen a race)."""

    fail: int = 0
    delay: float = 0.0
    sent: list[Delivery] = field(default_factory=list)
    calls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, delivery: Delivery) -> str:
        with self.lock:
            self.calls += 1
            failing = self.calls <= self.fail
        if self.delay:
            time.sleep(self.delay)
        if failing:
            raise SendError(f"服务商返回 HTTP 503（{delivery.address} 不应出现在错误里）")
        with self.lock:
            self.sent.append(delivery)
        return f"ref-{len(self.sent)}"


@pytest.fixture
def outbox() -> Iterator[Recorder]:
    """Both channels go to one recorder for the test."""
    recorder = Recorder()
    with backends.using("sms", recorder), backends.using("email", recorder):
        yield recorder


def prefer(user: User, **changes: Any) -> None:
    """Save the user's contact settings through the action (defaults: no phone, no quiet hours)."""
    current = actions.preference_of(user)
    values: dict[str, Any] = {
        "phone": "",
        "email": "",
        "sms_kinds": sorted(current.sms_kind_keys()),
        "email_kinds": [],
        "quiet_start": None,
        "quiet_end": None,
    }
    values.update(changes)
    actions.preference_update(actor=user, expected_version=current.version, **values)


def tell(users: list[User], key: str = "k1", kind: str = "assigned", **extra: Any) -> int:
    return services.notify(
        recipients=users, kind=kind, key=key, text=extra.pop("text", "事项 X 已交办本单位主办。"), **extra
    )


def inbox(user: User) -> list[Message]:
    return list(Message.objects.filter(recipient=user).order_by("created_at", "id"))
