"""Who sees which documents: those of the matters in the user's scope (``matters_for``), and a responsible
unit only the kinds units are party to (the opinions, the 交办单, the orders; never the 委托书 between the
petitioner and the agent). Outside that, a document does not exist (404)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from daiban.accounts.models import Role, User
from daiban.documents import kinds
from daiban.documents.models import Document
from daiban.matters import rules
from daiban.matters.models import Matter
from daiban.matters.selectors import matters_for


def visible_kinds(user: User) -> list[kinds.Kind]:
    if user.role == Role.UNIT_HANDLER:
        return [k for k in kinds.all_kinds() if k.units_see]
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
    """Issues, signs, serves, corrects: whoever acts on the matter (a supervisor only reads)."""
    return rules.acts_on(user, matter)


def may_issue(user: User, matter: Matter, kind: kinds.Kind, source_key: str) -> bool:
    if kind not in visible_kinds(user) or not may_act(user, matter):
        return False
    return kind.may_issue is None or kind.may_issue(user, matter, source_key)
