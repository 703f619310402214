"""The events that exist today reach the audit log: reveals, exports, imports, documents, account grants."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory, override_settings

from conftest import PASSWORD, Personas, Tree
from daiban.accounts.models import Role, User
from daiban.audit.chain import verify
from daiban.audit.models import AuditRecord
from daiban.matters.tests.factories import WANG_PHONE, Flow
from daiban.pii.services import RevealLimitExceeded, reveal

pytestmark = pytest.mark.django_db


@pytest.fixture
def flow(tree: Tree, personas: Personas) -> Flow:
    return Flow(tree, personas)


def client_for(user: User, address: str = "10.20.30.40") -> Client:
    client = Client(REMOTE_ADDR=address)
    assert client.login(username=user.username, password=PASSWORD)
    AuditRecord.objects.filter(action="login.success").delete()  # only the event under test remains
    return client


def _no_personal_data() -> None:
    for row in AuditRecord.objects.all():
        text = f"{row.target} {row.detail}"
        assert WANG_PHONE not in text


def test_a_reveal_is_one_record_and_a_refusal_another(flow: Flow, personas: Personas) -> None:
    petitioner = flow.at_county().petitioners.first()
    assert petitioner is not None
    reveal(actor=personas.county_staff, obj=petitioner, field="phone", reason="回访核实", ip="198.51.100.7")
    entry = AuditRecord.objects.get(action="pii.reveal")
    assert (entry.actor_username, entry.address, entry.outcome) == ("county_staff", "198.51.100.7", "success")
    assert entry.target == f"matters.petitioner#{petitioner.pk}"
    assert entry.detail == {"field": "phone"}
    with override_settings(DAIBAN_REVEAL_LIMIT=1), pytest.raises(RevealLimitExceeded):
        reveal(actor=personas.county_staff, obj=petitioner, field="phone", reason="再看", ip="198.51.100.7")
    assert AuditRecord.objects.filter(action="pii.reveal", outcome="denied").count() == 1
    _no_personal_data()
    assert verify().ok


def test_matter_csv_export(flow: Flow, personas: Personas) -> None:
    flow.at_county()
    client = client_for(personas.county_staff)
    response = client.get("/matters/export.csv", {"q": WANG_PHONE})
    assert response.status_code == 200
    b"".join(response.streaming_content)  # type: ignore[attr-defined]
    entry = AuditRecord.objects.get(action="export.create")
    assert (entry.target, entry.address, entry.actor_username) == (
        "matters.csv",
        "10.20.30.40",
        "county_staff",
    )
    assert entry.detail == {"filters": ["q"]}  # which filters, never their values
    _no_personal_data()


def test_ledger_export_and_download(flow: Flow, personas: Personas) -> None:
    flow.at_county()
    client = client_for(personas.county_staff)
    response = client.post("/exports/ledger/matters/")
    assert response.status_code == 303
    token = response["Location"].rstrip("/").split("/")[-1]
    assert client.get(f"/exports/jobs/{token}/download/").status_code == 200
    actions = list(AuditRecord.objects.order_by("seq").values_list("action", "outcome"))
    assert actions == [("export.create", "success"), ("export.download", "success")]
    created = AuditRecord.objects.get(action="export.create")
    assert created.detail["ledger"] == "matters" and created.target.startswith("exportjob#")


def test_monthly_report_download(personas: Personas) -> None:
    client = client_for(personas.county_staff)
    response = client.get("/exports/monthly/", {"format": "xlsx"})
    assert response.status_code == 200
    entry = AuditRecord.objects.get(action="export.create")
    assert entry.detail == {"report": "monthly"}


def test_an_import_refused_is_a_failure_record(personas: Personas) -> None:
    client = client_for(personas.county_staff)
    upload = SimpleUploadedFile("ledger.xlsx", b"not a workbook")
    response = client.post("/imports/matters/", {"file": upload})
    assert response.status_code == 302
    entry = AuditRecord.objects.get(action="import.apply")
    assert entry.outcome == "failure" and entry.target.startswith("importrun#")
    assert entry.detail["kind"] == "matters"


def test_issuing_a_document(flow: Flow, personas: Personas) -> None:
    from daiban.documents.tests.helpers import issue

    m = flow.at_county()
    doc = issue(flow, personas.county_staff, m, "receipt")
    entry = AuditRecord.objects.get(action="document.issue")
    assert entry.target == f"document#{doc.pk}"
    assert entry.detail == {"number": doc.number, "kind": "receipt"}
    assert entry.actor_username == "county_staff"


def test_a_grant_change_in_the_console(personas: Personas, tree: Tree) -> None:
    admin = site._registry[User]
    request = RequestFactory().post("/admin/", REMOTE_ADDR="10.0.0.9")
    request.user = personas.city_admin
    user = User.objects.get(pk=personas.leader.pk)
    user.role = Role.SUPERVISOR
    admin.save_model(request, user, form=None, change=True)  # type: ignore[arg-type]
    entry = AuditRecord.objects.get(action="role.change")
    assert entry.actor_username == "city_admin" and entry.address == "10.0.0.9"
    assert entry.detail["before"]["role"] == Role.LEADER
    assert entry.detail["after"]["role"] == Role.SUPERVISOR
    assert entry.detail["after"]["region__code"] == tree.county_a.code
    # Saving without a change to the grant records nothing more.
    admin.save_model(request, user, form=None, change=True)  # type: ignore[arg-type]
    assert AuditRecord.objects.filter(action="role.change").count() == 1
