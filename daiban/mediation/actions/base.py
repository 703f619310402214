"""What every mediation action shares, like the matter actions: keyword-only, the acting user, one
transaction that checks scope (→ ``OutOfScope``, a 404), takes the dossier's row lock (so a matter's
mediation records change one at a time and its event log has no gaps), compares the expected version of the
record changed (→ ``Conflict``, the conflict page with the input kept), checks who may (→ ``NotAllowed`` /
``WrongState``), validates input (→ ``ValidationError`` naming the field, in Chinese) and writes one
``DossierEvent``."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters.actions.base import choice, fail, require_text
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope, WrongState
from daiban.matters.models import Matter
from daiban.matters.selectors import matters_for
from daiban.mediation import selectors
from daiban.mediation.models import Agreement, Dossier, DossierEvent

__all__ = [
    "RowError",
    "agreement_locked",
    "choice",
    "dossier_locked",
    "fail",
    "optional_text",
    "plain_name",
    "record",
    "require_text",
]


class RowError(ValidationError):
    """One row of a repeated part of a form is invalid (``rows``: "parties" or "obligations"; ``index``
    0-based; ``field`` the row's field), so a view puts the message on that row's field."""

    def __init__(self, rows: str, index: int, field: str, message: str) -> None:
        super().__init__({field: [message]})
        self.rows = rows
        self.index = index
        self.field = field


def optional_text(field: str, value: str, label: str, max_length: int) -> str:
    value = (value or "").strip()
    if len(value) > max_length:
        raise fail(field, f"{label}不能超过 {max_length} 个字。")
    return value


_DIGITS = re.compile(r"\d(?:[\s\-－—.·]*\d){6,}", re.ASCII)


def has_long_number(text: str) -> bool:
    """Seven or more digits in a row (any script, any spacing): a phone or ID number."""
    folded = "".join(
        str(unicodedata.digit(c)) if unicodedata.digit(c, None) is not None else c
        for c in unicodedata.normalize("NFKC", text)
    )
    return bool(_DIGITS.search(folded))


def plain_name(value: str, label: str, max_length: int, *, required: bool, error: Any) -> str:
    """A name or a description in words: no phone or ID number in it (the agreement is handed out)."""
    text = (value or "").strip()
    if required and not text:
        raise error(f"请填写{label}。")
    if len(text) > max_length:
        raise error(f"{label}不能超过 {max_length} 个字。")
    if has_long_number(text):
        raise error(f"{label}只填姓名、单位或身份，不要填写电话或证件号码。")
    return text


def _dossier(actor: User, matter: Matter) -> Dossier:
    """The matter's dossier, opened by whoever records the first thing in it, and row-locked."""
    found = Dossier.objects.select_for_update().filter(matter_id=matter.pk).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            Dossier.objects.create(matter=matter, opened_at=clock.now(), opened_by=actor)
    except IntegrityError:  # opened by a concurrent action meanwhile
        pass
    return Dossier.objects.select_for_update().get(matter_id=matter.pk)


def _require_writer(actor: User, matter: Matter) -> None:
    refusal = selectors.write_refusal(actor, matter)
    if refusal is not None:
        raise NotAllowed(refusal)


@contextmanager
def dossier_locked(
    actor: User, matter_id: int, *, starting: bool = False
) -> Iterator[tuple[Matter, Dossier]]:
    """Scope, the dossier's lock and the writer's rights; ``starting``: something new is begun (a session,
    an agreement), which needs an open matter that mediation fits."""
    with transaction.atomic():
        matter = matters_for(actor).filter(pk=matter_id).first()
        if matter is None:
            raise OutOfScope
        _require_writer(actor, matter)
        if starting:
            reason = selectors.may_start(matter)
            if reason is not None:
                raise WrongState(reason)
        yield matter, _dossier(actor, matter)


@contextmanager
def agreement_locked(
    actor: User, agreement_id: int, expected_version: int | None
) -> Iterator[tuple[Matter, Dossier, Agreement]]:
    """Scope, the dossier's lock, then the agreement's row lock and its version."""
    with transaction.atomic():
        found = selectors.agreements_for(actor).filter(pk=agreement_id).values_list("matter_id", flat=True)
        matter_id = found.first()
        if matter_id is None:
            raise OutOfScope
        matter = Matter.objects.get(pk=matter_id)
        _require_writer(actor, matter)
        dossier = _dossier(actor, matter)
        agreement = Agreement.objects.select_for_update().get(pk=agreement_id)
        if expected_version is not None and agreement.version != expected_version:
            raise Conflict
        yield matter, dossier, agreement


def record(
    dossier: Dossier, actor: User | None, kind: str, summary: str, details: dict[str, Any] | None = None
) -> DossierEvent:
    """Bump the dossier's version and write its event (same transaction)."""
    dossier.version += 1
    dossier.save(update_fields=["version"])
    return DossierEvent.objects.create(
        dossier=dossier,
        seq=dossier.version,
        at=clock.now(),
        actor=actor,
        kind=kind,
        summary=summary[:200],
        details=details or {},
    )


def bump(agreement: Agreement) -> None:
    agreement.version += 1
    agreement.save()
