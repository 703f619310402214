"""What the mediation dossier shows outside its own pages, and what its pages share for reading: the matter
page's 调解卷宗 section, the hint shown to whoever closes the matter, and each agreement as the reader sees it
(document, state, 司法确认, obligations and what the reader may do)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.urls import reverse

from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters.models import Matter
from daiban.mediation import selectors
from daiban.mediation.models import (
    JUDICIAL_DECIDED,
    Agreement,
    AgreementStatus,
    MediationSession,
    Obligation,
    ObligationStatus,
    Party,
)


def dossier_url(matter_id: int) -> str:
    return reverse("mediation:dossier", args=[matter_id])


def _agreements(matter_id: int) -> list[Agreement]:
    return list(
        Agreement.objects.filter(matter_id=matter_id)
        .select_related("office", "supersedes")
        .prefetch_related(
            Prefetch("parties", queryset=Party.objects.select_related("petitioner")),
            Prefetch(
                "obligations",
                queryset=Obligation.objects.select_related("party").prefetch_related("performances"),
            ),
            "mediators",
        )
        .order_by("ordinal", "revision")
    )


def agreement_views(matter_id: int, can_write: bool = False, can_start: bool = False) -> list[dict[str, Any]]:
    """Each agreement with its document, state, 司法确认 line, obligations (with their state) and
    performance, newest first; what the reader may do with it (``can_write``: record on this matter;
    ``can_start``: also change its agreements, which needs an open matter)."""
    today = clock.today()
    rows = _agreements(matter_id)
    documents = selectors.valid_documents(matter_id, rows)
    revised = {a.supersedes_id for a in rows if a.supersedes_id}
    has_draft = any(a.status == AgreementStatus.DRAFT for a in rows)
    shown = []
    for a in reversed(rows):
        doc = documents.get(a.pk)
        obligations = list(a.obligations.all())
        in_force = a.status == AgreementStatus.SIGNED
        shown.append(
            {
                "agreement": a,
                "document": doc,
                "state": selectors.agreement_state(a, doc),
                "judicial": selectors.judicial_text(a, today),
                "obligations": [
                    {
                        "row": ob,
                        "state": selectors.obligation_state(ob, today),
                        "label": selectors.STATE_LABELS[selectors.obligation_state(ob, today)],
                        "can_perform": can_write
                        and in_force
                        and ob.status not in (ObligationStatus.DONE, ObligationStatus.LATE),
                    }
                    for ob in obligations
                ],
                "performance": selectors.performance(obligations, today) if a.is_signed else None,
                "mediators": [str(u) for u in a.mediators.all()]
                + ([a.mediator_names] if a.mediator_names else []),
                "stale_document": doc is not None
                and a.status == AgreementStatus.DRAFT
                and (doc.data or {}).get("content_rev") != a.content_rev,
                "can_edit": can_start and a.status == AgreementStatus.DRAFT,
                "can_issue": can_write and doc is None and a.status != AgreementStatus.SUPERSEDED,
                "can_judicial": can_write and in_force and a.judicial_status not in JUDICIAL_DECIDED,
                "can_revise": can_start and in_force and a.pk not in revised and not has_draft,
            }
        )
    return shown


def matter_panel(user: User, matter: Matter) -> dict[str, Any] | None:
    """The matter page's 调解卷宗 section: sessions, agreements with their documents, 司法确认 and each
    obligation's state; the button to open the dossier for whoever may record. Shown when there is
    something in the dossier, when the matter has an old 调解 record, or when the reader may start one."""
    facts = selectors.panel_facts(user, matter)
    can_start = facts.may_write and selectors.may_start(matter) is None
    if facts.dossier_id is None and not can_start and not facts.has_old_record:
        return None
    sessions = (
        list(MediationSession.objects.filter(dossier_id=facts.dossier_id).order_by("-held_at", "-id"))
        if facts.dossier_id is not None
        else []
    )
    return {
        "sessions": len(sessions),
        "last_session": sessions[0] if sessions else None,
        "agreements": agreement_views(matter.pk) if facts.dossier_id is not None else [],
        "has_old_record": facts.has_old_record,
        "can_start": can_start,
        "url": dossier_url(matter.pk),
    }


def close_hint(user: User, matter: Matter) -> dict[str, Any] | None:
    """Shown above the 办结 form: how the parties performed the agreements in force, so that whoever
    closes the matter weighs it when saying whether it is resolved (化解)."""
    today = clock.today()
    rows = [
        a
        for a in Agreement.objects.filter(matter_id=matter.pk, status=AgreementStatus.SIGNED)
        .prefetch_related(Prefetch("obligations", queryset=Obligation.objects.select_related("party")))
        .order_by("ordinal")
    ]
    if not rows:
        return None
    items = []
    unfinished = False
    for a in rows:
        perf = selectors.performance(a.obligations.all(), today)
        unfinished = unfinished or perf.state != "performed"
        items.append({"agreement": a, "performance": perf, "judicial": selectors.judicial_text(a, today)})
    return {"items": items, "unfinished": unfinished, "url": dossier_url(matter.pk)}
