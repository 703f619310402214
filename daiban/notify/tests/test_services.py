"""notify(): one message per (recipient, key), outbound copies per preference, scope, and the queue."""

from __future__ import annotations

import pytest

from conftest import Personas, Tree
from daiban.core import clock
from daiban.matters.tests.factories import Flow, at
from daiban.notify import kinds
from daiban.notify.models import Message, Outbound, OutboundStatus
from daiban.notify.tests.helpers import Recorder, inbox, prefer, tell
from daiban.pii.crypto import decrypt


def test_kinds_registry_names_the_kinds_others_use() -> None:
    for key in (
        "due_soon",
        "overdue",
        "supervision_order",
        "listed_supervision",
        "inspection",
        "consultation",
    ):
        assert key in kinds.KINDS and kinds.KINDS[key].label
    ignoring = {k for k, v in kinds.KINDS.items() if v.ignores_quiet_hours}
    assert ignoring == {"overdue", "supervision_order", "listed_supervision"}


def test_same_key_twice_creates_one_message_and_one_sms(
    personas: Personas, outbox: Recorder, django_capture_on_commit_callbacks
) -> None:
    prefer(personas.unit_handler, phone="13904719999")
    with django_capture_on_commit_callbacks(execute=True):
        assert tell([personas.unit_handler, personas.unit_handler]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert tell([personas.unit_handler]) == 0
    assert len(inbox(personas.unit_handler)) == 1
    assert Outbound.objects.count() == 1
    assert [d.address for d in outbox.sent] == ["13904719999"]
    assert outbox.sent[0].key == Outbound.objects.get().key
    # Another key is another message.
    with django_capture_on_commit_callbacks(execute=True):
        assert tell([personas.unit_handler], key="k2") == 1
    assert len(outbox.sent) == 2


def test_sms_only_for_the_kinds_chosen_and_only_with_a_phone(
    personas: Personas, outbox: Recorder, django_capture_on_commit_callbacks
) -> None:
    prefer(
        personas.unit_handler,
        phone="13904719999",
        sms_kinds=["overdue"],
        email="h@example.cn",
        email_kinds=["assigned"],
    )
    prefer(personas.county_staff)  # no phone: never an SMS
    with django_capture_on_commit_callbacks(execute=True):
        tell([personas.unit_handler, personas.county_staff, personas.leader], key="a")
        tell([personas.unit_handler, personas.county_staff], key="b", kind="overdue")
    channels = sorted((o.recipient_id, o.kind, o.channel) for o in Outbound.objects.all())
    assert channels == [
        (personas.unit_handler.pk, "assigned", "email"),
        (personas.unit_handler.pk, "overdue", "sms"),
    ]
    assert all(o.status == OutboundStatus.SENT for o in Outbound.objects.all())
    # The address is stored encrypted, never as the plaintext.
    sms = Outbound.objects.get(channel="sms")
    assert "13904719999" not in sms.address_enc and decrypt(sms.address_enc) == "13904719999"
    assert sms.text.startswith("【信访代办】") and "事项 X" in sms.text


def test_default_sms_kinds_apply_to_someone_who_never_chose(personas: Personas) -> None:
    from daiban.notify.models import Preference
    from daiban.pii.fields import set_phone

    pref = Preference(user=personas.unit_handler)
    set_phone(pref, "13904719999")
    pref.save()
    assert pref.sms_kinds is None
    tell([personas.unit_handler], kind="assigned")  # sms_default
    tell([personas.unit_handler], key="k2", kind="escalated")  # not by default
    assert list(Outbound.objects.values_list("kind", flat=True)) == ["assigned"]


def test_nothing_is_queued_before_commit_and_a_rollback_sends_nothing(
    personas: Personas, outbox: Recorder, django_capture_on_commit_callbacks
) -> None:
    from django.db import transaction

    prefer(personas.unit_handler, phone="13904719999")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tell([personas.unit_handler])
    assert outbox.sent == [] and len(callbacks) == 1
    callbacks[0]()
    assert len(outbox.sent) == 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                tell([personas.unit_handler], key="rolled-back")
                raise RuntimeError
        except RuntimeError:
            pass
    assert callbacks == [] and len(outbox.sent) == 1
    assert not Message.objects.filter(key="rolled-back").exists()


def test_an_outsider_never_receives_a_message_about_a_matter_outside_their_scope(
    tree: Tree, personas: Personas
) -> None:
    flow = Flow(tree, personas)
    m = flow.routed()
    everyone = list(personas.all().values())
    with clock.frozen(at(2026, 6, 2)):
        created = tell(
            everyone, key="scope", matter_id=m.pk, text=f"事项 {m.number} 已超期。", kind="overdue"
        )
    got = set(Message.objects.filter(key="scope").values_list("recipient__username", flat=True))
    assert not got & {"outsider", "outsider_village_agent", "outsider_unit_handler"}
    assert {"county_staff", "unit_handler", "village_agent"} <= got
    assert created == len(got)


def test_inactive_accounts_and_bad_arguments(personas: Personas) -> None:
    personas.leader.is_active = False
    personas.leader.save()
    assert tell([personas.leader]) == 0
    assert tell([]) == 0
    with pytest.raises(ValueError):
        tell([personas.county_staff], kind="no_such_kind")
    with pytest.raises(ValueError):
        tell([personas.county_staff], key="")
    with pytest.raises(ValueError):
        tell([personas.county_staff], url="https://evil.example/")
    with pytest.raises(ValueError):
        tell([personas.county_staff], url="//evil.example/")
    # Recipients may be given as ids.
    assert tell([personas.county_staff.pk]) == 1
