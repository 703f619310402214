"""Every change to a mediation dossier (see ``base`` for what each action shares)."""

from daiban.mediation.actions.agreements import (
    ObligationInput,
    PartyInput,
    agreement_draft,
    agreement_edit,
    agreement_revise,
)
from daiban.mediation.actions.base import RowError
from daiban.mediation.actions.performance import judicial_record, performance_record
from daiban.mediation.actions.sessions import session_record
from daiban.mediation.actions.signing import agreement_signed

__all__ = [
    "ObligationInput",
    "PartyInput",
    "RowError",
    "agreement_draft",
    "agreement_edit",
    "agreement_revise",
    "agreement_signed",
    "judicial_record",
    "performance_record",
    "session_record",
]
