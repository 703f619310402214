"""Matter numbers (per county and year) and lookup codes (the petitioner's secret for asking about it)."""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import F

from daiban.matters.models import Matter, NumberSequence
from daiban.regions.models import Region

LOOKUP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def next_number(region: Region, year: int) -> str:
    """``<county code>-<year>-<5 digits>``, drawn under a row lock so that two intakes never share one."""
    codes = region.ancestor_codes
    county_code = codes[1] if len(codes) > 1 else codes[0]
    seq, _ = NumberSequence.objects.select_for_update().get_or_create(county_code=county_code, year=year)
    NumberSequence.objects.filter(pk=seq.pk).update(last=F("last") + 1)
    seq.refresh_from_db()
    return f"{county_code}-{year}-{seq.last:05d}"


# Lookup codes are secrets a petitioner uses to ask about their matter: drawn from the OS's randomness.
# Only the demo loader swaps in a seeded generator (``seeded_lookup_codes``) so that the demo is the same
# on every machine.
_SYSTEM_RANDOM = secrets.SystemRandom()
_lookup_random: ContextVar[random.Random | None] = ContextVar("daiban_lookup_random", default=None)


@contextmanager
def seeded_lookup_codes(seed: int) -> Iterator[None]:
    """Deterministic lookup codes inside the block (demo data only; never for real matters)."""
    token = _lookup_random.set(random.Random(seed))  # noqa: S311 - demo data, not a secret
    try:
        yield
    finally:
        _lookup_random.reset(token)


def lookup_code() -> str:
    rng = _lookup_random.get() or _SYSTEM_RANDOM
    while True:
        code = "".join(rng.choice(LOOKUP_ALPHABET) for _ in range(8))
        if not Matter.objects.filter(lookup_code=code).exists():
            return code
