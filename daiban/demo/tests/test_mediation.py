"""The mediation demo (daiban.demo.mediation): open demo matters with a signed 调解 step get a dossier made
through the actions — sessions, a signed agreement with its issued 调解协议书, 司法确认 and performance up to
"today" — loaded once, and readable by the demo accounts of the matter's network."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from daiban.demo.matters import load_demo_matters
from daiban.demo.mediation import MediationResult, candidates, load_demo_mediation
from daiban.demo.network import load_demo_network
from daiban.documents.models import Document
from daiban.mediation.models import Agreement, AgreementStatus, Dossier, MediationSession, Performance

TODAY = datetime.date(2026, 6, 30)


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: object) -> Iterator[MediationResult]:
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        assert load_demo_network() is not None
        # 120 matters: with more of the demo's matters closed (the dashboards' sake), fewer are open with a
        # signed 调解 step; 120 draws at least two of them.
        assert load_demo_matters(today=TODAY, count=120, seed=2026) is not None
        assert candidates(2), "the demo matters should include an open matter with a signed 调解 step"
        result = load_demo_mediation(today=TODAY)
        assert result is not None
        yield result
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo: MediationResult, db: None) -> MediationResult:
    return demo


def test_each_chosen_matter_has_a_signed_agreement_and_its_document(loaded: MediationResult) -> None:
    assert loaded.matters and loaded.agreements == len(loaded.matters)
    for dossier in Dossier.objects.select_related("matter"):
        assert dossier.matter.number in loaded.matters
        assert dossier.matter.mediations.filter(signed=True).exists()
        assert MediationSession.objects.filter(dossier=dossier, outcome="agreed").exists()
        agreement = Agreement.objects.get(dossier=dossier)
        assert agreement.status == AgreementStatus.SIGNED and agreement.judicial_until is not None
        doc = Document.objects.get(kind="mediation_agreement", source_key=agreement.source_key)
        assert doc.signed_at is not None and doc.signatures.count() == agreement.parties.count() == 2
        assert agreement.signed_document_id == doc.pk
        # Nothing in it happened after "today".
        assert all(p.on <= TODAY for p in Performance.objects.filter(obligation__agreement=agreement))
        events = list(dossier.events.order_by("seq").values_list("at", flat=True))
        assert events == sorted(events)


def test_loading_again_changes_nothing(loaded: MediationResult) -> None:
    before = (Dossier.objects.count(), Agreement.objects.count(), Document.objects.count())
    assert load_demo_mediation(today=TODAY) is None
    out = StringIO()
    call_command("load_demo_mediation", stdout=out)
    assert "已有调解卷宗" in out.getvalue()
    assert (Dossier.objects.count(), Agreement.objects.count(), Document.objects.count()) == before


def test_the_matters_agent_reads_the_dossier(loaded: MediationResult) -> None:
    dossier = Dossier.objects.select_related("matter__responsible_agent").first()
    assert dossier is not None
    client = Client()
    client.force_login(dossier.matter.responsible_agent)
    page = client.get(f"/mediation/matter/{dossier.matter_id}/", secure=True)
    assert page.status_code == 200 and "已签署生效" in page.content.decode()
    page = client.get(f"/matters/{dossier.matter_id}/", secure=True)
    assert 'data-testid="matter-mediation"' in page.content.decode()
