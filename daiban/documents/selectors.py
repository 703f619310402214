"""Who sees which documents: those of the matters in the user's scope (``matters_for``), and a responsible
unit only the kinds units are party to (the opinions, the 交办单, the orders; never the 委托书 between the
petitioner and the agent). Outside that, a document does not exist (404)."""

from __future__ import annotations

import datetime
from functools import lru_cache

from django.db.models import QuerySet
from django.http import Http404

from daiban.accounts.models import Role, User
from daiban.documents import kinds
from daiban.documents.models import Document, DocumentStatus, Service
from daiban.matters import rules
from daiban.matters.models import Matter, Recusal
from daiban.matters.selectors import matters_for
from daiban.regions import geometry
from daiban.regions.models import Region


def visible_kinds(user: User) -> list[kinds.Kind]:
    if user.role == Role.UNIT_HANDLER:
        return [k for k in kinds.all_kinds() if k.units_see and not k.staff_only]
    if user.role not in rules.HOLDER_ROLES:
        return [k for k in kinds.all_kinds() if not k.staff_only]
    return kinds.all_kinds()


def documents_for(user: User) -> QuerySet[Document]:
    keys = [k.key for k in visible_kinds(user)]
    return Document.objects.filter(matter__in=matters_for(user).values("pk"), kind__in=keys)


def matter_or_404(user: User, matter_id: int) -> Matter:
    matter = matters_for(user).filter(pk=matter_id).first()
    if matter is None:
        raise Http404
    return matter


def document_or_404(user: User, document_id: int) -> Document:
    doc = documents_for(user).select_related("matter", "issued_by").filter(pk=document_id).first()
    if doc is None:
        raise Http404
    return doc


def may_act(user: User, matter: Matter) -> bool:
    """Issues, signs, serves, corrects: whoever acts on the matter (a supervisor only reads), unless they
    withdrew from it (回避)."""
    # A unit in scope (an active task, or the review it decides) acts on its own documents even after the
    # matter moved on (its review opinion, once a re-examination began); what it may issue is its own only.
    acting = user.role == Role.UNIT_HANDLER or rules.acts_on(user, matter)
    return acting and not Recusal.objects.filter(matter=matter, user=user).exists()


@lru_cache(maxsize=8192)
def _region_path(code: str) -> str | None:
    """A region's path by its code (a code's place in the tree never changes)."""
    return Region.objects.filter(code=code).values_list("path", flat=True).first()


def speaks_for(user: User, issuer_key: str) -> bool:
    """Whether ``user`` issues in the name of ``issuer_key``: a handler of that unit, or staff of that
    network office or of one above it (the county centre for its stations and points)."""
    kind, _, ident = issuer_key.partition(":")
    if kind == "unit":
        return user.role == Role.UNIT_HANDLER and user.unit_id is not None and str(user.unit_id) == ident
    if kind == "region" and user.role in rules.HOLDER_ROLES and user.region_path:
        path = _region_path(ident)
        return path is not None and geometry.contains(user.region_path, path)
    return False


def may_serve(user: User, matter: Matter, kind: kinds.Kind, source_key: str) -> bool:
    if not kind.served or not may_act(user, matter):
        return False
    return kind.may_serve is None or kind.may_serve(user, matter, source_key)


def may_issue(
    user: User, matter: Matter, kind: kinds.Kind, source_key: str, *, acting: bool | None = None
) -> bool:
    """``acting``: ``may_act(user, matter)`` when the caller knows it already (a list of many sources)."""
    if acting is None:
        acting = may_act(user, matter)
    if kind not in visible_kinds(user) or not acting:
        return False
    if kind.may_issue is not None and not kind.may_issue(user, matter, source_key):
        return False
    # Issued, corrected and cancelled only in the issuer's own name: a unit never cancels the 督办单 sent
    # to it, a village point never issues the county's 交办单.
    return speaks_for(user, kind.issuer(matter, source_key).key)


def served_to_petitioner(matter: Matter) -> list[tuple[Document, datetime.date]]:
    """The written instruments the petitioner was served with (受理告知书, 延期告知书, 处理/复查/复核意见书 …):
    the valid (not superseded, not cancelled) documents of the kinds served on the petitioner whose
    service is recorded — on the document itself or, for an opinion served from the matter page, on the
    record it answers — with the day they were served, oldest first. For the petitioner's own public
    lookup (daiban.portal), which has no user: the caller has established that the asker holds the
    matter's number and lookup code."""
    served_kinds = {k.key: k for k in kinds.all_kinds() if k.served}
    docs = list(
        Document.objects.filter(matter=matter, kind__in=list(served_kinds), status=DocumentStatus.ISSUED)
        .defer("data", "body_html", "template_source")
        .order_by("issued_at", "id")
    )
    if not docs:
        return []
    # One service per written reply, whichever version of it recorded it (served_before in actions).
    first_served: dict[tuple[str, str], datetime.date] = {}
    for kind_key, source_key, served_on in Service.objects.filter(
        document__matter=matter, document__kind__in=list(served_kinds)
    ).values_list("document__kind", "document__source_key", "served_on"):
        key = (kind_key, source_key)
        first_served[key] = min(first_served.get(key, served_on), served_on)
    found = []
    for doc in docs:
        when = first_served.get((doc.kind, doc.source_key))
        kind = served_kinds[doc.kind]
        if when is None and kind.served_elsewhere is not None:
            when = kind.served_elsewhere(matter, doc.source_key)
        if when is not None:
            found.append((doc, when))
    return found
