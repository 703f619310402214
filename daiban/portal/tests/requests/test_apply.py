"""The public online request form: the whole path through the real pages, and each spam and flood
defence (honeypot, too fast, too old, wrong / expired code, the attempt limit, the throttles, link-only
text), each refused with a Chinese message naming the field and nothing saved."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from conftest import Personas, Tree
from daiban.core import clock
from daiban.notify.models import Message, Outbound
from daiban.pii.fields import lookup_hash_for_phone
from daiban.portal.models import OnlineRequest, OnlineRequestEvent, RequestStatus, SmsCode
from daiban.portal.tests.requests.helpers import (
    PHONE,
    PNG,
    client_for,
    form,
    last_code,
    request_code,
    sms_texts,
    stamp,
    submit,
)


def test_the_form_shows_the_picker_and_a_honeypot(tree: Tree) -> None:
    page = Client().get("/apply/").content.decode()
    assert 'name="ts"' in page and 'class="hp" aria-hidden="true"' in page
    assert 'name="website"' in page and 'tabindex="-1"' in page
    assert tree.county_a.name in page and 'formaction="/apply/code/"' in page


def test_a_request_end_to_end(tree: Tree, personas: Personas) -> None:
    client = Client()
    response = client.post("/apply/code/", form(tree, name="王秀兰"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "验证码已发送" in page and "王秀兰" in page and "路灯坏了三个月" in page  # nothing typed is lost
    assert sms_texts("citizen_code") == [f"【信访代办】您的验证码是{last_code()}，10分钟内有效。"]
    code_row = SmsCode.objects.get()
    assert code_row.code_hash != last_code() and last_code() not in code_row.code_hash

    response = client.post("/apply/", form(tree, code=last_code()))
    assert response.status_code == 302 and response["Location"] == "/apply/done/"
    req = OnlineRequest.objects.get()
    assert req.number.startswith(f"WS{tree.county_a.code}-") and req.number.endswith("-00001")
    assert req.region == tree.village_a1x and req.status == RequestStatus.PENDING and req.version == 1
    assert req.phone_hash == lookup_hash_for_phone(PHONE) and PHONE not in req.phone_enc
    assert req.phone_masked != PHONE and req.name == "王秀兰"
    assert OnlineRequestEvent.objects.get(request=req).kind == "submit"
    done = client.get("/apply/done/").content.decode()
    assert req.number in done and req.number not in response["Location"]
    # The person is told it was received; the village's agent gets a message (and nobody else in 新城区).
    assert any(req.number in t and "已收到" in t for t in sms_texts("citizen_request"))
    told = Message.objects.filter(kind="online_request")
    assert list(told.values_list("recipient", flat=True)) == [personas.village_agent.pk]
    assert told.get().url == f"/online-requests/{req.pk}/"
    # The code is used: a second submit with it is refused.
    again = client.post("/apply/", form(tree, code=code_row and last_code()))
    assert again.status_code == 400 and OnlineRequest.objects.count() == 1


def test_no_phone_in_any_url_or_public_page_after_submitting(tree: Tree) -> None:
    client = Client()
    submit(client, tree)
    done = client.get("/apply/done/")
    assert PHONE not in done.content.decode()
    for row in Outbound.objects.all():
        assert PHONE not in row.address_enc and row.recipient_id is None


def test_the_honeypot_refuses_and_saves_nothing(tree: Tree) -> None:
    client = Client()
    code = request_code(client, tree)
    response = client.post("/apply/", form(tree, code=code, website="http://spam.example"))
    assert response.status_code == 400
    assert "提交未成功" in response.content.decode()
    assert not OnlineRequest.objects.exists()
    assert SmsCode.objects.get().attempts == 0  # the code was not even tried


@pytest.mark.parametrize(
    ("ts", "message"),
    [
        (lambda: stamp(seconds_ago=1), "提交太快了"),
        (lambda: stamp(seconds_ago=3 * 3600), "页面已过期"),
        (lambda: "forged:value", "页面已过期"),
        (lambda: "", "页面已过期"),
    ],
)
def test_the_form_timestamp(tree: Tree, ts: object, message: str) -> None:
    client = Client()
    code = request_code(client, tree)
    response = client.post("/apply/", form(tree, code=code, ts=ts()))  # type: ignore[operator]
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not OnlineRequest.objects.exists()


def test_a_wrong_code_names_the_field_and_counts(tree: Tree) -> None:
    client = Client()
    right = request_code(client, tree)
    wrong = "000000" if right != "000000" else "111111"
    response = client.post("/apply/", form(tree, code=wrong))
    assert response.status_code == 400
    assert response.context["form"].errors["code"] == ["验证码不正确，还可以再试 4 次。"]
    assert not OnlineRequest.objects.exists()
    # The right code still works after one wrong try.
    assert client.post("/apply/", form(tree, code=right)).status_code == 302


def test_after_five_wrong_codes_even_the_right_one_is_refused(tree: Tree) -> None:
    client = Client()
    right = request_code(client, tree)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        assert client.post("/apply/", form(tree, code=wrong)).status_code == 400
    response = client.post("/apply/", form(tree, code=right))
    assert response.status_code == 400
    assert "输错次数过多" in response.context["form"].errors["code"][0]
    assert not OnlineRequest.objects.exists()


def test_an_expired_code_is_refused(tree: Tree) -> None:
    client = Client()
    code = request_code(client, tree)
    later = clock.now() + datetime.timedelta(minutes=11)
    with clock.frozen(later):
        response = client.post("/apply/", form(tree, code=code))
    assert response.status_code == 400
    assert "验证码已失效" in response.context["form"].errors["code"][0]


def test_a_new_code_voids_the_old_one(tree: Tree) -> None:
    client = Client()
    first = request_code(client, tree)
    second = request_code(client, tree)
    if first != second:
        assert client.post("/apply/", form(tree, code=first)).status_code == 400
    assert client.post("/apply/", form(tree, code=second)).status_code == 302


def test_a_missing_code_says_how_to_get_one(tree: Tree) -> None:
    response = Client().post("/apply/", form(tree))
    assert response.status_code == 400
    assert "请填写“短信验证码”" in response.context["form"].errors["code"][0]


def test_a_bad_phone_gets_no_code(tree: Tree) -> None:
    for bad in ("1390471", "04716612345", "abc"):
        response = Client().post("/apply/code/", form(tree, phone=bad))
        assert response.status_code == 400
        assert "手机号码" in response.content.decode()
    assert not Outbound.objects.exists() and not SmsCode.objects.exists()


def test_codes_are_throttled_per_phone(tree: Tree) -> None:
    client = Client()
    for _ in range(3):
        request_code(client, tree)
    response = client.post("/apply/code/", form(tree))
    assert response.status_code == 429
    assert "请稍后再试" in response.content.decode()
    assert SmsCode.objects.count() == 3


@override_settings(PORTAL_THROTTLE={"sms_code": (10, 3600, 3), "apply": (5, 86400, 1)})
def test_requests_are_throttled_per_phone(tree: Tree) -> None:
    client = Client()
    submit(client, tree)
    code = request_code(client, tree)
    response = client.post("/apply/", form(tree, code=code))
    assert response.status_code == 429
    assert OnlineRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("happened", "http://spam.example/a https://x.example", "“发生了什么”请用文字说明，不能只填写网址。"),
        ("wanted", "www.spam.example", "“希望解决什么”请用文字说明，不能只填写网址。"),
        ("happened", "a" * 1001, "“发生了什么”不能超过 1000 个字（现有 1001 个字）。"),
        ("name", "x" * 33, "“姓名”不能超过 32 个字。"),
        ("name", "", "请填写“姓名”。"),
        ("village", "", "请选择村（社区）。"),
        ("village", str(10**9), "所选村（社区）不存在，请重新选择。"),
    ],
)
def test_bad_input_names_the_field(tree: Tree, field: str, value: str, message: str) -> None:
    client = Client()
    code = request_code(client, tree)
    response = client.post("/apply/", form(tree, code=code, **{field: value}))
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert message in response.content.decode()
    assert not OnlineRequest.objects.exists()


def test_a_township_is_not_a_village(tree: Tree) -> None:
    client = Client()
    code = request_code(client, tree)
    response = client.post("/apply/", form(tree, code=code, village=str(tree.town_a1.pk)))
    assert response.status_code == 400 and "village" in response.context["form"].errors


def test_photos_are_kept_and_shown_only_to_staff_in_scope(tree: Tree, personas: Personas) -> None:
    client = Client()
    code = request_code(client, tree)
    data = form(tree, code=code)
    data["photos"] = [SimpleUploadedFile("楼道.png", PNG, content_type="image/png")]
    assert client.post("/apply/", data).status_code == 302
    photo = OnlineRequest.objects.get().photos.get()
    assert photo.content_type == "image/png" and photo.name == "楼道.png"
    url = f"/online-requests/photos/{photo.pk}/"
    response = client_for(personas.village_agent).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]
    assert client_for(personas.outsider_village_agent).get(url).status_code == 404
    assert client_for(personas.unit_handler).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page


def test_a_file_that_is_not_a_photo_is_refused(tree: Tree) -> None:
    client = Client()
    code = request_code(client, tree)
    data = form(tree, code=code)
    data["photos"] = [SimpleUploadedFile("a.png", b"<script>alert(1)</script>", content_type="image/png")]
    response = client.post("/apply/", data)
    assert response.status_code == 400
    assert "“a.png”" in response.context["form"].errors["photos"][0]
    pdf = form(tree, code=code)
    pdf["photos"] = [SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", content_type="application/pdf")]
    response = client.post("/apply/", pdf)
    assert response.status_code == 400 and "不是照片" in response.context["form"].errors["photos"][0]
    four = form(tree, code=code)
    four["photos"] = [SimpleUploadedFile(f"{i}.png", PNG, content_type="image/png") for i in range(4)]
    response = client.post("/apply/", four)
    assert response.status_code == 400 and "最多 3 张" in response.context["form"].errors["photos"][0]
    assert not OnlineRequest.objects.exists()


def test_the_picker_without_javascript_keeps_what_was_typed(tree: Tree) -> None:
    data = form(tree, county=str(tree.county_a.pk), township="", village="", pick="1")
    response = Client().post("/apply/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert tree.town_a1.name in page and tree.town_a2.name in page and tree.town_b1.name not in page
    assert "王秀兰" in page and "路灯坏了三个月" in page and "errorlist" not in page
    data = form(tree, county=str(tree.county_a.pk), township=str(tree.town_a1.pk), village="", pick="1")
    page = Client().post("/apply/", data).content.decode()
    assert tree.village_a1x.name in page and tree.village_a1y.name in page
    assert tree.village_a2x.name not in page


def test_the_htmx_picker_returns_the_next_level(tree: Tree) -> None:
    response = Client().get("/apply/regions/", {"county": tree.county_a.pk, "township": tree.town_a1.pk})
    page = response.content.decode()
    assert response.status_code == 200 and 'id="region-picker"' in page
    assert tree.village_a1x.name in page and tree.village_b1x.name not in page
    # A township of another county is dropped, not trusted.
    page = Client().get("/apply/regions/", {"county": tree.county_a.pk, "township": tree.town_b1.pk}).content
    assert tree.village_b1x.name not in page.decode()


def test_a_staff_session_changes_nothing_on_the_public_form(tree: Tree, personas: Personas) -> None:
    client = client_for(personas.village_agent)
    req = submit(client, tree)
    assert req.region == tree.village_a1x
    assert OnlineRequestEvent.objects.get(request=req).actor is None


def test_a_village_outside_the_chosen_township_is_refused(tree: Tree) -> None:
    client = Client()
    code = request_code(client, tree)
    response = client.post("/apply/", form(tree, code=code, township=str(tree.town_a2.pk)))
    assert response.status_code == 400
    assert "不在所选乡镇（街道）内" in response.context["form"].errors["village"][0]
    assert not OnlineRequest.objects.exists()


def test_changing_the_county_without_javascript_drops_the_village(tree: Tree) -> None:
    data = form(tree, county=str(tree.county_b.pk), pick="1")
    response = Client().post("/apply/", data)
    picker = response.context["picker"]
    assert picker.county == tree.county_b and picker.township is None and picker.village is None
    assert "<noscript>" in response.content.decode()
