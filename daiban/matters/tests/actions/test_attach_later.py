"""上传附件 after intake (issue 8 item 3): whoever acts on a matter — the network levels along its path, a
unit with an active task, its 包案 leaders — can add files later (a signed opinion, a photo of the site),
each addition one event, with the same content sniffing and limits as at intake."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import PASSWORD, Personas
from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters import actions, workflow
from daiban.matters.errors import NotAllowed, OutOfScope, WrongState
from daiban.matters.models import Attachment, Event, Matter
from daiban.matters.tests.conftest import More
from daiban.matters.tests.factories import Flow
from daiban.matters.tests.snapshot import assert_refused

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64


def png(name: str = "现场.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def _client(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def post(flow: Flow, user: User, m: Matter, files: list[Any], note: str = "") -> Any:
    m = Matter.objects.get(pk=m.pk)
    with clock.frozen(flow.now):
        return _client(user).post(
            f"/matters/{m.pk}/act/attach/", {"version": m.version, "uploads": files, "note": note}
        )


def routed_from_the_village(flow: Flow, personas: Personas) -> Matter:
    """Taken in at 苏雅拉社区, passed up through 呼伦路街道 to the 新城区 centre, routed to 新城区住建局."""
    m = flow.intake()
    for actor in (personas.village_agent, personas.township_staff):
        flow.act(actions.matter_escalate, actor, m, note="上报")
    flow.act(actions.matter_route, personas.county_staff, m, lead_unit=flow.t.unit_housing_a)
    return flow.fresh(m)


def assert_added(flow: Flow, user: User, m: Matter, name: str = "现场.png", note: str = "") -> Attachment:
    before = Matter.objects.get(pk=m.pk).version
    response = post(flow, user, m, [png(name)], note)
    assert response.status_code == 302, response.content.decode()[:2000]
    after = Matter.objects.get(pk=m.pk)
    assert after.version == before + 1
    event = Event.objects.get(matter=m, seq=after.version)
    assert event.kind == "attach" and event.actor == user and event.details["names"] == [name]
    saved = Attachment.objects.filter(matter=m).latest("id")
    assert (saved.name, saved.content_type, saved.uploaded_by) == (name, "image/png", user)
    download = _client(user).get(f"/matters/{m.pk}/attachments/{saved.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    return saved


def test_an_agent_up_the_path_adds_a_file_later(flow: Flow, personas: Personas) -> None:
    m = routed_from_the_village(flow, personas)
    flow.later(days=2)
    assert "attach" in {o.key for o in workflow.available(personas.township_staff, m)}
    assert_added(flow, personas.township_staff, m, note="现场照片")
    event = Event.objects.filter(matter=m).latest("seq")
    assert ("说明", "现场照片") in workflow.event_texts("attach", event.details)


def test_a_unit_with_an_active_task_adds_a_file(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    assert_added(flow, personas.unit_handler, m, name="勘验记录.png")


def test_the_issuing_unit_adds_the_signed_opinion_after_replying(flow: Flow, personas: Personas) -> None:
    m = flow.replied()
    m = flow.fresh(m)
    response = post(flow, personas.unit_handler, m, [SimpleUploadedFile("意见书.pdf", PDF)])
    assert response.status_code == 302
    assert Attachment.objects.get(matter=m).content_type == "application/pdf"


def test_a_case_leader_adds_a_file(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    flow.act(actions.matter_assign_leaders, personas.county_staff, m, leaders=[personas.leader])
    assert_added(flow, personas.leader, m)


def test_several_files_are_one_event(flow: Flow, personas: Personas) -> None:
    m = flow.at_county()
    response = post(flow, personas.county_staff, m, [png("一.png"), SimpleUploadedFile("二.pdf", PDF)])
    assert response.status_code == 302
    event = Event.objects.filter(matter=m).latest("seq")
    assert event.kind == "attach" and event.details["names"] == ["一.png", "二.pdf"]
    assert Attachment.objects.filter(matter=m).count() == 2


@pytest.mark.parametrize("who", ["outsider", "outsider_village_agent", "outsider_unit_handler"])
def test_an_outsider_gets_404(flow: Flow, personas: Personas, who: str) -> None:
    m = flow.handling()
    assert post(flow, getattr(personas, who), m, [png()]).status_code == 404
    assert not Attachment.objects.exists()
    assert_refused(OutOfScope, flow.bound(actions.matter_attach, getattr(personas, who), m, uploads=[png()]))


def test_a_disguised_html_file_is_refused_naming_the_field(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    evil = SimpleUploadedFile("现场.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
    version = m.version
    response = post(flow, personas.unit_handler, m, [evil])
    assert response.status_code == 400
    errors = response.context["form"].errors["uploads"]
    assert "格式不支持" in str(errors) and "现场.png" in str(errors)
    assert Matter.objects.get(pk=m.pk).version == version and not Attachment.objects.exists()
    # the action sniffs again whoever calls it, and names its own field
    call = flow.bound(actions.matter_attach, personas.unit_handler, m, uploads=[evil])
    assert_refused(ValidationError, call, "uploads")
    assert not Attachment.objects.exists()


def test_no_file_is_an_error_naming_the_field(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    response = post(flow, personas.unit_handler, m, [])
    assert response.status_code == 400
    assert "请选择要上传的附件" in str(response.context["form"].errors["uploads"])
    assert_refused(
        ValidationError, flow.bound(actions.matter_attach, personas.unit_handler, m, uploads=[]), "uploads"
    )


@pytest.mark.parametrize("who", ["supervisor", "leader"])
def test_who_does_not_act_on_the_matter_may_not_add_files(flow: Flow, personas: Personas, who: str) -> None:
    """The supervisor watches; a leader who is not its 包案 leader does not act on it."""
    m = flow.handling()
    user = getattr(personas, who)
    assert "attach" not in {o.key for o in workflow.available(user, m)}
    assert post(flow, user, m, [png()]).status_code == 403
    assert_refused(NotAllowed, flow.bound(actions.matter_attach, user, m, uploads=[png()]))


def test_a_unit_whose_task_is_over_may_not_add_files(flow: Flow, personas: Personas, more: More) -> None:
    """Once the matter has gone on to review, the first handling unit (its task done) no longer acts on it."""
    m = flow.replied()
    flow.act(actions.matter_serve, personas.county_staff, m, served_on=flow.today, manner="direct")
    flow.later(days=1)
    m = flow.request_review(m)
    assert_refused(NotAllowed, flow.bound(actions.matter_attach, personas.unit_handler, m, uploads=[png()]))


def test_a_closed_matter_takes_no_files(flow: Flow, personas: Personas) -> None:
    m = flow.closed()
    assert "attach" not in {o.key for o in workflow.available(personas.county_staff, m)}
    assert post(flow, personas.county_staff, m, [png()]).status_code == 403
    assert_refused(WrongState, flow.bound(actions.matter_attach, personas.county_staff, m, uploads=[png()]))


def test_the_matter_page_offers_the_upload_button_and_lists_the_file(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    client = _client(personas.unit_handler)
    with clock.frozen(flow.now):
        page = client.get(f"/matters/{m.pk}/").content.decode()
        assert f"/matters/{m.pk}/act/attach/" in page and "上传附件" in page
        form = client.get(f"/matters/{m.pk}/act/attach/").content.decode()
    assert 'enctype="multipart/form-data"' in form and 'type="file"' in form and "multiple" in form
    saved = assert_added(flow, personas.unit_handler, m, name="签收单.png")
    with clock.frozen(flow.now):
        page = client.get(f"/matters/{m.pk}/").content.decode()
    assert f"/matters/{m.pk}/attachments/{saved.pk}/" in page and "签收单.png" in page
