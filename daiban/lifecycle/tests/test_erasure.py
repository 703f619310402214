"""erase_expired: an expired closed matter's people are anonymised, a person with a recent matter is kept,
statistics stay, a rerun and a dry run change nothing, attachments leave storage, config is validated."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from conftest import Personas, Tree
from daiban.audit.models import AuditRecord
from daiban.core import clock
from daiban.lifecycle import config, tasks
from daiban.lifecycle.erasure import ANON, ATTACHMENT_GONE, erase_expired, scrub
from daiban.lifecycle.models import Erasure
from daiban.matters.actions import PetitionerInput, attachments_add
from daiban.matters.models import Attachment, Event, Matter, Petitioner
from daiban.matters.tests.factories import WANG_ID, WANG_PHONE, Flow, at, id_with_check
from daiban.stats import facts

LI_ID = id_with_check("15010219750101234")
LI_PHONE = "13804715678"
LI = PetitionerInput(
    name="李秀英", id_number=LI_ID, phone=LI_PHONE, group="resident", address="幸福小区5号楼"
)
LATER = at(2032, 6, 1)  # six years after the flows' 2026


@pytest.fixture
def closed_li(tree: Tree, personas: Personas, django_capture_on_commit_callbacks: Any) -> Matter:
    """李秀英's matter, closed in 2026, with an attachment and her phone in the content."""
    flow = Flow(tree, personas)
    with django_capture_on_commit_callbacks(execute=True):
        m = flow.closed(petitioners=[LI], content=f"李秀英反映楼道漏水，电话{LI_PHONE}。")
        with clock.frozen(flow.now):
            attachments_add(
                actor=personas.county_staff,
                matter_id=m.pk,
                files=[SimpleUploadedFile("li.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")],
            )
    return Matter.objects.get(pk=m.pk)


def _wang_recent(tree: Tree, personas: Personas) -> Matter:
    """王建国: one matter closed in 2026 and one opened in 2032 (so he is kept)."""
    old = Flow(tree, personas).closed()
    with clock.frozen(at(2032, 5, 1)):
        from daiban.matters.tests.factories import intake

        intake(personas.village_agent, tree.village_a1x)
    return old


def test_scrub_masks_numbers_and_names() -> None:
    text = f"王建国，身份证{WANG_ID}，电话{WANG_PHONE}，座机0471-6601234。"
    out = scrub(text, ["王建国"])
    assert WANG_ID not in out and WANG_PHONE not in out and "6601234" not in out and "王建国" not in out
    assert out.startswith(ANON)


@pytest.mark.parametrize(
    "bad", [{"matter": 0}, {"matter": -1}, {"matter": "5"}, {"matter": True}, {"other": 1}, {}]
)
def test_retention_config_is_validated(bad: dict[str, object]) -> None:
    good = {"matter": 1825, "accusation": 3650, "portal_request": 365, "screening": 1095}
    with pytest.raises(ImproperlyConfigured):
        config.validate({**good, **bad} if bad != {} else {})
    assert config.validate(good) == good


def test_expired_matter_is_anonymised_and_recent_person_kept(
    closed_li: Matter, tree: Tree, personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    wang_old = _wang_recent(tree, personas)
    li = closed_li.petitioners.get()
    wang = wang_old.petitioners.get()
    attachment = closed_li.attachments.get()
    path = attachment.file.name
    storage = attachment.file.storage
    assert storage.exists(path)
    versions = dict(Matter.objects.values_list("pk", "version"))
    events = Event.objects.count()
    with clock.frozen(LATER), django_capture_on_commit_callbacks(execute=True):
        report = erase_expired(batch=1)
    assert closed_li.number in report.matters and wang_old.number in report.matters
    li.refresh_from_db()
    assert li.name == ANON and li.address == "" and li.name_initials == ""
    assert li.id_number_enc == li.id_number_hash == li.phone_enc == li.phone_hash == ""
    wang.refresh_from_db()
    assert wang.name == "王建国" and wang.id_number_hash  # still linked to the 2032 matter
    assert report.kept_petitioners == 1
    m = Matter.objects.get(pk=closed_li.pk)
    assert LI_PHONE not in m.content and "李秀英" not in m.content
    assert m.status == "closed" and dict(Matter.objects.values_list("pk", "version")) == versions
    assert Event.objects.count() == events
    assert not Event.objects.filter(matter=m, summary__contains="李秀英").exists()
    attachment = Attachment.objects.get(pk=attachment.pk)
    assert attachment.name == ATTACHMENT_GONE and not attachment.file
    assert not storage.exists(path)
    audit_rows = AuditRecord.objects.filter(action="pii.erase")
    assert audit_rows.count() == report.batches  # one per batch that erased something
    for row in audit_rows:
        text = str(row.detail) + row.target
        assert "李秀英" not in text and LI_ID not in text and LI_PHONE not in text


def test_statistics_unchanged(closed_li: Matter, django_capture_on_commit_callbacks: Any) -> None:
    with clock.frozen(LATER):
        facts.refresh_matters(Matter.objects.values_list("pk", flat=True))
        before = facts.rollup_snapshot()
        with django_capture_on_commit_callbacks(execute=True):
            erase_expired()
        assert facts.rollup_snapshot() == before
        facts.refresh_matters(Matter.objects.values_list("pk", flat=True))
        assert facts.rollup_snapshot() == before
    assert before  # the closed matter counts somewhere


def test_second_run_changes_nothing(closed_li: Matter, django_capture_on_commit_callbacks: Any) -> None:
    with clock.frozen(LATER), django_capture_on_commit_callbacks(execute=True):
        first = erase_expired()
        snapshot = (
            list(Petitioner.objects.values()),
            list(Matter.objects.values()),
            Erasure.objects.count(),
            AuditRecord.objects.filter(action="pii.erase").count(),
        )
        second = erase_expired()
    assert first.counts()["matters"] == 1
    assert second.counts() == {k: 0 for k in second.counts()}
    assert snapshot == (
        list(Petitioner.objects.values()),
        list(Matter.objects.values()),
        Erasure.objects.count(),
        AuditRecord.objects.filter(action="pii.erase").count(),
    )


def test_dry_run_writes_nothing(closed_li: Matter, capsys: pytest.CaptureFixture[str]) -> None:
    before = (list(Petitioner.objects.values()), list(Matter.objects.values()), AuditRecord.objects.count())
    with clock.frozen(LATER):
        call_command("erase_expired", "--dry-run")
    out = capsys.readouterr().out
    assert "试运行" in out and "事项 1 件" in out and "信访人 1 人" in out
    assert before == (
        list(Petitioner.objects.values()),
        list(Matter.objects.values()),
        AuditRecord.objects.count(),
    )
    assert not Erasure.objects.exists()
    assert closed_li.attachments.get().file


def test_not_expired_is_kept(closed_li: Matter) -> None:
    with clock.frozen(closed_li.closed_at + datetime.timedelta(days=365)):  # type: ignore[operator]
        assert erase_expired().counts()["matters"] == 0
    assert closed_li.petitioners.get().name == "李秀英"


def test_the_nightly_task_runs_it(closed_li: Matter, django_capture_on_commit_callbacks: Any) -> None:
    with clock.frozen(LATER), django_capture_on_commit_callbacks(execute=True):
        assert tasks.run_erase_expired()["matters"] == 1
        assert tasks.run_erase_expired()["matters"] == 0


def test_command_refuses_a_bad_batch(capsys: pytest.CaptureFixture[str], db: None) -> None:
    with pytest.raises(SystemExit):
        call_command("erase_expired", "--batch", "0")
    assert "--batch" in capsys.readouterr().err


def test_review_window_holds_the_matter(tree: Tree, personas: Personas) -> None:
    flow = Flow(tree, personas)
    m = flow.closed(petitioners=[LI])
    Matter.objects.filter(pk=m.pk).update(review_window_until=datetime.date(2033, 1, 1))
    with clock.frozen(LATER):
        assert erase_expired().counts()["matters"] == 0
    assert m.petitioners.get().name == "李秀英"


def test_portal_request_not_taken_up_is_erased(
    tree: Tree, personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    from daiban.pii.fields import set_phone
    from daiban.portal.models import OnlineRequest

    old = OnlineRequest(
        number="WS-2026-0001",
        region=tree.village_a1x,
        name="赵六",
        happened=f"赵六家门口路灯坏了，电话{LI_PHONE}",
        wanted="修好",
        created_at=at(2026, 6, 1),
    )
    set_phone(old, LI_PHONE)
    old.save()
    recent = OnlineRequest(
        number="WS-2032-0001",
        region=tree.village_a1x,
        name="钱七",
        happened="x",
        wanted="y",
        created_at=at(2032, 5, 1),
    )
    set_phone(recent, WANG_PHONE)
    recent.save()
    with clock.frozen(LATER), django_capture_on_commit_callbacks(execute=True):
        report = erase_expired()
    assert report.portal_requests == ["WS-2026-0001"]
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.name == ANON and old.phone_enc == old.phone_hash == "" and LI_PHONE not in old.happened
    assert "赵六" not in old.happened
    assert recent.name == "钱七" and recent.phone_hash
    assert AuditRecord.objects.filter(action="pii.erase", detail__portal_requests=1).exists()


def test_nav_link_for_agents_only(tree: Tree, personas: Personas) -> None:
    from daiban.core import nav

    def labels(user: Any) -> list[str]:
        return [item.label for item in nav.items_for(user, None)]

    assert "个人信息查阅" in labels(personas.village_agent)
    assert "个人信息查阅" in labels(personas.county_staff)
    assert "个人信息查阅" not in labels(personas.unit_handler)
    assert "个人信息查阅" not in labels(personas.city_admin)


def test_issued_documents_keep_their_number_but_not_the_name(
    tree: Tree, personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    from daiban.documents.actions import issue
    from daiban.documents.models import Document

    flow = Flow(tree, personas)
    m = flow.closed(petitioners=[LI])
    doc = flow.call(issue, actor=personas.county_staff, matter_id=m.pk, kind="receipt")
    assert "李秀英" in doc.body_html
    with clock.frozen(LATER), django_capture_on_commit_callbacks(execute=True):
        erase_expired()
    after = Document.objects.get(pk=doc.pk)
    assert after.number == doc.number and after.status == doc.status
    assert "李秀英" not in after.body_html and "李秀英" not in str(after.data)
    assert LI_ID not in after.body_html and LI_PHONE not in after.body_html


def test_closed_screening_parties_are_erased(tree: Tree, personas: Personas) -> None:
    from daiban.prevention.tests.screenings.factories import TODAY, screening, step

    s = screening(personas.village_agent, tree.village_a1x, parties="张三丰、李某户")
    s = step("start", personas.village_agent, s, note="约双方调解。")
    s = step("resolve", personas.village_agent, s, TODAY, outcome=f"张三丰同意，电话{LI_PHONE}。")
    still_open = screening(personas.village_agent, tree.village_a1x, parties="王五")
    with clock.frozen(LATER):
        report = erase_expired()
    assert report.screenings == [s.number]
    s.refresh_from_db()
    assert s.parties == ANON and "张三丰" not in s.outcome and LI_PHONE not in s.outcome
    assert s.status == "resolved" and s.closed_on == TODAY
    assert not any("张三丰" in e.summary + str(e.details) for e in s.events.all())
    still_open.refresh_from_db()
    assert still_open.parties == "王五"
