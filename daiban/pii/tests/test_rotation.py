"""Key rotation end to end (``manage.py rotate_keys``): every value stays readable and every search keeps
finding its rows before, during and after the rotation, and after the old keys are removed."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, override_settings

from conftest import PASSWORD, Personas, Tree
from daiban.audit.models import AuditRecord
from daiban.matters import actions
from daiban.matters.actions import PetitionerInput
from daiban.matters.models import Attachment, Matter, Petitioner
from daiban.matters.tests.factories import WANG_ID, WANG_PHONE, id_with_check, intake
from daiban.pii import crypto, rotation
from daiban.pii.fields import masked_id_number, masked_phone, set_phone
from daiban.pii.tests.keys import KEY_B, SUITE_A, SUITE_B, SUITE_B_ROTATING

LI_ID = id_with_check("15010219750601234")
LI_PHONE = "13804715678"
PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(70_000)  # two file chunks
LEGACY = b"%PDF-1.4 written before files were encrypted"


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _found_by_lookup(user: Any, term: str, name: str) -> bool:
    """The agents' lookup while typing a number at intake (POST /matters/lookup/)."""
    page = _client(user).post("/matters/lookup/", {"term": term}).content.decode()
    return name in page


def _found_by_search(user: Any, term: str, name: str) -> bool:
    """Finding a person by ID or phone (POST /petitioners/)."""
    page = _client(user).post("/petitioners/", {"term": term}).content.decode()
    return name in page


def _assert_all_readable_and_found(personas: Personas, matters: dict[str, Matter]) -> None:
    wang = Petitioner.objects.get(name="王建国")
    li = Petitioner.objects.get(name="李秀英")
    assert masked_id_number(wang).endswith(WANG_ID[-4:]) and masked_phone(wang).endswith(WANG_PHONE[-4:])
    assert masked_id_number(li).endswith(LI_ID[-4:]) and masked_phone(li).endswith(LI_PHONE[-4:])
    agent = personas.village_agent
    for term, name in ((WANG_ID, "王建国"), (WANG_PHONE, "王建国"), (LI_ID, "李秀英"), (LI_PHONE, "李秀英")):
        assert _found_by_lookup(agent, term, name), term
        assert _found_by_search(agent, term, name), term
    attachment = Attachment.objects.get(matter=matters["wang"])
    response = _client(agent).get(f"/matters/{matters['wang'].pk}/attachments/{attachment.pk}/")
    assert b"".join(response.streaming_content) == PNG  # type: ignore[attr-defined]
    with default_storage.open("legacy/old-scan.pdf") as handle:
        assert handle.read() == LEGACY


@pytest.fixture
def world(tree: Tree, personas: Personas, settings: Any, tmp_path: Path) -> dict[str, Matter]:
    """Two people and an attachment written under key A with Fernet and HMAC-SHA256, plus a file written
    before files were encrypted."""
    settings.MEDIA_ROOT = tmp_path
    for name, value in SUITE_A.items():
        setattr(settings, name, value)
    wang = intake(personas.village_agent, tree.village_a1x)
    actions.matter_attach(
        actor=personas.village_agent,
        matter_id=wang.pk,
        expected_version=wang.version,
        uploads=[SimpleUploadedFile("现场.png", PNG, content_type="image/png")],
    )
    li = intake(
        personas.village_agent,
        tree.village_a1x,
        petitioners=[PetitionerInput(name="李秀英", id_number=LI_ID, phone=LI_PHONE, group="resident")],
    )
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "old-scan.pdf").write_bytes(LEGACY)
    return {"wang": wang, "li": li}


def test_rotation_keeps_every_value_readable_and_every_search_working(
    world: dict[str, Matter], personas: Personas, settings: Any, tmp_path: Path
) -> None:
    _assert_all_readable_and_found(personas, world)
    before = {p.pk: (p.id_number_enc, p.id_number_hash, p.phone_hash) for p in Petitioner.objects.all()}

    # 1. The site restarts with key B, SM4-GCM and HMAC-SM3; key A and SHA-256 kept as old.
    for name, value in SUITE_B_ROTATING.items():
        setattr(settings, name, value)
    _assert_all_readable_and_found(personas, world)

    # A person registered meanwhile is written under the new suite and found beside the old rows.
    zhao = Petitioner.objects.create(name="赵六")
    set_phone(zhao, "13704719999")
    zhao.save()
    assert zhao.phone_enc.startswith("s4g1.")

    # 2. A dry run counts without writing.
    out = io.StringIO()
    call_command("rotate_keys", "--dry-run", stdout=out)
    assert "需要轮换 2 行" in out.getvalue()
    assert {p.pk: (p.id_number_enc, p.id_number_hash, p.phone_hash) for p in Petitioner.objects.all()} == {
        **before,
        zhao.pk: ("", "", zhao.phone_hash),
    }

    # 3. The rotation, in batches of one row.
    out = io.StringIO()
    call_command("rotate_keys", "--batch-size", "1", stdout=out)
    text = out.getvalue()
    assert "已轮换 2 行" in text and "附件: 2 个，已轮换 2 个" in text
    assert (
        "DAIBAN_FIELD_OLD_KEYS" in text and "DAIBAN_HASH_OLD_KEYS" in text and "DAIBAN_PII_INDEX_OLD" in text
    )
    current_id = crypto.keyring().current.key_id
    for person in Petitioner.objects.all():
        for token in (person.id_number_enc, person.phone_enc):
            assert not token or (token.startswith("s4g1.") and crypto.is_current(token))
        if person.phone_enc:
            assert person.phone_hash == crypto.blind_index("phone", crypto.decrypt(person.phone_enc))
    for name in default_storage.walk():  # type: ignore[attr-defined]
        assert default_storage.key_state(name) == "current", name  # type: ignore[attr-defined]
        assert (tmp_path / name).read_bytes()[10:18] == current_id
    assert LEGACY not in (tmp_path / "legacy" / "old-scan.pdf").read_bytes()
    _assert_all_readable_and_found(personas, world)

    audit = AuditRecord.objects.filter(target="pii.rotate_keys").get()
    assert audit.action == "config.change" and audit.outcome == "success"
    assert audit.detail["remaining"] == 0 and audit.detail["cipher"] == "sm4-gcm"
    assert KEY_B not in str(audit.detail)

    # 4. Running it again changes nothing.
    out = io.StringIO()
    call_command("rotate_keys", stdout=out)
    assert "已轮换 0 行" in out.getvalue() and "已轮换 0 个" in out.getvalue()

    # 5. The old keys are removed: everything is still readable and found.
    for name, value in SUITE_B.items():
        setattr(settings, name, value)
    _assert_all_readable_and_found(personas, world)
    assert rotation.remaining().pending == 0


def test_back_to_fernet_is_a_rotation_too(
    world: dict[str, Matter], personas: Personas, settings: Any
) -> None:
    for name, value in SUITE_B_ROTATING.items():
        setattr(settings, name, value)
    call_command("rotate_keys", stdout=io.StringIO())
    with override_settings(**{**SUITE_A, "FIELD_ENCRYPTION_OLD_KEYS": [KEY_B]}):
        # Fernet with key A again; key B's SM4 tokens are read as old ones, searches need B's hash key.
        settings.BLIND_INDEX_OLD_KEYS = [SUITE_B["BLIND_INDEX_KEY"]]
        settings.PII_INDEX_OLD = ["hmac-sm3"]
        _assert_all_readable_and_found(personas, world)
        call_command("rotate_keys", stdout=io.StringIO())
        assert all(p.id_number_enc.startswith("gAAAAA") for p in Petitioner.objects.exclude(id_number_enc=""))
        settings.BLIND_INDEX_OLD_KEYS = []
        settings.PII_INDEX_OLD = []
        settings.FIELD_ENCRYPTION_OLD_KEYS = []
        _assert_all_readable_and_found(personas, world)


def test_a_row_saved_by_the_site_during_a_batch_is_not_overwritten(
    world: dict[str, Matter], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in SUITE_B_ROTATING.items():
        setattr(settings, name, value)
    li = Petitioner.objects.get(name="李秀英")
    original = rotation._updates

    def site_saves_meanwhile(row: Any, columns: Any, counts: Any) -> dict[str, str]:
        new = original(row, columns, counts)  # computed from the values read
        if row.pk == li.pk:
            # The running site changes 李秀英's phone after the batch read her row.
            fresh = Petitioner.objects.get(pk=li.pk)
            set_phone(fresh, "13604710000")
            fresh.save(update_fields=["phone_enc", "phone_hash"])
        return new

    monkeypatch.setattr(rotation, "_updates", site_saves_meanwhile)
    plan = next(p for p in rotation.discover() if p.model is Petitioner)
    counts = rotation.rotate_model(plan, batch_size=10, dry_run=False)
    assert counts.changed == 1 and counts.rewritten == 1
    li.refresh_from_db()
    assert crypto.decrypt(li.phone_enc) == "13604710000"  # the site's value, not the stale rotation one
    assert crypto.decrypt(li.id_number_enc) == LI_ID
    monkeypatch.setattr(rotation, "_updates", original)
    # The next pass finishes her row.
    counts = rotation.rotate_model(plan, batch_size=10, dry_run=False)
    assert counts.rewritten == 1 and rotation.remaining().models["matters.Petitioner"].rewritten == 0


def test_discovery_finds_every_encrypted_column() -> None:
    plans = {p.label: p for p in rotation.discover()}
    assert {c.base for c in plans["matters.Petitioner"].columns} == {"id_number", "phone"}
    assert "portal.OnlineRequest" in plans and "notify.Preference" in plans
    petitioner = plans["matters.Petitioner"]
    assert {(c.base, c.kind) for c in petitioner.columns} == {("id_number", "id"), ("phone", "phone")}
    assert any(p.hash_only for p in plans.values())  # the SMS codes' phone hash: reported, not recomputed
