"""Which matter this browser looked up: kept in the session (never in a URL), with a fingerprint of the
lookup code it was opened with, so that a reissued code ends every lookup opened with the old one, and
for a limited time (a shared phone forgets it).

Checking a number and code does the same work whether the number exists or not: one query by number,
then a constant-time comparison against the real code or a dummy one.
"""

from __future__ import annotations

import hmac
import time
import unicodedata

from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from daiban.matters.models import Matter

SESSION_KEY = "portal_lookup"
# A lookup stays open this long after the number and code were typed.
LOOKUP_SECONDS = 30 * 60
# Compared against when the number does not exist: the same comparison, never equal (0 is not in the
# lookup codes' alphabet, daiban.matters.actions.numbering.LOOKUP_ALPHABET).
DUMMY_CODE = "00000000"


def normalise_number(raw: str) -> str:
    """As typed from a receipt: full-width characters and spaces forgiven."""
    return "".join(unicodedata.normalize("NFKC", raw or "").split()).upper()


def normalise_code(raw: str) -> str:
    text = "".join(unicodedata.normalize("NFKC", raw or "").split()).upper()
    return text.replace("-", "")


def fingerprint(code: str) -> str:
    return salted_hmac("daiban.portal.lookup.code", code).hexdigest()


def check(number: str, code: str) -> int | None:
    """The id of the matter whose number and lookup code these are, or None — the same work either way."""
    row = Matter.objects.filter(number=number).values_list("pk", "lookup_code").first()
    real = row[1] if row is not None else DUMMY_CODE
    same = hmac.compare_digest(code.encode(), real.encode())
    return row[0] if same and row is not None else None


def remember(request: HttpRequest, matter_id: int, code: str) -> None:
    request.session.cycle_key()  # a new session key for what the browser may now see
    request.session[SESSION_KEY] = {
        "matter": matter_id,
        "code": fingerprint(code),
        "until": int(time.time()) + LOOKUP_SECONDS,
    }


def forget(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def current(request: HttpRequest) -> tuple[Matter | None, bool]:
    """(the matter this browser looked up, or None; whether a lookup was there but has ended — timed out
    or its code was reissued)."""
    data = request.session.get(SESSION_KEY)
    if data is None:
        return None, False
    matter_id, code, until = (
        (data.get(k) for k in ("matter", "code", "until")) if isinstance(data, dict) else (None,) * 3
    )
    matter = None
    if (
        isinstance(matter_id, int)
        and isinstance(code, str)
        and isinstance(until, int)
        and until >= time.time()
    ):
        matter = (
            Matter.objects.select_related("responsible_agent", "holder_region").filter(pk=matter_id).first()
        )
        if matter is not None and not hmac.compare_digest(code, fingerprint(matter.lookup_code)):
            matter = None
    if matter is None:
        forget(request)
        return None, True
    return matter, False
