"""Helpers of the online request tests: a filled-in form, the SMS code read from the outbox, a request
submitted through the real pages."""

from __future__ import annotations

import re
from typing import Any

from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import PASSWORD, Tree
from daiban.accounts.models import User
from daiban.core import clock
from daiban.notify.models import Outbound
from daiban.portal.models import OnlineRequest
from daiban.portal.requests import actions, codes
from daiban.portal.requests.forms import TS_SALT
from daiban.regions.models import Region

PHONE = "13904711234"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def stamp(seconds_ago: int = 30) -> str:
    """The signed time the form was shown, ``seconds_ago`` before now."""
    return signing.dumps(int(clock.now().timestamp()) - seconds_ago, salt=TS_SALT)


def form(tree: Tree, **over: Any) -> dict[str, Any]:
    return {
        "name": "王秀兰",
        "phone": PHONE,
        "code": "",
        "county": str(tree.county_a.pk),
        "township": str(tree.town_a1.pk),
        "village": str(tree.village_a1x.pk),
        "happened": "小区楼道的路灯坏了三个月，晚上老人上下楼很危险。",
        "wanted": "希望尽快修好路灯。",
        "website": "",
        "ts": stamp(),
        **over,
    }


def sms_texts(kind: str) -> list[str]:
    return list(Outbound.objects.filter(kind=kind).order_by("pk").values_list("text", flat=True))


def last_code() -> str:
    texts = sms_texts("citizen_code")
    assert texts, "no verification code in the outbox"
    found = re.search(r"验证码是(\d{6})", texts[-1])
    assert found, texts[-1]
    return found.group(1)


def request_code(client: Client, tree: Tree, **over: Any) -> str:
    response = client.post("/apply/code/", form(tree, **over))
    assert response.status_code == 200, response.content.decode()[:2000]
    return last_code()


def submit(client: Client, tree: Tree, **over: Any) -> OnlineRequest:
    """Get a code and submit the form (as a person would); the request saved."""
    code = request_code(client, tree, **{k: v for k, v in over.items() if k == "phone"})
    response = client.post("/apply/", form(tree, code=code, **over))
    assert response.status_code == 302, response.content.decode()[:3000]
    return OnlineRequest.objects.order_by("-pk").first()  # type: ignore[return-value]


def client_for(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def make_request(region: Region, phone: str = PHONE, photo: bool = False) -> OnlineRequest:
    """A pending request at ``region`` (a village), through the real actions (no page)."""
    code = codes.issue(phone)
    files = [SimpleUploadedFile("现场.png", PNG, content_type="image/png")] if photo else []
    return actions.request_submit(
        submission=actions.Submission(
            name="王秀兰",
            phone=phone,
            region=region,
            happened="小区楼道的路灯坏了三个月。",
            wanted="希望尽快修好。",
            photos=files,
        ),
        code_id=code.pk,
    )
