"""Matter numbers (per county and year) and lookup codes (the petitioner's secret for asking about it)."""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import IntegrityError, connections, router, transaction

from daiban.matters.models import Matter, NumberSequence
from daiban.regions.models import Region

LOOKUP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def next_number(region: Region, year: int) -> str:
    """``<county code>-<year>-<5 digits>``, drawn under a row lock so that two intakes never share one.

    One statement as a rule (``UPDATE … RETURNING``: the increment takes the row lock, held to the end of
    the caller's transaction); the county's first matter of a year makes its row first (in a savepoint: of
    two first intakes at once, the loser finds the winner's row)."""
    codes = region.ancestor_codes
    county_code = codes[1] if len(codes) > 1 else codes[0]
    alias = router.db_for_write(NumberSequence)
    table = connections[alias].ops.quote_name(NumberSequence._meta.db_table)
    sql = f"UPDATE {table} SET last = last + 1 WHERE county_code = %s AND year = %s RETURNING last"  # noqa: S608
    for _ in range(2):
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, [county_code, year])
            row = cursor.fetchone()
        if row is not None:
            return f"{county_code}-{year}-{row[0]:05d}"
        try:
            with transaction.atomic(using=alias):
                NumberSequence.objects.using(alias).create(county_code=county_code, year=year, last=0)
        except IntegrityError:
            pass
    raise RuntimeError(f"no number sequence for {county_code} {year}")


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


def draw_lookup_code() -> str:
    """A new code, not checked against the table: the caller lets the unique index refuse a clash (32⁸ ≈
    1.1 × 10¹² codes) and draws again (``lookup_code_clash``)."""
    rng = _lookup_random.get() or _SYSTEM_RANDOM
    return "".join(rng.choice(LOOKUP_ALPHABET) for _ in range(8))


def intake_lookup_code() -> str:
    """The intake's code: drawn blind (the unique index refuses the rare clash), except under seeded demo
    codes (``seeded_lookup_codes``), where a second run of the same demo draws the very sequence whose codes
    the matters already there hold, so it probes the table as ``lookup_code`` does."""
    return lookup_code() if _lookup_random.get() is not None else draw_lookup_code()


def lookup_code() -> str:
    """A new code that no matter has now (one query: for the rare re-issue and import; the intake uses
    ``draw_lookup_code`` and the unique index)."""
    while True:
        code = draw_lookup_code()
        if not Matter.objects.filter(lookup_code=code).exists():
            return code


def lookup_code_clash(exc: IntegrityError) -> bool:
    """Whether the unique index on the lookup code refused an insert (PostgreSQL names the constraint
    ``matters_matter_lookup_code_key``, SQLite the column ``matters_matter.lookup_code``)."""
    return "lookup_code" in str(exc)
