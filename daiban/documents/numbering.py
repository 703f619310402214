"""Document numbers (文号): per issuing organisation, kind and year, without gaps or doubles.

A serial is drawn inside the issuing transaction under a row lock on the sequence, so two concurrent
issues wait for each other and a rolled-back issue gives its serial back. The number reads like
``新信代受〔2026〕17号``: the issuer's 机关代字, the kind's character, the year in 〔〕 and the serial.
"""

from __future__ import annotations

from django.db.models import F

from daiban.documents.models import DocumentSequence


def draw(issuer_key: str, kind: str, year: int) -> int:
    seq, _ = DocumentSequence.objects.select_for_update().get_or_create(
        issuer_key=issuer_key, kind=kind, year=year
    )
    DocumentSequence.objects.filter(pk=seq.pk).update(last=F("last") + 1)
    seq.refresh_from_db(fields=["last"])
    return seq.last


def format_number(abbr: str, code: str, year: int, serial: int) -> str:
    return f"{abbr}{code}〔{year}〕{serial}号"
